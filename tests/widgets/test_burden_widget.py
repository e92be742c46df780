"""The burden explorer recomputes what it shows when a control changes; charts are Japanese."""

import math
import warnings

import ipywidgets as widgets
import matplotlib
import pytest

matplotlib.use("Agg")

from cntf_workbench.exchange import burden as bd
from cntf_workbench.widgets.burden import (
    burden_explorer,
    burden_view,
    display_table,
    draw_burden_view,
    draw_rule_comparison,
)


@pytest.fixture(scope="module")
def data():
    return bd.load_burden()


def test_view_flags_the_sme_and_protection_clears_it(data):
    alone = burden_view(data, "PNT-OVEN", "alone")
    assert alone.table.loc["PNT", "sme_flag"]
    assert "PNT" in alone.summary_text()
    protected = burden_view(data, "PNT-OVEN", "alone", protect=True, cap_share=0.01)
    assert not protected.table["sme_flag"].fillna(False).astype(bool).any()
    assert math.isclose(protected.table.loc["PNT", "cost_yen_per_year"], 60_000)


def test_icp_scale_changes_the_icp_rule(data):
    base = burden_view(data, "WND-ELEC", "icp")
    double = burden_view(data, "WND-ELEC", "icp", icp_scale=2.0)
    assert math.isclose(double.allocation.shares["MKA"], 2 * base.allocation.shares["MKA"])
    assert double.allocation.remainder_yen < base.allocation.remainder_yen
    assert "未充当" in base.summary_text()


def test_explorer_controls_recompute(data):
    ui = burden_explorer(data, draw=False)
    assert isinstance(ui, widgets.VBox)
    assert ui.cap_slider.disabled  # until the protection is ticked
    ui.project_dropdown.value = "WND-ELEC"
    ui.rule_buttons.value = "alone"
    assert ui.view.table.loc["WND", "sme_flag"]
    ui.protect_box.value = True
    assert not ui.cap_slider.disabled
    ui.cap_slider.value = 0.02
    assert math.isclose(ui.view.allocation.shares["WND"], 0.02 * 4_000_000)
    assert "中小企業保護" in ui.summary.value
    ui.rule_buttons.value = "shapley"
    assert ui.view.rule == "shapley"
    assert "負担 (円/年)" in ui.table_html.value


def test_display_table_is_japanese(data):
    shown = display_table(burden_view(data, "MTR-GREEN", "shapley").table)
    assert "受け取る削減量 (t/年)" in shown.columns and shown.index.name == "企業ID"
    assert set(shown["規模"]) <= {"大企業", "中堅企業", "中小企業", ""}


def test_charts_have_every_glyph(data, tmp_path):
    view = burden_view(data, "WND-ELEC", "icp", protect=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw_burden_view(view).savefig(tmp_path / "view.png")
        draw_rule_comparison(bd.compare_rules(data, "MTR-GREEN")).savefig(tmp_path / "cmp.png")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing
    assert (tmp_path / "view.png").stat().st_size > 10_000
