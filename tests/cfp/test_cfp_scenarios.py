"""Scenarios of the supply chain, their Monte Carlo uncertainty, and optimisation on the chain."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cntf_workbench.cfp import scenarios as sc
from cntf_workbench.cfp import uncertainty as un
from cntf_workbench.cfp.chain import chain_footprint, load_chain
from cntf_workbench.cfp.optimise import optimise, pareto_front
from cntf_workbench.errors import DataError
from cntf_workbench.factors import load_factors
from cntf_workbench.resources import data_root
from cntf_workbench.trace import Footprint, make_trace

SCENARIOS = data_root() / "seminar" / "chain" / "scenarios"
MENU = "elec_jp_yonden_fy2023_menu_a"


@functools.cache
def _base():
    return load_chain(), load_factors()


@functools.cache
def _effects():
    chain, factors = _base()
    return sc.alternative_effects(chain, factors)


def _total(change: dict) -> float:
    chain, factors = _base()
    v = sc.apply_changes(chain, factors, [sc.make_change(change)])
    return chain_footprint(v.chain, v.factors).total


# ---------------------------------------------------------------- scenario files and compare


@pytest.mark.parametrize("name", ["levers.yaml", "logistics.yaml"])
def test_example_files_compare(name):
    chain, factors = _base()
    scenarios, order = sc.load_scenarios(SCENARIOS / name)
    result = sc.compare(chain, factors, scenarios, order)
    assert result.totals.index[0] == sc.BASELINE
    assert result.totals.loc[sc.BASELINE, "delta_kg_co2e"] == 0
    assert np.allclose(result.by_stage.sum(), result.totals["total_kg_co2e"])
    assert np.allclose(result.by_firm.sum(), result.totals["total_kg_co2e"])
    assert np.allclose(result.stage_delta().sum(), result.totals["delta_kg_co2e"].iloc[1:])
    assert (result.totals["delta_kg_co2e"].iloc[1:] < 0).all()  # every example lever reduces


def test_original_chain_is_not_changed():
    chain, factors = _base()
    before = {t: getattr(chain, t).copy() for t in chain.TABLES}
    scenarios, _ = sc.load_scenarios(SCENARIOS / "levers.yaml")
    sc.compare(chain, factors, scenarios)
    for t, frame in before.items():
        pd.testing.assert_frame_equal(getattr(chain, t), frame)
    assert len(factors) == len(load_factors())


def test_material_change_hand_worked():
    chain, factors = _base()
    mass = chain.material_issues.query("material == 'steel_sheet'")["mass_kg"].sum()
    old, new = factors.get("steel_sheet_mat_disclosed"), factors.get("steel_eaf_teaching")
    delta = _total({"kind": "material", "material": "steel_sheet", "factor": new.id})
    delta -= chain_footprint(chain, factors).total
    assert delta == pytest.approx(mass * (new.value - old.value))


@settings(max_examples=15, deadline=None)
@given(st.floats(0.05, 1.0))
def test_renewable_share_is_linear(share):
    chain, factors = _base()
    base = chain_footprint(chain, factors).total
    full = _total({"kind": "electricity", "firm": "MTR", "factor": MENU})
    part = _total({"kind": "electricity", "firm": "MTR", "factor": MENU, "share": share})
    assert part - base == pytest.approx(share * (full - base), rel=1e-9, abs=1e-9)


def test_ev_and_rail_reduce_logistics():
    chain, factors = _base()
    base = chain_footprint(chain, factors).total
    ev = _total({"kind": "ev", "where": {"record": "LG-001-3"}})
    rail = _total({"kind": "logistics", "where": {"record": "LG-001-1"}, "set": {"mode": "rail"}})
    assert ev < base and rail < base


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"kind": "material", "material": "wood", "factor": "steel_teaching"}, "material"),
        ({"kind": "material", "material": "steel_sheet", "factor": MENU}, "factor"),
        ({"kind": "electricity", "firm": "MTR", "factor": "steel_teaching"}, "factor"),
        ({"kind": "move_process", "where": {"firm": "ZZZ"}, "to": "HSG"}, "where.firm"),
        ({"kind": "move_process", "where": {"process": "焼鈍"}, "to": "ZZZ"}, "to"),
        ({"kind": "move_process", "where": {"stage": "製品出荷"}, "to": "HSG"}, "where.stage"),
        (
            {"kind": "logistics", "where": {"record": "LG-999"}, "set": {"mode": "rail"}},
            "where.record",
        ),
        (
            {"kind": "logistics", "where": {"record": "LG-001-1"}, "set": {"carrier": "Q"}},
            "set.carrier",
        ),
        ({"kind": "ev", "where": {"origin": "月面基地"}}, "where.origin"),
    ],
)
def test_unknown_names_are_named(change, key):
    chain, factors = _base()
    with pytest.raises(sc.ScenarioError) as info:
        sc.apply_changes(chain, factors, [sc.make_change(change, "x.yaml", "changes[0]")])
    assert info.value.column == f"changes[0].{key}"
    assert "x.yaml" in str(info.value)


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "logistics", "where": {"record": "LG-001-1"}, "set": {"load_factor": 0}},
        {"kind": "logistics", "where": {"record": "LG-001-1"}, "set": {"load_factor": 1.01}},
        {"kind": "logistics", "where": {"record": "LG-001-1"}, "set": {"load_factor": "x"}},
        {"kind": "logistics", "where": {"record": "LG-001-1"}, "set": {"distance_km": -1}},
        {"kind": "electricity", "firm": "MTR", "factor": MENU, "share": 0},
        {"kind": "electricity", "firm": "MTR", "factor": MENU, "colour": "green"},
        {"kind": "electricity", "firm": "MTR"},
        {"kind": "logistics", "where": {"record": "LG-001-1"}, "set": {"mode": "rocket"}},
        "not a mapping",
    ],
)
def test_structure_errors(change):
    with pytest.raises(sc.ScenarioError):
        sc.make_change(change, "x.yaml")


def test_file_errors(tmp_path):
    p = tmp_path / "s.yaml"
    for text in (
        "- a\n",
        "scenarios: []\n",
        "scenarios:\n  - name: 現状\n    changes: [{kind: ev}]\n",
        "colour: red\nscenarios: []\n",
        "scenarios:\n  - changes: []\n",
    ):
        p.write_text(text, encoding="utf-8")
        with pytest.raises(sc.ScenarioError) as info:
            sc.load_scenarios(p)
        assert str(p) in str(info.value)
    p.write_bytes("scenarios: [".encode("cp932"))
    with pytest.raises(sc.ScenarioError):
        sc.load_scenarios(p)


def test_yaml_is_read_safely(tmp_path):
    p = tmp_path / "evil.yaml"
    p.write_text("scenarios: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    with pytest.raises(sc.ScenarioError):
        sc.load_scenarios(p)


def test_unknown_order():
    chain, factors = _base()
    with pytest.raises(sc.ScenarioError):
        sc.compare(chain, factors, [], "H-001")


# ---------------------------------------------------------------- Monte Carlo


def _toy(kgs, kinds=None, fids=None):
    n = len(kgs)
    kinds = kinds or ["measured"] * n
    fids = fids or [f"f{i}" for i in range(n)]
    rows = [
        dict(
            item=f"i{i}",
            stage="s",
            activity="a",
            amount=1.0,
            unit="kWh",
            factor_id=fids[i],
            factor_value=kgs[i],
            factor_unit="kg-CO2e/kWh",
            factor_source="x",
            data_kind=kinds[i],
            scope=2,
            kg_co2e=kgs[i],
        )
        for i in range(n)
    ]
    return Footprint(make_trace(rows), "toy", "1")


def test_spreads_are_assumed_data():
    spreads = un.load_spreads()
    assert spreads["assumed"].all()
    assert (spreads["gsd"] >= 1).all()


def test_draw_matrix_shape_and_reproducible():
    fp = chain_footprint(*_base())
    a = un.draw_rows(fp, 200, seed=3)
    assert a.shape == (200, len(fp.trace))
    assert np.array_equal(a, un.draw_rows(fp, 200, seed=3))
    assert not np.array_equal(a, un.draw_rows(fp, 200, seed=4))


def test_no_spread_gives_the_point_value():
    spreads = un.load_spreads().assign(gsd=1.0)
    fp = _toy([1.0, 2.0, 3.5])
    totals = un.monte_carlo(fp, 50, spreads=spreads)
    assert np.allclose(totals.iloc[:, 0], fp.total)


def test_median_and_interval_of_one_input():
    # one measured row: ln(kg) ~ N(ln 10, ln(1.05)^2 + ln(1.05)^2)
    fp = _toy([10.0])
    totals = un.monte_carlo(fp, 20000, seed=1)
    iv = un.intervals(totals).iloc[0]
    s = np.hypot(np.log(1.05), np.log(1.05))
    assert iv["median"] == pytest.approx(10.0, rel=0.01)
    assert iv["high"] == pytest.approx(10 * np.exp(1.96 * s), rel=0.01)
    assert iv["low"] < iv["median"] < iv["high"]


def test_shared_factor_is_one_input():
    # two rows with the same factor: their factor multipliers are identical in every draw
    spreads = un.load_spreads()
    spreads.loc[spreads["input"] == "activity", "gsd"] = 1.0
    draws = un.draw_rows(_toy([1.0, 2.0], fids=["f", "f"]), 100, spreads=spreads)
    assert np.allclose(draws[:, 1], 2 * draws[:, 0])


def test_common_random_numbers_between_scenarios():
    chain, factors = _base()
    # a higher load factor changes amounts only: every input is shared with the baseline
    scenarios, order = sc.load_scenarios(SCENARIOS / "logistics.yaml")
    result = sc.compare(chain, factors, scenarios[:1], order)
    totals = un.monte_carlo(result.footprints, 500, seed=0)
    diff = totals.iloc[:, 1] - totals.iloc[:, 0]
    assert diff.std() < 0.2 * totals.iloc[:, 0].std()  # the difference is far narrower
    assert (diff < 0).all()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0.01, 1e3), min_size=1, max_size=6), st.floats(0.1, 10))
def test_draws_scale_with_the_footprint(kgs, k):
    fp = _toy(kgs)
    a = un.monte_carlo(fp, 64, seed=2).iloc[:, 0]
    b = un.monte_carlo(fp.scaled(k), 64, seed=2).iloc[:, 0]
    assert np.allclose(b, k * a)
    assert (a > 0).all()


def test_tornado_sorted_and_largest_is_steel():
    fp = chain_footprint(*_base())
    t = un.tornado(fp, top=5)
    assert t["swing"].is_monotonic_decreasing
    assert (t["low"] < fp.total).all() and (t["high"] > fp.total).all()
    assert len(t) == 5
    assert "steel" in t.iloc[0]["key"] or "MI-" in t.iloc[0]["key"]


def test_bad_draws_and_level():
    with pytest.raises(DataError):
        un.draw_rows(_toy([1.0]), 0)
    with pytest.raises(DataError):
        un.intervals(pd.DataFrame({"a": [1.0]}), 1.5)


def test_spreads_missing_pair(tmp_path):
    src = (un.options_dir() / "spreads.csv").read_text(encoding="utf-8").splitlines()
    p = tmp_path / "spreads.csv"
    p.write_text("\n".join(src[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        un.load_spreads(p)
    assert str(p) in str(info.value)


# ---------------------------------------------------------------- optimisation on the chain


def test_alternatives_load_and_effects():
    options, base = _effects()
    assert base == pytest.approx(chain_footprint(*_base()).total)
    assert (options["delta_kg"] < 0).all()
    assert (options["cost_yen"] > 0).all()


def test_chain_optimum_is_exact_on_the_sample():
    chain, factors = _base()
    options, base = _effects()
    front = pareto_front(options, base)
    assert len(front) > 5
    for cost in front["cost_yen"]:
        plan = optimise(options, cost, base)
        recomputed = sc.evaluate_plan(chain, factors, plan, options).total
        assert recomputed == pytest.approx(plan.total_kg_co2e, rel=1e-9)


def test_bad_alternatives_row(tmp_path):
    src = (un.options_dir() / "alternatives.csv").read_text(encoding="utf-8")
    p = tmp_path / "alt.csv"
    p.write_text(src.replace("share: 0.5", "share: 2"), encoding="utf-8")
    with pytest.raises(sc.ScenarioError) as info:
        sc.load_alternatives(p)
    assert info.value.row == 4 and str(p) in str(info.value)
