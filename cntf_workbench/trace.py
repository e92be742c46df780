"""The calculation trace (算出根拠) and the ``Footprint`` that carries it.

A ``Footprint`` is a total and a trace table with one row per contribution. The total is always
the trace's sum (``math.fsum`` of ``kg_co2e``); it is never stored apart, so it cannot drift.

Trace columns (units in brackets):

=================  ==========================================================================
item               品目 the product, part or process the row belongs to
stage              段階 life-cycle or process stage (e.g. 切断, 部品調達, 設備エネルギー)
activity           活動 what was measured (e.g. 稼働時間, 部品質量, 電力量)
amount             活動量 activity amount [unit]
unit               活動量の単位
factor_id          排出係数ID (row of ``data/factors`` or of a seminar table)
factor_value       排出係数 [factor_unit]
factor_unit        e.g. kg-CO2e/kWh
factor_source      出典 (document and table)
data_kind          データ種別: measured 実績値 / disclosed 開示値 / rated 規格値 / database 二次データ / assumed
scope              1, 2 or 3 (GHG Protocol, from the reporting firm's point of view)
scope3_category    1–15 when scope is 3, else missing
kg_co2e            排出量 [kg-CO2e]
assumed            True when the row's activity amount or factor value is an assumption (a
                   teaching value); assumptions about classification or scope are in ``note``
note               備考
=================  ==========================================================================
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from cntf_workbench.errors import DataError

TRACE_COLUMNS: tuple[str, ...] = (
    "item",
    "stage",
    "activity",
    "amount",
    "unit",
    "factor_id",
    "factor_value",
    "factor_unit",
    "factor_source",
    "data_kind",
    "scope",
    "scope3_category",
    "kg_co2e",
    "assumed",
    "note",
)

DATA_KINDS: dict[str, str] = {
    "measured": "実績値",
    "disclosed": "開示値",
    "rated": "規格値",
    "database": "二次データ",
    "assumed": "仮定値",
}
"""Data kinds and their Japanese names."""

PRIMARY_KINDS: frozenset[str] = frozenset({"measured", "disclosed"})
"""Kinds counted as primary data (一次データ): measured on site or disclosed by the supplier."""

JA_COLUMNS: dict[str, str] = {
    "item": "品目",
    "stage": "段階",
    "activity": "活動",
    "amount": "活動量",
    "unit": "単位",
    "factor_id": "係数ID",
    "factor_value": "排出係数",
    "factor_unit": "係数の単位",
    "factor_source": "出典",
    "data_kind": "データ種別",
    "scope": "スコープ",
    "scope3_category": "カテゴリ",
    "kg_co2e": "排出量(kg-CO2e)",
    "assumed": "仮定値を含む",
    "note": "備考",
    "share": "割合",
}
"""Japanese headers for the trace and contribution tables (CLI, notebooks, reports)."""

SCOPE3_CATEGORIES: dict[int, str] = {
    1: "購入した製品・サービス",
    2: "資本財",
    3: "Scope1,2に含まれない燃料及びエネルギー活動",
    4: "輸送、配送（上流）",
    5: "事業から出る廃棄物",
    6: "出張",
    7: "雇用者の通勤",
    8: "リース資産（上流）",
    9: "輸送、配送（下流）",
    10: "販売した製品の加工",
    11: "販売した製品の使用",
    12: "販売した製品の廃棄",
    13: "リース資産（下流）",
    14: "フランチャイズ",
    15: "投資",
}


def make_trace(rows: Iterable[dict]) -> pd.DataFrame:
    """Build and validate a trace table from row dicts.

    Parameters
    ----------
    rows : iterable of dict
        Each with the keys of ``TRACE_COLUMNS`` (``scope3_category``, ``assumed`` and ``note``
        may be left out).

    Returns
    -------
    pandas.DataFrame
        Columns ``TRACE_COLUMNS`` in that order.
    """
    frame = pd.DataFrame(list(rows))
    return validate_trace(frame)


def validate_trace(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a trace table and return it with canonical column order and dtypes.

    Raises
    ------
    DataError
        On a missing column, an unknown data kind, a scope outside 1–3, a Scope 3 row without a
        category (or a category on a Scope 1/2 row), or a non-finite ``kg_co2e``.
    """
    frame = frame.copy()
    for col, default in (("scope3_category", pd.NA), ("assumed", False), ("note", "")):
        if col not in frame.columns:
            frame[col] = default
    missing = [c for c in TRACE_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"算出根拠の表に列 {', '.join(missing)} がありません", column=missing[0])
    frame = frame.loc[:, list(TRACE_COLUMNS)].reset_index(drop=True)
    if frame.empty:
        return frame.astype({"kg_co2e": float, "amount": float})
    for i, row in frame.iterrows():
        if row["data_kind"] not in DATA_KINDS:
            raise DataError(
                f"データ種別「{row['data_kind']}」は不明です（{', '.join(DATA_KINDS)} のいずれか）",
                row=int(i) + 1,
                column="data_kind",
            )
        if row["scope"] not in (1, 2, 3):
            raise DataError("スコープは 1, 2, 3 のいずれかです", row=int(i) + 1, column="scope")
        cat = row["scope3_category"]
        has_cat = not pd.isna(cat)
        if row["scope"] == 3 and not (has_cat and int(cat) in SCOPE3_CATEGORIES):
            raise DataError(
                "スコープ3の行にはカテゴリ（1〜15）が必要です",
                row=int(i) + 1,
                column="scope3_category",
            )
        if row["scope"] != 3 and has_cat:
            raise DataError(
                "スコープ1,2の行にカテゴリは付けません", row=int(i) + 1, column="scope3_category"
            )
        if not math.isfinite(float(row["kg_co2e"])):
            raise DataError("排出量が数値ではありません", row=int(i) + 1, column="kg_co2e")
    frame["amount"] = frame["amount"].astype(float)
    frame["factor_value"] = frame["factor_value"].astype(float)
    frame["kg_co2e"] = frame["kg_co2e"].astype(float)
    frame["scope"] = frame["scope"].astype(int)
    frame["scope3_category"] = frame["scope3_category"].astype("Int64")
    frame["assumed"] = frame["assumed"].astype(bool)
    frame["note"] = frame["note"].fillna("").astype(str)
    return frame


@dataclass(frozen=True)
class Footprint:
    """A carbon footprint with its basis.

    Parameters
    ----------
    trace : pandas.DataFrame
        One row per contribution, columns ``TRACE_COLUMNS`` (see the module docstring).
    name : str
        What the footprint is of (e.g. ``"電子調理器 1台"``).
    functional_unit : str
        The reference the total is per (e.g. ``"1台"``, ``"1ロット(20台)"``).

    Notes
    -----
    ``total`` is computed from the trace every time it is read.
    """

    trace: pd.DataFrame
    name: str = ""
    functional_unit: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "trace", validate_trace(self.trace))

    @property
    def total(self) -> float:
        """Total emission [kg-CO2e]: ``math.fsum`` of the trace's ``kg_co2e``."""
        return math.fsum(self.trace["kg_co2e"].tolist())

    def by(self, column: str | list[str]) -> pd.DataFrame:
        """Contribution table: kg-CO2e and share of the total per value of ``column``.

        Parameters
        ----------
        column : str or list of str
            A trace column, e.g. ``"item"``, ``"stage"``, ``"scope"``, ``"data_kind"``.

        Returns
        -------
        pandas.DataFrame
            Index: the column's values, in order of first appearance; columns ``kg_co2e``
            [kg-CO2e] and ``share`` [-] (fractions of the total, summing to 1).
        """
        grouped = self.trace.groupby(column, sort=False, dropna=False)["kg_co2e"].agg(
            lambda s: math.fsum(s.tolist())
        )
        out = grouped.to_frame("kg_co2e")
        total = self.total
        out["share"] = out["kg_co2e"] / total if total else 0.0
        return out

    def primary_share(self, primary_kinds: Iterable[str] = PRIMARY_KINDS) -> float:
        """Primary data share (一次データ比率) of the total [-].

        The share of kg-CO2e coming from rows whose data kind is primary (by default measured
        実績値 and disclosed 開示値) and that rest on no assumption.
        """
        kinds = set(primary_kinds)
        unknown = kinds - set(DATA_KINDS)
        if unknown:
            raise DataError(f"データ種別 {sorted(unknown)} は不明です")
        total = self.total
        if total == 0:
            return 0.0
        mask = self.trace["data_kind"].isin(kinds) & ~self.trace["assumed"]
        return math.fsum(self.trace.loc[mask, "kg_co2e"].tolist()) / total

    def scaled(self, factor: float, functional_unit: str | None = None) -> Footprint:
        """Return the footprint with every amount and emission multiplied by ``factor``.

        Used for per-unit figures: ``lot.scaled(1 / 20, "1台")``.
        """
        trace = self.trace.copy()
        trace["amount"] = trace["amount"] * factor
        trace["kg_co2e"] = trace["kg_co2e"] * factor
        return Footprint(trace, self.name, functional_unit or self.functional_unit)

    def __add__(self, other: Footprint) -> Footprint:
        if not isinstance(other, Footprint):
            return NotImplemented
        if (
            self.functional_unit
            and other.functional_unit
            and self.functional_unit != other.functional_unit
        ):
            raise DataError(
                f"機能単位が違うフットプリントは足せません（{self.functional_unit} と {other.functional_unit}）"
            )
        return combine(
            [self, other], name=self.name or other.name, functional_unit=self.functional_unit
        )

    def table(self, japanese: bool = True) -> pd.DataFrame:
        """The trace for display, with Japanese headers and data kinds when ``japanese``."""
        out = self.trace.copy()
        if japanese:
            out["data_kind"] = out["data_kind"].map(lambda k: f"{DATA_KINDS[k]} ({k})")
            out = out.rename(columns=JA_COLUMNS)
        return out

    def summary(self) -> pd.DataFrame:
        """Totals by scope and Scope 3 category: columns ``kg_co2e`` [kg-CO2e] and ``share``."""
        labels = [
            f"Scope {s}" + (f" カテゴリ{int(c)} {SCOPE3_CATEGORIES[int(c)]}" if s == 3 else "")
            for s, c in zip(self.trace["scope"], self.trace["scope3_category"], strict=True)
        ]
        return Footprint(self.trace.assign(stage=labels)).by("stage").rename_axis("scope")

    def _repr_html_(self) -> str:
        head = f"<b>{self.name}</b> ({self.functional_unit}): 合計 {self.total:.4g} kg-CO2e"
        return head + self.table()._repr_html_()


def combine(
    footprints: Iterable[Footprint], name: str = "", functional_unit: str = ""
) -> Footprint:
    """Join several footprints into one (the traces are concatenated).

    Parameters
    ----------
    footprints : iterable of Footprint
        Footprints on the same functional unit.
    name, functional_unit : str
        Of the combined footprint.

    Returns
    -------
    Footprint
        Whose total is the sum of the totals.
    """
    traces = [fp.trace for fp in footprints]
    if not traces:
        raise DataError("結合するフットプリントがありません")
    return Footprint(pd.concat(traces, ignore_index=True), name, functional_unit)
