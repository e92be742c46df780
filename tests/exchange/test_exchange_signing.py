"""Signatures: a signed footprint stays valid PACT, verifies, and every attack is caught."""

import base64
import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cntf_workbench.exchange import pact, signing

MTR = "urn:cntf:firm:MTR"
REQ = "1934405d-4f9b-4b3b-9c05-bc3568f80001"
OLD_REQ = "1934405d-4f9b-4b3b-9c05-bc3568f80000"
KEY = signing.generate_key(signing.seed_from("run-1:MTR"))
OTHER = signing.generate_key(signing.seed_from("run-1:attacker"))
KEYRING = {MTR: signing.public_key_b64(KEY)}
T0 = datetime(2025, 5, 1, tzinfo=UTC)


def footprint(total=4.5, spec="3"):
    return pact.from_footprint(
        total,
        company_name="モーター工業",
        company_id=MTR,
        product_id="urn:cntf:product:MTR:MT-300",
        product_name="MT-300",
        product_description="小型モーター",
        declared_unit="kg",
        product_mass_kg=2.1,
        period_start=datetime(2024, 4, 1),
        period_end=datetime(2025, 4, 1),
        estimated=["鋼板"],
        spec=spec,
        created=T0,
        pf_id="f4b1225a-bd44-4c8e-861d-079e4e1dfd69",
    )


def signed(doc=None, key=KEY, bound_to=REQ):
    return signing.sign(doc or footprint(), key, signer=MTR, bound_to=bound_to, signed_at=T0)


def test_sign_and_verify():
    doc = footprint()
    before = copy.deepcopy(doc)
    s = signed(doc)
    assert doc == before  # the input is not changed
    result = signing.verify(s, keyring=KEYRING, expect_bound_to=REQ)
    assert result == signing.Signed(signer=MTR, bound_to=REQ, signed_at="2025-05-01T00:00:00Z")
    ext = s["extensions"][-1]
    assert ext["dataSchema"] == signing.SIGNATURE_SCHEMA
    assert ext["data"]["algorithm"] == "Ed25519"
    assert ext["data"]["publicKey"] == KEYRING[MTR]
    assert len(base64.b64decode(ext["data"]["signature"])) == 64
    assert signing.is_signed(s) and not signing.is_signed(doc)
    assert signing.strip(s) == doc
    assert pact.breakdown(s) is not None  # the other extension is untouched


@pytest.mark.parametrize("spec", ["3", "2"])
def test_signed_document_is_still_valid_pact(spec):
    s = signed(footprint(spec=spec))
    assert pact.validate(s) == []
    assert pact.dump(pact.load(s)) == s
    path = Path(__file__).resolve().parents[2].parent / "shared" / "pact" / f"openapi-v{spec}.yaml"
    if not path.exists():
        pytest.skip("PACT spec is not here")
    import yaml
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resource = Resource.from_contents(
        yaml.safe_load(path.read_text(encoding="utf-8")), default_specification=DRAFT202012
    )
    validator = Draft202012Validator(
        {"$ref": "urn:pact:spec#/components/schemas/ProductFootprint"},
        registry=Registry().with_resource("urn:pact:spec", resource),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    assert [e.message for e in validator.iter_errors(s)] == []


def test_keys_and_signatures_are_reproducible():
    again = signing.generate_key(signing.seed_from("run-1:MTR"))
    assert signing.public_key_b64(again) == KEYRING[MTR]
    assert pact.to_bytes(signed(key=again)) == pact.to_bytes(signed())  # Ed25519 is deterministic
    assert signing.public_key_b64(signing.generate_key()) != KEYRING[MTR]
    with pytest.raises(signing.SignatureError, match="32"):
        signing.generate_key(b"short")


def test_survives_the_bytes_on_the_wire():
    s = signed()
    received = json.loads(pact.to_bytes(s).decode("utf-8"))
    assert signing.verify(received, keyring=KEYRING, expect_bound_to=REQ).signer == MTR


# ---- attacks -------------------------------------------------------------------------------


def test_changed_pcf_value_is_detected():
    s = signed()
    s["pcf"]["pcfExcludingBiogenicUptake"] = "1.2"
    s["pcf"]["fossilGhgEmissions"] = "1.2"
    assert pact.validate(s) == []  # still a valid PACT document …
    with pytest.raises(signing.SignatureError, match="一致しません"):
        signing.verify(s, keyring=KEYRING)  # … but not the one MTR signed


def test_one_flipped_byte_is_detected():
    wire = bytearray(pact.to_bytes(signed()))
    at = wire.index(b'"MT-300"') + 4  # inside productNameCompany
    wire[at] ^= 0x01  # "MT-300" -> "MT,300"
    doc = json.loads(bytes(wire))
    assert doc["productNameCompany"] != "MT-300"
    with pytest.raises(signing.SignatureError):
        signing.verify(doc, keyring=KEYRING)


def _leaves(obj, path=()):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _leaves(v, (*path, i))
    else:
        yield path


SIGNED = signed()
LEAVES = [p for p in _leaves(SIGNED) if p[-1] != "signature"]


@given(st.sampled_from(LEAVES), st.sampled_from(["x", "0", 1, True, None]))
@settings(max_examples=150, deadline=None)
def test_any_altered_field_is_detected(path, value):
    doc = copy.deepcopy(SIGNED)
    target = doc
    for p in path[:-1]:
        target = target[p]
    if target[path[-1]] == value and type(target[path[-1]]) is type(value):
        value = [value]
    target[path[-1]] = value
    with pytest.raises(signing.SignatureError):
        signing.verify(doc, keyring=KEYRING)


@given(st.sampled_from([p for p in LEAVES if p[:1] != ("extensions",)]))
@settings(max_examples=60, deadline=None)
def test_removed_field_is_detected(path):
    doc = copy.deepcopy(SIGNED)
    target = doc
    for p in path[:-1]:
        target = target[p]
    del target[path[-1]]
    with pytest.raises(signing.SignatureError):
        signing.verify(doc, keyring=KEYRING)


def test_forged_signature_is_detected():
    s = signed()
    s["extensions"][-1]["data"]["signature"] = base64.b64encode(bytes(64)).decode()
    with pytest.raises(signing.SignatureError, match="一致しません"):
        signing.verify(s, keyring=KEYRING)
    s["extensions"][-1]["data"]["signature"] = "not base64!"
    with pytest.raises(signing.SignatureError, match="base64"):
        signing.verify(s, keyring=KEYRING)
    del s["extensions"][-1]["data"]["signature"]
    with pytest.raises(signing.SignatureError, match="署名値"):
        signing.verify(s, keyring=KEYRING)


def test_resigned_by_another_key_under_the_same_name_is_detected():
    forged = pact.from_footprint(
        1.0,
        company_name="モーター工業",
        company_id=MTR,
        product_id="urn:cntf:product:MTR:MT-300",
        product_name="MT-300",
        product_description="小型モーター",
        declared_unit="kg",
        product_mass_kg=2.1,
        period_start=datetime(2024, 4, 1),
        period_end=datetime(2025, 4, 1),
        created=T0,
    )
    s = signing.sign(forged, OTHER, signer=MTR, bound_to=REQ, signed_at=T0)
    # Alone, the document is self-consistent: only a keyring tells who really signed.
    assert signing.verify(s).signer == MTR
    with pytest.raises(signing.SignatureError, match="鍵束の鍵と違います") as info:
        signing.verify(s, keyring=KEYRING)
    assert MTR in str(info.value)
    # swapping the public key in the document for MTR's breaks the signature instead
    s["extensions"][-1]["data"]["publicKey"] = KEYRING[MTR]
    with pytest.raises(signing.SignatureError, match="一致しません"):
        signing.verify(s, keyring=KEYRING)


def test_unknown_signer_is_refused():
    s = signing.sign(footprint(), OTHER, signer="urn:cntf:firm:XXX", signed_at=T0)
    with pytest.raises(signing.SignatureError, match="鍵束"):
        signing.verify(s, keyring=KEYRING)


def test_replayed_old_answer_is_detected():
    old = signed(bound_to=OLD_REQ)  # a genuine answer, to last month's request
    assert signing.verify(old, keyring=KEYRING, expect_bound_to=OLD_REQ).bound_to == OLD_REQ
    with pytest.raises(signing.SignatureError, match="replay"):
        signing.verify(old, keyring=KEYRING, expect_bound_to=REQ)
    unbound = signed(bound_to=None)
    with pytest.raises(signing.SignatureError, match="replay"):
        signing.verify(unbound, keyring=KEYRING, expect_bound_to=REQ)
    # rewriting boundTo to the new request breaks the signature
    old["extensions"][-1]["data"]["boundTo"] = REQ
    with pytest.raises(signing.SignatureError, match="一致しません"):
        signing.verify(old, keyring=KEYRING, expect_bound_to=REQ)


def test_missing_double_or_malformed_signature():
    with pytest.raises(signing.SignatureError, match="署名がありません"):
        signing.verify(footprint(), keyring=KEYRING)
    s = signed()
    with pytest.raises(signing.SignatureError, match="すでに署名"):
        signing.sign(s, KEY, signer=MTR)
    twice = copy.deepcopy(s)
    twice["extensions"].append(copy.deepcopy(s["extensions"][-1]))
    with pytest.raises(signing.SignatureError, match="複数"):
        signing.verify(twice, keyring=KEYRING)
    bad = copy.deepcopy(s)
    bad["extensions"][-1]["data"]["algorithm"] = "RSA"
    with pytest.raises(signing.SignatureError, match="形式"):
        signing.verify(bad, keyring=KEYRING)
    assert pact.validate(bad)  # the model checks the signature extension too
    with pytest.raises(signing.SignatureError, match="signer"):
        signing.sign(footprint(), KEY, signer="")


def test_strip_and_resign_gives_a_new_valid_signature():
    s = signed()
    again = signing.sign(signing.strip(s), KEY, signer=MTR, bound_to="next", signed_at=T0)
    assert signing.verify(again, keyring=KEYRING, expect_bound_to="next").bound_to == "next"
