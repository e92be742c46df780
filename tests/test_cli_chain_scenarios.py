"""``cntf chain scenarios`` / ``optimise``, through a small typer app that registers them."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from cntf_workbench.cfp.uncertainty import options_dir
from cntf_workbench.cli_chain_scenarios import optimise_cmd, scenarios_cmd
from cntf_workbench.resources import data_root

app = typer.Typer()
app.command("scenarios")(scenarios_cmd)
app.command("optimise")(optimise_cmd)
runner = CliRunner()
LEVERS = data_root() / "seminar" / "chain" / "scenarios" / "levers.yaml"


def test_scenarios_table():
    res = runner.invoke(app, ["scenarios", str(LEVERS)])
    assert res.exit_code == 0, res.output
    assert "現状" in res.output and "段階別の差" in res.output and "企業別の差" in res.output


def test_scenarios_json():
    res = runner.invoke(app, ["scenarios", str(LEVERS), "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    names = [s["name"] for s in out["scenarios"]]
    assert names[0] == "現状" and len(names) == 5
    for s in out["scenarios"]:
        assert s["total_kg_co2e"] == pytest.approx(sum(s["by_stage"].values()))


def test_optimise_json_keys_and_budget():
    res = runner.invoke(app, ["optimise", "--budget", "300000", "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert {"budget_yen", "cost_yen", "total_kg_co2e", "choices"} <= set(out)
    assert out["cost_yen"] <= out["budget_yen"] == 300000
    assert out["total_kg_co2e"] == pytest.approx(out["recomputed_kg_co2e"])


def test_optimise_table():
    res = runner.invoke(app, ["optimise", "--budget", "100000"])
    assert res.exit_code == 0, res.output
    assert "予算" in res.output and "判断ポイント" in res.output


def _write(tmp_path, text):
    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    return p


BAD = {
    "unknown firm": (
        "scenarios:\n  - name: a\n    changes:\n"
        "      - {kind: electricity, firm: XYZ, factor: elec_jp_yonden_fy2023_menu_a}\n",
        "scenarios[0].changes[0].firm",
    ),
    "unknown factor": (
        "scenarios:\n  - name: a\n    changes:\n"
        "      - {kind: material, material: steel_sheet, factor: nope}\n",
        "scenarios[0].changes[0].factor",
    ),
    "unknown stage": (
        "scenarios:\n  - name: a\n    changes:\n"
        "      - {kind: move_process, where: {stage: 焼成}, to: HSG}\n",
        "scenarios[0].changes[0].where.stage",
    ),
    "unknown option": (
        "scenarios:\n  - name: a\n    changes:\n"
        "      - {kind: logistics, where: {record: LG-001-1}, set: {speed: 3}}\n",
        "scenarios[0].changes[0].set.speed",
    ),
    "load factor": (
        "scenarios:\n  - name: a\n    changes:\n"
        "      - {kind: logistics, where: {record: LG-001-1}, set: {load_factor: 1.5}}\n",
        "scenarios[0].changes[0].set.load_factor",
    ),
    "negative distance": (
        "scenarios:\n  - name: a\n    changes:\n"
        "      - {kind: logistics, where: {record: LG-001-1}, set: {distance_km: -5}}\n",
        "scenarios[0].changes[0].set.distance_km",
    ),
    "unknown kind": (
        "scenarios:\n  - name: a\n    changes:\n      - {kind: teleport}\n",
        "scenarios[0].changes[0].kind",
    ),
    "not yaml": ("scenarios: [\n", None),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenario_file_is_one_line_exit_2(tmp_path, case):
    text, key = BAD[case]
    path = _write(tmp_path, text)
    before = path.read_bytes()
    res = runner.invoke(app, ["scenarios", str(path)])
    assert res.exit_code == 2
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1
    assert str(path) in err
    if key:
        assert key in err
    assert path.read_bytes() == before  # the input file is never written


def test_missing_file(tmp_path):
    res = runner.invoke(app, ["scenarios", str(tmp_path / "none.yaml")])
    assert res.exit_code == 2
    assert "見つかりません" in res.stderr


def test_negative_budget():
    res = runner.invoke(app, ["optimise", "--budget", "-1"])
    assert res.exit_code == 2
    assert "予算" in res.stderr


def test_bad_alternatives(tmp_path):
    src = (options_dir() / "alternatives.csv").read_text(encoding="utf-8")
    bad = tmp_path / "alt.csv"
    bad.write_text(src.replace("firm: MKR", "firm: NOPE"), encoding="utf-8")
    res = runner.invoke(app, ["optimise", "--budget", "1000000", "--alternatives", str(bad)])
    assert res.exit_code == 2
    assert str(bad) in res.stderr and "NOPE" in res.stderr
