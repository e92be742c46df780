"""The routing explorer recomputes what it shows when a control changes."""

import math

import ipywidgets as widgets
import matplotlib
import pytest

matplotlib.use("Agg")

from cntf_workbench import datasets, factors
from cntf_workbench.cfp import routing_footprint
from cntf_workbench.widgets.routing import (
    draw_routing_view,
    electricity_options,
    routing_explorer,
    routing_view,
)


@pytest.fixture(scope="module")
def data():
    return datasets.load_seminar()


@pytest.fixture(scope="module")
def table():
    return factors.load_factors()


def test_view_matches_the_slide(data, table):
    view = routing_view(data, table.get("elec_jp_fepc_fy2022"))
    assert view.lot_size == 20
    assert round(view.lot.total, 2) == data.slide_total("routing_per_lot")
    assert round(view.per_unit_kg, 3) == 0.084
    kw = view.power.set_index("resource")["power_kw"]
    assert math.isclose(kw["加工機"], 2.64 / 0.437)


def test_options_are_the_electricity_factors(table):
    ids = [value for _, value in electricity_options(table)]
    rows = table.for_activity("electricity")
    assert ids == rows.loc[rows["value"] > 0, "id"].tolist()  # zero factors imply no power


def test_explorer_is_a_vbox_with_japanese_labels(data, table):
    ui = routing_explorer(data, table, draw=False)
    assert isinstance(ui, widgets.VBox)
    assert ui.factor_dropdown.value == table.default("electricity").id
    assert "仮定値" in ui.assumed_value.description
    assert ui.assumed_value.disabled  # until 仮定値を使う is ticked
    assert "0.0840" in ui.summary.value


def test_changing_the_factor_changes_the_power_not_the_co2(data, table):
    ui = routing_explorer(data, table, draw=False)
    before = ui.view
    ui.factor_dropdown.value = "elec_jp_default_2006"
    after = ui.view
    assert after.factor.id == "elec_jp_default_2006"
    ratio = after.power["power_kw"] / before.power["power_kw"]
    assert ratio.round(9).eq(round(0.437 / 0.555, 9)).all()
    assert after.per_unit_kg == before.per_unit_kg  # measured kg-CO2e/h do not move
    assert "0.555" in ui.summary.value


def test_assumed_value_slider(data, table):
    ui = routing_explorer(data, table, draw=False)
    ui.assumed_value.value = 0.25  # ignored while the box is unticked
    assert not ui.view.factor.assumed
    ui.use_assumed.value = True
    assert not ui.assumed_value.disabled
    assert ui.view.factor.assumed
    assert ui.view.factor.value == 0.25
    kw = ui.view.power.set_index("resource")["power_kw"]
    assert math.isclose(kw["ベンダ"], 0.8 / 0.25)
    assert "仮定値" in ui.summary.value


def test_changing_the_lot_size_changes_the_per_unit_co2(data, table):
    ui = routing_explorer(data, table, draw=False)
    ui.lot_slider.value = 40
    expected = routing_footprint(data.routing, data.resources, lot_size=40).total / 40
    assert math.isclose(ui.view.per_unit_kg, expected)
    assert ui.view.per_unit_kg < 0.084
    assert "40 台" in ui.summary.value


def test_drawing_has_japanese_glyphs(data, table, recwarn, tmp_path):
    ui = routing_explorer(data, table, lot_size=10, draw=True)  # draws into its Output
    fig = draw_routing_view(ui.view)
    fig.savefig(tmp_path / "routing.png")
    missing = [str(w.message) for w in recwarn if "missing from font" in str(w.message)]
    assert not missing
    titles = [ax.get_title() for ax in fig.axes]
    assert any("推定電力" in t for t in titles)
    assert any("ロット 10 台" in t for t in titles)
