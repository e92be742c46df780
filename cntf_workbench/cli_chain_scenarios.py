"""``cntf chain scenarios`` and ``cntf chain optimise`` (Japanese help and messages).

Plain functions, registered by ``cli.py`` with ``chain_app.command("scenarios")(scenarios_cmd)``
and ``chain_app.command("optimise")(optimise_cmd)``. Every input error prints one line (file and
key, what was expected) on stderr and exits with 2.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from cntf_workbench.cfp import scenarios as sc
from cntf_workbench.cfp.chain import load_chain
from cntf_workbench.cli_common import fail
from cntf_workbench.errors import CntfError
from cntf_workbench.factors import load_factors


class Format(StrEnum):
    """Output format."""

    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="出力形式: table（表）, json")]
ChainOpt = Annotated[
    Path | None,
    typer.Option("--chain", help="サプライチェーンのデータフォルダ（省略時は同梱データ）"),
]
FactorsOpt = Annotated[
    Path | None, typer.Option("--factors", help="排出係数表 CSV（省略時は同梱の係数表）")
]


def _show(frame: pd.DataFrame) -> str:
    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.unicode.east_asian_width", True
    ):
        return frame.to_string()


def scenarios_cmd(
    file: Annotated[Path, typer.Argument(help="シナリオファイル（YAML）")],
    chain: ChainOpt = None,
    factors: FactorsOpt = None,
    order: Annotated[
        str | None,
        typer.Option("--order", help="製品オーダ（省略時はファイルの order、なければ全製品）"),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """シナリオファイルの各シナリオを現状と並べて比較します（合計、段階別・企業別の差）。"""
    try:
        scenarios, file_order = sc.load_scenarios(file)
        data = load_chain(chain)
        table = load_factors(factors)
        result = sc.compare(data, table, scenarios, order or file_order)
    except CntfError as exc:
        fail(exc)
        return
    if fmt is Format.json:
        payload = {
            "order": order or file_order,
            "scenarios": [
                {
                    "name": name,
                    "total_kg_co2e": float(row["total_kg_co2e"]),
                    "delta_kg_co2e": float(row["delta_kg_co2e"]),
                    "delta_share": float(row["delta_share"]),
                    "by_stage": {k: float(v) for k, v in result.by_stage[name].items()},
                    "by_firm": {k: float(v) for k, v in result.by_firm[name].items()},
                }
                for name, row in result.totals.iterrows()
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    totals = result.totals.rename(
        columns={
            "total_kg_co2e": "合計(kg-CO2e)",
            "delta_kg_co2e": "差(kg-CO2e)",
            "delta_share": "差(割合)",
        }
    )
    totals.index.name = "シナリオ"
    typer.echo(f"対象: {order or file_order or '全製品オーダ'}")
    typer.echo(_show(totals.round(3)))
    typer.echo("")
    typer.echo("段階別の差 (kg-CO2e)")
    typer.echo(_show(result.stage_delta().round(3).rename_axis("段階")))
    typer.echo("")
    typer.echo("企業別の差 (kg-CO2e)")
    typer.echo(_show(result.firm_delta().round(3).rename_axis("企業")))


def optimise_cmd(
    budget: Annotated[float, typer.Option("--budget", help="予算（円）")],
    alternatives: Annotated[
        Path | None,
        typer.Option(
            "--alternatives", help="判断ポイントと選択肢の CSV（省略時は同梱の alternatives.csv）"
        ),
    ] = None,
    chain: ChainOpt = None,
    factors: FactorsOpt = None,
    order: Annotated[
        str | None, typer.Option("--order", help="製品オーダ（省略時は全製品オーダ）")
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """予算（円）の範囲で CFP が最小になる打ち手の組合せを MILP で選びます。"""
    try:
        data = load_chain(chain)
        table = load_factors(factors)
        alts = sc.load_alternatives(alternatives)
        plan, options = sc.optimise_chain(data, table, budget, alts, order)
        check = sc.evaluate_plan(data, table, plan, options, order).total
    except CntfError as exc:
        fail(exc)
        return
    if fmt is Format.json:
        payload = plan.to_dict()
        payload["recomputed_kg_co2e"] = check
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    shown = plan.choices.rename(
        columns={
            "decision": "判断ポイント",
            "option": "選択肢ID",
            "label": "選択",
            "cost_yen": "費用(円)",
            "delta_kg": "削減(kg-CO2e)",
        }
    )
    typer.echo(_show(shown.set_index("判断ポイント")))
    typer.echo("")
    typer.echo(f"予算: {plan.budget_yen:,.0f} 円 / 費用: {plan.cost_yen:,.0f} 円")
    typer.echo(
        f"CFP: {plan.base_kg_co2e:,.1f} → {plan.total_kg_co2e:,.1f} kg-CO2e"
        f"（{plan.base_kg_co2e - plan.total_kg_co2e:,.1f} kg 削減、再計算 {check:,.1f}）"
    )


__all__ = ["optimise_cmd", "scenarios_cmd"]
