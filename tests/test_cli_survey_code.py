"""``cntf survey code`` (tested on a local typer app with the same function)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from cntf_workbench.cli_survey_code import CODE_HELP, code_cmd

KHCODER = Path(__file__).resolve().parents[2] / "shared" / "khcoder"

app = typer.Typer(rich_markup_mode=None)
app.command("code", help=CODE_HELP)(code_cmd)


@app.command("noop")
def _noop() -> None:  # a second command keeps "code" a sub-command, as under `cntf survey`
    """(test only)"""


runner = CliRunner()

RULES = (
    "# 困りごと\n＊様式\n様式 or フォーマット\n\n＊様式と負担\nnear(様式-負担)[8]\n&! '特になし'\n"
)
TABLE = (
    "id,立場,回答\n"
    "1,tier1,様式が顧客ごとに違い対応の負担が大きい\n"
    "2,tier2,フォーマットが決まっていない\n"
    "3,tier1,特になし\n"
    "4,tier2,=HYPERLINK(1)\n"
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def files(tmp_path):
    table = tmp_path / "回答.csv"
    table.write_bytes(TABLE.encode("cp932"))
    rules = tmp_path / "rules.cod"
    rules.write_bytes(RULES.encode("cp932"))
    return table, rules


def run(*args: str):
    return runner.invoke(app, ["code", *map(str, args)])


def test_code_writes_every_column_plus_one_per_code(files, tmp_path):
    table, rules = files
    before = digest(table), digest(rules)
    out, summary = tmp_path / "out.csv", tmp_path / "out.json"
    result = run(
        table,
        "--rules",
        rules,
        "--column",
        "回答",
        "--by",
        "立場",
        "--summary-json",
        summary,
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    assert (digest(table), digest(rules)) == before  # inputs are only read
    coded = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(coded.columns) == ["id", "立場", "回答", "様式", "様式と負担"]
    assert coded["様式"].tolist() == ["1", "1", "0", "0"]
    assert coded["様式と負担"].tolist() == ["1", "0", "0", "0"]
    assert coded.loc[3, "回答"].startswith("'=")  # formula cells stay text
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["counts"] == {"様式": 2, "様式と負担": 1}
    assert data["crosstab"]["様式"] == {"tier1": 1, "tier2": 1}
    assert data["chi2"]["様式"] == pytest.approx(0.0)
    assert set(data["chi2"]) == {"様式", "様式と負担"}
    assert "4 件を 2 個のコードでコード化しました" in result.output


def test_code_without_by_has_counts_only(files, tmp_path):
    table, rules = files
    summary = tmp_path / "s.json"
    result = run(
        table, "-r", rules, "-c", "回答", "--summary-json", summary, "-o", tmp_path / "o.csv"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["counts"] == {"様式": 2, "様式と負担": 1}
    assert "crosstab" not in data and "chi2" not in data


@pytest.mark.parametrize(
    ("rules_text", "needles"),
    [
        ("＊A\n( 様式 or 負担\n", ["rules.cod", "2行目", "閉じかっこ"]),
        ("＊A\n様式\n＊B\n様式 負担\n", ["rules.cod", "4行目", "「負担」"]),
        ("＊A\n様式-->品詞Z\n", ["rules.cod", "2行目", "品詞Z"]),
        ("＊A\n<>部署-->総務\n", ["rules.cod", "2行目", "部署"]),
    ],
)
def test_bad_rules_one_line_exit_2(files, tmp_path, rules_text, needles):
    table, _ = files
    bad = tmp_path / "rules.cod"
    bad.write_text(rules_text, encoding="utf-8")
    out = tmp_path / "o.csv"
    result = run(table, "--rules", bad, "--column", "回答", "-o", out)
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    for needle in needles:
        assert needle in lines[0]
    assert not out.exists()


def test_bad_table_inputs_exit_2(files, tmp_path):
    table, rules = files
    result = run(table, "--rules", rules, "--column", "なし", "-o", tmp_path / "o.csv")
    assert result.exit_code == 2 and "なし" in result.output and "回答.csv" in result.output
    result = run(
        table, "--rules", rules, "--column", "回答", "--by", "規模", "-o", tmp_path / "o.csv"
    )
    assert result.exit_code == 2 and "規模" in result.output
    result = run(
        tmp_path / "none.csv", "--rules", rules, "--column", "回答", "-o", tmp_path / "o.csv"
    )
    assert result.exit_code == 2 and "none.csv" in result.output
    result = run(
        table, "--rules", tmp_path / "none.cod", "--column", "回答", "-o", tmp_path / "o.csv"
    )
    assert result.exit_code == 2 and "none.cod" in result.output


def test_never_writes_to_the_input(files):
    table, rules = files
    before = digest(table)
    result = run(table, "--rules", rules, "--column", "回答", "-o", table)
    assert result.exit_code == 2 and "入力" in result.output
    result = run(
        table,
        "--rules",
        rules,
        "-c",
        "回答",
        "--summary-json",
        table,
        "-o",
        table.with_suffix(".out.csv"),
    )
    assert result.exit_code == 2
    assert digest(table) == before


@pytest.mark.skipif(not (KHCODER / "theme.cod").exists(), reason="KH Coder test data absent")
def test_khcoder_files_as_they_are(tmp_path):
    """theme.cod (cp932) on the paragraph table, by 見出し1: KH Coder's exact figures."""
    out, summary = tmp_path / "out.csv", tmp_path / "out.json"
    result = run(
        KHCODER / "paragraphs.csv", "--rules", KHCODER / "theme.cod", "--column", "text",
        "--by", "見出し1", "--summary-json", summary, "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert len(data["counts"]) == 34 and data["documents"] == 1215
    assert data["counts"]["見出し・中"] == 289 and data["counts"]["文字列"] == 7
    assert round(data["chi2"]["外部変数（段落）"], 3) == 7.697
    assert data["crosstab"]["No.2-5"] == {"上＿先生と私": 4, "中＿両親と私": 0, "下＿先生と遺書": 0}
    coded = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=3)
    assert "死ぬ（コード）" in coded.columns  # the code 死ぬ beside the input column 死ぬ
    assert "注意" in result.output  # part-of-speech codes are approximations, said so


def test_code_lang_en_summary(files, tmp_path):
    table, rules = files
    out = tmp_path / "coded.csv"
    ja = run(table, "--rules", rules, "--column", "回答", "-o", out)
    en = run(table, "--rules", rules, "--column", "回答", "-o", out, "--lang", "en")
    assert ja.exit_code == en.exit_code == 0, en.output
    assert en.output.startswith("Coded 4 rows with 2 codes → ")
    assert "件" in ja.output and "件" not in en.output
    assert len(en.output.splitlines()) == len(ja.output.splitlines())
