"""The exercises of notebooks 02 and 03: right answers pass, wrong ones fail, blanks are blanks."""

import math

import pandas as pd
import pytest

from cntf_workbench import cfp
from cntf_workbench.cfp.bom import by_material
from cntf_workbench.datasets import load_seminar
from cntf_workbench.exercises import Status, ____
from cntf_workbench.exercises import boe as boe_ex
from cntf_workbench.exercises import bom as bom_ex
from cntf_workbench.factors import load_factors

ALL = [bom_ex.ex1, bom_ex.ex2, bom_ex.ex3, boe_ex.ex1, boe_ex.ex2, boe_ex.ex3]


@pytest.fixture(scope="module")
def data():
    return load_seminar()


@pytest.fixture(scope="module")
def factors():
    return load_factors()


def test_bom_ex1_motor_is_quantity_times_mass_times_intensity(data):
    row = data.bom.set_index("part").loc["モーター"]
    answer = row["quantity"] * row["mass_kg"] * row["intensity"]
    assert answer == pytest.approx(15.0)  # 3 × 5 kg × 1.0 g/g
    bom_ex.ex1.assert_right(answer)
    bom_ex.ex1.assert_wrong(answer * 1000)  # g instead of kg


def test_bom_ex2_housing_mass_25_kg_adds_4_kg(data):
    bom2 = data.bom.copy()
    bom2.loc[bom2["part"] == "筐体", "mass_kg"] = 25
    bom_ex.ex2.assert_right(cfp.bom_footprint(bom2).total)
    bom_ex.ex2.assert_right(46.4 + (25 - 20) * 0.8)
    bom_ex.ex2.assert_wrong(data.slide_total("bom_per_unit"))


def test_bom_ex3_steel_share(data):
    bom_ex.ex3.assert_right(by_material(data.bom).loc["steel", "share"])
    bom_ex.ex3.assert_right((16 + 3) / 46.4)
    bom_ex.ex3.assert_wrong(0.409 * 100)  # a percentage is not a share


def test_boe_ex1_furnace(data, factors):
    kwh = data.boe.set_index("equipment").loc["電気炉", "quantity"]
    boe_ex.ex1.assert_right(kwh * factors.default("electricity").value)
    boe_ex.ex1.assert_right(1845 * 0.437)
    boe_ex.ex1.assert_wrong(1845 * 0.555)  # the old default factor


def test_boe_ex2_units_basis(data, factors):
    fp = cfp.boe_footprint(data.boe, data.products, factors, "電子調理器", "units")
    boe_ex.ex2.assert_right(fp.total)
    by_hand = cfp.equipment_energy(data.boe, factors).total * 100 / (100 + 40 + 300) / 100
    boe_ex.ex2.assert_right(by_hand)
    boe_ex.ex2.assert_wrong(
        cfp.boe_footprint(data.boe, data.products, factors, "電子調理器", "machine_hours").total
    )


def test_boe_ex3_old_city_gas(data, factors):
    boe_ex.ex3.assert_right(73 * 2.23)
    boe_ex.ex3.assert_wrong(73 * 2.05)  # the current factor


@pytest.mark.parametrize("ex", ALL, ids=lambda e: e.title)
def test_blank_is_not_attempted_and_texts_exist(ex):
    assert ex.check(____).status is Status.NOT_ATTEMPTED
    assert ex.hints and "解答例" in str(ex.solution())
    assert str(ex.hint(1)).startswith("**ヒント 1/")


@pytest.mark.parametrize("ex", ALL, ids=lambda e: e.title)
def test_expected_is_a_finite_number_from_the_data(ex):
    value = ex.expected()
    assert isinstance(value, float) and math.isfinite(value)


@pytest.mark.parametrize("ex", ALL, ids=lambda e: e.title)
def test_a_table_is_rejected(ex):
    assert ex.check(pd.Series([1.0, 2.0])).status is Status.WRONG
