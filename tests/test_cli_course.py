"""``cntf course`` (on a local typer app with the same sub-app, as cli.py registers it)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import typer
from typer.testing import CliRunner

from cntf_workbench import course
from cntf_workbench.cli_course import course_app

ROOT = Path(__file__).resolve().parent.parent

app = typer.Typer(rich_markup_mode=None)
app.add_typer(course_app, name="course")
runner = CliRunner()


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_list_table_and_json():
    result = runner.invoke(app, ["course", "list"])
    assert result.exit_code == 0, result.output
    assert "所要時間" in result.stdout and "lot_size" in result.stdout and "合計" in result.stdout
    result = runner.invoke(app, ["course", "list", "-f", "json"])
    records = json.loads(result.stdout)
    assert {r["file"] for r in records} >= {p.name for p in course.list_notebooks()}
    assert all(r["minutes"] > 0 for r in records)


def test_list_markdown_is_the_doc_table():
    result = runner.invoke(app, ["course", "list", "-f", "markdown"])
    assert result.exit_code == 0
    assert "### 01_生産指示書とBOP" in result.stdout and "| `lot_size` | `20` |" in result.stdout


def test_student_version_writes_copies_without_solutions(tmp_path):
    out = tmp_path / "student"
    result = runner.invoke(app, ["course", "student-version", "-o", str(out), "--only", "00,01"])
    assert result.exit_code == 0, result.output
    assert "受講者用の版 2 本" in result.stdout
    for path in sorted(out.glob("*.ipynb")):
        assert course.solution_cells(nbformat.read(path, as_version=4)) == []
    assert len(list(out.glob("*.ipynb"))) == 2


def test_student_version_refuses_notebooks_folder():
    line = _one_line_error(
        runner.invoke(app, ["course", "student-version", "-o", str(ROOT / "notebooks")])
    )
    assert "フォルダの中には書きません" in line


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    line = _one_line_error(
        runner.invoke(app, ["course", "student-version", "-o", str(tmp_path), "--only", "99"])
    )
    assert "番号 99" in line
    line = _one_line_error(
        runner.invoke(app, ["course", "list", "--notebooks", str(tmp_path / "none")])
    )
    assert "フォルダがありません" in line
    (tmp_path / "x.md").write_text("# 目印なし\n", encoding="utf-8")
    line = _one_line_error(runner.invoke(app, ["course", "update-doc", str(tmp_path / "x.md")]))
    assert "目印" in line


def test_update_doc_keeps_hand_written_meanings(tmp_path):
    doc = tmp_path / "teachers.md"
    doc.write_text((ROOT / "docs" / "teachers.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(app, ["course", "update-doc", str(doc)])
    assert result.exit_code == 0, result.output
    text = doc.read_text(encoding="utf-8")
    assert "部品表を積み上げる製品" in text  # 02's product has no comment in the notebook
    result = runner.invoke(app, ["course", "update-doc", str(doc)])
    assert "最新" in result.stdout
