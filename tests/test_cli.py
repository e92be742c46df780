import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cntf_workbench import datasets
from cntf_workbench.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


@pytest.mark.parametrize("command", ["routing", "bom", "boe", "product"])
def test_table_output_has_japanese_headers_and_total(command):
    result = run("cfp", command)
    assert result.exit_code == 0, result.output
    assert "排出量(kg-CO2e)" in result.stdout
    assert "合計:" in result.stdout


def test_routing_total():
    result = run("cfp", "routing", "--format", "json")
    payload = json.loads(result.stdout)
    assert round(payload["total_kg_co2e"], 2) == 1.68
    per_unit = json.loads(run("cfp", "routing", "--per-unit", "-f", "json").stdout)
    assert round(per_unit["total_kg_co2e"], 3) == 0.084


def test_bom_csv():
    result = run("cfp", "bom", "--format", "csv")
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("item,stage,activity")
    assert len(lines) == 6


def test_boe_basis_and_factor():
    whole = json.loads(run("cfp", "boe", "-f", "json").stdout)["total_kg_co2e"]
    old = json.loads(run("cfp", "boe", "--gas-factor", "city_gas_jp_2006", "-f", "json").stdout)
    assert old["total_kg_co2e"] > whole
    alloc = json.loads(run("cfp", "boe", "--basis", "units", "-f", "json").stdout)
    assert alloc["functional_unit"] == "1台" and alloc["total_kg_co2e"] < whole


def _bad_copy(tmp_path, table, old, new):
    folder = tmp_path / "d"
    folder.mkdir()
    src = datasets.seminar_dir() / f"{table}.csv"
    path = folder / f"{table}.csv"
    text = src.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "table, option, old, new, expect",
    [
        (
            "bom",
            "--bom",
            "電子調理器,ドア,door,1,",
            "電子調理器,ドア,door,一,",
            ["5行目", "quantity"],
        ),
        ("routing", "--routing", "手作業（組立）,21", "手作業（組立）,", ["5行目", "time_min"]),
        (
            "boe",
            "--boe",
            "照明機器,lighting,electricity,4,kWh",
            "照明機器,lighting,electricity,4,kWz",
            ["unit"],
        ),
        ("bom", "--bom", "1.3,g-CO2e/g", "1.3,g-CO2e/bananas", ["intensity_unit"]),
    ],
)
def test_malformed_input_one_line_exit_2(tmp_path, table, option, old, new, expect):
    path = _bad_copy(tmp_path, table, old, new)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run("cfp", table, option, str(path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert path.name in lines[0]
    for word in expect:
        assert word in lines[0]
    assert "Traceback" not in result.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_missing_column_exit_2(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("product,part\nA,b\n", encoding="utf-8")
    result = run("cfp", "bom", "--bom", str(path))
    assert result.exit_code == 2 and "quantity" in result.stderr


def test_unknown_factor_exit_2():
    result = run("cfp", "boe", "--electricity-factor", "no_such")
    assert result.exit_code == 2 and "no_such" in result.stderr


def test_unknown_basis_exit_2():
    result = run("cfp", "product", "--basis", "colour")
    assert result.exit_code == 2 and "配賦基準" in result.stderr


def test_help_is_japanese():
    result = run("cfp", "--help")
    assert "CFP" in result.stdout and "計算" in result.stdout


def test_lab_dry_run():
    result = run("lab", "--dry-run")
    assert result.exit_code == 0 and "jupyterlab" in result.stdout


def test_console_script_runs_in_subprocess():
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run(
        [sys.executable, "-m", "cntf_workbench.cli", "cfp", "bom", "-f", "json"],
        capture_output=True,
        env=env,
        check=True,
        cwd=Path(__file__).parent,
    )
    assert json.loads(out.stdout.decode("utf-8"))["total_kg_co2e"] == pytest.approx(46.4)
