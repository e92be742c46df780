import math

import pytest

from cntf_workbench import units
from cntf_workbench.errors import UnitError


def test_minutes_times_per_hour_intensity():
    # 5 min at 2.64 kg-CO2e/h = 0.22 kg (the seminar's cutting step)
    assert math.isclose(units.kg_co2e(5, "min", 2.64, "kg-CO2e/h"), 0.22)


def test_gram_per_gram_is_kg_per_kg():
    assert math.isclose(units.kg_co2e(20, "kg", 0.8, "g-CO2e/g"), 16.0)


def test_tonne_per_kwh_and_mwh():
    assert math.isclose(units.kg_co2e(1, "MWh", 0.000437, "t-CO2e/kWh"), 437.0)


def test_normal_cubic_metre():
    assert math.isclose(units.kg_co2e(73, "Nm3", 2.05, "kg-CO2e/Nm3"), 149.65)
    assert units.convert(1, "km3", "Nm3") == pytest.approx(1e9)


def test_mismatched_dimensions_raise():
    with pytest.raises(UnitError, match="合いません"):
        units.kg_co2e(1, "kWh", 2.05, "kg-CO2e/Nm3")


@pytest.mark.parametrize("bad", ["kg/kWh", "kWh", "m-CO2e/kWh"])
def test_bad_factor_units(bad):
    with pytest.raises(UnitError):
        units.split_factor_unit(bad)


def test_unknown_unit():
    with pytest.raises(UnitError, match="解釈できません"):
        units.parse_unit("bananas-per-fortnight!")
