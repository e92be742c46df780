"""Emission factors as data, with source, unit, region and year.

The shipped table is ``data/factors/emission_factors.csv`` (documented in its
``datapackage.json``). No emission factor is a literal in code: every calculation names a factor
id, and a missing id is an error that names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cntf_workbench import tabular, units
from cntf_workbench.errors import FactorError
from cntf_workbench.resources import data_root


@dataclass(frozen=True)
class Factor:
    """One emission factor.

    Attributes
    ----------
    id : str
    activity : str
        e.g. ``"electricity"``, ``"city_gas"``, ``"material:steel"``.
    value : float
        [unit]
    unit : str
        e.g. ``"kg-CO2e/kWh"``.
    region, year, source, kind, note : str
    default : bool
        The default factor for its activity.
    assumed : bool
        A teaching value rather than a published one.
    """

    id: str
    activity: str
    value: float
    unit: str
    region: str
    year: str
    source: str
    kind: str
    default: bool
    assumed: bool
    note: str = ""

    def emission(self, amount: float, amount_unit: str) -> float:
        """Emission of ``amount`` [amount_unit] of the activity [kg-CO2e]."""
        return units.kg_co2e(amount, amount_unit, self.value, self.unit)

    def with_value(self, value: float, *, source: str | None = None) -> Factor:
        """A copy with another value (for what-if sliders), labelled assumed."""
        return Factor(
            id=f"{self.id}@{value:g}",
            activity=self.activity,
            value=float(value),
            unit=self.unit,
            region=self.region,
            year=self.year,
            source=source or f"利用者が指定した値（assumed; 元の係数 {self.id} = {self.value:g}）",
            kind="assumed",
            default=False,
            assumed=True,
            note="",
        )


class FactorTable:
    """A table of emission factors, looked up by id or by activity.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns of ``emission_factors.csv``.
    """

    def __init__(self, frame: pd.DataFrame, source: str | Path = "") -> None:
        self.frame = frame.reset_index(drop=True)
        self.source = str(source)
        for i, row in self.frame.iterrows():
            try:
                units.split_factor_unit(row["unit"])
            except units.UnitError as exc:
                raise FactorError(exc.message, file=source, row=int(i) + 1, column="unit") from None
        defaults = self.frame[self.frame["default"]].groupby("activity").size()
        if (defaults > 1).any():
            act = defaults[defaults > 1].index[0]
            raise FactorError(
                f"活動「{act}」の既定の係数が複数あります", file=source, column="default"
            )
        self._by_id = {row["id"]: self._row(row) for _, row in self.frame.iterrows()}
        self._defaults = {f.activity: f for f in self._by_id.values() if f.default}

    @staticmethod
    def _row(row: pd.Series) -> Factor:
        note = row["note"]
        return Factor(
            id=row["id"],
            activity=row["activity"],
            value=float(row["value"]),
            unit=row["unit"],
            region=row["region"],
            year=str(row["year"]),
            source=row["source"],
            kind=row["kind"],
            default=bool(row["default"]),
            assumed=bool(row["assumed"]),
            note="" if note is None or pd.isna(note) else str(note),
        )

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, factor_id: object) -> bool:
        return factor_id in self._by_id

    def get(self, factor_id: str) -> Factor:
        """The factor with id ``factor_id``; ``FactorError`` naming it when there is none."""
        try:
            return self._by_id[factor_id]
        except KeyError:
            raise FactorError(
                f"排出係数「{factor_id}」が係数表にありません", file=self.source or None
            ) from None

    def for_activity(self, activity: str) -> pd.DataFrame:
        """All factors of one activity (e.g. every electricity factor)."""
        out = self.frame[self.frame["activity"] == activity]
        if out.empty:
            raise FactorError(
                f"活動「{activity}」の排出係数が係数表にありません", file=self.source or None
            )
        return out

    def choices(self, activity: str, exclude_zero: bool = False) -> list[tuple[str, str]]:
        """Options (label, factor id) for a drop-down of one activity's factors.

        Labels read ``0.437 kg-CO2e/kWh — JP (national average) FY2022``. ``exclude_zero``
        leaves out factors of zero (e.g. renewable menus, where a quotient by the factor would
        be meaningless).
        """
        rows = self.for_activity(activity)
        if exclude_zero:
            rows = rows[rows["value"] > 0]
        return [
            (f"{r['value']:g} {r['unit']} — {r['region']} {r['year']}", r["id"])
            for _, r in rows.iterrows()
        ]

    def default(self, activity: str) -> Factor:
        """The factor flagged ``default`` for ``activity``."""
        if activity in self._defaults:
            return self._defaults[activity]
        rows = self.for_activity(activity)
        rows = rows[rows["default"]]
        if rows.empty:
            raise FactorError(
                f"活動「{activity}」の既定の排出係数がありません", file=self.source or None
            )
        return self._by_id[rows.iloc[0]["id"]]

    def resolve(self, activity: str, factor_id: str | None = None) -> Factor:
        """The factor ``factor_id`` (checked to be of ``activity``), else the default one."""
        if factor_id is None:
            return self.default(activity)
        factor = self.get(factor_id)
        if factor.activity != activity:
            raise FactorError(
                f"排出係数「{factor_id}」は「{factor.activity}」用で、「{activity}」には使えません",
                file=self.source or None,
            )
        return factor


def load_factors(path: str | Path | None = None) -> FactorTable:
    """Load an emission-factor table, validated against the shipped schema.

    Parameters
    ----------
    path : str or Path, optional
        A CSV with the columns of ``data/factors/emission_factors.csv``; the shipped table when
        omitted.

    Returns
    -------
    FactorTable
    """
    folder = data_root() / "factors"
    schema = tabular.load_schema(folder / "datapackage.json", "emission_factors")
    path = Path(path) if path is not None else folder / "emission_factors.csv"
    return FactorTable(tabular.load_table(path, schema), source=path)
