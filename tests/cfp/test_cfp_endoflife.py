"""End of life and recycled content: the cut-off total, with the avoided burden kept apart."""

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cntf_workbench.cfp import endoflife as eol
from cntf_workbench.errors import DataError, FactorError
from cntf_workbench.trace import TRACE_COLUMNS


@pytest.fixture(scope="module")
def table():
    return eol.load_end_of_life()


@pytest.fixture(scope="module")
def factors():
    return eol.load_end_of_life_factors()


def test_factor_table_rows_have_sources_and_are_labelled_assumed():
    frame = pd.read_csv(eol.data_root() / "factors" / "end_of_life.csv")
    assert set(frame.columns) == {
        "id",
        "activity",
        "value",
        "unit",
        "region",
        "year",
        "source",
        "kind",
        "default",
        "assumed",
        "note",
    }
    assert frame["assumed"].all()
    assert frame["source"].str.contains("assumed").all()
    assert {"recycled:steel", "recycled:copper", "transport:collection"} <= set(frame["activity"])
    assert {"disposal:landfill", "disposal:incineration", "treatment:shredding"} <= set(
        frame["activity"]
    )


def test_cooker_cutoff_by_hand(table, factors):
    fp = eol.cutoff_footprint(table, factors)
    assert list(fp.trace.columns) == list(TRACE_COLUMNS)
    assert fp.functional_unit == "1台"
    steel = table.set_index("material").loc["steel"]
    f = factors.get
    m, rc, c, r = 30.0, 0.2, 0.5, 0.95
    assert (steel["mass_kg"], steel["recycled_content"]) == (m, rc)
    by_hand = (
        m * (1 - rc) * f("steel_teaching").value
        + m * rc * f("eol_steel_recycled").value
        + m * c / 1000 * 50 * f("eol_collection_truck").value
        + m * c * f("eol_shredding_sorting").value
        + m * (1 - c * r) * f("eol_landfill").value
    )
    steel_kg = fp.trace.loc[fp.trace["item"] == "steel", "kg_co2e"].sum()
    assert math.isclose(steel_kg, by_hand)
    cats = fp.trace.set_index("stage")["scope3_category"]
    assert (cats[eol.STAGES["virgin"]] == 1).all()
    assert (cats[eol.STAGES["disposal"]] == 12).all()
    recycling = fp.trace[fp.trace["stage"] == eol.STAGES["recycling"]]
    assert (recycling["kg_co2e"] == 0).all() and math.isclose(
        recycling["amount"].iloc[0], m * c * r
    )


def test_avoided_burden_is_apart_and_negative(table, factors):
    result = eol.end_of_life(table, factors)
    assert result.avoided.total < 0
    assert eol.STAGES["avoided"] not in set(result.cutoff.trace["stage"])
    summary = result.summary()["kg_co2e"]
    assert math.isclose(summary["合計（カットオフ）"], result.cutoff.total)
    assert math.isclose(summary["回避効果（参考、合計に含めない）"], result.avoided.total)
    steel = result.avoided.trace.set_index("item").loc["steel"]
    assert math.isclose(steel["kg_co2e"], 30 * 0.5 * 0.95 * (0.6 - 2.0))
    net = eol.avoided_burden(table, factors, net_scrap=True).trace.set_index("item")
    assert math.isclose(net.loc["steel", "amount"], 30 * (0.5 * 0.95 - 0.2))


def _one(rc=0.2, c=0.5, r=0.95, recycled="eol_steel_recycled"):
    return pd.DataFrame(
        {
            "product": ["X"],
            "material": ["steel"],
            "parts": ["筐体"],
            "mass_kg": [10.0],
            "virgin_factor_id": ["steel_teaching"],
            "recycled_factor_id": [recycled],
            "recycled_content": [rc],
            "collection_rate": [c],
            "recycling_rate": [r],
            "collection_km": [40.0],
            "collection_factor_id": ["eol_collection_truck"],
            "treatment_factor_id": ["eol_shredding_sorting"],
            "disposal_factor_id": ["eol_landfill"],
            "provenance": ["test"],
        }
    )


@settings(max_examples=100, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_cutoff_total_takes_no_recycling_credit(c, r1, r2, rc):
    """Raising the recycling rate only saves disposal; the substitution credit is never netted."""
    f = eol.load_end_of_life_factors()
    one = eol.cutoff_footprint(_one(rc, c, r1), f).total
    two = eol.cutoff_footprint(_one(rc, c, r2), f).total
    landfill = f.get("eol_landfill").value
    assert math.isclose(two - one, -10.0 * c * (r2 - r1) * landfill, rel_tol=1e-9, abs_tol=1e-12)
    # a different substituted material changes the avoided burden, never the cut-off total
    other = _one(rc, c, r1).assign(recycled_factor_id="steel_eaf_teaching")
    first = eol.end_of_life(_one(rc, c, r1), f)
    second = eol.end_of_life(other, f)
    assert first.cutoff.total - rc * 10 * 0.6 == pytest.approx(
        second.cutoff.total - rc * 10 * 0.7, abs=1e-9
    )
    if c * r1 > 0:
        assert first.avoided.total != second.avoided.total


@settings(max_examples=100, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1), st.floats(0.001, 1))
def test_more_recycled_content_with_a_lower_factor_lowers_the_total(rc, c, step):
    f = eol.load_end_of_life_factors()
    assert f.get("eol_steel_recycled").value < f.get("steel_teaching").value
    low = eol.cutoff_footprint(_one(rc=rc * (1 - step), c=c), f).total
    high = eol.cutoff_footprint(_one(rc=min(1.0, rc * (1 - step) + step), c=c), f).total
    assert high < low


def test_missing_factor_names_row_and_column(factors):
    with pytest.raises(FactorError) as err:
        eol.cutoff_footprint(_one(recycled="no_such_steel"), factors)
    assert "no_such_steel" in str(err.value) and err.value.column == "recycled_factor_id"
    assert err.value.row == 1


def test_bad_rate_in_file_names_row_and_column(tmp_path):
    text = eol.end_of_life_path().read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace(",0.85,", ",1.5,")
    path = tmp_path / "eol.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        eol.load_end_of_life(path)
    assert err.value.row == 2 and err.value.column == "recycling_rate"


def test_duplicate_factor_ids_refused(tmp_path):
    base = eol.load_end_of_life_factors()
    with pytest.raises(FactorError, match="2つの係数表"):
        eol.load_end_of_life_factors(base=base)


def test_unknown_product(table, factors):
    with pytest.raises(DataError, match="冷蔵庫"):
        eol.cutoff_footprint(table, factors, product="冷蔵庫")
