"""Supply-chain CFP: the data package, order-level footprints, the SCM-BOM roll-up, analyses.

Hand-worked values use the shipped tables' literal inputs (data/seminar/chain/*.csv) and the
factors of data/factors/emission_factors.csv (steel sheet 2.3 kg-CO2e/kg, grid 0.437 kg-CO2e/kWh,
diesel 2.58 kg-CO2e/L) and the improved ton-km formula of 経済産業省告示第66号.
"""

import functools
import json
import math
import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cntf_workbench.cfp import chain as ch
from cntf_workbench.cfp import transport as tr
from cntf_workbench.errors import CntfError, DataError, FactorError


@functools.cache
def _shipped():
    from cntf_workbench.factors import load_factors

    return ch.load_chain(), load_factors()


@pytest.fixture(scope="module")
def chain():
    return _shipped()[0]


@pytest.fixture(scope="module")
def records(chain, factors):
    return ch.record_emissions(chain, factors)


def test_datapackage_describes_every_column(chain):
    pkg = json.loads((ch.chain_dir() / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in pkg["resources"]}
    assert names == set(ch.CHAIN_TABLES)
    for res in pkg["resources"]:
        header = (ch.chain_dir() / res["path"]).read_text(encoding="utf-8").splitlines()[0]
        fields = [f["name"] for f in res["schema"]["fields"]]
        assert header.split(",") == fields, res["name"]
        assert all(f.get("description") for f in res["schema"]["fields"])
        assert "provenance" in fields


def test_every_row_has_a_provenance_and_synthetic_rows_say_assumed(chain):
    for name in ch.CHAIN_TABLES:
        prov = getattr(chain, name)["provenance"]
        assert prov.str.len().gt(0).all(), name
        assert prov.str.startswith(("assumed", "slide")).all(), name


def test_a_dozen_orders_and_every_stage(chain, factors):
    assert len(chain.orders) >= 12
    fp = ch.chain_footprint(chain, factors, "P-001")
    assert list(fp.by("stage").index) == list(ch.STAGES)


def test_total_is_the_roll_up(chain, factors, records):
    totals = ch.order_totals(chain, factors, records=records)
    for order in chain.product_orders():
        fp = ch.chain_footprint(chain, factors, order)
        assert fp.total == pytest.approx(totals.loc[order, "cradle_to_gate_kg_co2e"], rel=1e-12)
    everything = ch.chain_footprint(chain, factors)
    assert everything.total == pytest.approx(records["kg_co2e"].sum(), rel=1e-12)


def test_trace_names_firm_stage_order_and_record(chain, factors):
    fp = ch.chain_footprint(chain, factors, "P-001")
    row = fp.trace.iloc[0]
    assert row["item"] == "H-001/MI-001-1"
    assert row["stage"] == "材料払出"
    assert row["note"].startswith("[HSG 筐体サプライヤ]")
    rows = ch.chain_records(chain, factors, "P-001")
    assert set(rows["firm_id"]) == {"HSG", "PNT", "MTR", "LOG", "MKR"}


def test_material_issue_by_hand(chain, factors):
    fp = ch.chain_footprint(chain, factors, "P-001")
    row = fp.trace.set_index("item").loc["H-001/MI-001-1"]
    assert row["kg_co2e"] == pytest.approx(440.0 * 2.3)  # 20 housings × 22 kg steel sheet
    assert row["scope"] == 3 and row["scope3_category"] == 1


def test_manufacturing_by_hand(chain, factors):
    fp = ch.chain_footprint(chain, factors, "P-001")
    t = fp.trace.set_index("item")
    assert t.loc["H-001/MF-001-1", "kg_co2e"] == pytest.approx(0.50 * 0.437)  # cutting
    assert t.loc["M-001/MF-001-8", "kg_co2e"] == pytest.approx(66.0 * 0.453)  # annealing, Kyushu
    assert t.loc["T-001/MF-001-5", "kg_co2e"] == pytest.approx(0.15 * 2.05)  # city gas oven
    # the final maker's own electricity is its Scope 2
    assert t.loc["P-001/MF-001-10", "scope"] == 2


def test_storage_allocated_by_volume_days_by_hand(chain, factors):
    # HSG-WH: 6 kWh/day × 30 days = 180 kWh shared by volume × days:
    # lots 2.4×3, 2.4×5, 4.8×2, 1.2×7 m3·day and 40 m3·day of other goods
    weights = [2.4 * 3, 2.4 * 5, 4.8 * 2, 1.2 * 7]
    share = weights[0] / (sum(weights) + 40.0)
    energy = ch.storage_energy(chain)
    first = chain.storage.index[chain.storage["record_id"] == "ST-001-1"][0]
    assert energy.loc[first, "kwh"] == pytest.approx(180.0 * share)
    fp = ch.chain_footprint(chain, factors, "P-001")
    kg = fp.trace.set_index("item").loc["H-001/ST-001-1", "kg_co2e"]
    assert kg == pytest.approx(180.0 * share * 0.437)


def test_storage_parts_add_up_to_the_area(chain):
    energy = ch.storage_energy(chain)
    areas = chain.storage_areas.set_index("area_id")
    for area, idx in chain.storage.groupby("area_id").groups.items():
        a = areas.loc[area]
        total = a["kwh_per_day"] * a["period_days"]
        ours = math.fsum(energy.loc[idx, "kwh"])
        other_share = a["other_occupancy"] / (
            energy.loc[idx, "weight"].sum() + a["other_occupancy"]
        )
        assert ours == pytest.approx(total * (1 - other_share), rel=1e-12)


def test_logistics_by_hand(chain, factors):
    fp = ch.chain_footprint(chain, factors, "P-001")
    t = fp.trace.set_index("item")
    # 改良トンキロ法: 510 km, 0.4 t, 4 t truck 50 % loaded, diesel
    y = math.exp(2.71 - 0.812 * math.log(0.5) - 0.654 * math.log(4000))
    assert t.loc["H-001/LG-001-1", "amount"] == pytest.approx(y * 0.4 * 510)
    assert t.loc["H-001/LG-001-1", "kg_co2e"] == pytest.approx(y * 0.4 * 510 * 2.58)
    assert t.loc["H-001/LG-001-1", "scope3_category"] == 4
    # 燃費法: 620 km / 3.1 km/L (10 t class default), share 300 kg / (0.55 × 10,000 kg)
    assert t.loc["M-001/LG-001-2", "amount"] == pytest.approx(620 / 3.1 * 300 / 5500)
    # 燃料法: trip 3.1 L × 400 kg / (0.8 × 2,000 kg)
    assert t.loc["H-001/LG-001-3", "amount"] == pytest.approx(3.1 * 0.25)
    # トンキロ法: 0.3 t × 18 km × mode factor
    mode = tr.load_transport().mode_factor("truck")["value"]
    assert t.loc["M-001/LG-001-4", "kg_co2e"] == pytest.approx(0.3 * 18 * mode)


def test_ev_record(chain, factors):
    fp = ch.chain_footprint(chain, factors, "P-004")
    row = fp.trace.set_index("item").loc["H-004/LG-004-3"]
    assert row["unit"] == "kWh"
    assert row["amount"] == pytest.approx(18 * 0.45 * 200 / 1600)
    assert row["kg_co2e"] == pytest.approx(18 * 0.45 * 200 / 1600 * 0.437)


def test_replace_copies_and_keeps_the_original(chain, factors):
    before = ch.chain_footprint(chain, factors, "P-001").total
    green = chain.firms.assign(
        electricity_factor_id=np.where(
            chain.firms["firm_id"] == "MTR",
            "elec_jp_yonden_fy2023_menu_a",
            chain.firms["electricity_factor_id"],
        )
    )
    changed = ch.replace(chain, firms=green)
    after = ch.chain_footprint(changed, factors, "P-001").total
    assert after < before
    assert ch.chain_footprint(chain, factors, "P-001").total == before
    assert (
        chain.firms.loc[chain.firms["firm_id"] == "MTR", "electricity_factor_id"].iloc[0]
        == "elec_jp_kyuden_fy2022"
    )
    with pytest.raises(ch.ChainError, match="表「nope」"):
        chain.replace(nope=chain.firms)


def test_replace_checks_references(chain):
    bad = chain.orders.copy()
    bad.loc[0, "firm_id"] = "ZZZ"
    with pytest.raises(ch.ChainError, match="ZZZ") as info:
        ch.replace(chain, orders=bad)
    assert info.value.row == 1 and info.value.column == "firm_id"


def test_unknown_factor_is_named(chain, factors):
    mf = chain.manufacturing.copy()
    mf.loc[0, "factor_id"] = "no_such_factor"
    with pytest.raises(FactorError, match="no_such_factor"):
        ch.record_emissions(ch.replace(chain, manufacturing=mf), factors)
    mf.loc[0, "factor_id"] = "city_gas_jp_2024"  # wrong activity for an electricity record
    with pytest.raises(FactorError, match="city_gas"):
        ch.record_emissions(ch.replace(chain, manufacturing=mf), factors)


@pytest.mark.parametrize("value", [0.0, 1.5])
def test_load_factor_outside_range_via_replace(chain, factors, value):
    lg = chain.logistics.copy()
    lg.loc[1, "load_factor"] = value
    with pytest.raises(CntfError, match="積載率") as info:
        ch.record_emissions(ch.replace(chain, logistics=lg), factors)
    assert info.value.row == 2 and info.value.column == "load_factor"


def test_negative_distance_via_replace(chain, factors):
    lg = chain.logistics.copy()
    lg.loc[2, "distance_km"] = -10.0
    with pytest.raises(CntfError, match="輸送距離") as info:
        ch.record_emissions(ch.replace(chain, logistics=lg), factors)
    assert info.value.row == 3 and info.value.column == "distance_km"


def test_negative_mass_and_missing_column_via_replace(chain):
    mi = chain.material_issues.assign(mass_kg=-chain.material_issues["mass_kg"])
    with pytest.raises(ch.ChainError, match="0 以上") as info:
        ch.replace(chain, material_issues=mi)
    assert info.value.row == 1 and info.value.column == "mass_kg"
    with pytest.raises(ch.ChainError, match="fuel"):
        ch.replace(chain, logistics=chain.logistics.drop(columns="fuel"))


def _copy_package(tmp_path):
    dst = tmp_path / "chain"
    shutil.copytree(ch.chain_dir(), dst, ignore=shutil.ignore_patterns("options"))
    return dst


def test_broken_file_names_file_row_and_column(tmp_path):
    dst = _copy_package(tmp_path)
    lg = pd.read_csv(dst / "logistics.csv", dtype=str, keep_default_na=False)
    lg.loc[4, "load_factor"] = "1.7"
    lg.to_csv(dst / "logistics.csv", index=False)
    with pytest.raises(DataError) as info:
        ch.load_chain(dst)
    assert info.value.row == 5 and info.value.column == "load_factor"
    assert "logistics.csv" in str(info.value)


def test_loading_never_writes(tmp_path):
    dst = _copy_package(tmp_path)
    before = {p.name: p.read_bytes() for p in dst.glob("*.csv")}
    ch.load_chain(dst)
    assert before == {p.name: p.read_bytes() for p in dst.glob("*.csv")}


def test_self_consuming_order_is_an_error(chain):
    links = chain.order_links.copy()
    links.loc[0, "supplier_order_id"] = links.loc[0, "customer_order_id"]
    with pytest.raises(ch.ChainError, match="自分自身"):
        ch.replace(chain, order_links=links)


def test_cycle_is_a_clear_error(chain, factors):
    links = pd.concat(
        [
            chain.order_links,
            pd.DataFrame(
                [
                    {
                        "customer_order_id": "H-001",
                        "supplier_order_id": "P-001",
                        "share": 0.0,
                        "provenance": "assumed",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    with pytest.raises(CntfError, match="循環"):
        ch.order_totals(ch.replace(chain, order_links=links), factors)


def test_shared_supplier_order_is_split(chain, factors):
    # half of M-001 goes into P-001, half into P-002: each gets half its emission
    links = chain.order_links.copy()
    links.loc[
        (links["customer_order_id"] == "P-001") & (links["supplier_order_id"] == "M-001"), "share"
    ] = 0.5
    links = pd.concat(
        [
            links,
            pd.DataFrame(
                [
                    {
                        "customer_order_id": "P-002",
                        "supplier_order_id": "M-001",
                        "share": 0.5,
                        "provenance": "assumed",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    split = ch.replace(chain, order_links=links)
    totals = ch.order_totals(split, factors)
    base = ch.order_totals(chain, factors)
    m1 = base.loc["M-001", "cradle_to_gate_kg_co2e"]
    assert totals.loc["P-001", "cradle_to_gate_kg_co2e"] == pytest.approx(
        base.loc["P-001", "cradle_to_gate_kg_co2e"] - 0.5 * m1
    )
    assert totals.loc["P-002", "cradle_to_gate_kg_co2e"] == pytest.approx(
        base.loc["P-002", "cradle_to_gate_kg_co2e"] + 0.5 * m1
    )
    over = links.copy()
    over.loc[over.index[-1], "share"] = 0.9
    with pytest.raises(ch.ChainError, match="1 を超え"):
        ch.replace(chain, order_links=over)


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=0.01, max_value=100.0))
def test_footprint_scales_with_activity(k):
    chain, factors = _shipped()
    base = ch.chain_footprint(chain, factors, "P-002").total
    scaled = ch.replace(
        chain,
        material_issues=chain.material_issues.assign(mass_kg=chain.material_issues["mass_kg"] * k),
        manufacturing=chain.manufacturing.assign(amount=chain.manufacturing["amount"] * k),
        storage_areas=chain.storage_areas.assign(
            kwh_per_day=chain.storage_areas["kwh_per_day"] * k
        ),
        logistics=chain.logistics.assign(
            distance_km=chain.logistics["distance_km"] * k,
            fuel_l=chain.logistics["fuel_l"] * k,
        ),
    )
    assert ch.chain_footprint(scaled, factors, "P-002").total == pytest.approx(k * base, rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=3, max_size=3))
def test_supplier_shares_are_linear(shares):
    chain, factors = _shipped()
    rec = ch.record_emissions(chain, factors)
    own = rec.groupby("order_id")["kg_co2e"].sum()
    links = chain.order_links.copy()
    mask = links["customer_order_id"].isin(["P-003", "H-003"])
    links.loc[mask, "share"] = shares
    totals = ch.order_totals(ch.replace(chain, order_links=links), factors, records=rec)
    s_h, s_t, s_m = shares  # P-003 ← H-003, H-003 ← T-003, P-003 ← M-003
    expected = own["P-003"] + s_h * (own["H-003"] + s_t * own["T-003"]) + s_m * own["M-003"]
    assert totals.loc["P-003", "cradle_to_gate_kg_co2e"] == pytest.approx(expected, rel=1e-12)


def test_analyses_name_their_levers_and_add_up(chain, factors):
    tables = ch.analyses(chain, factors, "P-001")
    assert set(tables) == set(ch.LEVERS)
    assert tables["物流CFP"].attrs["levers"] == ("物流業者変更", "輸送モード見直し", "EV輸送車活用")
    fp = ch.chain_footprint(chain, factors, "P-001")
    stage = fp.by("stage")["kg_co2e"]
    assert tables["部品別製造CFP"]["kg_co2e"].sum() == pytest.approx(stage["部品製造"])
    assert tables["購入材料別CFP"]["kg_co2e"].sum() == pytest.approx(stage["材料払出"])
    assert tables["物流CFP"]["kg_co2e"].sum() == pytest.approx(stage["部品物流"])
    assert tables["製品別製造CFP"]["kg_co2e"].sum() == pytest.approx(stage["製品製造"])
    motor = tables["部品別製造CFP"].query("part == 'モーター'")
    assert motor["per_part_kg_co2e"].sum() == pytest.approx(motor["kg_co2e"].sum() / 60)


def test_flows_both_layers_sum_to_total(chain, factors):
    rows = ch.chain_records(chain, factors)
    f = ch.flows(rows, chain)
    firms = set(chain.firms["name"])
    first = f[f["source"].isin(firms)]["kg_co2e"].sum()
    second = f[f["source"].isin(ch.STAGES)]["kg_co2e"].sum()
    assert first == pytest.approx(rows["kg_co2e"].sum())
    assert second == pytest.approx(rows["kg_co2e"].sum())


def test_by_firm_and_stage(chain, factors):
    rows = ch.chain_records(chain, factors, "P-001")
    assert ch.by_firm(rows, chain)["share"].sum() == pytest.approx(1.0)
    assert list(ch.by_stage(rows).index) == list(ch.STAGES)


def test_per_unit(chain, factors):
    fp = ch.chain_footprint(chain, factors, "P-003")
    unit = ch.per_unit(chain, fp, "P-003")
    assert unit.total == pytest.approx(fp.total / 40)
    assert unit.functional_unit == "1台"


# --------------------------------------------------------------------------------------------
# Front-ends built on the chain API (chart, widget, exercises of notebook 04)


def _savefig_without_missing_glyphs(fig, path):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(path, dpi=60)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing
    assert path.stat().st_size > 5000


def test_sankey_and_lever_charts_render_japanese(tmp_path, chain, factors):
    import matplotlib.pyplot as plt

    from cntf_workbench import viz

    rows = ch.chain_records(chain, factors, "P-001")
    fig = viz.sankey(ch.flows(rows, chain), title="オーダ P-001 の CO2 の流れ")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("材料払出" in t for t in texts) and any("電子調理器" in t for t in texts)
    _savefig_without_missing_glyphs(fig, tmp_path / "sankey.png")
    plt.close(fig)
    table = ch.analyses(chain, factors, "P-001")["物流CFP"]
    fig = viz.lever_chart(table, ["item", "route"], value="g_per_item")
    assert "EV輸送車活用" in fig.axes[0].get_title()
    _savefig_without_missing_glyphs(fig, tmp_path / "lever.png")
    plt.close(fig)


def test_logistics_view_by_mode(chain, factors):
    from cntf_workbench.widgets import chain as w

    same = w.logistics_view(chain, factors, "LG-001-1", mode="truck")
    assert same.delta_g_per_item == pytest.approx(0.0, abs=1e-9)
    rail = w.logistics_view(chain, factors, "LG-001-1", mode="rail")
    mode = tr.load_transport().mode_factor("rail")["value"]
    assert rail.new_g_per_item == pytest.approx(0.4 * 510 * mode * 1000 / 20)
    assert rail.new_total - rail.base_total == pytest.approx(
        (rail.new_g_per_item - rail.base_g_per_item) * 20 / 1000
    )
    fuller = w.logistics_view(chain, factors, "LG-001-1", mode="truck", load_factor=0.8)
    assert fuller.new_g_per_item < fuller.base_g_per_item
    with pytest.raises(ch.ChainError):
        w.logistics_view(chain, factors, "LG-001-1", mode="rocket")


def test_logistics_explorer_recomputes_on_change(chain, factors):
    from cntf_workbench.widgets import chain as w

    explorer = w.logistics_explorer(chain, factors, "LG-001-1", draw=False)
    before = explorer.view.new_g_per_item
    explorer.load_slider.value = 0.9
    assert explorer.view.new_g_per_item < before
    explorer.mode_buttons.value = "ship"
    assert explorer.view.mode == "ship" and explorer.load_slider.disabled
    explorer.record_dropdown.value = "LG-002-2"
    assert explorer.view.record_id == "LG-002-2" and explorer.view.order_id == "P-002"
    assert "g-CO2e" in explorer.summary.value


def test_exercises_accept_right_and_reject_wrong(chain, factors):
    from cntf_workbench.exercises import ____
    from cntf_workbench.exercises import chain as ex

    y = math.exp(2.71 - 0.812 * math.log(0.6) - 0.654 * math.log(10000))
    ex.ex1.assert_right(y * 2.0 * 300)
    ex.ex1.assert_wrong(y * 2.0 * 300 * 1000)
    litres = tr.improved_tonkm_fuel(510, 0.4, 0.6, 4000)
    ex.ex2.assert_right(litres * 2.58 * 1000 / 20)
    ex.ex2.assert_wrong(litres * 2.58 * 1000)
    ex.ex4.assert_right("材料払出")
    ex.ex4.assert_wrong("製品出荷")
    assert not ex.ex3.check(____)
    assert ex.ex3.expected() == pytest.approx(
        150
        * 30
        * (2.4 * 6)
        / (
            900
            + sum(
                v * d
                for v, d in zip(
                    chain.storage.loc[chain.storage["area_id"] == "LOG-DC", "volume_m3"],
                    chain.storage.loc[chain.storage["area_id"] == "LOG-DC", "days"],
                    strict=True,
                )
            )
        )
    )
