"""Bill of equipment (BOE, 設備表): equipment energy × factor, and allocation to products.

Equipment energy is shared by the products made in a period. ``allocate`` splits an amount by
a basis the user chooses (machine hours, produced mass, units or value), so that the parts add
up to the input exactly (``math.fsum``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from cntf_workbench import units
from cntf_workbench.errors import AllocationError, DataError
from cntf_workbench.factors import Factor, FactorTable
from cntf_workbench.trace import Footprint, make_trace

ENERGY_SCOPE: dict[str, int] = {
    "electricity": 2,
    "city_gas": 1,
    "lpg": 1,
    "diesel": 1,
    "gasoline": 1,
    "heavy_oil_a": 1,
}
"""GHG Protocol scope of each energy kind for the firm that uses it (purchased electricity is
Scope 2; fuel burnt on site is Scope 1)."""

ENERGY_JA: dict[str, str] = {
    "electricity": "電気",
    "city_gas": "都市ガス",
    "lpg": "LPG",
    "diesel": "軽油",
    "gasoline": "ガソリン",
    "heavy_oil_a": "A重油",
}

ALLOCATION_BASES: dict[str, str] = {
    "machine_hours": "設備稼働時間",
    "mass": "生産質量",
    "units": "生産台数",
    "value": "生産金額",
}
"""Allocation bases (配賦基準) and their Japanese names."""


def allocation_drivers(products: pd.DataFrame, basis: str) -> pd.Series:
    """The driver of each product for an allocation basis.

    Parameters
    ----------
    products : pandas.DataFrame
        Columns ``product, units, machine_hours, mass_kg, unit_value_jpy`` (``products.csv``).
    basis : str
        ``machine_hours`` [h], ``mass`` (units × mass_kg) [kg], ``units`` [unit] or ``value``
        (units × unit_value_jpy) [JPY].

    Returns
    -------
    pandas.Series
        Indexed by product.
    """
    if basis not in ALLOCATION_BASES:
        raise AllocationError(
            f"配賦基準「{basis}」は使えません（{', '.join(ALLOCATION_BASES)} のいずれか）"
        )
    p = products.set_index("product")
    driver = {
        "machine_hours": p["machine_hours"],
        "mass": p["units"] * p["mass_kg"],
        "units": p["units"],
        "value": p["units"] * p["unit_value_jpy"],
    }[basis].astype(float)
    return driver.rename(basis)


def allocation_shares(products: pd.DataFrame, basis: str) -> pd.Series:
    """Each product's share of shared equipment energy [-], summing to 1."""
    driver = allocation_drivers(products, basis)
    if (driver < 0).any() or not np.isfinite(driver).all():
        raise AllocationError(
            f"配賦基準「{ALLOCATION_BASES[basis]}」に負または数値でない値があります"
        )
    total = math.fsum(driver.tolist())
    if total <= 0:
        raise AllocationError(f"配賦基準「{ALLOCATION_BASES[basis]}」の合計が0です")
    return (driver / total).rename("share")


def allocate(amount: float, shares: pd.Series) -> pd.Series:
    """Split ``amount`` by ``shares`` so that the parts add up to ``amount`` exactly.

    Parameters
    ----------
    amount : float
        What is shared [any unit].
    shares : pandas.Series
        Non-negative weights (need not sum to 1).

    Returns
    -------
    pandas.Series
        Same index as ``shares``; ``math.fsum(result) == amount`` (the rounding residual goes to
        the largest part).
    """
    weights = np.asarray(shares, dtype=float)
    if weights.size == 0:
        raise AllocationError("配賦先がありません")
    if (weights < 0).any() or not np.isfinite(weights).all():
        raise AllocationError("配賦の重みに負または数値でない値があります")
    wsum = math.fsum(weights.tolist())
    if wsum <= 0:
        raise AllocationError("配賦の重みの合計が0です")
    parts = amount * (weights / wsum)
    # Put the rounding residual on the largest parts, then step them by one ulp at a time:
    # a step changes the exact sum by at most one ulp of ``amount``, so the correctly rounded
    # sum (math.fsum) reaches ``amount`` exactly.
    for index in np.argsort(-weights, kind="stable")[:3]:
        parts[index] += amount - math.fsum(parts.tolist())
        for _ in range(8):
            total = math.fsum(parts.tolist())
            if total == amount:
                return pd.Series(parts, index=shares.index, name="allocated")
            parts[index] = np.nextafter(parts[index], math.inf if total < amount else -math.inf)
    raise AllocationError(f"配賦の合計を {amount!r} に一致させられませんでした（内部エラー）")


def _factor_for(
    energy: str, factors: FactorTable, factor_ids: Mapping[str, str | Factor] | None
) -> Factor:
    chosen = (factor_ids or {}).get(energy)
    if isinstance(chosen, Factor):
        if chosen.activity != energy:
            raise DataError(f"係数「{chosen.id}」は「{energy}」用ではありません")
        return chosen
    return factors.resolve(energy, chosen)


def _energy_row(
    equipment: pd.Series, amount: float, factor: Factor, stage: str, assumed: bool, note: str
) -> dict:
    energy = equipment["energy"]
    if energy not in ENERGY_SCOPE:
        raise DataError(
            f"エネルギー種別「{energy}」は不明です（{', '.join(ENERGY_SCOPE)} のいずれか）",
            column="energy",
        )
    return {
        "item": equipment["equipment"],
        "stage": stage,
        "activity": f"{ENERGY_JA[energy]}使用量",
        "amount": amount,
        "unit": equipment["unit"],
        "factor_id": factor.id,
        "factor_value": factor.value,
        "factor_unit": factor.unit,
        "factor_source": factor.source,
        "data_kind": equipment["data_kind"],
        "scope": ENERGY_SCOPE[energy],
        "scope3_category": pd.NA,
        "kg_co2e": factor.emission(amount, equipment["unit"]),
        "assumed": assumed or factor.assumed,
        "note": note,
    }


def equipment_energy(
    boe: pd.DataFrame,
    factors: FactorTable,
    factor_ids: Mapping[str, str | Factor] | None = None,
    product: str | None = None,
) -> Footprint:
    """CO2 of the equipment energy of a BOE, not allocated (the whole period).

    Parameters
    ----------
    boe : pandas.DataFrame
        Columns ``product, equipment, energy, quantity, unit, data_kind`` (``boe.csv``).
    factors : FactorTable
    factor_ids : mapping, optional
        Energy kind → factor id (or ``Factor``) to use instead of the default, e.g.
        ``{"city_gas": "city_gas_jp_2006"}``.
    product : str, optional
        Keep only this product's BOE rows.

    Returns
    -------
    Footprint
        One row per equipment [kg-CO2e per period].
    """
    rows_of = boe if product is None else boe[boe["product"] == product]
    rows = []
    for _, eq in rows_of.iterrows():
        factor = _factor_for(eq["energy"], factors, factor_ids)
        units.parse_unit(eq["unit"])
        rows.append(
            _energy_row(
                eq, float(eq["quantity"]), factor, "設備エネルギー", False, str(eq["provenance"])
            )
        )
    return Footprint(make_trace(rows), name=product or "設備表", functional_unit="期間合計")


def boe_footprint(
    boe: pd.DataFrame,
    products: pd.DataFrame,
    factors: FactorTable,
    product: str,
    basis: str = "machine_hours",
    factor_ids: Mapping[str, str | Factor] | None = None,
    per_unit: bool = True,
) -> Footprint:
    """Equipment energy allocated to one product.

    Each equipment's energy is split among ``products`` by ``basis`` (``allocate``); the
    product's part is multiplied by the energy's factor. Every BOE row is taken as the
    factory's equipment energy for the period, shared by all products of ``products`` (the
    BOE's ``product`` column names the product the slide's table was drawn for).

    Parameters
    ----------
    boe, factors, factor_ids
        As in ``equipment_energy``.
    products : pandas.DataFrame
        Allocation drivers (``products.csv``).
    product : str
        The product whose share is returned.
    basis : str
        One of ``ALLOCATION_BASES``.
    per_unit : bool
        Divide by the product's units in the period (functional unit 1台).

    Returns
    -------
    Footprint
        One row per equipment [kg-CO2e per unit, or per period when ``per_unit`` is False].
    """
    shares = allocation_shares(products, basis)
    if product not in shares.index:
        raise AllocationError(f"製品「{product}」は配賦ドライバ表にありません")
    units_made = float(products.set_index("product").loc[product, "units"])
    if per_unit and units_made <= 0:
        raise AllocationError(f"製品「{product}」の生産台数が0です")
    assumed = bool((products["provenance"] == "assumed").any())
    rows = []
    for _, eq in boe.iterrows():
        factor = _factor_for(eq["energy"], factors, factor_ids)
        part = float(allocate(float(eq["quantity"]), shares)[product])
        amount = part / units_made if per_unit else part
        note = f"{ALLOCATION_BASES[basis]}で配賦（比率 {shares[product]:.1%}）"
        if per_unit:
            note += f"、{units_made:g}台で割る"
        rows.append(_energy_row(eq, amount, factor, "設備エネルギー（配賦）", assumed, note))
    return Footprint(
        make_trace(rows), name=product, functional_unit="1台" if per_unit else "期間合計"
    )


def boe_reconciliation(boe: pd.DataFrame, factors: FactorTable, slide_total: float) -> pd.DataFrame:
    """The slide's BOE total beside what cited factors give, and what would close the gap.

    Nothing here tunes a factor: each row is a reading a learner can judge for plausibility.

    Parameters
    ----------
    boe : pandas.DataFrame
        ``boe.csv``.
    factors : FactorTable
    slide_total : float
        The slide's printed total [kg-CO2e].

    Returns
    -------
    pandas.DataFrame
        Columns ``case`` (Japanese), ``kg_co2e`` [kg-CO2e], ``ratio_to_slide`` [-], ``note``.
    """
    current = equipment_energy(boe, factors)
    old_gas = equipment_energy(boe, factors, {"city_gas": "city_gas_jp_2006"})
    by_energy = (
        current.trace.assign(energy=boe["energy"].to_numpy()).groupby("energy")["kg_co2e"].sum()
    )
    elec_kwh = float(boe.loc[boe["energy"] == "electricity", "quantity"].sum())
    gas_rows = boe[boe["energy"] == "city_gas"]
    gas_factor = factors.default("city_gas")
    gas_kg = float(by_energy.get("city_gas", 0.0))
    needed_elec = (slide_total - gas_kg) / elec_kwh if elec_kwh else math.nan
    thousand = sum(
        gas_factor.emission(float(q) * 1000.0, u)
        for q, u in zip(gas_rows["quantity"], gas_rows["unit"], strict=True)
    ) + float(by_energy.get("electricity", 0.0))
    elec = factors.default("electricity")
    old = factors.get("city_gas_jp_2006")
    grid = factors.for_activity("electricity")["value"]
    cases = [
        (
            f"計算値（既定の係数: 電力 {elec.value:g}, 都市ガス {gas_factor.value:g}）",
            current.total,
            "出典つきの係数での計算",
        ),
        (
            f"計算値（旧都市ガス係数 {old.value:g}）",
            old_gas.total,
            "都市ガス係数を旧値にしても差はわずか",
        ),
        (
            "都市ガスの「km3」を千m3（×1000）と読んだ場合",
            thousand,
            "スライドの値を大きく超える: この読み方も合わない",
        ),
        (
            f"スライドの値に合う電力係数（都市ガスは現行値）: {needed_elec:.2f} kg-CO2e/kWh",
            slide_total,
            f"係数表の電力係数（{grid.min():g}〜{grid.max():g}）を大きく超え、現実的でない:"
            " 係数を合わせ込んではいけない",
        ),
        (
            f"期間が {slide_total / current.total:.1f} 倍（例: 月ではなく約{slide_total / current.total:.1f}か月分）",
            slide_total,
            "期間や対象生産量がスライドに書かれていないため、これが最もありそうな説明のひとつ",
        ),
        (
            "スライドの値（設備表 CO2合計）",
            slide_total,
            "期間・対象製品量の記載なし（説明用の数値）",
        ),
    ]
    out = pd.DataFrame(cases, columns=["case", "kg_co2e", "note"])
    out.insert(2, "ratio_to_slide", out["kg_co2e"] / slide_total)
    return out
