"""``cntf chain footprint``: formats, JSON keys, and one-line errors with exit code 2."""

import json
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from cntf_workbench.cfp import chain as ch
from cntf_workbench.cli_chain import chain_app
from cntf_workbench.factors import load_factors

runner = CliRunner()


def test_help_is_japanese():
    result = runner.invoke(chain_app, ["--help"])
    assert result.exit_code == 0
    assert "footprint" in result.output and "サプライチェーン" in result.output
    result = runner.invoke(chain_app, ["footprint", "--help"])
    assert "製品オーダ" in result.output


def test_json_has_total_and_trace():
    result = runner.invoke(chain_app, ["footprint", "--order", "P-001", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    expected = ch.chain_footprint(ch.load_chain(), load_factors(), "P-001").total
    assert payload["total_kg_co2e"] == pytest.approx(expected)
    assert isinstance(payload["trace"], list) and payload["trace"]
    assert all("stage" in row and "kg_co2e" in row for row in payload["trace"])
    assert sum(row["kg_co2e"] for row in payload["trace"]) == pytest.approx(expected)
    assert {row["stage"] for row in payload["trace"]} == set(ch.STAGES)
    assert {"firm_id", "order_id", "record_id"} <= set(payload["trace"][0])
    assert sum(payload["by_stage"].values()) == pytest.approx(expected)


def test_all_product_orders_and_per_unit():
    whole = json.loads(runner.invoke(chain_app, ["footprint", "-f", "json"]).stdout)
    chain = ch.load_chain()
    totals = ch.order_totals(chain, load_factors())
    assert whole["total_kg_co2e"] == pytest.approx(
        totals.loc[chain.product_orders(), "cradle_to_gate_kg_co2e"].sum()
    )
    unit = json.loads(
        runner.invoke(
            chain_app, ["footprint", "--order", "P-003", "--per-unit", "-f", "json"]
        ).stdout
    )
    assert unit["total_kg_co2e"] == pytest.approx(totals.loc["P-003", "per_unit_kg_co2e"])
    assert unit["functional_unit"] == "1台"
    assert sum(r["kg_co2e"] for r in unit["trace"]) == pytest.approx(unit["total_kg_co2e"])


def test_table_and_csv():
    table = runner.invoke(chain_app, ["footprint", "--order", "P-002"])
    assert table.exit_code == 0
    assert (
        "合計:" in table.stdout and "部品物流" in table.stdout and "筐体サプライヤ" in table.stdout
    )
    csv = runner.invoke(chain_app, ["footprint", "--order", "P-002", "--format", "csv"])
    assert csv.exit_code == 0
    assert csv.stdout.splitlines()[0].startswith("item,stage,activity")


def _one_line_error(result, *words):
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in result.output


def test_unknown_order():
    _one_line_error(runner.invoke(chain_app, ["footprint", "--order", "X-999"]), "X-999")


def test_per_unit_needs_an_order():
    _one_line_error(runner.invoke(chain_app, ["footprint", "--per-unit"]), "--order")


def _copy(tmp_path):
    dst = tmp_path / "chain"
    shutil.copytree(ch.chain_dir(), dst, ignore=shutil.ignore_patterns("options"))
    return dst


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("load_factor", "1.5", ["logistics.csv", "load_factor", "データ2行目"]),
        ("load_factor", "0", ["積載率", "load_factor", "データ2行目"]),
        ("distance_km", "-10", ["logistics.csv", "distance_km"]),
        ("distance_km", "abc", ["数値", "distance_km"]),
    ],
)
def test_bad_logistics_row_is_one_line(tmp_path, column, value, words):
    dst = _copy(tmp_path)
    lg = pd.read_csv(dst / "logistics.csv", dtype=str, keep_default_na=False)
    lg.loc[1, column] = value
    lg.to_csv(dst / "logistics.csv", index=False)
    before = (dst / "logistics.csv").read_bytes()
    result = runner.invoke(chain_app, ["footprint", "--data", str(dst)])
    _one_line_error(result, *words)
    assert (dst / "logistics.csv").read_bytes() == before  # never writes the input


def test_unknown_firm_and_missing_file(tmp_path):
    dst = _copy(tmp_path)
    orders = pd.read_csv(dst / "orders.csv", dtype=str, keep_default_na=False)
    orders.loc[2, "firm_id"] = "NOPE"
    orders.to_csv(dst / "orders.csv", index=False)
    _one_line_error(runner.invoke(chain_app, ["footprint", "--data", str(dst)]), "NOPE", "firm_id")
    (dst / "storage.csv").unlink()
    _one_line_error(runner.invoke(chain_app, ["footprint", "--data", str(dst)]), "storage.csv")


def test_malicious_text_stays_one_line(tmp_path):
    dst = _copy(tmp_path)
    mi = pd.read_csv(dst / "material_issues.csv", dtype=str, keep_default_na=False)
    mi.loc[0, "material"] = "鋼板\n=cmd|' /C calc'!A0"
    mi.to_csv(dst / "material_issues.csv", index=False)
    _one_line_error(runner.invoke(chain_app, ["footprint", "--data", str(dst)]), "material")
