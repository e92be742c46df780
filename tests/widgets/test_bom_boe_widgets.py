"""The BOM and BOE widgets: changing a control changes what is computed and drawn."""

import math

import ipywidgets
import matplotlib
import pytest

matplotlib.use("Agg")

from cntf_workbench import cfp
from cntf_workbench.datasets import load_seminar
from cntf_workbench.errors import BomError
from cntf_workbench.factors import load_factors
from cntf_workbench.widgets.boe import (
    allocation_explorer,
    allocation_result,
    allocation_table,
    basis_comparison,
    draw_allocation,
    factor_options,
)
from cntf_workbench.widgets.bom import bom_explorer, bom_what_if, with_assumption


@pytest.fixture(scope="module")
def data():
    return load_seminar()


@pytest.fixture(scope="module")
def factors():
    return load_factors()


# --- BOM ---------------------------------------------------------------------------------------


def test_with_assumption_changes_a_copy_and_labels_it(data):
    changed = with_assumption(data.bom, "ドア", mass_kg=12, intensity=0.5)
    door = changed.set_index("part").loc["ドア"]
    assert door["mass_kg"] == 12 and door["intensity"] == 0.5
    assert door["mass_provenance"] == "assumed" and door["intensity_kind"] == "assumed"
    assert data.bom.set_index("part").loc["ドア", "mass_kg"] == 10  # original untouched


def test_bom_what_if_by_hand(data):
    # door 10 kg → 12 kg at 0.2 g/g: +0.4 kg-CO2e
    assert bom_what_if(data.bom, "ドア", mass_kg=12).total == pytest.approx(46.8)
    assert bom_what_if(data.bom, "モーター", intensity=2.0).total == pytest.approx(46.4 + 15.0)


def test_bom_what_if_rejects_unknown_part_and_negative_mass(data):
    with pytest.raises(BomError, match="部品「ネジ」"):
        bom_what_if(data.bom, "ネジ", mass_kg=1)
    with pytest.raises(BomError, match="負"):
        bom_what_if(data.bom, "ドア", mass_kg=-1)


def test_bom_explorer_redraws_when_mass_changes(data):
    box = bom_explorer(data)
    assert isinstance(box, ipywidgets.VBox)
    assert box.footprint.total == pytest.approx(46.4)
    box.part.value = "筐体"
    box.mass.value = 25.0
    assert box.footprint.total == pytest.approx(50.4)
    assert "50.40" in box.total.value and "+4.00" in box.total.value


def test_bom_explorer_keeps_changes_per_part_and_resets(data):
    box = bom_explorer(data)
    box.part.value = "ドア"
    assert box.mass.value == 10.0  # the selected part's value is loaded
    box.intensity.value = 0.4
    box.part.value = "筐体"
    assert box.footprint.total == pytest.approx(48.4)  # the door change stays
    box.reset.click()
    assert box.footprint.total == pytest.approx(46.4)
    assert box.mass.value == 20.0


# --- BOE ---------------------------------------------------------------------------------------


def test_basis_comparison_matches_boe_footprint(data, factors):
    table = basis_comparison(data, factors)
    assert list(table.index) == list(cfp.ALLOCATION_BASES)
    for basis, row in table.iterrows():
        fp = cfp.boe_footprint(data.boe, data.products, factors, "電子調理器", basis)
        assert row["kg_co2e_per_unit"] == pytest.approx(fp.total)
        assert row["kg_co2e_period"] == pytest.approx(fp.total * 100)
    assert table["kg_co2e_per_unit"].nunique() == 4  # the basis matters


def test_allocation_table_adds_up_exactly(data, factors):
    total = cfp.equipment_energy(data.boe, factors).total
    for basis in cfp.ALLOCATION_BASES:
        table = allocation_table(data, factors, basis)
        assert math.fsum(table["kg_co2e_period"].tolist()) == total
        assert math.fsum(table["share"].tolist()) == pytest.approx(1.0)


def test_factor_options_list_every_electricity_factor(factors):
    options = factor_options(factors)
    assert [fid for _, fid in options] == factors.for_activity("electricity")["id"].tolist()
    assert any("0.437" in label for label, _ in options)


def test_allocation_result_uses_the_chosen_factor(data, factors):
    default = allocation_result(data, factors)
    old = allocation_result(data, factors, electricity_factor_id="elec_jp_default_2006")
    assert old.total > default.total
    assert set(old.trace.loc[old.trace["scope"] == 2, "factor_id"]) == {"elec_jp_default_2006"}


def test_allocation_explorer_redraws_on_basis_and_factor(data, factors):
    box = allocation_explorer(data, factors)
    assert isinstance(box, ipywidgets.VBox)
    first = box.footprint.total
    assert first == pytest.approx(allocation_result(data, factors, basis="machine_hours").total)
    box.basis.value = "units"
    by_units = box.footprint.total
    assert by_units != first
    assert by_units == pytest.approx(allocation_result(data, factors, basis="units").total)
    assert "生産台数" in box.total.value
    box.electricity.value = "elec_jp_tepco_fy2013"
    assert box.footprint.total > by_units
    assert box.comparison.loc["units", "kg_co2e_per_unit"] == pytest.approx(box.footprint.total)


def test_chart_has_japanese_glyphs(data, factors, tmp_path, recwarn):
    result = allocation_result(data, factors)
    fig = draw_allocation(result, basis_comparison(data, factors), "machine_hours")
    fig.savefig(tmp_path / "chart.png")
    assert not [w for w in recwarn if "missing from font" in str(w.message)]
