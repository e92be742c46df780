"""The ``cntf`` command (Japanese help and messages).

Every input error prints one line (file, row, column, what was expected) and exits with 2.
"""

from __future__ import annotations

import json
import subprocess
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from cntf_workbench import datasets
from cntf_workbench.cfp import (
    ALLOCATION_BASES,
    boe_footprint,
    bom_footprint,
    equipment_energy,
    product_footprint,
    routing_footprint,
)
from cntf_workbench.cli_chain import chain_app
from cntf_workbench.cli_common import fail
from cntf_workbench.cli_course import course_app
from cntf_workbench.cli_exchange import exchange_app
from cntf_workbench.cli_survey import survey_app
from cntf_workbench.errors import CntfError
from cntf_workbench.factors import load_factors
from cntf_workbench.trace import JA_COLUMNS, Footprint

app = typer.Typer(
    help="cntf-workbench: カーボンニュートラル実践セミナーのワークベンチ（Scope 3・CFP の計算）",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
cfp_app = typer.Typer(
    help="CFP（製品カーボンフットプリント）を計算して算出根拠とともに表示します",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(cfp_app, name="cfp")
app.add_typer(chain_app, name="chain")
app.add_typer(survey_app, name="survey")
app.add_typer(exchange_app, name="exchange")
app.add_typer(course_app, name="course")


class OutputFormat(StrEnum):
    """Output format of the ``cfp`` commands."""

    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="出力形式: table（表）, csv, json")
]
FactorsOpt = Annotated[
    Path | None, typer.Option("--factors", help="排出係数表 CSV（省略時は同梱の係数表）")
]


def _emit(fp: Footprint, fmt: OutputFormat, extra: pd.DataFrame | None = None) -> None:
    if fmt is OutputFormat.json:
        payload = {
            "name": fp.name,
            "functional_unit": fp.functional_unit,
            "total_kg_co2e": fp.total,
            "primary_data_share": fp.primary_share(),
            "trace": json.loads(fp.trace.to_json(orient="records", force_ascii=False)),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if fmt is OutputFormat.csv:
        typer.echo(fp.trace.to_csv(index=False), nl=False)
        return
    shown = fp.trace[
        [
            "item",
            "stage",
            "amount",
            "unit",
            "factor_value",
            "factor_unit",
            "data_kind",
            "scope",
            "kg_co2e",
        ]
    ]
    table = Footprint(fp.trace).table().loc[:, [JA_COLUMNS[c] for c in shown.columns]]
    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.unicode.east_asian_width", True
    ):
        typer.echo(f"{fp.name}（{fp.functional_unit}）")
        typer.echo(table.to_string(index=False))
        typer.echo("")
        summary = fp.summary().rename(columns=JA_COLUMNS)
        summary.index.name = "スコープ"
        typer.echo(summary.to_string())
        if extra is not None:
            typer.echo("")
            typer.echo(extra.to_string())
    typer.echo(f"合計: {fp.total:.6g} kg-CO2e / {fp.functional_unit}")
    typer.echo(f"一次データ比率: {fp.primary_share():.1%}")


@cfp_app.command("routing", help="生産指示書（工程・BOP）から工程ごとの CO2 を計算します")
def routing_cmd(
    routing: Annotated[Path | None, typer.Option(help="生産指示書 CSV（routing.csv 形式）")] = None,
    resources: Annotated[
        Path | None, typer.Option(help="設備原単位 CSV（resources.csv 形式）")
    ] = None,
    item: Annotated[str | None, typer.Option(help="品目（省略時は表の唯一の品目）")] = None,
    lot_size: Annotated[int | None, typer.Option("--lot-size", help="ロットサイズ（台）")] = None,
    per_unit: Annotated[bool, typer.Option("--per-unit", help="1台あたりで表示")] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    try:
        r = datasets.load_table("routing", routing)
        res = datasets.load_table("resources", resources)
        fp = routing_footprint(r, res, item=item, lot_size=lot_size)
        if per_unit:
            lot = lot_size or int(r.loc[r["item"] == fp.name, "lot_size"].iloc[0])
            fp = fp.scaled(1.0 / lot, "1台")
        _emit(fp, fmt)
    except CntfError as exc:
        fail(exc)


@cfp_app.command("bom", help="部品表（BOM）から製品1台の CO2（スコープ3 カテゴリ1）を計算します")
def bom_cmd(
    bom: Annotated[Path | None, typer.Option(help="部品表 CSV（bom.csv 形式）")] = None,
    product: Annotated[str | None, typer.Option(help="製品（省略時は表の唯一の製品）")] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    try:
        table = datasets.load_table("bom", bom)
        _emit(bom_footprint(table, product), fmt)
    except CntfError as exc:
        fail(exc)


def _factor_ids(electricity: str | None, city_gas: str | None) -> dict[str, str]:
    ids = {}
    if electricity:
        ids["electricity"] = electricity
    if city_gas:
        ids["city_gas"] = city_gas
    return ids


ElecOpt = Annotated[str | None, typer.Option("--electricity-factor", help="電力の排出係数ID")]
GasOpt = Annotated[str | None, typer.Option("--gas-factor", help="都市ガスの排出係数ID")]
BasisOpt = Annotated[
    str | None,
    typer.Option(help="配賦基準: " + ", ".join(f"{k}（{v}）" for k, v in ALLOCATION_BASES.items())),
]


@cfp_app.command(
    "boe", help="設備表（BOE）のエネルギー×係数を計算し、配賦基準を指定すれば製品1台に配賦します"
)
def boe_cmd(
    boe: Annotated[Path | None, typer.Option(help="設備表 CSV（boe.csv 形式）")] = None,
    products: Annotated[
        Path | None, typer.Option(help="配賦ドライバ CSV（products.csv 形式）")
    ] = None,
    factors: FactorsOpt = None,
    product: Annotated[str, typer.Option(help="配賦先の製品")] = "電子調理器",
    basis: BasisOpt = None,
    electricity_factor: ElecOpt = None,
    gas_factor: GasOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    try:
        table = datasets.load_table("boe", boe)
        ft = load_factors(factors)
        ids = _factor_ids(electricity_factor, gas_factor)
        if basis is None:
            _emit(equipment_energy(table, ft, ids), fmt)
        else:
            drivers = datasets.load_table("products", products)
            _emit(boe_footprint(table, drivers, ft, product, basis, ids), fmt)
    except CntfError as exc:
        fail(exc)


@cfp_app.command(
    "product",
    help="製品1台の CFP（部品表＋自社工程＋設備エネルギーの配賦）を1つにまとめて計算します",
)
def product_cmd(
    data: Annotated[
        Path | None, typer.Option(help="セミナー形式のデータフォルダ（省略時は同梱データ）")
    ] = None,
    factors: FactorsOpt = None,
    product: Annotated[str, typer.Option(help="製品")] = "電子調理器",
    basis: Annotated[
        str, typer.Option(help="配賦基準（machine_hours, mass, units, value）")
    ] = "machine_hours",
    electricity_factor: ElecOpt = None,
    gas_factor: GasOpt = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    try:
        seminar = datasets.load_seminar(data)
        fp = product_footprint(
            seminar,
            load_factors(factors),
            product,
            basis,
            _factor_ids(electricity_factor, gas_factor),
        )
        _emit(fp, fmt)
    except CntfError as exc:
        fail(exc)


def _notebook_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "notebooks"


@app.command("lab", help="JupyterLab を notebooks/ フォルダで開きます")
def lab_cmd(
    directory: Annotated[
        Path | None, typer.Option("--dir", help="開くフォルダ（省略時は notebooks/）")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="実行するコマンドを表示するだけ")
    ] = False,
) -> None:
    folder = directory or _notebook_dir()
    if not folder.is_dir():
        typer.echo(f"フォルダ {folder} がありません（--dir で指定してください）", err=True)
        raise typer.Exit(code=2)
    command = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={folder}"]
    if dry_run:
        typer.echo(" ".join(command))
        return
    raise typer.Exit(code=subprocess.call(command))


def main() -> None:
    """Entry point of the ``cntf`` console script."""
    app()


if __name__ == "__main__":
    main()
