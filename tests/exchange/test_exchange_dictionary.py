"""CIOF term dictionaries: fields, units and codes translate, or fail loudly."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cntf_workbench.exchange.dictionary import (
    DictionaryError,
    FirmDictionary,
    firm_dictionaries,
    load_terms,
    translation_map,
)
from cntf_workbench.exchange.network import load_network


@pytest.fixture(scope="module")
def dicts():
    net = load_network()
    return firm_dictionaries(net.dictionary, load_terms(net.terms)), load_terms(net.terms)


def test_units_convert_to_the_term_unit(dicts):
    d, _ = dicts
    assert d["MTR"].to_canonical({"CO2排出量_g": 15700.0})["pcf"] == pytest.approx(15.7)
    assert d["MAT"].to_canonical({"co2e_t_per_kg": 0.0023})["pcf"] == pytest.approx(2.3)
    assert d["HSG"].to_canonical({"一次率_%": 50})["primary_share"] == pytest.approx(0.5)


def test_translation_between_two_firms_maps_fields_units_and_codes(dicts):
    d, _ = dicts
    tm = translation_map(d["MTR"], d["HTB"], {"MT-300": "M300-B"})
    out = tm.translate({"品番": "MT-300", "CO2排出量_g": 15700.0, "単位": "unit", "一次率": 0.6})
    assert out == {
        "part_no": "M300-B",
        "co2_kg_per_pc": pytest.approx(15.7),
        "uom": "unit",
        "primary_pct": pytest.approx(60.0),
    }
    assert set(tm.table()["target_field"]) == {"part_no", "co2_kg_per_pc", "uom", "primary_pct"}


def test_unmapped_field_is_an_error(dicts):
    d, _ = dicts
    with pytest.raises(DictionaryError, match="辞書にありません"):
        d["MTR"].to_canonical({"原価": 1800})


def test_unmapped_code_is_an_error(dicts):
    d, _ = dicts
    tm = translation_map(d["MTR"], d["HTB"], {"MT-300": "M300-B"})
    with pytest.raises(DictionaryError, match="コード対応表"):
        tm.translate({"品番": "MT-999"})


def test_unit_inconsistent_field_is_an_error(dicts):
    _, terms = dicts
    with pytest.raises(DictionaryError, match="換算できません"):
        FirmDictionary("X", {"co2": ("pcf", "kWh")}, terms)
    with pytest.raises(DictionaryError, match="換算できません"):
        FirmDictionary("X", {"code": ("item_code", "kg")}, terms)


def test_unknown_term_and_missing_target_field(dicts):
    d, terms = dicts
    with pytest.raises(DictionaryError, match="共通語彙にない"):
        FirmDictionary("X", {"cost": ("cost", "")}, terms)
    poor = FirmDictionary("Y", {"code": ("item_code", "")}, terms)
    with pytest.raises(DictionaryError, match="対応する"):
        translation_map(d["MTR"], poor, {})


@given(
    value=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    firm=st.sampled_from(["MTR", "MAT", "HSG", "MKA", "HTB"]),
)
def test_round_trip_through_a_firm_dictionary(dicts, value, firm):
    d, _ = dicts
    local = d[firm].from_canonical({"pcf": value, "primary_share": 0.25})
    back = d[firm].to_canonical(local)
    assert back["pcf"] == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert back["primary_share"] == pytest.approx(0.25)
