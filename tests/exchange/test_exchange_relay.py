"""The bucket relay and the central platform on the sample firms, and with faults."""

import json
import math

import pytest

from cntf_workbench.exchange import central, pact, relay, signing
from cntf_workbench.exchange.network import load_network
from cntf_workbench.trace import PRIMARY_KINDS

COOKER = ("MKA", "CK-A100")
IH = ("MKB", "IH-B200")


@pytest.fixture(scope="module")
def net():
    return load_network()


@pytest.fixture(scope="module")
def runs(net):
    return {
        (p, m): (relay if m == "relay" else central).simulate(net, p)
        for p in (COOKER, IH)
        for m in ("relay", "central")
    }


@pytest.mark.parametrize("product", [COOKER, IH])
def test_same_data_same_total_to_the_gram(runs, product):
    r, c = runs[(product, "relay")], runs[(product, "central")]
    assert abs(r.total_kg_co2e - c.total_kg_co2e) < 1e-6
    assert round(r.total_kg_co2e * 1000) == round(c.total_kg_co2e * 1000)
    assert r.primary_data_share == pytest.approx(c.primary_data_share, abs=1e-9)
    assert r.estimated == c.estimated == []


def test_total_is_the_trace_sum_and_matches_a_hand_rollup(net, runs):
    r = runs[(COOKER, "relay")]
    assert r.total_kg_co2e == math.fsum(r.footprint.trace["kg_co2e"])
    # the cooker by hand: MKA's own electricity + HSG + HTA + transport
    f = {"elec": 0.437, "kyuden": 0.453, "gas": 2.05, "diesel": 2.58}
    steel, copper, paint = 2.3, 4.4, 3.0
    hsg = (
        22 * steel
        + (0.025 + 0.0045 + 0.095 + 0.016 + 0.05) * f["elec"]
        + (0.4 * paint + 0.4 * f["elec"] + 0.1 * f["gas"])
    )
    tr = 0.0536 * f["diesel"] + 0.002 * f["elec"]
    wnd = 1.6 * copper + 0.3 * f["kyuden"] + 0.02 * f["gas"]
    mtr = 1.2 * f["kyuden"] + wnd + 3.7 * steel
    hta = 1.6 * f["elec"] + 3 * mtr + 9.3 * tr
    mka = 4.1 * f["elec"] + hsg + hta + 13.0 * tr
    assert r.total_kg_co2e == pytest.approx(mka, rel=1e-12)


def test_the_final_document_is_valid_and_signed(net, runs):
    for key, r in runs.items():
        assert pact.validate(r.document) == [], key
        assert signing.verify(r.document).signer.startswith("urn:cntf:firm:")


def test_the_relay_respects_each_customers_format(net):
    """MTR answers HTA (A系列) in PACT v3 by stage and HTB (B系列) in v2.3, totals only."""
    seen = {}
    r = relay.simulate(net, IH)
    r2 = relay.simulate(net, COOKER)
    for result in (r, r2):
        for d in result.ledger.entries:
            if d.kind == "transfer" and d.actor == "MTR":
                seen[d.counterpart] = d
    assert set(seen) == {"HTA", "HTB"}
    kinds = set(r.exposure[r.exposure["owner"] == "MTR"]["kind"])
    assert kinds == {"pcf"}  # HTB receives MTR's total only
    kinds_a = set(
        r2.exposure[(r2.exposure["owner"] == "MTR") & (r2.exposure["viewer"] == "HTA")]["kind"]
    )
    assert kinds_a == {"pcf", "stage"}


def test_relay_exposes_less_than_central(runs):
    for p in (COOKER, IH):
        r, c = runs[(p, "relay")], runs[(p, "central")]
        assert r.exposure_count < c.exposure_count
        assert set(c.exposure["viewer"]) == {"PLATFORM"}
        assert "PLATFORM" not in set(r.exposure["viewer"])
        # the central platform sees every process record of every firm upstream
        assert c.exposure["kind"].eq("process").sum() == 28


def test_costs_never_cross_in_either_model(runs):
    for r in runs.values():
        assert not r.exposure["kind"].eq("cost").any()


def test_stage_upload_exposes_less_than_activity_upload(net):
    proc = central.simulate(net, COOKER, upload="process")
    stage = central.simulate(net, COOKER, upload="stage")
    assert stage.total_kg_co2e == pytest.approx(proc.total_kg_co2e, rel=1e-12)
    assert not stage.exposure["kind"].eq("process").any()
    assert stage.exposure_count < proc.exposure_count


@pytest.mark.parametrize("mode", ["silent", "late", "refuse", "invalid"])
@pytest.mark.parametrize("product", [COOKER, IH])
def test_a_failing_firm_is_estimated_never_zero(net, runs, mode, product):
    r = relay.simulate(net, product, faults={"MTR": mode})
    c = central.simulate(net, product, faults={"MTR": mode})
    base = runs[(product, "relay")]
    assert r.estimated == c.estimated == ["MTR:MT-300"]
    assert abs(r.total_kg_co2e - c.total_kg_co2e) < 1e-6
    assert r.primary_data_share < base.primary_data_share
    # MTR sits below the Tier 1: its estimate reaches the final maker inside the Tier 1's
    # answer, whose secondary part grows (never a zero)
    trace = r.footprint.trace
    tier1 = "HTA:HU-A" if product == COOKER else "HTB:HU-B"
    secondary = trace[(trace["item"] == tier1) & (trace["data_kind"] == "database")]
    assert len(secondary) == 1 and secondary["kg_co2e"].iloc[0] > 0
    assert pact.estimated(r.document) == ["MTR:MT-300"]
    fallbacks = [e for e in r.ledger.entries if e.kind == "fallback"]
    assert fallbacks and all("MTR" in e.subject for e in fallbacks)


@pytest.mark.parametrize("mode", ["silent", "refuse", "invalid"])
def test_a_failing_direct_supplier_is_estimated_in_the_final_trace(net, mode):
    r = relay.simulate(net, COOKER, faults={"HTA": mode})
    trace = r.footprint.trace
    est = trace[trace["note"].str.contains("推計", na=False)]
    assert list(est["item"]) == ["HTA:HU-A"]
    assert est["kg_co2e"].iloc[0] == pytest.approx(55.0)  # db_heating_unit, 1 per cooker
    assert set(est["data_kind"]) == {"database"}
    assert not est["data_kind"].isin(PRIMARY_KINDS).any()
    assert r.estimated == ["HTA:HU-A"]
    c = central.simulate(net, COOKER, faults={"HTA": mode})
    assert abs(r.total_kg_co2e - c.total_kg_co2e) < 1e-6


def test_silent_and_late_firms_cost_time(net, runs):
    base = runs[(COOKER, "relay")].latency_hours
    assert relay.simulate(net, COOKER, faults={"WND": "silent"}).latency_hours > base
    late = relay.simulate(net, COOKER, faults={"WND": "late"})
    assert any(e.kind == "refusal" and e.actor == "MTR" for e in late.ledger.entries)


def test_granularity_override_changes_exposure_not_the_total(net):
    totals, exposure = [], []
    for g in ("total", "stage", "process"):
        r = relay.simulate(net, COOKER, granularity=g)
        totals.append(r.total_kg_co2e)
        exposure.append(r.exposure_count)
    assert totals[0] == totals[1] == totals[2]
    assert exposure[0] < exposure[1] < exposure[2]


def test_propagation_of_a_tier3_improvement(runs):
    r, c = runs[(COOKER, "relay")], runs[(COOKER, "central")]
    # relay: MTR (48 h) + HTA (24 h) + MKA (4 h) recompute in turn; central: the platform (2 h)
    assert r.propagation_hours("WND") == 76.0
    assert c.propagation_hours("WND") == 2.0


def test_an_improvement_at_tier3_reaches_the_final_figure(net, runs):
    proc = net.processes.copy()
    proc.loc[proc["record_id"] == "WND-1", "factor_id"] = "copper_recycled_teaching"
    better = net.with_changes(processes=proc)
    r = relay.simulate(better, COOKER)
    c = central.simulate(better, COOKER)
    drop = runs[(COOKER, "relay")].total_kg_co2e - r.total_kg_co2e
    assert drop == pytest.approx(3 * 1.6 * (4.4 - 1.5), rel=1e-9)
    assert abs(r.total_kg_co2e - c.total_kg_co2e) < 1e-6


def test_messages_are_pact_events(runs):
    r = runs[(COOKER, "relay")]
    kinds = set(r.deliveries["kind"])
    assert kinds <= {"RequestCreated", "RequestFulfilled", "RequestRejected", "Forward"}
    assert r.messages == len(r.deliveries) and r.bytes == int(r.deliveries["bytes"].sum())
    n_links = 9  # links upstream of the cooker
    assert (r.deliveries["kind"] == "RequestCreated").sum() == n_links
    c = runs[(COOKER, "central")]
    assert (c.deliveries["kind"] == "Upload").sum() == 10
    assert json.dumps(r.summary())  # JSON-ready


def test_a_failure_outside_the_supply_chain_changes_nothing(net, runs):
    """MKB (the other group's final maker) does not upload: nobody buys its product, so the
    platform needs no estimate for it and the cooker's figure is unchanged."""
    base = runs[(COOKER, "central")]
    c = central.simulate(net, COOKER, faults={"MKB": "silent"})
    assert c.total_kg_co2e == base.total_kg_co2e and c.estimated == []
