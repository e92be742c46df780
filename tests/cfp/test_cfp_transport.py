"""Transport methods, checked against values worked by hand from the formulas.

Reference: 経済産業省告示第66号 改良トンキロ法, ln y = a − b·ln(x) − c·ln(z) with x the load
factor as a fraction and z the max payload in kg (diesel a = 2.71, b = 0.812, c = 0.654;
gasoline a = 2.67, b = 0.927, c = 0.648); 燃費法 fuel = km / (km/L); 燃料法 litres × factor.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cntf_workbench.cfp import transport as tr


def test_coefficients_are_the_notice_s():
    params = tr.load_transport()
    assert params.coefficients("diesel") == (2.71, 0.812, 0.654)
    assert params.coefficients("gasoline") == (2.67, 0.927, 0.648)
    assert "告示第66号" in params.coefficient_source("diesel")


def test_improved_tonkm_diesel_by_hand():
    # 4 t truck (4,000 kg), 50 % loaded, 0.4 t over 510 km
    y = math.exp(2.71 - 0.812 * math.log(0.5) - 0.654 * math.log(4000))
    assert y == pytest.approx(0.11631, rel=1e-4)  # L/t·km
    litres = tr.improved_tonkm_fuel(510, 0.4, 0.5, 4000, fuel="diesel")
    assert litres == pytest.approx(y * 0.4 * 510, rel=1e-12)
    assert litres == pytest.approx(23.7278, rel=1e-4)


def test_improved_tonkm_gasoline_by_hand():
    y = math.exp(2.67 - 0.927 * math.log(0.25) - 0.648 * math.log(1500))
    litres = tr.improved_tonkm_fuel(100, 0.3, 0.25, 1500, fuel="gasoline")
    assert litres == pytest.approx(y * 0.3 * 100, rel=1e-12)


def test_full_truck_has_only_payload_term():
    # load factor 1: ln(1) = 0, so y = exp(a) · z^(−c)
    y = tr.improved_tonkm_intensity(1.0, 10000, "diesel")
    assert y == pytest.approx(math.exp(2.71) * 10000**-0.654, rel=1e-12)


def test_vectorised_matches_scalar():
    lf = np.array([0.2, 0.5, 1.0])
    z = np.array([2000.0, 4000.0, 10000.0])
    out = tr.improved_tonkm_fuel(np.array([10.0, 20.0, 30.0]), 1.0, lf, z)
    for i in range(3):
        assert out[i] == pytest.approx(
            tr.improved_tonkm_fuel([10.0, 20.0, 30.0][i], 1.0, lf[i], z[i])
        )


@pytest.mark.parametrize("lf", [0.0, -0.1, 1.01, 50, float("nan")])
def test_load_factor_outside_0_1_is_an_error(lf):
    with pytest.raises(tr.TransportError, match=r"積載率|数値"):
        tr.improved_tonkm_fuel(100, 1, lf, 4000)


def test_negative_distance_is_an_error():
    with pytest.raises(tr.TransportError, match="負"):
        tr.improved_tonkm_fuel(-1, 1, 0.5, 4000)
    with pytest.raises(tr.TransportError, match="負"):
        tr.fuel_economy_fuel(-5, 4.0)
    with pytest.raises(tr.TransportError, match="負"):
        tr.tonkm(-5, 1)


def test_unknown_fuel_and_bad_payload():
    with pytest.raises(tr.TransportError, match="燃料"):
        tr.improved_tonkm_fuel(100, 1, 0.5, 4000, fuel="hydrogen")
    with pytest.raises(tr.TransportError, match="最大積載量"):
        tr.improved_tonkm_fuel(100, 1, 0.5, 0)


def test_tonkm_method_by_hand():
    params = tr.load_transport()
    factor = float(params.mode_factor("truck")["value"])
    assert tr.tonkm(500, 2.0) == 1000.0
    assert tr.tonkm_emission(500, 2.0, "truck") == pytest.approx(1000.0 * factor)
    with pytest.raises(tr.TransportError, match="輸送モード"):
        tr.tonkm_emission(500, 2.0, "pipeline")


def test_rail_is_about_an_eleventh_of_truck():
    params = tr.load_transport()
    ratio = params.mode_factor("truck")["value"] / params.mode_factor("rail")["value"]
    assert 9 < ratio < 13  # 国土交通省: 営業用トラックの約11分の1


def test_fuel_economy_and_fuel_methods(factors):
    # 燃費法: 620 km at 3.1 km/L = 200 L; 燃料法: 200 L × 2.58 kg-CO2/L (軽油)
    assert tr.fuel_economy_fuel(620, 3.1) == pytest.approx(200.0)
    diesel = factors.default("diesel").value
    assert tr.fuel_emission(200.0, "diesel", factors) == pytest.approx(200.0 * diesel)
    with pytest.raises(tr.TransportError, match="燃費"):
        tr.fuel_economy_fuel(100, 0)


def test_default_fuel_economy_by_payload_class():
    # classes are half-open [min, max): 2 t and 4 t trucks share a class, 6 t starts the next
    assert tr.default_fuel_economy("diesel", 2000) == tr.default_fuel_economy("diesel", 4000)
    assert tr.default_fuel_economy("diesel", 5999.5) > tr.default_fuel_economy("diesel", 6000)
    assert tr.default_fuel_economy("diesel", 1500) > tr.default_fuel_economy("diesel", 15000)
    assert tr.default_fuel_economy("diesel", 40000) == tr.default_fuel_economy("diesel", 12000)


def test_ev_by_hand(factors):
    grid = factors.get("elec_jp_fepc_fy2022").value
    kg = tr.ev_emission(18, 0.45, factors, "elec_jp_fepc_fy2022")
    assert kg == pytest.approx(18 * 0.45 * grid)
    assert tr.ev_emission(18, 0.45, factors, "elec_jp_yonden_fy2023_menu_a") == 0.0


def test_consignment_share():
    assert tr.consignment_share(400, 0.8, 2000) == pytest.approx(0.25)
    assert tr.consignment_share(5000, 0.5, 2000) == 1.0  # capped


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=0.01, max_value=1.0),
    st.floats(min_value=0.01, max_value=1.0),
    st.floats(min_value=500, max_value=30000),
)
def test_fuller_truck_uses_less_fuel_per_tkm(lf1, lf2, payload):
    y1 = tr.improved_tonkm_intensity(lf1, payload)
    y2 = tr.improved_tonkm_intensity(lf2, payload)
    if lf1 < lf2:
        assert y1 >= y2
    elif lf1 > lf2:
        assert y1 <= y2


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=0, max_value=3000),
    st.floats(min_value=0, max_value=30),
    st.floats(min_value=0.05, max_value=1.0),
    st.floats(min_value=500, max_value=30000),
    st.floats(min_value=0.1, max_value=10),
)
def test_fuel_is_linear_in_distance_and_cargo(d, w, lf, z, k):
    base = tr.improved_tonkm_fuel(d, w, lf, z)
    assert tr.improved_tonkm_fuel(k * d, w, lf, z) == pytest.approx(k * base, rel=1e-9, abs=1e-12)
    assert tr.improved_tonkm_fuel(d, k * w, lf, z) == pytest.approx(k * base, rel=1e-9, abs=1e-12)
