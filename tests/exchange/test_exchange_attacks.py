"""Attacks on the exchange: each is refused or detected, and the ledger says so."""

import copy
import json

import pytest

from cntf_workbench.exchange import pact, relay, signing
from cntf_workbench.exchange.bus import Bus
from cntf_workbench.exchange.contracts import ContractViolation
from cntf_workbench.exchange.firms import AccessDenied
from cntf_workbench.exchange.ledger import LedgerError
from cntf_workbench.exchange.network import load_network
from cntf_workbench.exchange.parties import build

COOKER = ("MKA", "CK-A100")


@pytest.fixture(scope="module")
def net():
    return load_network()


def _setup(net, run_id="run-1"):
    bus = Bus()
    firms = build(net, relay.RelayFirm, bus, run_id=run_id)
    return bus, firms


def test_reading_another_firms_private_records_through_the_api_is_refused(net):
    bus, firms = _setup(net)
    assert len(firms["MTR"].private_records("MTR", bus)) == 3
    with pytest.raises(AccessDenied):
        firms["MTR"].private_records("HTA", bus)
    assert bus.ledger.entries[-1].kind == "refusal"
    assert bus.ledger.entries[-1].counterpart == "HTA"
    # nor are the records attributes a customer can read by name
    assert not any("record" in name and not name.startswith("_") for name in vars(firms["MTR"]))


def test_a_request_for_a_record_or_by_a_non_customer_is_rejected(net):
    bus, _firms = _setup(net)
    for product_id in ("urn:cntf:record:MTR:MTR-1", "urn:cntf:product:MTR:MT-300"):
        ev = pact.request_created(
            source="urn:cntf:firm:MKB", product_ids=[product_id], event_id=f"attack-{product_id}"
        )
        bus.send("MKB", "MTR", "RequestCreated", pact.to_bytes(ev))
    bus.run()
    rejected = [d for d in bus.deliveries if d.kind == "RequestRejected"]
    assert len(rejected) == 2 and {d.recipient for d in rejected} == {"MKB"}
    refused = [
        e for e in bus.ledger.entries if e.kind == "refusal" and e.subject == "RequestCreated"
    ]
    assert len(refused) == 2 and {e.actor for e in refused} == {"MTR"}


def test_inspecting_what_a_customer_receives_reveals_no_upstream_private_data(net):
    r = relay.simulate(net, COOKER, granularity="total")
    received = b"".join(m for m in _bodies(net, "MKA", granularity="total")).decode("utf-8")
    records = net.processes
    for rec in records[records["firm_id"].isin(["MTR", "WND", "MAT", "PNT"])].itertuples():
        assert rec.record_id not in received
        assert rec.process not in received
    for cost in net.costs["cost_yen_per_unit"]:
        assert f'"{int(cost)}"' not in received
    assert "WND" not in received and "PNT" not in received  # Tier 3 names not even visible
    owners = set(r.exposure[r.exposure["viewer"] == "MKA"]["owner"])
    assert owners <= {"HSG", "HTA", "LOG", "MTR"}  # direct suppliers (+ MTR by contract C09)


def _bodies(net, viewer, **kwargs):
    bus = Bus()
    firms = build(net, relay.RelayFirm, bus, **kwargs)
    got = []
    bus.observers.append(lambda m: got.append(m.body) if m.recipient == viewer else None)
    firms[COOKER[0]].start(COOKER[1], bus)
    bus.run()
    return got


def _capture(net, run_id):
    """Run a relay and return the answers HTA received, as bytes."""
    bus = Bus()
    firms = build(net, relay.RelayFirm, bus, run_id=run_id)
    got = []
    bus.observers.append(
        lambda m: got.append(m) if m.recipient == "HTA" and m.kind == "RequestFulfilled" else None
    )
    firms["MKA"].start("CK-A100", bus)
    bus.run()
    return got, bus, firms


def test_a_forged_signature_is_detected(net):
    msgs, _bus, _firms = _capture(net, "run-1")
    event = json.loads(msgs[0].body)
    doc = event["data"]["pfs"][0]
    forged = copy.deepcopy(doc)
    forged["pcf"]["pcfExcludingBiogenicUptake"] = "1"  # the supplier's figure lowered in transit
    with pytest.raises(signing.SignatureError):
        signing.verify(forged)
    # a signature by another key under the supplier's name fails against the keyring
    impostor = signing.sign(
        signing.strip(doc), signing.generate_key(b"\x01" * 32), signer=doc_signer(doc)
    )
    ring = _firms["HTA"].keyring
    with pytest.raises(signing.SignatureError):
        signing.verify(impostor, keyring=ring)


def doc_signer(doc):
    return signing.signature_of(doc)["signer"]


def test_a_tampered_answer_in_transit_is_refused_and_estimated(net):
    bus = Bus()
    firms = build(net, relay.RelayFirm, bus)

    original = bus._deliver

    def tamper(msg):
        if msg.kind == "RequestFulfilled" and msg.sender == "MTR" and msg.recipient == "HTA":
            event = json.loads(msg.body)
            event["data"]["pfs"][0]["pcf"]["pcfExcludingBiogenicUptake"] = "0.1"
            msg.body = json.dumps(event).encode()
        original(msg)

    bus._deliver = tamper
    firms["MKA"].start("CK-A100", bus)
    bus.run()
    state = firms["MKA"].result("CK-A100")
    assert "MTR:MT-300" in state.estimated
    refusals = [e for e in bus.ledger.entries if e.kind == "refusal" and e.actor == "HTA"]
    assert refusals and "署名" in json.dumps(refusals[0].detail, ensure_ascii=False)


def test_a_replayed_answer_is_detected(net):
    old, _bus, _firms = _capture(net, "run-1")  # last year's answers
    bus = Bus()
    firms = build(net, relay.RelayFirm, bus, run_id="run-2")
    replayed = []

    def replay(msg):
        if msg.kind == "RequestCreated" and msg.recipient == "MTR" and msg.sender == "HTA":
            # an attacker answers HTA's new request with MTR's old signed answer, rewrapped
            event = json.loads(old[0].body)
            event["data"]["requestEventId"] = json.loads(msg.body)["id"]
            bus.send("MTR", "HTA", "RequestFulfilled", json.dumps(event).encode())
            replayed.append(event)

    bus.observers.append(replay)
    firms["MKA"].start("CK-A100", bus)
    bus.run()
    assert replayed
    refusals = [e for e in bus.ledger.entries if e.kind == "refusal" and e.actor == "HTA"]
    assert any("replay" in json.dumps(e.detail, ensure_ascii=False) for e in refusals)
    # the old answer verbatim is refused too: it answers no pending request
    bus2 = Bus()
    firms2 = build(net, relay.RelayFirm, bus2, run_id="run-3")
    firms2["MKA"].start("CK-A100", bus2)
    bus2.send("MTR", "HTA", "RequestFulfilled", old[0].body)
    bus2.run()
    assert any(
        e.kind == "refusal" and "待っていない" in json.dumps(e.detail, ensure_ascii=False)
        for e in bus2.ledger.entries
    )


def test_an_onward_transfer_the_contract_forbids_is_refused(net):
    _msgs, bus, firms = _capture(net, "run-1")
    pnt_doc = next(
        d for d in firms["HSG"].received_docs if d["productIds"][0].endswith(":PNT:PT-01")
    )
    with pytest.raises(ContractViolation):
        firms["HSG"].forward(pnt_doc, "MKA", bus)
    assert bus.ledger.entries[-1].kind == "refusal"
    mtr_doc = next(d for d in firms["HTA"].received_docs if d["productIds"][0].endswith(":MT-300"))
    with pytest.raises(ContractViolation):
        firms["HTA"].forward(mtr_doc, "MKB", bus)  # C09 allows MKA only
    firms["HTA"].forward(mtr_doc, "MKA", bus)  # allowed, and it verifies at MKA
    bus.run()
    assert any(d["productIds"][0].endswith(":MT-300") for d in firms["MKA"].received_docs)


def test_an_altered_ledger_entry_is_detected(net):
    r = relay.simulate(net, COOKER)
    r.ledger.verify()
    entries = r.ledger.entries
    victim = entries[3]
    object.__setattr__(victim, "counterpart", "MKB")  # LedgerEntry is frozen: force the edit
    with pytest.raises(LedgerError, match="3"):
        r.ledger.verify()


def test_only_bytes_cross_the_bus(net):
    bus, _firms = _setup(net)
    with pytest.raises(TypeError):
        bus.send("MKA", "HTA", "RequestCreated", {"id": "x"})
