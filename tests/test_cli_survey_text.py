"""``cntf survey categorize`` / ``report`` (tested on a local typer app with the same functions)."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from cntf_workbench.cli_survey_text import categorize_cmd, report_cmd
from cntf_workbench.survey.taxonomy import SURVEYS

SAMPLE = SURVEYS / "sample_responses.csv"

app = typer.Typer(rich_markup_mode=None)
app.command("categorize")(categorize_cmd)
app.command("report")(report_cmd)
runner = CliRunner()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "回答.csv"
    shutil.copy(SAMPLE, path)
    return path


def test_categorize_writes_every_input_column_plus_three(sample, tmp_path):
    before = digest(sample)
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["categorize", str(sample), "--column", "pain_text", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert digest(sample) == before
    original = pd.read_csv(sample, dtype=str, keep_default_na=False)
    coded = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(coded.columns) == [*original.columns, "pain_point", "category", "basis"]
    assert len(coded) == len(original)
    assert set(coded["pain_point"]) <= {f"P{i}" for i in range(1, 9)} | {"other"}
    assert "件を分類しました" in result.output


def test_categorize_by_header_text(sample, tmp_path):
    out = tmp_path / "out.csv"
    header = "CO2排出量の算出や共有で困っていること（困りごと）を自由にお書きください。"
    result = runner.invoke(app, ["categorize", str(sample), "-c", header, "-o", str(out)])
    assert result.exit_code == 0, result.output


def test_categorize_protects_formula_cells(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text('id,text\n1,"=HYPERLINK(""http://x"",""y"")"\n2,@SUM(1)\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["categorize", str(src), "-c", "text", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text


@pytest.mark.parametrize(
    "args",
    [
        ["categorize", "missing.csv", "-o", "x.csv"],
        ["categorize", "{sample}", "-c", "nosuch", "-o", "{tmp}/x.csv"],
        ["categorize", "{sample}", "-o", "{sample}"],
        ["report", "missing.csv", "-o", "{tmp}/r"],
    ],
)
def test_errors_are_one_japanese_line_and_exit_2(sample, tmp_path, args):
    before = digest(sample)
    argv = [a.format(sample=sample, tmp=tmp_path) for a in args]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "エラー" in lines[0]
    assert "Traceback" not in result.output
    assert digest(sample) == before


def test_report_writes_four_files(sample, tmp_path):
    before = digest(sample)
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", str(sample), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "coded_answers.csv",
        "issue_report.html",
        "issue_report.pptx",
        "issue_report.xlsx",
    ]
    assert digest(sample) == before
    assert "課題レポート" in result.output


def test_help_is_japanese():
    result = runner.invoke(app, ["categorize", "--help"])
    assert "自由記述" in result.output
    result = runner.invoke(app, ["report", "--help"])
    assert "課題レポート" in result.output


def test_own_rules_and_malformed_rules(sample, tmp_path):
    rules = tmp_path / "rules.txt"
    rules.write_text("＊P4 集計\n集計 or 手作業\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["categorize", str(sample), "--rules", str(rules), "-o", str(out), "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    coded = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert coded["basis"].str.startswith("ルール: P4 集計").any()
    assert not coded["basis"].str.startswith("ルール: P7").any()

    rules.write_text("＊P4 集計\n( 集計 or\n", encoding="utf-8")
    result = runner.invoke(app, ["categorize", str(sample), "--rules", str(rules), "-o", str(out)])
    assert result.exit_code == 2
    assert "rules.txt" in result.output and "2行目" in result.output


def test_categorize_lang_en_labels_only(sample, tmp_path):
    ja_out, en_out = tmp_path / "ja.csv", tmp_path / "en.csv"
    ja = runner.invoke(app, ["categorize", str(sample), "-o", str(ja_out), "--no-progress"])
    en = runner.invoke(
        app, ["categorize", str(sample), "-o", str(en_out), "--no-progress", "--lang", "en"]
    )
    assert ja.exit_code == en.exit_code == 0, en.output
    assert en.output.startswith("Coded 120 answers (")
    left = pd.read_csv(ja_out, dtype=str, keep_default_na=False)
    right = pd.read_csv(en_out, dtype=str, keep_default_na=False)
    assert list(left.columns) == list(right.columns)
    assert left["pain_point"].equals(right["pain_point"])  # the same coding
    inputs = [c for c in left.columns if c not in ("pain_point", "category", "basis")]
    assert left[inputs].equals(right[inputs])  # answers as written
    assert set(right["category"]) <= {
        "",
        "Visualisation",
        "CO2 reduction",
        "Data sharing",
        "Visualisation, CO2 reduction",
        "Visualisation, Data sharing",
    }
    assert right["basis"].str.match(r"^(rule|model|blank)").all()
