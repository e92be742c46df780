"""The seminar's sample data, loaded and validated.

``load_seminar()`` reads ``data/seminar/*.csv`` against ``data/seminar/datapackage.json`` and
returns the tables in a ``SeminarData``. A broken row raises ``DataError`` naming file, row and
column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cntf_workbench import tabular, units
from cntf_workbench.errors import DataError, UnitError
from cntf_workbench.resources import data_root

SEMINAR_TABLES: tuple[str, ...] = (
    "routing",
    "resources",
    "bom",
    "boe",
    "products",
    "slide_totals",
)


def seminar_dir() -> Path:
    """Folder of the shipped seminar data package."""
    return data_root() / "seminar"


def seminar_schema(table: str) -> dict:
    """The Frictionless schema of one seminar table (``routing``, ``bom`` …)."""
    if table not in SEMINAR_TABLES:
        raise DataError(f"表「{table}」はありません（{', '.join(SEMINAR_TABLES)}）")
    return tabular.load_schema(seminar_dir() / "datapackage.json", table)


UNIT_COLUMNS: dict[str, dict[str, str]] = {
    "resources": {"intensity_unit": "factor"},
    "bom": {"intensity_unit": "factor"},
    "boe": {"unit": "amount"},
}
"""Columns holding units, checked when a table is loaded (``factor``: a kg-CO2e/… unit)."""


def _check_units(frame: pd.DataFrame, table: str, path: Path) -> None:
    for column, kind in UNIT_COLUMNS.get(table, {}).items():
        for i, text in enumerate(frame[column], start=1):
            try:
                if kind == "factor":
                    units.split_factor_unit(text)
                else:
                    units.parse_unit(text)
            except UnitError as exc:
                raise DataError(exc.message, file=path, row=i, column=column) from None


def load_table(table: str, path: str | Path | None = None) -> pd.DataFrame:
    """Load one seminar-format table, validated.

    Parameters
    ----------
    table : str
        One of ``SEMINAR_TABLES``.
    path : str or Path, optional
        A user's CSV in that table's format; the shipped file when omitted.
    """
    schema = seminar_schema(table)
    path = Path(path) if path is not None else seminar_dir() / f"{table}.csv"
    frame = tabular.load_table(path, schema)
    _check_units(frame, table, path)
    return frame


@dataclass(frozen=True)
class SeminarData:
    """The seminar's tables (see ``data/seminar/datapackage.json`` for every column and unit)."""

    routing: pd.DataFrame
    resources: pd.DataFrame
    bom: pd.DataFrame
    boe: pd.DataFrame
    products: pd.DataFrame
    slide_totals: pd.DataFrame

    def slide_total(self, key: str) -> float:
        """A total printed on the slides (``routing_per_lot``, ``bom_per_unit``, ``boe_total``)."""
        rows = self.slide_totals[self.slide_totals["key"] == key]
        if rows.empty:
            raise DataError(f"スライドの合計値「{key}」がありません")
        return float(rows.iloc[0]["value"])


def load_seminar(folder: str | Path | None = None) -> SeminarData:
    """Load and validate the seminar's data package.

    Parameters
    ----------
    folder : str or Path, optional
        A folder with the same CSV files (a teacher's variant); the shipped package when omitted.

    Returns
    -------
    SeminarData
    """
    base = Path(folder) if folder is not None else seminar_dir()
    tables = {name: load_table(name, base / f"{name}.csv") for name in SEMINAR_TABLES}
    data = SeminarData(**tables)
    _check_references(data, base)
    return data


def _check_references(data: SeminarData, base: Path) -> None:
    known = set(data.resources["resource"])
    for i, res in enumerate(data.routing["resource"], start=1):
        if res not in known:
            raise DataError(
                f"設備「{res}」が resources.csv にありません",
                file=base / "routing.csv",
                row=i,
                column="resource",
            )
    for i, (scope, cat) in enumerate(
        zip(data.resources["scope"], data.resources["scope3_category"], strict=True), start=1
    ):
        if (scope == 3) == pd.isna(cat):
            raise DataError(
                "スコープ3の設備にはカテゴリが必要で、スコープ1,2には付けません",
                file=base / "resources.csv",
                row=i,
                column="scope3_category",
            )
