"""Benchmark: the full order-level supply-chain footprint on a synthetic chain.

A synthetic chain of 5,000 firms and 50,000 orders (product orders of final makers, part orders
of tier-1 suppliers and sub-part orders of tier-2 suppliers, linked into a three-level SCM-BOM)
with material issues, manufacturing, storage and logistics records of every method (ton-km,
improved ton-km, fuel economy, fuel, EV). ``order_totals`` (vectorised over records, one sparse
triangular solve over orders) is timed against a straightforward per-row Python loop (one factor
look-up and unit conversion per record, a per-area allocation loop, scalar transport formulas,
and a memoised recursive roll-up) in the same run; both must give the same totals.

Run: ``python benchmarks/bench_chain.py [--firms N] [--orders M] [--repeat R]``.
Targets (issue 3): under 5 s on the 2-core machine and at least 20x faster than the loop.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from functools import cache

import numpy as np
import pandas as pd

from cntf_workbench.cfp import chain as ch
from cntf_workbench.cfp import transport as tr
from cntf_workbench.factors import FactorTable, load_factors

ELECTRICITY = (
    "elec_jp_fepc_fy2022",
    "elec_jp_kyuden_fy2022",
    "elec_jp_yonden_fy2023",
    "elec_jp_yonden_fy2023_menu_a",
)
MATERIALS = (
    ("steel_sheet", "鋼板", "steel_sheet_mat_disclosed"),
    ("electrical_steel", "電磁鋼板", "steel_teaching"),
    ("copper_wire", "銅線", "copper_wire_mat_disclosed"),
    ("aluminium", "アルミ", "aluminium_teaching"),
    ("abs", "ABS樹脂", "abs_teaching"),
)


def synthetic_chain(n_firms: int = 5000, n_orders: int = 50000, seed: int = 0) -> ch.ChainData:
    """A random chain: 10 % final makers, 5 % carriers, the rest suppliers (all assumed)."""
    rng = np.random.default_rng(seed)
    fid = np.array([f"F{i:05d}" for i in range(n_firms)], dtype=object)
    n_makers, n_carriers = max(1, n_firms // 10), max(1, n_firms // 20)
    role = np.array(["part_supplier"] * n_firms, dtype=object)
    role[:n_makers] = "final_maker"
    role[n_makers : n_makers + n_carriers] = "logistics"
    firms = pd.DataFrame(
        {
            "firm_id": fid,
            "name": [f"企業{i}" for i in range(n_firms)],
            "name_en": "",
            "role": role,
            "site": "工場",
            "region": "JP",
            "electricity_factor_id": rng.choice(ELECTRICITY, n_firms),
            "provenance": "assumed (synthetic)",
        }
    )
    suppliers = np.arange(n_makers + n_carriers, n_firms)
    carriers = np.arange(n_makers, n_makers + n_carriers)
    # orders: 20 % products, 50 % tier-1 parts, 30 % tier-2 parts
    n_p, n_1 = n_orders // 5, n_orders // 2
    n_2 = n_orders - n_p - n_1
    oid = np.array([f"O{i:06d}" for i in range(n_orders)], dtype=object)
    tier = np.repeat([0, 1, 2], [n_p, n_1, n_2])
    owner = np.where(
        tier == 0, rng.integers(0, n_makers, n_orders), rng.choice(suppliers, n_orders)
    )
    orders = pd.DataFrame(
        {
            "order_id": oid,
            "firm_id": fid[owner],
            "item": np.where(tier == 0, "製品", "部品"),
            "item_en": "",
            "kind": np.where(tier == 0, "product", "part"),
            "quantity": rng.integers(1, 100, n_orders).astype(float),
            "unit": "unit",
            "provenance": "assumed (synthetic)",
        }
    )
    parent1 = rng.integers(0, n_p, n_1)
    parent2 = n_p + rng.integers(0, n_1, n_2)
    links = pd.DataFrame(
        {
            "customer_order_id": oid[np.concatenate([parent1, parent2])],
            "supplier_order_id": oid[n_p:],
            "share": 1.0,
            "provenance": "assumed (synthetic)",
        }
    )
    material_co2 = pd.DataFrame(
        {
            "material": [m[0] for m in MATERIALS],
            "material_ja": [m[1] for m in MATERIALS],
            "supplier_firm_id": fid[suppliers[0]],
            "factor_id": [m[2] for m in MATERIALS],
            "provenance": "assumed (synthetic)",
        }
    )
    energy_co2 = pd.DataFrame(
        {
            "firm_id": fid[suppliers[: n_firms // 4]],
            "energy": "city_gas",
            "factor_id": "city_gas_jp_2024",
            "provenance": "assumed (synthetic)",
        }
    )
    parts = np.flatnonzero(tier > 0)
    issues = pd.DataFrame(
        {
            "record_id": [f"MI{i}" for i in range(parts.size)],
            "order_id": oid[parts],
            "material": rng.choice([m[0] for m in MATERIALS], parts.size),
            "mass_kg": rng.uniform(1, 500, parts.size),
            "data_kind": "measured",
            "provenance": "assumed (synthetic)",
        }
    )
    mf_orders = np.concatenate([np.arange(n_orders), parts[: parts.size // 2]])
    n_mf = mf_orders.size
    energy = rng.choice(["electricity", "electricity", "electricity", "city_gas"], n_mf)
    manufacturing = pd.DataFrame(
        {
            "record_id": [f"MF{i}" for i in range(n_mf)],
            "order_id": oid[mf_orders],
            "stage": np.where(tier[mf_orders] == 0, "製品製造", "部品製造"),
            "process": "加工",
            "equipment": "",
            "temperature_c": np.nan,
            "energy": energy,
            "amount": rng.uniform(1, 200, n_mf),
            "unit": np.where(energy == "electricity", "kWh", "Nm3"),
            "factor_id": None,
            "data_kind": "measured",
            "provenance": "assumed (synthetic)",
        }
    )
    area_firm = np.arange(n_firms)
    areas = pd.DataFrame(
        {
            "area_id": [f"A{i:05d}" for i in area_firm],
            "firm_id": fid[area_firm],
            "name": "倉庫",
            "climate": "ambient",
            "temperature_c": 25.0,
            "kwh_per_day": rng.uniform(5, 200, n_firms),
            "period_days": 30.0,
            "basis": rng.choice(["volume", "mass"], n_firms),
            "other_occupancy": rng.uniform(10, 1000, n_firms),
            "provenance": "assumed (synthetic)",
        }
    )
    storage = pd.DataFrame(
        {
            "record_id": [f"ST{i}" for i in range(n_orders)],
            "area_id": areas["area_id"].to_numpy()[owner],
            "order_id": oid,
            "stage": np.where(tier == 0, "製品出荷", "部品出荷"),
            "volume_m3": rng.uniform(0.1, 10, n_orders),
            "mass_kg": rng.uniform(1, 2000, n_orders),
            "days": rng.integers(1, 15, n_orders).astype(float),
            "provenance": "assumed (synthetic)",
        }
    )
    n_lg = parts.size
    method = rng.choice(["tonkm", "improved_tonkm", "fuel_economy", "fuel", "ev"], n_lg)
    payload = rng.choice([2000.0, 4000.0, 10000.0], n_lg)
    fuel = np.where(method == "ev", "electricity", rng.choice(["diesel", "gasoline"], n_lg))
    logistics = pd.DataFrame(
        {
            "record_id": [f"LG{i}" for i in range(n_lg)],
            "order_id": oid[parts],
            "carrier_firm_id": fid[rng.choice(carriers, n_lg)],
            "origin": "発",
            "destination": "着",
            "method": method,
            "mode": np.where(
                method == "tonkm", rng.choice(["truck", "rail", "ship"], n_lg), "truck"
            ),
            "distance_km": rng.uniform(5, 1000, n_lg),
            "mass_kg": rng.uniform(10, 1500, n_lg),
            "vehicle_class": "トラック",
            "max_payload_kg": payload,
            "load_factor": rng.uniform(0.1, 1.0, n_lg),
            "fuel": fuel,
            "km_per_l": np.where(rng.random(n_lg) < 0.5, rng.uniform(3, 8, n_lg), np.nan),
            "fuel_l": rng.uniform(5, 300, n_lg),
            "kwh_per_km": np.where(rng.random(n_lg) < 0.5, rng.uniform(0.3, 1.2, n_lg), np.nan),
            "electricity_factor_id": None,
            "provenance": "assumed (synthetic)",
        }
    )
    return ch.ChainData(
        firms=firms,
        orders=orders,
        order_links=links,
        material_co2=material_co2,
        energy_co2=energy_co2,
        material_issues=issues,
        manufacturing=manufacturing,
        storage_areas=areas,
        storage=storage,
        logistics=logistics,
    )


def loop_totals(chain: ch.ChainData, factors: FactorTable) -> pd.Series:
    """The straightforward baseline: one Python step per record, then a recursive roll-up."""
    params = tr.load_transport()
    firm_of = dict(zip(chain.orders["order_id"], chain.orders["firm_id"], strict=True))
    elec = dict(zip(chain.firms["firm_id"], chain.firms["electricity_factor_id"], strict=True))
    fuels = {
        (f, e): i
        for f, e, i in zip(
            chain.energy_co2["firm_id"],
            chain.energy_co2["energy"],
            chain.energy_co2["factor_id"],
            strict=True,
        )
    }
    mat = dict(zip(chain.material_co2["material"], chain.material_co2["factor_id"], strict=True))
    own: dict[str, float] = {}

    def add(order: str, kg: float) -> None:
        own[order] = own.get(order, 0.0) + kg

    for r in chain.material_issues.itertuples():
        add(r.order_id, factors.get(mat[r.material]).emission(r.mass_kg, "kg"))
    for r in chain.manufacturing.itertuples():
        firm = firm_of[r.order_id]
        if r.energy == "electricity":
            fid = elec[firm]
        else:
            fid = fuels.get((firm, r.energy)) or factors.default(r.energy).id
        add(r.order_id, factors.get(fid).emission(r.amount, r.unit))
    areas = {a.area_id: a for a in chain.storage_areas.itertuples()}
    weights: dict[str, float] = {}
    for r in chain.storage.itertuples():
        a = areas[r.area_id]
        w = (r.volume_m3 if a.basis == "volume" else r.mass_kg) * r.days
        weights[r.area_id] = weights.get(r.area_id, a.other_occupancy) + w
    for r in chain.storage.itertuples():
        a = areas[r.area_id]
        w = (r.volume_m3 if a.basis == "volume" else r.mass_kg) * r.days
        kwh = a.kwh_per_day * a.period_days * w / weights[r.area_id]
        add(r.order_id, factors.get(elec[a.firm_id]).emission(kwh, "kWh"))
    for r in chain.logistics.itertuples():
        share = 1.0
        if r.method in ("fuel_economy", "fuel", "ev"):
            share = float(tr.consignment_share(r.mass_kg, r.load_factor, r.max_payload_kg))
        if r.method == "tonkm":
            row = params.mode_factor(r.mode)
            kg = tr.tonkm(r.distance_km, r.mass_kg / 1000) * float(row["value"])
        elif r.method == "ev":
            k = (
                r.kwh_per_km
                if not math.isnan(r.kwh_per_km)
                else tr.default_ev_consumption(r.max_payload_kg)
            )
            kg = share * tr.ev_emission(r.distance_km, k, factors, elec[r.carrier_firm_id])
        else:
            if r.method == "improved_tonkm":
                litres = tr.improved_tonkm_fuel(
                    r.distance_km, r.mass_kg / 1000, r.load_factor, r.max_payload_kg, r.fuel
                )
            elif r.method == "fuel_economy":
                k = (
                    r.km_per_l
                    if not math.isnan(r.km_per_l)
                    else tr.default_fuel_economy(r.fuel, r.max_payload_kg)
                )
                litres = share * tr.fuel_economy_fuel(r.distance_km, k)
            else:
                litres = share * r.fuel_l
            fid = fuels.get((r.carrier_firm_id, r.fuel)) or factors.default(r.fuel).id
            kg = factors.get(fid).emission(litres, "L")
        add(r.order_id, kg)
    children: dict[str, list[tuple[str, float]]] = {}
    for c, s, q in zip(
        chain.order_links["customer_order_id"],
        chain.order_links["supplier_order_id"],
        chain.order_links["share"],
        strict=True,
    ):
        children.setdefault(c, []).append((s, q))

    @cache
    def total(order: str) -> float:
        return own.get(order, 0.0) + sum(q * total(s) for s, q in children.get(order, ()))

    return pd.Series({o: total(o) for o in chain.orders["order_id"]})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=5000)
    parser.add_argument("--orders", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    factors = load_factors()
    tr.load_transport()
    t0 = time.perf_counter()
    chain = synthetic_chain(args.firms, args.orders)
    t_build = time.perf_counter() - t0
    n_records = sum(
        len(getattr(chain, t)) for t in ("material_issues", "manufacturing", "storage", "logistics")
    )
    print(
        f"synthetic chain: {args.firms:,} firms, {args.orders:,} orders, {n_records:,} records "
        f"(built and checked in {t_build:.2f} s)"
    )
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        fast = ch.order_totals(chain, factors)
        times.append(time.perf_counter() - t0)
    t_fast = min(times)
    t0 = time.perf_counter()
    slow = loop_totals(chain, factors)
    t_loop = time.perf_counter() - t0
    got = fast["cradle_to_gate_kg_co2e"]
    ok = np.allclose(got.to_numpy(), slow.reindex(got.index).to_numpy(), rtol=1e-9, atol=1e-9)
    ratio = t_loop / t_fast
    print(f"order_totals (vectorised, best of {args.repeat}): {t_fast:.3f} s")
    print(f"per-row Python loop:                    {t_loop:.3f} s")
    print(f"ratio: {ratio:.1f}x   same totals: {ok}")
    print(
        f"targets: < 5 s -> {'OK' if t_fast < 5 else 'MISSED'}; >= 20x -> {'OK' if ratio >= 20 else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
