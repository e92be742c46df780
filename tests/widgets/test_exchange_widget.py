"""The exchange explorer recomputes what it shows when a control changes; charts are Japanese."""

import math
import warnings

import ipywidgets as widgets
import matplotlib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

matplotlib.use("Agg")

from cntf_workbench.exchange import central, relay
from cntf_workbench.exchange.network import PLATFORM, load_network
from cntf_workbench.widgets.exchange import (
    draw_exchange_view,
    draw_exposure_matrices,
    draw_robustness,
    draw_timeline,
    exchange_explorer,
    exchange_view,
    failure_candidates,
    lane_order,
    robustness_in_chain,
    supply_chain,
)

COOKER = ("MKA", "CK-A100")


@pytest.fixture(scope="module")
def net():
    return load_network()


@pytest.fixture(scope="module")
def both(net):
    return exchange_view(net, COOKER)


def test_both_models_agree_to_the_gram_and_the_table_says_so(both):
    r, c = both.results["relay"], both.results["central"]
    assert round(r.total_kg_co2e * 1000) == round(c.total_kg_co2e * 1000)
    table = both.table()
    assert list(table.columns) == ["バケツリレー（1対1）", "中央集約（多対1）"]
    assert table.loc["メッセージ数"].tolist() == [r.messages, c.messages]
    assert table.loc["他社に見えた非公開項目数"].tolist() == [r.exposure_count, c.exposure_count]
    assert table.loc["障害なしとの差 [%]"].tolist() == [0.0, 0.0]
    assert table.loc["二次データで代替した製品"].tolist() == ["なし", "なし"]
    assert "グラム単位で一致します" in both.summary_text()


def test_exposure_table_lists_both_models(both):
    table = both.exposure_table()
    assert list(table.columns) == ["モデル", "企業", "見えた相手", "件数", "内容"]
    central_rows = table[table["モデル"] == "中央集約（多対1）"]
    assert set(central_rows["見えた相手"]) == {PLATFORM}
    relay_rows = table[table["モデル"] == "バケツリレー（1対1）"]
    assert PLATFORM not in set(relay_rows["見えた相手"])
    assert relay_rows["件数"].sum() < central_rows["件数"].sum()


def test_a_failing_firm_is_estimated_and_the_difference_shown(net):
    view = exchange_view(net, COOKER, failing=["MTR"], mode="refuse")
    for r in view.results.values():
        assert r.estimated == ["MTR:MT-300"]
    diff = view.table().loc["障害なしとの差 [%]"]
    assert diff.iloc[0] == diff.iloc[1] != 0
    expected = 100 * (view.results["relay"].total_kg_co2e / view.baseline_kg_co2e - 1)
    assert math.isclose(diff.iloc[0], round(expected, 2))
    assert "MTR（回答拒否）" in view.summary_text()
    assert "二次データで推計" in view.summary_text()


def test_granularity_changes_relay_exposure_not_the_total(net):
    views = [exchange_view(net, COOKER, "relay", granularity=g) for g in ("total", "process")]
    low, high = (v.results["relay"] for v in views)
    assert set(views[0].results) == {"relay"}
    assert low.exposure_count < high.exposure_count
    assert low.total_kg_co2e == high.total_kg_co2e
    assert "工程別" in views[1].summary_text()


def test_bad_settings_are_refused(net):
    with pytest.raises(ValueError):
        exchange_view(net, COOKER, failing=["MKA"])
    with pytest.raises(ValueError):
        exchange_view(net, COOKER, model="p2p")
    with pytest.raises(ValueError):
        exchange_view(net, COOKER, granularity="record")


def test_failure_candidates_are_the_chain_without_the_maker(net):
    cands = failure_candidates(net, COOKER)
    assert cands == ["HSG", "HTA", "LOG", "MTR", "PNT", "MAT", "WND"]  # by tier, then id
    assert "MKB" not in cands and "HTB" not in cands


def test_supply_chain_keeps_the_total_and_drops_outsiders(net):
    chain = supply_chain(net, COOKER)
    assert set(chain.firms["firm_id"]) == set(failure_candidates(net, COOKER)) | {"MKA"}
    assert chain.final_products() == [COOKER]
    full = central.simulate(net, COOKER, inspect=False).total_kg_co2e
    assert central.simulate(chain, COOKER, inspect=False).total_kg_co2e == pytest.approx(full)
    # in the chain, the central platform no longer calls the other group's firms
    assert (central.simulate(chain, COOKER).deliveries["kind"] == "Upload").sum() == 8


def test_robustness_in_chain_draws_only_chain_firms(net):
    frame = robustness_in_chain(net, [0, 1, 3], trials=2, seed=1)
    assert set(frame["k"]) == {0, 1, 3}
    assert len(frame) == 2 * (1 + 2 + 2)
    failing = {f for text in frame["failing"] for f in text.split(",") if f}
    assert failing <= set(failure_candidates(net, COOKER))
    assert frame.loc[frame["k"] == 0, "deviation"].abs().max() < 1e-12
    pivot = frame.pivot_table(index=["k", "trial"], columns="model", values="total_kg_co2e")
    assert (pivot["relay"] - pivot["central"]).abs().max() < 1e-6


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    failing=st.sets(st.sampled_from(["HSG", "HTA", "LOG", "MTR", "PNT", "MAT", "WND"]), max_size=3),
    mode=st.sampled_from(["silent", "refuse", "invalid"]),
)
def test_any_failure_same_total_in_both_models_and_less_primary_data(net, failing, mode):
    view = exchange_view(net, COOKER, failing=sorted(failing), mode=mode)
    r, c = view.results["relay"], view.results["central"]
    assert abs(r.total_kg_co2e - c.total_kg_co2e) < 1e-6
    assert r.primary_data_share == pytest.approx(c.primary_data_share, abs=1e-9)
    base_share = relay.simulate(net, COOKER, inspect=False).primary_data_share
    if failing:
        assert r.estimated and r.primary_data_share < base_share
    else:
        assert r.estimated == [] and r.total_kg_co2e == view.baseline_kg_co2e


def test_explorer_controls_recompute(net):
    ui = exchange_explorer(net, COOKER, draw=False)
    assert isinstance(ui, widgets.VBox)
    assert set(ui.view.results) == {"relay", "central"}
    assert ui.mode_dropdown.disabled  # no failing firm yet
    ui.failing_select.value = ("WND",)
    assert ui.view.failing == ("WND",) and not ui.mode_dropdown.disabled
    assert ui.view.results["relay"].estimated == ["WND:CW-12"]
    ui.mode_dropdown.value = "late"
    assert ui.view.mode == "late" and "回答遅延" in ui.summary.value
    ui.model_buttons.value = "central"
    assert set(ui.view.results) == {"central"} and ui.granularity_buttons.disabled
    assert not ui.upload_buttons.disabled
    ui.upload_buttons.value = "stage"
    assert ui.view.upload == "stage"
    assert not (ui.view.results["central"].exposure["kind"] == "process").any()
    ui.model_buttons.value = "relay"
    assert ui.upload_buttons.disabled and not ui.granularity_buttons.disabled
    before = ui.view.results["relay"].exposure_count
    ui.granularity_buttons.value = "process"
    assert ui.view.results["relay"].exposure_count > before
    assert "メッセージ数" in ui.table_html.value and "見えた相手" in ui.exposure_html.value
    assert ui.failing_select.options[0][1] == "HSG"


def test_lanes_run_from_the_platform_down_the_tiers(net, both):
    assert lane_order(net, both.results["central"])[:2] == [PLATFORM, "MKA"]
    lanes = lane_order(net, both.results["relay"])
    assert lanes[0] == "MKA" and lanes[-1] in {"WND", "MAT"}


def test_charts_have_every_glyph(net, both, tmp_path):
    frame = robustness_in_chain(net, [0, 1], trials=2)
    failing = exchange_view(net, COOKER, failing=["MTR"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw_exchange_view(failing).savefig(tmp_path / "view.png")
        draw_timeline(both.results["relay"], net).savefig(tmp_path / "timeline.png")
        draw_timeline(both.results["central"], net).savefig(tmp_path / "timeline_c.png")
        draw_exposure_matrices(list(both.results.values())).savefig(tmp_path / "heat.png")
        draw_robustness(frame).savefig(tmp_path / "rob.png")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing
    for name in ("view", "timeline", "timeline_c", "heat", "rob"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
