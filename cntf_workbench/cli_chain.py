"""The ``cntf chain`` commands: supply-chain CFP (Japanese help and messages).

``chain_app`` is registered as ``cntf chain`` by ``cntf_workbench.cli``. Every input error
prints one line (file, row, column, what was expected) on stderr and exits with 2.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from cntf_workbench.cfp import chain as ch
from cntf_workbench.cfp.transport import load_transport
from cntf_workbench.cli_chain_scenarios import optimise_cmd, scenarios_cmd
from cntf_workbench.cli_common import fail
from cntf_workbench.errors import CntfError
from cntf_workbench.factors import load_factors

chain_app = typer.Typer(
    help="サプライチェーンCFP: 企業間のオーダ別CO2（材料払出〜製品出荷）を計算します",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@chain_app.callback()
def _chain() -> None:
    """サプライチェーンCFP のコマンド群（footprint ほか）。"""


class ChainFormat(StrEnum):
    """Output format of the ``chain`` commands."""

    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[
    ChainFormat, typer.Option("--format", "-f", help="出力形式: table（表）, csv, json")
]
DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data", help="サプライチェーンのデータフォルダ（省略時は同梱 data/seminar/chain）"
    ),
]
FactorsOpt = Annotated[
    Path | None, typer.Option("--factors", help="排出係数表 CSV（省略時は同梱の係数表）")
]
TransportOpt = Annotated[
    Path | None,
    typer.Option("--transport", help="輸送パラメータ CSV（省略時は同梱の transport.csv）"),
]


_SHOWN = (
    "item",
    "stage",
    "firm_id",
    "amount",
    "unit",
    "factor_id",
    "data_kind",
    "scope",
    "kg_co2e",
)
_JA = {
    "item": "オーダ/実績",
    "stage": "段階",
    "firm_id": "企業",
    "amount": "活動量",
    "unit": "単位",
    "factor_id": "係数ID",
    "data_kind": "データ種別",
    "scope": "スコープ",
    "kg_co2e": "排出量(kg-CO2e)",
    "share": "割合",
    "name": "企業名",
}


@chain_app.command(
    "footprint",
    help="製品オーダのサプライチェーンCFP（企業間SCM-BOM）を段階・企業・実績ごとの算出根拠とともに表示します",
)
def footprint_cmd(
    data: DataOpt = None,
    factors: FactorsOpt = None,
    transport: TransportOpt = None,
    order: Annotated[
        str | None,
        typer.Option("--order", help="製品オーダID（例: P-001。省略時は全製品オーダの合計）"),
    ] = None,
    per_unit: Annotated[
        bool, typer.Option("--per-unit", help="製品1台あたりで表示（--order が必要）")
    ] = False,
    fmt: FormatOpt = ChainFormat.table,
) -> None:
    try:
        chain = ch.load_chain(data)
        ft = load_factors(factors)
        params = load_transport(transport)
        if per_unit and order is None:
            raise ch.ChainError("--per-unit には --order で製品オーダを指定してください")
        rows = ch.chain_records(chain, ft, order, params)
        fp = ch.chain_footprint(chain, ft, order, params)
        if per_unit and order is not None:
            k = 1.0 / float(chain.orders.set_index("order_id").loc[order, "quantity"])
            fp = ch.per_unit(chain, fp, order)
            rows = rows.assign(amount=rows["amount"] * k, kg_co2e=rows["kg_co2e"] * k)
    except CntfError as exc:
        fail(exc)
        return
    if fmt is ChainFormat.json:
        payload = {
            "name": fp.name,
            "functional_unit": fp.functional_unit,
            "order_id": order,
            "total_kg_co2e": fp.total,
            "primary_data_share": fp.primary_share(),
            "by_stage": {k: float(v) for k, v in ch.by_stage(rows)["kg_co2e"].items()},
            "by_firm": {k: float(v) for k, v in ch.by_firm(rows)["kg_co2e"].items()},
            "trace": json.loads(
                rows.drop(columns=["units_per_root"]).to_json(orient="records", force_ascii=False)
            ),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if fmt is ChainFormat.csv:
        typer.echo(rows.to_csv(index=False), nl=False)
        return
    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.unicode.east_asian_width", True
    ):
        typer.echo(f"{fp.name}（{fp.functional_unit}）")
        typer.echo(rows.loc[:, list(_SHOWN)].rename(columns=_JA).to_string(index=False))
        typer.echo("")
        typer.echo(ch.by_stage(rows).rename(columns=_JA).rename_axis("段階").to_string())
        typer.echo("")
        typer.echo(ch.by_firm(rows, chain).rename(columns=_JA).rename_axis("企業").to_string())
    typer.echo(f"合計: {fp.total:.6g} kg-CO2e / {fp.functional_unit}")
    typer.echo(f"一次データ比率: {fp.primary_share():.1%}")


# Scenarios and optimisation (cli_chain_scenarios.py) are commands of the same group.
chain_app.command("scenarios", help="シナリオファイル（YAML）の各シナリオを現状と比較します")(
    scenarios_cmd
)
chain_app.command("optimise", help="予算（円）内で CFP 最小の打ち手の組合せを MILP で選びます")(
    optimise_cmd
)
