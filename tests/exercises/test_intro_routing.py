"""The exercises of notebooks 00 and 01 accept the right answer and reject wrong ones."""

import math

import pytest

from cntf_workbench import datasets, factors
from cntf_workbench.cfp import implied_power, routing_footprint
from cntf_workbench.exercises import Status, ____, intro, routing
from cntf_workbench.trace import SCOPE3_CATEGORIES

ALL = [intro.ex1, intro.ex2, intro.ex3, routing.ex1, routing.ex2, routing.ex3]


@pytest.fixture(scope="module")
def data():
    return datasets.load_seminar()


@pytest.fixture(scope="module")
def table():
    return factors.load_factors()


@pytest.mark.parametrize("ex", ALL, ids=lambda e: e.title)
def test_placeholder_is_not_attempted(ex):
    assert ex.check(____).status is Status.NOT_ATTEMPTED


@pytest.mark.parametrize("ex", ALL, ids=lambda e: e.title)
def test_every_exercise_has_hints_and_a_solution(ex):
    assert ex.hints
    assert "```python" in ex.solution().text
    assert "ヒント 1/" in ex.hint(1).text


def test_intro_ex1_upstream_transport_is_category_4():
    intro.ex1.assert_right(4)
    intro.ex1.assert_wrong(9)  # downstream transport
    assert SCOPE3_CATEGORIES[intro.ex1.expected()] == "輸送、配送（上流）"


def test_intro_ex2_is_activity_times_factor(table):
    elec = table.default("electricity")
    intro.ex2.assert_right(1000 * elec.value)
    assert math.isclose(intro.ex2.expected(), 437.0)  # FEPC FY2022: 0.437 kg-CO2e/kWh
    result = intro.ex2.check(elec.value)  # forgot the 1,000 kWh
    assert result.status is Status.WRONG
    assert "1000倍" in result.message


def test_intro_ex3_counts_assumed_factors(table):
    intro.ex3.assert_right(int(table.frame["assumed"].sum()))
    intro.ex3.assert_wrong(len(table))


def test_intro_unknown_category_is_named():
    with pytest.raises(KeyError, match="輸送"):
        intro.scope3_category_number("輸送")


def test_routing_ex1_welding_per_unit(data):
    robot = data.resources.set_index("resource").loc["ロボット", "intensity"]
    routing.ex1.assert_right(14 / 60 * robot / 20)
    routing.ex1.assert_right(0.83 / 20)  # the slide's printed figure, within the tolerance
    routing.ex1.assert_wrong(14 / 60 * robot)  # per lot, not per unit


def test_routing_ex2_power_at_old_default(data, table):
    factor = table.get("elec_jp_default_2006")
    mc = data.resources.set_index("resource").loc["加工機", "intensity"]
    routing.ex2.assert_right(mc / factor.value)
    assert math.isclose(routing.ex2.expected(), 2.64 / 0.555)
    routing.ex2.assert_wrong(mc * factor.value)


def test_routing_ex3_lot_of_40(data):
    fp40 = routing_footprint(data.routing, data.resources, lot_size=40)
    routing.ex3.assert_right(fp40.total / 40)
    routing.ex3.assert_wrong(data.slide_total("routing_per_lot") / 20)  # the lot of 20
    # the subcontractor is per unit, every other process per lot
    fixed = data.slide_total("routing_per_lot") - 0.45
    assert math.isclose(routing.ex3.expected(), fixed / 40 + 0.0225, rel_tol=1e-3)


def test_routing_helpers_agree_with_core(data, table):
    power = implied_power(data.resources, table.get("elec_jp_fepc_fy2022"))
    kw = power.set_index("resource").loc["ロボット", "power_kw"]
    assert routing.resource_power_kw("ロボット", "elec_jp_fepc_fy2022") == kw
    assert math.isclose(routing.per_unit_total(20), 0.084, abs_tol=5e-5)
