"""End of life and recycled content (3R, 回収): the cut-off approach, avoided burden apart.

A product's materials enter with a recycled content and leave, at end of life, by collection
(回収), shredding and sorting, and either material recycling or disposal (landfill or
incineration). Recycling crosses two product systems; this module follows the **cut-off
approach** (recycled content method, 100:0):

- input side: the recycled share of a material carries only the burden of the recycling
  process that made it (``recycled_factor_id``: scrap at the remelter's gate to secondary
  material), the rest the virgin material's burden;
- output side: collection transport, shredding/sorting of the collected mass and the disposal of
  whatever is not recycled are this product's end-of-life burden; the recycled material leaves
  the system with **no burden and no credit** (it is cut off to the next product, which counts it
  as its recycled content).

Per unit of product, with mass ``m`` [kg], recycled content ``rc``, collection rate ``c`` and
recycling rate of the collected mass ``r`` (all [-]):

=================  ==============================================  ========================
stage              amount                                          factor
=================  ==============================================  ========================
材料調達（新材）   ``m (1 − rc)`` [kg]                             virgin [kg-CO2e/kg]
材料調達（再生材） ``m rc`` [kg]                                   recycled [kg-CO2e/kg]
回収輸送           ``m c / 1000 × collection_km`` [t·km]           collection [kg-CO2e/tkm]
破砕・選別         ``m c`` [kg]                                    treatment [kg-CO2e/kg]
処分               ``m (1 − c r)`` [kg]                            disposal [kg-CO2e/kg]
リサイクル（出口） ``m c r`` [kg]                                  none (cut off)
=================  ==============================================  ========================

The **avoided burden** (substitution, end-of-life recycling approach) credits the recycled
output with the virgin material it replaces: ``m c r × (recycled − virgin)`` [kg-CO2e], negative.
It is reported SEPARATELY, as information, in its own ``Footprint``; it is never netted into the
cut-off total (ISO 14067 and the GHG Protocol Product Standard ask for the two not to be mixed,
and netting it while also counting recycled content would count the same scrap twice). With
``net_scrap=True`` the credit applies only to the net scrap ``m (c r − rc)`` (recovered minus
recycled input, the worldsteel "net scrap" approach).

Scopes are from the product maker's point of view: purchased materials are Scope 3 category 1,
the end of life of sold products Scope 3 category 12.

Factors come from a ``FactorTable``: ``load_end_of_life_factors()`` joins the shipped
``data/factors/emission_factors.csv`` (virgin materials) and ``data/factors/end_of_life.csv``
(recycled materials, collection, shredding/sorting, landfill, incineration).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cntf_workbench import tabular
from cntf_workbench.errors import DataError, FactorError
from cntf_workbench.factors import Factor, FactorTable, load_factors
from cntf_workbench.resources import data_root
from cntf_workbench.trace import Footprint, make_trace

CATEGORY_MATERIALS = 1
"""Scope 3 category of purchased materials for the product's maker."""

CATEGORY_END_OF_LIFE = 12
"""Scope 3 category of the end of life of sold products (販売した製品の廃棄)."""

STAGES: dict[str, str] = {
    "virgin": "材料調達（新材）",
    "recycled": "材料調達（再生材）",
    "collection": "回収輸送",
    "treatment": "破砕・選別",
    "disposal": "処分（埋立・焼却）",
    "recycling": "リサイクル（カットオフ）",
    "avoided": "回避効果（参考）",
}
"""Stage names in the trace, Japanese."""

RATE_COLUMNS: tuple[str, ...] = ("recycled_content", "collection_rate", "recycling_rate")


def end_of_life_path() -> Path:
    """The shipped end-of-life table ``data/seminar/burden/end_of_life.csv``."""
    return data_root() / "seminar" / "burden" / "end_of_life.csv"


@functools.cache
def _schema() -> dict:
    return tabular.load_schema(
        data_root() / "seminar" / "burden" / "datapackage.json", "end_of_life"
    )


def load_end_of_life(path: str | Path | None = None) -> pd.DataFrame:
    """Load a product's end-of-life table, validated against its schema.

    Parameters
    ----------
    path : str or Path, optional
        A CSV with the columns of ``data/seminar/burden/end_of_life.csv`` (documented in that
        folder's ``datapackage.json``); the shipped table when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per (product, material): ``mass_kg`` [kg/unit], the rates [-],
        ``collection_km`` [km] and the factor ids.

    Raises
    ------
    DataError
        Naming file, row and column (e.g. a rate above 1, a missing factor id).
    """
    path = Path(path) if path is not None else end_of_life_path()
    return tabular.load_table(path, _schema())


def load_end_of_life_factors(
    path: str | Path | None = None, base: FactorTable | None = None
) -> FactorTable:
    """The emission factors the end-of-life calculation needs, in one table.

    Parameters
    ----------
    path : str or Path, optional
        End-of-life factors with the columns of ``emission_factors.csv``; the shipped
        ``data/factors/end_of_life.csv`` when omitted.
    base : FactorTable, optional
        The table of virgin-material factors; the shipped ``emission_factors.csv`` when omitted.

    Returns
    -------
    FactorTable
        Both tables' rows; an id in both is an error.
    """
    path = Path(path) if path is not None else data_root() / "factors" / "end_of_life.csv"
    eol = load_factors(path)
    base = base if base is not None else load_factors()
    common = sorted(set(eol.frame["id"]) & set(base.frame["id"]))
    if common:
        raise FactorError(
            f"排出係数ID「{common[0]}」が2つの係数表にあります", file=path, column="id"
        )
    frame = pd.concat([base.frame, eol.frame], ignore_index=True)
    return FactorTable(frame, source=f"{base.source} + {path}")


def _factor(factors: FactorTable, factor_id: str, row: int, column: str) -> Factor:
    try:
        return factors.get(factor_id)
    except FactorError as exc:
        raise FactorError(exc.message, file=exc.file, row=row, column=column) from None


def _rows_of(table: pd.DataFrame, product: str | None) -> pd.DataFrame:
    products = list(dict.fromkeys(table["product"].tolist()))
    if product is None:
        if len(products) != 1:
            raise DataError(f"製品を指定してください（表の製品: {', '.join(products)}）")
        product = products[0]
    rows = table[table["product"] == product]
    if rows.empty:
        raise DataError(f"製品「{product}」は廃棄・回収の表にありません", column="product")
    for col in RATE_COLUMNS:
        bad = ~rows[col].astype(float).between(0.0, 1.0)
        if bad.any():
            i = int(rows.index[bad.to_numpy()][0])
            raise DataError(f"{col} は 0〜1 の割合です", row=i + 1, column=col)
    return rows


def _row(
    material: str,
    stage: str,
    activity: str,
    amount: float,
    unit: str,
    factor: Factor | None,
    category: int,
    note: str,
) -> dict:
    if factor is None:
        return {
            "item": material,
            "stage": stage,
            "activity": activity,
            "amount": amount,
            "unit": unit,
            "factor_id": "",
            "factor_value": 0.0,
            "factor_unit": "kg-CO2e/kg",
            "factor_source": "カットオフ（負荷もクレジットも付けない）",
            "data_kind": "assumed",
            "scope": 3,
            "scope3_category": category,
            "kg_co2e": 0.0,
            "assumed": True,
            "note": note,
        }
    return {
        "item": material,
        "stage": stage,
        "activity": activity,
        "amount": amount,
        "unit": unit,
        "factor_id": factor.id,
        "factor_value": factor.value,
        "factor_unit": factor.unit,
        "factor_source": factor.source,
        "data_kind": "assumed" if factor.assumed else factor.kind,
        "scope": 3,
        "scope3_category": category,
        "kg_co2e": factor.emission(amount, unit),
        "assumed": True,
        "note": note,
    }


def cutoff_footprint(
    table: pd.DataFrame, factors: FactorTable, product: str | None = None
) -> Footprint:
    """Materials and end of life of one unit of ``product`` under the cut-off approach.

    Parameters
    ----------
    table : pandas.DataFrame
        As ``load_end_of_life`` returns (one row per material of the product).
    factors : FactorTable
        With every factor id the rows name (``load_end_of_life_factors()``).
    product : str, optional
        The table's only product when omitted.

    Returns
    -------
    Footprint
        Per unit of product [kg-CO2e/unit]; six trace rows per material (stages ``STAGES``
        without ``avoided``); the recycling row carries 0 kg-CO2e (cut off). The avoided burden
        is not in it (see ``avoided_burden``). Every row is labelled assumed: the rates are
        teaching values.

    Raises
    ------
    FactorError
        A factor id that is not in ``factors``, naming the row and column.
    DataError
        An unknown product or a rate outside 0–1.
    """
    rows_of = _rows_of(table, product)
    name = str(rows_of["product"].iloc[0])
    rows = []
    for i, r in rows_of.iterrows():
        n = int(i) + 1
        m, rc = float(r["mass_kg"]), float(r["recycled_content"])
        c, rr = float(r["collection_rate"]), float(r["recycling_rate"])
        mat = str(r["material"])
        virgin = _factor(factors, r["virgin_factor_id"], n, "virgin_factor_id")
        recycled = _factor(factors, r["recycled_factor_id"], n, "recycled_factor_id")
        truck = _factor(factors, r["collection_factor_id"], n, "collection_factor_id")
        treat = _factor(factors, r["treatment_factor_id"], n, "treatment_factor_id")
        disposal = _factor(factors, r["disposal_factor_id"], n, "disposal_factor_id")
        collected = m * c
        recovered = collected * rr
        rows += [
            _row(
                mat,
                STAGES["virgin"],
                "新材の投入量",
                m * (1 - rc),
                "kg",
                virgin,
                CATEGORY_MATERIALS,
                f"{m:g} kg × (1 − 再生材含有率 {rc:.0%})",
            ),
            _row(
                mat,
                STAGES["recycled"],
                "再生材の投入量",
                m * rc,
                "kg",
                recycled,
                CATEGORY_MATERIALS,
                f"{m:g} kg × 再生材含有率 {rc:.0%}; カットオフ: 再生材は再生工程の負荷だけを持つ",
            ),
            _row(
                mat,
                STAGES["collection"],
                "回収輸送量",
                collected / 1000.0 * float(r["collection_km"]),
                "tkm",
                truck,
                CATEGORY_END_OF_LIFE,
                f"回収 {collected:g} kg（回収率 {c:.0%}）× {float(r['collection_km']):g} km",
            ),
            _row(
                mat,
                STAGES["treatment"],
                "破砕・選別する質量",
                collected,
                "kg",
                treat,
                CATEGORY_END_OF_LIFE,
                f"回収した {collected:g} kg",
            ),
            _row(
                mat,
                STAGES["disposal"],
                "処分する質量",
                m - recovered,
                "kg",
                disposal,
                CATEGORY_END_OF_LIFE,
                f"{m:g} kg − リサイクル {recovered:g} kg（未回収と選別の残り）",
            ),
            _row(
                mat,
                STAGES["recycling"],
                "再生材として出ていく質量",
                recovered,
                "kg",
                None,
                CATEGORY_END_OF_LIFE,
                f"回収 {collected:g} kg × リサイクル率 {rr:.0%}; カットオフ: 次の製品へ"
                "（負荷もクレジットも付けない。回避効果は別に参考表示）",
            ),
        ]
    return Footprint(
        make_trace(rows), name=f"{name} 材料と廃棄・回収（カットオフ）", functional_unit="1台"
    )


def avoided_burden(
    table: pd.DataFrame,
    factors: FactorTable,
    product: str | None = None,
    net_scrap: bool = False,
) -> Footprint:
    """The avoided burden of end-of-life recycling, as information apart from the total.

    Parameters
    ----------
    table, factors, product
        As in ``cutoff_footprint``.
    net_scrap : bool
        Credit only the net scrap ``m (c r − rc)`` (recovered minus recycled input) instead of
        all recovered material ``m c r``.

    Returns
    -------
    Footprint
        One row per material, stage ``回避効果（参考）``: amount [kg] × (recycled − virgin)
        [kg-CO2e/kg], so negative when recycling saves CO2 [kg-CO2e/unit]. Its total must be
        shown beside ``cutoff_footprint(...).total``, never added to it.
    """
    rows_of = _rows_of(table, product)
    name = str(rows_of["product"].iloc[0])
    rows = []
    for i, r in rows_of.iterrows():
        n = int(i) + 1
        m, rc = float(r["mass_kg"]), float(r["recycled_content"])
        recovered = m * float(r["collection_rate"]) * float(r["recycling_rate"])
        amount = recovered - m * rc if net_scrap else recovered
        virgin = _factor(factors, r["virgin_factor_id"], n, "virgin_factor_id")
        recycled = _factor(factors, r["recycled_factor_id"], n, "recycled_factor_id")
        per_kg = recycled.emission(1.0, "kg") - virgin.emission(1.0, "kg")
        basis = "正味のスクラップ（回収 − 再生材投入）" if net_scrap else "リサイクルされる質量"
        rows.append(
            {
                "item": str(r["material"]),
                "stage": STAGES["avoided"],
                "activity": basis,
                "amount": amount,
                "unit": "kg",
                "factor_id": f"{recycled.id}−{virgin.id}",
                "factor_value": per_kg,
                "factor_unit": "kg-CO2e/kg",
                "factor_source": f"{recycled.source} / {virgin.source}",
                "data_kind": "assumed",
                "scope": 3,
                "scope3_category": CATEGORY_END_OF_LIFE,
                "kg_co2e": amount * per_kg,
                "assumed": True,
                "note": "参考情報（代替法の回避効果）: カットオフの合計には含めない",
            }
        )
    return Footprint(
        make_trace(rows), name=f"{name} リサイクルの回避効果（参考）", functional_unit="1台"
    )


@dataclass(frozen=True)
class EndOfLifeResult:
    """The cut-off footprint and, apart, the avoided burden.

    Attributes
    ----------
    cutoff : Footprint
        Materials and end of life [kg-CO2e/unit]: the figure to report.
    avoided : Footprint
        Avoided burden [kg-CO2e/unit], negative; information only, not netted.
    """

    cutoff: Footprint
    avoided: Footprint

    def summary(self) -> pd.DataFrame:
        """By stage [kg-CO2e/unit], with the cut-off total and the avoided burden on own rows."""
        out = self.cutoff.by("stage")[["kg_co2e"]]
        out.loc["合計（カットオフ）"] = math.fsum(self.cutoff.trace["kg_co2e"].tolist())
        out.loc["回避効果（参考、合計に含めない）"] = self.avoided.total
        return out


def end_of_life(
    table: pd.DataFrame | None = None,
    factors: FactorTable | None = None,
    product: str | None = None,
    net_scrap: bool = False,
) -> EndOfLifeResult:
    """Cut-off footprint and avoided burden of a product, from the shipped data by default.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        ``load_end_of_life()`` when omitted.
    factors : FactorTable, optional
        ``load_end_of_life_factors()`` when omitted.
    product : str, optional
    net_scrap : bool
        See ``avoided_burden``.

    Returns
    -------
    EndOfLifeResult
    """
    table = load_end_of_life() if table is None else table
    factors = load_end_of_life_factors() if factors is None else factors
    return EndOfLifeResult(
        cutoff_footprint(table, factors, product),
        avoided_burden(table, factors, product, net_scrap=net_scrap),
    )


__all__ = [
    "CATEGORY_END_OF_LIFE",
    "CATEGORY_MATERIALS",
    "STAGES",
    "EndOfLifeResult",
    "avoided_burden",
    "cutoff_footprint",
    "end_of_life",
    "load_end_of_life",
    "load_end_of_life_factors",
]
