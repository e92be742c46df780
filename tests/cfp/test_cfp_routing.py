import math

import pytest

from cntf_workbench.cfp import implied_power, routing_footprint
from cntf_workbench.errors import DataError


def test_housing_per_lot_and_per_unit(seminar):
    fp = routing_footprint(seminar.routing, seminar.resources)
    assert round(fp.total, 2) == seminar.slide_total("routing_per_lot")
    assert round(fp.scaled(1 / 20).total, 3) == 0.084
    # each process reproduces the slide's printed figure to its 2 decimals
    by_stage = fp.by("stage")["kg_co2e"]
    for _, step in seminar.routing.iterrows():
        assert round(by_stage[step["process"]], 2) == step["slide_co2_kg"]


def test_subcontractor_is_scope3_disclosed(seminar):
    fp = routing_footprint(seminar.routing, seminar.resources)
    paint = fp.trace[fp.trace["stage"] == "塗装"].iloc[0]
    assert (
        paint["data_kind"] == "disclosed" and paint["scope"] == 3 and paint["scope3_category"] == 1
    )
    assert fp.primary_share() == 1.0


def test_lot_size_scales_only_per_unit_intensities(seminar):
    base = routing_footprint(seminar.routing, seminar.resources)
    big = routing_footprint(seminar.routing, seminar.resources, lot_size=40)
    per_unit = seminar.resources.set_index("resource").loc["外注（塗装）", "intensity"]
    # times per lot are kept: only the subcontractor's per-unit value grows, by 20 more units
    assert math.isclose(big.total - base.total, 20 * per_unit, rel_tol=1e-12)
    paint = big.trace[big.trace["stage"] == "塗装"]["kg_co2e"].iloc[0]
    assert math.isclose(paint, 2 * base.trace[base.trace["stage"] == "塗装"]["kg_co2e"].iloc[0])


def test_bad_lot_size(seminar):
    with pytest.raises(DataError):
        routing_footprint(seminar.routing, seminar.resources, lot_size=0)


def test_unknown_item(seminar):
    with pytest.raises(DataError, match="ない"):
        routing_footprint(seminar.routing, seminar.resources, item="存在しない品目")


def test_implied_power(seminar, factors):
    table = implied_power(seminar.resources, factors.default("electricity")).set_index("resource")
    f = factors.default("electricity").value
    assert math.isclose(table.loc["加工機", "power_kw"], 2.64 / f)
    assert "外注（塗装）" not in table.index  # per-unit, not electricity
    lower = implied_power(seminar.resources, factors.default("electricity").with_value(f / 2))
    assert math.isclose(lower.set_index("resource").loc["加工機", "power_kw"], 2 * 2.64 / f)


def test_implied_power_rejects_gas_factor(seminar, factors):
    with pytest.raises(DataError):
        implied_power(seminar.resources, factors.default("city_gas"))


def test_implied_power_of_a_zero_factor_is_nan(seminar, factors):
    zero = factors.default("electricity").with_value(0.0)
    assert implied_power(seminar.resources, zero)["power_kw"].isna().all()
