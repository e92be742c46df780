"""``cntf exchange``: simulate, compare, pact, verify (exit codes and Japanese messages)."""

import json

import pytest
from typer.testing import CliRunner

from cntf_workbench.cli import app
from cntf_workbench.exchange import pact

runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["exchange", *args])


@pytest.mark.parametrize("model", ["relay", "central"])
def test_simulate_json_has_the_issue_fields(model):
    result = run("simulate", "--model", model, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in ("total_kg_co2e", "messages", "bytes", "exposure", "primary_data_share"):
        assert key in data
    assert data["total_kg_co2e"] == pytest.approx(106.6687611, abs=1e-6)


def test_simulate_models_agree_and_failures_lower_the_primary_share():
    relay_ = json.loads(run("simulate", "--model", "relay", "--json").output)
    central_ = json.loads(run("simulate", "--model", "central", "--json").output)
    assert round(relay_["total_kg_co2e"] * 1000) == round(central_["total_kg_co2e"] * 1000)
    assert relay_["exposure"] < central_["exposure"]
    failed = run("simulate", "--model", "relay", "--fail", "MTR", "--fail", "PNT", "--json")
    data = json.loads(failed.output)
    assert data["estimated"] == ["MTR:MT-300", "PNT:PT-01"]
    assert data["primary_data_share"] < relay_["primary_data_share"]


def test_simulate_table_is_japanese():
    result = run("simulate", "--model", "relay", "--product", "MKB:IH-B200")
    assert result.exit_code == 0
    assert "一次データ比率" in result.output and "バケツリレー" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["simulate", "--model", "relay", "--fail", "XYZ"],
        ["simulate", "--model", "relay", "--fail", "MKA"],
        ["simulate", "--model", "central", "--product", "MKA:NOPE"],
        ["compare", "--tier3", "NOPE"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(args):
    result = run(*args)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1


def test_compare_prints_both_models():
    result = run("compare", "--tier3", "WND")
    assert result.exit_code == 0
    assert "中央集約" in result.output and "WND の改善" in result.output


@pytest.mark.parametrize("spec", ["3", "2"])
def test_pact_cooker_writes_a_valid_signed_document_that_verifies(tmp_path, spec):
    out = tmp_path / f"cooker_v{spec}.json"
    result = run("pact", "cooker", "--spec", spec, "-o", str(out))
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert pact.validate(doc) == []
    assert doc["specVersion"].startswith(spec)
    assert run("verify", str(out), "--require-signature").exit_code == 0


def test_pact_for_a_network_product(tmp_path):
    out = tmp_path / "hu.json"
    assert run("pact", "HTA:HU-A", "-o", str(out)).exit_code == 0
    assert run("verify", str(out)).exit_code == 0


def test_verify_exit_codes(tmp_path):
    out = tmp_path / "c.json"
    run("pact", "cooker", "-o", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    # unsigned but valid: 0 with a warning; with --require-signature: 1
    unsigned = tmp_path / "unsigned.json"
    from cntf_workbench.exchange import signing

    unsigned.write_text(json.dumps(signing.strip(doc), ensure_ascii=False), encoding="utf-8")
    r = run("verify", str(unsigned))
    assert r.exit_code == 0 and "警告" in r.output
    assert run("verify", str(unsigned), "--require-signature").exit_code == 1
    # altered after signing: 1
    doc["pcf"]["pcfExcludingBiogenicUptake"] = "1"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert run("verify", str(tampered)).exit_code == 1
    # not PACT: 1; missing file: 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": 1}', encoding="utf-8")
    assert run("verify", str(bad)).exit_code == 1
    assert run("verify", str(tmp_path / "none.json")).exit_code == 2


def test_verify_with_a_keyring_catches_an_impostor(tmp_path):
    from cntf_workbench.exchange import signing

    out = tmp_path / "c.json"
    run("pact", "cooker", "-o", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    signer = signing.signature_of(doc)["signer"]
    ring = tmp_path / "ring.json"
    ring.write_text(
        json.dumps({signer: signing.public_key_b64(signing.generate_key(b"\x02" * 32))})
    )
    assert run("verify", str(out), "--keyring", str(ring)).exit_code == 1


def test_english_output():
    result = run("compare", "--tier3", "WND", "--lang", "en")
    assert result.exit_code == 0
    assert "bucket relay" in result.output and "private items visible to others" in result.output
    assert "バケツリレー" not in result.output
    sim = run("simulate", "--model", "relay", "--lang", "en")
    assert "Primary data share" in sim.output and "一次データ" not in sim.output
