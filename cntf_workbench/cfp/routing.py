"""Routing / bill of process (BOP, 生産指示書): CO2 per process.

Each process of a routing uses a resource. A resource's intensity is either per time of running
(原単位 実績値, e.g. kg-CO2e/h, measured on site) or per unit processed (開示値, disclosed by a
subcontractor, kg-CO2e/unit). CO2 of a process per lot = time × intensity, or lot size ×
disclosed intensity.
"""

from __future__ import annotations

import pandas as pd

from cntf_workbench import units
from cntf_workbench.errors import DataError
from cntf_workbench.factors import Factor
from cntf_workbench.trace import Footprint, make_trace


def _resource_table(resources: pd.DataFrame) -> dict[str, pd.Series]:
    return {row["resource"]: row for _, row in resources.iterrows()}


def routing_footprint(
    routing: pd.DataFrame,
    resources: pd.DataFrame,
    item: str | None = None,
    lot_size: int | None = None,
    source: str = "セミナー資料「生産指示書」",
) -> Footprint:
    """CO2 of making one lot of ``item`` along its routing.

    Parameters
    ----------
    routing : pandas.DataFrame
        Columns ``item, lot_size, step, process, resource, time_min`` (see ``routing.csv``);
        ``time_min`` is per lot [min].
    resources : pandas.DataFrame
        Columns ``resource, intensity, intensity_unit, data_kind, energy, scope,
        scope3_category, provenance`` (see ``resources.csv``).
    item : str, optional
        The item; the routing's only item when omitted.
    lot_size : int, optional
        Units per lot [unit]; the routing's own lot size when omitted. Times per lot are kept as
        given; per-unit (disclosed) intensities scale with the lot size.
    source : str
        Source named in the trace for the intensities.

    Returns
    -------
    Footprint
        One trace row per process, per lot [kg-CO2e/lot]. Use ``.scaled(1 / lot_size)`` for a
        unit.
    """
    items = routing["item"].unique().tolist()
    if item is None:
        if len(items) != 1:
            raise DataError(f"品目を指定してください（生産指示書の品目: {', '.join(items)}）")
        item = items[0]
    steps = routing[routing["item"] == item].sort_values("step")
    if steps.empty:
        raise DataError(f"品目「{item}」は生産指示書にありません", column="item")
    lot = int(lot_size if lot_size is not None else steps["lot_size"].iloc[0])
    if lot < 1:
        raise DataError("ロットサイズは1以上の整数です", column="lot_size")
    table = _resource_table(resources)
    rows = []
    for _, step in steps.iterrows():
        res = table.get(step["resource"])
        if res is None:
            raise DataError(f"設備「{step['resource']}」の原単位がありません", column="resource")
        _, den = units.split_factor_unit(res["intensity_unit"])
        per_count = den.dimensionality == units.ureg.unit.dimensionality
        if per_count:
            amount, unit, activity = float(lot), "unit", "処理台数"
        else:
            amount, unit, activity = float(step["time_min"]), "min", "稼働時間"
        kg = units.kg_co2e(amount, unit, float(res["intensity"]), res["intensity_unit"])
        cat = res["scope3_category"]
        rows.append(
            {
                "item": item,
                "stage": step["process"],
                "activity": f"{res['resource']} {activity}",
                "amount": amount,
                "unit": unit,
                "factor_id": f"resource:{res['resource']}",
                "factor_value": float(res["intensity"]),
                "factor_unit": res["intensity_unit"],
                "factor_source": f"{source} {res.get('derivation', '')}".strip(),
                "data_kind": res["data_kind"],
                "scope": int(res["scope"]),
                "scope3_category": pd.NA if pd.isna(cat) else int(cat),
                "kg_co2e": kg,
                "assumed": res["data_kind"] == "assumed",
                "note": str(res["provenance"]),
            }
        )
    return Footprint(make_trace(rows), name=item, functional_unit=f"1ロット({lot}台)")


def implied_power(resources: pd.DataFrame, electricity: Factor) -> pd.DataFrame:
    """Power each electric resource must draw to emit its intensity at a grid factor.

    ``kW = intensity [kg-CO2e/h] / factor [kg-CO2e/kWh]``. A zero factor (a renewable
    menu) implies nothing about power: ``power_kw`` is then NaN.

    Parameters
    ----------
    resources : pandas.DataFrame
        As in ``routing_footprint``; only rows with ``energy == "electricity"`` and an
        intensity per time are used.
    electricity : Factor
        A grid electricity factor (activity ``electricity``).

    Returns
    -------
    pandas.DataFrame
        Columns ``resource``, ``intensity_kg_per_h`` [kg-CO2e/h], ``factor`` [kg-CO2e/kWh],
        ``factor_id``, ``power_kw`` [kW].
    """
    if electricity.activity != "electricity":
        raise DataError(f"係数「{electricity.id}」は電力の係数ではありません")
    per_kwh = units.kg_co2e(1.0, "kWh", electricity.value, electricity.unit)
    rows = []
    for _, res in resources.iterrows():
        if res["energy"] != "electricity":
            continue
        _, den = units.split_factor_unit(res["intensity_unit"])
        if den.dimensionality != units.ureg.hour.dimensionality:
            continue
        per_h = units.kg_co2e(1.0, "h", float(res["intensity"]), res["intensity_unit"])
        rows.append(
            {
                "resource": res["resource"],
                "intensity_kg_per_h": per_h,
                "factor": per_kwh,
                "factor_id": electricity.id,
                "power_kw": per_h / per_kwh if per_kwh > 0 else float("nan"),
            }
        )
    return pd.DataFrame(
        rows, columns=["resource", "intensity_kg_per_h", "factor", "factor_id", "power_kw"]
    )
