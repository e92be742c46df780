"""The course tools: notebook map, parameters, student copies, docs/teachers.md, papermill."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbclient import NotebookClient

from cntf_workbench import course
from cntf_workbench.exercises import STUDENT_NOTE, Exercise, is_student_mode, student_mode

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TEACHERS_MD = ROOT / "docs" / "teachers.md"


def _nb(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)"}
    nb.cells = list(cells)
    return nb


code = nbformat.v4.new_code_cell
md = nbformat.v4.new_markdown_cell


def _sources(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells]


# --- student mode in the exercises ---------------------------------------------------------------


def test_student_mode_hides_solutions_and_keeps_checks(monkeypatch):
    monkeypatch.delenv("CNTF_STUDENT_MODE", raising=False)
    ex = Exercise("t", expected=lambda: 2.0, hints=["足し算"], solution_text="answer = 1 + 1")
    try:
        student_mode()
        assert is_student_mode()
        assert str(ex.solution()) == STUDENT_NOTE
        assert "1 + 1" not in str(ex.solution())
        assert ex.check(2.0)
        assert "足し算" in str(ex.hint())
    finally:
        student_mode(False)
    assert "1 + 1" in str(ex.solution())


def test_student_mode_from_environment(monkeypatch):
    ex = Exercise("t", expected=lambda: 1, solution_text="answer = 1")
    monkeypatch.setenv("CNTF_STUDENT_MODE", "1")
    assert str(ex.solution()) == STUDENT_NOTE
    monkeypatch.setenv("CNTF_STUDENT_MODE", "0")
    assert "answer = 1" in str(ex.solution())


# --- the rule on small notebooks -------------------------------------------------------------------


def test_rule_removes_solutions_and_self_test_keeps_checks_and_hints():
    nb = _nb(
        md("# タイトル"),
        code("import math"),
        code("answer = ____\nex1.check(answer)"),
        code("ex1.hint()"),
        code("# ex1.solution()  # 解答例を見るときは先頭の # を外す"),
        code("# ex2.hint()\n# ex2.solution()"),
        code("ex3.solution()"),
        md("### （教員用）演習の自己テスト\n\n受講者向けの版では削除します。"),
        code("ex1.assert_right(1)\nex1.assert_wrong(2)"),
        md("## まとめ"),
    )
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="x")]
    before = nbformat.writes(nb)
    copy = course.student_notebook(nb)
    assert nbformat.writes(nb) == before  # the teacher's notebook is not touched
    out = copy.notebook
    assert _sources(out) == [
        "# タイトル",
        course.STUDENT_CELL_SOURCE,
        "import math",
        "answer = ____\nex1.check(answer)",
        "ex1.hint()",
        "# ex2.hint()",
        "## まとめ",
    ]
    assert out.cells[1].metadata["tags"] == [course.STUDENT_CELL_TAG]
    assert out.cells[2].outputs == []
    assert (copy.removed_solution, copy.removed_teacher, copy.edited) == (2, 2, 1)
    assert (copy.checks, copy.hints) == (1, 2)
    assert course.solution_cells(out) == []
    assert course.solution_cells(nb) == [4, 5, 6, 7, 8]
    nbformat.validate(out)


def test_rule_honours_tags():
    tagged = code("print('解答: 42')")
    tagged.metadata["tags"] = ["solution"]
    note = md("講師メモ: 時間が押したら 5 節を飛ばす")
    note.metadata["tags"] = ["teacher"]
    out = course.student_notebook(_nb(code("x = 1"), tagged, note)).notebook
    assert _sources(out) == [course.STUDENT_CELL_SOURCE, "x = 1"]


def test_rule_blanks_inline_solution_text_and_keeps_the_rest():
    source = (
        "ex1 = Exercise(\n"
        '    title="演習1 合計",\n'
        "    expected=lambda: 3,\n"
        '    hints=["1 + 2"],\n'
        '    solution_text="```python\\nanswer = 1 + 2  # 足す\\n```",\n'
        ")"
    )
    copy = course.student_notebook(_nb(code(source)))
    cell = copy.notebook.cells[1].source
    assert "answer = 1 + 2" not in cell
    assert 'solution_text=""' in cell and 'hints=["1 + 2"]' in cell
    assert copy.warnings
    compile(cell, "cell", "exec")


def test_rule_refuses_an_edit_that_breaks_the_cell():
    nb = _nb(code("total = (1 +\n    ex1.solution())"))
    with pytest.raises(course.CourseError, match="solution タグ"):
        course.student_notebook(nb, "99_x.ipynb")


CELL_KINDS = {
    "check": "answer = ____\nex{n}.check(answer)",
    "hint": "ex{n}.hint()",
    "solution": "# ex{n}.solution()",
    "hint_solution": "# ex{n}.hint()\n# ex{n}.solution()",
    "self_test": "ex{n}.assert_right(1)\nex{n}.assert_wrong(2)",
    "plain": "value_{n} = {n} * 2",
}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(CELL_KINDS)), st.integers(1, 9)), max_size=12))
def test_rule_never_leaves_a_solution_and_never_drops_a_check(kinds):
    nb = _nb(*[code(CELL_KINDS[k].format(n=n)) for k, n in kinds])
    out = course.student_notebook(nb).notebook
    text = "\n".join(_sources(out))
    assert course.solution_cells(out) == []
    assert ".solution(" not in text and "assert_" not in text
    source = "\n".join(_sources(nb))
    assert text.count(".check(") == source.count(".check(")
    assert text.count(".hint(") == source.count(".hint(")
    assert text.count("value_") == source.count("value_")
    assert out.cells[0].source == course.STUDENT_CELL_SOURCE


# --- the real notebooks ----------------------------------------------------------------------------


def _digest(paths: list[Path]) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def test_student_version_of_every_notebook(tmp_path):
    notebooks = course.list_notebooks()  # listed now: other notebooks may be added meanwhile
    before = _digest(notebooks)
    report = course.write_student_version(tmp_path / "student")
    assert _digest(notebooks) == before  # sources only read
    assert set(report["file"]) >= {p.name for p in notebooks}
    for path in notebooks:
        teacher = nbformat.read(path, as_version=4)
        student = nbformat.read(tmp_path / "student" / path.name, as_version=4)
        assert course.solution_cells(teacher), f"{path.name}: teacher copy has solutions"
        assert course.solution_cells(student) == [], path.name
        t_code = "\n".join(c.source for c in teacher.cells if c.cell_type == "code")
        s_code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
        assert s_code.count(".check(") == t_code.count(".check(") >= 2, path.name
        assert s_code.count(".hint(") == t_code.count(".hint("), path.name
        first = next(c for c in student.cells if c.cell_type == "code")
        assert first.source == course.STUDENT_CELL_SOURCE
        assert any("parameters" in c.metadata.get("tags", []) for c in student.cells)
        assert "教員用" not in "\n".join(c.source for c in student.cells)
        assert course.is_student_copy(tmp_path / "student" / path.name)
        nbformat.validate(student)


def test_student_version_refuses_the_notebook_folder(tmp_path):
    with pytest.raises(course.CourseError, match="フォルダの中には書きません"):
        course.write_student_version(ROOT / "notebooks")
    with pytest.raises(course.CourseError):
        course.write_student_version(ROOT / "notebooks" / "student")
    assert not (ROOT / "notebooks" / "student").exists()


def test_student_version_never_overwrites_a_teacher_notebook(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    teacher = out / NOTEBOOKS[0].name
    teacher.write_bytes(NOTEBOOKS[0].read_bytes())
    with pytest.raises(course.CourseError, match="上書きしません"):
        course.write_student_version(out)
    assert teacher.read_bytes() == NOTEBOOKS[0].read_bytes()
    teacher.unlink()
    course.write_student_version(out, only=["00"])
    course.write_student_version(out, only=["00"])  # a student copy may be rewritten


def test_bad_folders_and_numbers(tmp_path):
    with pytest.raises(course.CourseError, match="フォルダがありません"):
        course.list_notebooks(tmp_path / "nothing")
    with pytest.raises(course.CourseError, match="ノートブックがありません"):
        course.list_notebooks(tmp_path)
    with pytest.raises(course.CourseError, match="番号 99"):
        course.write_student_version(tmp_path / "o", only=["99"])
    (tmp_path / "00_broken.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(course.CourseError, match="00_broken"):
        course.notebook_map(tmp_path)


def test_student_notebook_runs_top_to_bottom(tmp_path):
    """Notebook 00's student copy runs, its checks work and solution() shows only the note."""
    course.write_student_version(tmp_path, only=["00"])
    path = next(tmp_path.glob("00_*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(code("print(ex1.solution())\nprint(ex1.check(____).status.name)"))
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    last = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert "受講者用の版では表示されません" in last
    assert "NOT_ATTEMPTED" in last
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []


# --- notebook map and parameters -------------------------------------------------------------------


def test_notebook_map_has_title_time_and_parameters():
    table = course.notebook_map()
    assert set(table["file"]) >= {p.name for p in NOTEBOOKS}
    assert table["title"].str.len().min() > 0
    assert table["minutes"].notna().all() and (table["minutes"] > 0).all()
    assert (table["parameters"].str.len() > 0).all()


def test_parameters_reads_names_defaults_and_comments(tmp_path):
    cell = code(
        "lot = 20  # ロット [台]\nn_new, seed = 140, 2  # 件数と種\npath = None\n%matplotlib inline"
    )
    cell.metadata["tags"] = ["parameters"]
    nbformat.write(_nb(md("# T"), cell), tmp_path / "00_t.ipynb")
    table = course.parameters(tmp_path / "00_t.ipynb")
    assert table.values.tolist() == [
        ["lot", "20", "ロット [台]"],
        ["n_new", "140", "件数と種"],
        ["seed", "2", "件数と種"],
        ["path", "None", ""],
    ]
    nbformat.write(_nb(md("# T"), code("x = 1")), tmp_path / "01_t.ipynb")
    with pytest.raises(course.CourseError, match="parameters"):
        course.parameters(tmp_path / "01_t.ipynb")


def _doc_sections() -> dict[str, str]:
    text = TEACHERS_MD.read_text(encoding="utf-8")
    parts = re.split(r"^### ", text, flags=re.MULTILINE)
    return {part.splitlines()[0].strip(): part for part in parts[1:]}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_parameter_is_documented_in_teachers_md(path):
    sections = _doc_sections()
    assert path.stem in sections, (
        f"docs/teachers.md に「### {path.stem}」の節がありません"
        "（`cntf course list -f markdown` で表を作れます）"
    )
    for name in course.parameters(path)["name"]:
        assert f"`{name}`" in sections[path.stem], f"{path.stem}: パラメータ {name} が未記載"


def test_papermill_runs_a_notebook_with_a_changed_parameter(tmp_path):
    source = next(p for p in NOTEBOOKS if p.name.startswith("01_"))
    out = tmp_path / "out.ipynb"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(source),
            str(out),
            "-p",
            "lot_size",
            "40",
            "-k",
            "python3",
            "--cwd",
            str(source.parent),
            "--no-progress-bar",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    nb = nbformat.read(out, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "lot_size = 40" in injected[0].source
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "ロット 40 台" in text
