"""The course as a whole: the notebook map, each notebook's parameters, and student copies.

Works on whatever notebooks are in ``notebooks/`` (``NN_タイトル.ipynb``), read with nbformat;
the source notebooks are only ever read.

The student-version rule
------------------------
A student copy keeps every check (``answer = ____`` + ``exN.check(answer)``) and every hint, and
loses the solutions and the teacher's self-test:

1. A cell tagged ``solution``, ``teacher`` or ``remove-student`` is removed (any cell type).
2. A code cell that calls ``assert_right(`` or ``assert_wrong(`` is the teacher self-test and is
   removed, with the Markdown cell whose heading says 教員用 (e.g. ``### （教員用）演習の自己テスト``).
3. In every other code cell, each line that calls ``.solution(`` (commented out or not) is
   removed; a cell left with nothing is removed. ``# ex3.hint()\\n# ex3.solution()`` keeps
   its hint line.
4. An ``Exercise(...)`` defined inside a notebook has its ``solution_text=`` replaced by ``""``.
5. A new first code cell calls :func:`cntf_workbench.exercises.student_mode`, so that
   ``solution()`` shows a note instead of the answer even if a learner types it.

Every edited cell must still parse as Python, or the copy is refused with the notebook and cell
named. Outputs are cleared; the copy records ``metadata.cntf.student_version``.
"""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd

from cntf_workbench.errors import CntfError

REMOVE_TAGS = frozenset({"solution", "teacher", "remove-student"})
"""Cell tags that remove a cell from the student copy."""

STUDENT_CELL_TAG = "student-mode"
"""Tag of the cell that the student copy starts with."""

STUDENT_CELL_SOURCE = (
    "from cntf_workbench.exercises import student_mode\n"
    "\n"
    "student_mode()  # 受講者用の版: solution() は解答を表示しません"
)

_NOTEBOOK_NAME = re.compile(r"^(\d{2})_(.+)\.ipynb$")
_SOLUTION_LINE = re.compile(r"\.solution\s*\(")
_SELF_TEST = re.compile(r"\.assert_(right|wrong)\s*\(")
_DURATION = re.compile(r"約\s*(\d+)\s*分")
_MAGIC = re.compile(r"^\s*[%!]")


class CourseError(CntfError):
    """A notebook folder or notebook that the course tools cannot use."""

    area = "教材"


def notebooks_dir() -> Path:
    """The ``notebooks/`` folder of this checkout (or of the current folder, for an installed copy)."""
    checkout = Path(__file__).resolve().parent.parent / "notebooks"
    return checkout if checkout.is_dir() else Path.cwd() / "notebooks"


def list_notebooks(folder: str | Path | None = None) -> list[Path]:
    """The course notebooks (``NN_*.ipynb``) in ``folder``, sorted by number.

    Parameters
    ----------
    folder : str or Path, optional
        Folder of notebooks; the checkout's ``notebooks/`` when omitted.

    Raises
    ------
    CourseError
        If the folder does not exist or holds no ``NN_*.ipynb`` notebook.
    """
    root = Path(folder) if folder is not None else notebooks_dir()
    if not root.is_dir():
        raise CourseError("ノートブックのフォルダがありません", file=root)
    paths = sorted(p for p in root.glob("*.ipynb") if _NOTEBOOK_NAME.match(p.name))
    if not paths:
        raise CourseError("NN_タイトル.ipynb 形式のノートブックがありません", file=root)
    return paths


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook (nbformat 4), raising ``CourseError`` naming the file if it cannot."""
    path = Path(path)
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
        raise CourseError(
            f"ノートブックとして読めません（{type(exc).__name__}）", file=path
        ) from exc


def _tags(cell: nbformat.NotebookNode) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _comments_by_line(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):
        pass
    return comments


def _parse(source: str) -> ast.Module:
    """Parse a code cell, with IPython magics / shell lines blanked out."""
    lines = ["" if _MAGIC.match(ln) else ln for ln in source.splitlines()]
    return ast.parse("\n".join(lines))


def parameters(path: str | Path) -> pd.DataFrame:
    """The parameters of a notebook: the names assigned in its ``parameters`` cell.

    Parameters
    ----------
    path : str or Path
        The notebook.

    Returns
    -------
    pandas.DataFrame
        One row per parameter, in cell order: ``name``, ``default`` (the source text of the
        value), ``comment`` (the line's ``#`` comment, usually the meaning and unit).

    Raises
    ------
    CourseError
        If the notebook has no cell tagged ``parameters`` or the cell is not valid Python.
    """
    path = Path(path)
    nb = read_notebook(path)
    cells = [c for c in nb.cells if c.cell_type == "code" and "parameters" in _tags(c)]
    if not cells:
        raise CourseError("parameters タグの付いたセルがありません", file=path)
    rows = []
    for cell in cells:
        source = cell.source
        try:
            tree = _parse(source)
        except SyntaxError as exc:
            raise CourseError(
                f"parameters セルが Python として読めません（{exc.msg}、{exc.lineno}行目）",
                file=path,
            ) from exc
        comments = _comments_by_line(source)
        for node in tree.body:
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            comment = comments.get(node.end_lineno or node.lineno, "")
            for target in targets:
                if isinstance(target, ast.Name):
                    rows.append((target.id, ast.get_source_segment(source, value), comment))
                elif isinstance(target, ast.Tuple):
                    values = (
                        value.elts
                        if isinstance(value, ast.Tuple) and len(value.elts) == len(target.elts)
                        else [None] * len(target.elts)
                    )
                    for elt, val in zip(target.elts, values, strict=True):
                        if isinstance(elt, ast.Name):
                            text = "" if val is None else ast.get_source_segment(source, val)
                            rows.append((elt.id, text, comment))
    return pd.DataFrame(rows, columns=["name", "default", "comment"])


def _title_and_duration(nb: nbformat.NotebookNode) -> tuple[str, int | None]:
    title, minutes = "", None
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if not title and line.startswith("# "):
                title = line[2:].strip()
            if minutes is None and "所要時間" in line:
                found = _DURATION.search(line)
                if found:
                    minutes = int(found.group(1))
    return title, minutes


def notebook_map(folder: str | Path | None = None) -> pd.DataFrame:
    """The notebook map of the course.

    Parameters
    ----------
    folder : str or Path, optional
        Folder of notebooks; the checkout's ``notebooks/`` when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per notebook: ``number`` (``"00"``…), ``file``, ``title`` (its H1),
        ``minutes`` (所要時間 [min], ``<NA>`` if the notebook does not say), ``parameters``
        (comma-separated names of its ``parameters`` cell).
    """
    rows = []
    for path in list_notebooks(folder):
        nb = read_notebook(path)
        title, minutes = _title_and_duration(nb)
        try:
            names = ", ".join(parameters(path)["name"])
        except CourseError:
            names = ""
        number = _NOTEBOOK_NAME.match(path.name).group(1)
        rows.append((number, path.name, title, minutes, names))
    frame = pd.DataFrame(rows, columns=["number", "file", "title", "minutes", "parameters"])
    frame["minutes"] = frame["minutes"].astype("Int64")
    return frame


PARAMS_BEGIN = "<!-- parameters: begin (cntf course update-doc) -->"
PARAMS_END = "<!-- parameters: end -->"
_DOC_ROW = re.compile(r"^\| `([^`]+)` \| .* \| (.*) \|$")


def _documented_meanings(text: str) -> dict[tuple[str, str], str]:
    """(notebook stem, parameter) -> meaning, from the parameter tables of a teachers.md."""
    meanings, stem = {}, ""
    for line in text.splitlines():
        if line.startswith("### "):
            stem = line[4:].strip()
        found = _DOC_ROW.match(line)
        if stem and found and found.group(2).strip():
            meanings[(stem, found.group(1))] = found.group(2).strip()
    return meanings


def parameters_markdown(
    folder: str | Path | None = None, meanings: dict[tuple[str, str], str] | None = None
) -> str:
    """Markdown for docs/teachers.md: one ``###`` section per notebook with its parameter table.

    Parameters
    ----------
    folder : str or Path, optional
        Folder of notebooks; the checkout's ``notebooks/`` when omitted.
    meanings : dict, optional
        ``(notebook stem, name) -> meaning`` used where the parameter's line has no comment
        (hand-written meanings of an earlier teachers.md survive an update).
    """
    meanings = meanings or {}
    out = []
    for path in list_notebooks(folder):
        nb = read_notebook(path)
        title, minutes = _title_and_duration(nb)
        table = parameters(path)
        out.append(f"### {path.stem}\n")
        time = f"、所要時間 約{minutes}分" if minutes is not None else ""
        out.append(f"{title}{time}\n")
        out.append("| パラメータ | 既定値 | 意味（単位） |")
        out.append("|---|---|---|")
        for row in table.itertuples(index=False):
            default = str(row.default).replace("|", "\\|")
            comment = str(row.comment).replace("|", "\\|") or meanings.get(
                (path.stem, row.name), ""
            )
            out.append(f"| `{row.name}` | `{default}` | {comment} |")
        out.append("")
    return "\n".join(out)


def update_parameters_doc(doc: str | Path, folder: str | Path | None = None) -> bool:
    """Rewrite the parameter tables of ``doc`` (between ``PARAMS_BEGIN`` and ``PARAMS_END``).

    Parameters
    ----------
    doc : str or Path
        The teachers' guide (``docs/teachers.md``), UTF-8.
    folder : str or Path, optional
        Folder of notebooks; the checkout's ``notebooks/`` when omitted.

    Returns
    -------
    bool
        Whether the file changed.

    Raises
    ------
    CourseError
        If the file is missing or lacks the two marker lines.
    """
    doc = Path(doc)
    try:
        text = doc.read_text(encoding="utf-8")
    except OSError as exc:
        raise CourseError("講師用ガイドが読めません", file=doc) from exc
    if PARAMS_BEGIN not in text or PARAMS_END not in text:
        raise CourseError(f"目印の行 {PARAMS_BEGIN} と {PARAMS_END} がありません", file=doc)
    head, rest = text.split(PARAMS_BEGIN, 1)
    body, tail = rest.split(PARAMS_END, 1)
    table = parameters_markdown(folder, _documented_meanings(body))
    new = f"{head}{PARAMS_BEGIN}\n\n{table}\n{PARAMS_END}{tail}"
    if new == text:
        return False
    doc.write_text(new, encoding="utf-8")
    return True


# --- student copies ----------------------------------------------------------------------------


@dataclass
class StudentCopy:
    """What :func:`student_notebook` did to one notebook."""

    notebook: nbformat.NotebookNode
    removed_solution: int = 0
    removed_teacher: int = 0
    edited: int = 0
    checks: int = 0
    hints: int = 0
    warnings: list[str] = field(default_factory=list)


def _blank_solution_texts(source: str) -> tuple[str, int]:
    """Replace the value of every ``solution_text=`` keyword by ``""`` (byte-exact positions)."""
    try:
        tree = _parse(source)
    except SyntaxError:
        return source, 0
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "solution_text":
                    v = kw.value
                    spans.append((v.lineno, v.col_offset, v.end_lineno, v.end_col_offset))
    if not spans:
        return source, 0
    lines = [ln.encode("utf-8") for ln in source.split("\n")]
    for lineno, col, end_lineno, end_col in sorted(spans, reverse=True):
        head = lines[lineno - 1][:col]
        tail = lines[end_lineno - 1][end_col:]
        lines[lineno - 1 : end_lineno] = [head + b'""' + tail]
    return "\n".join(ln.decode("utf-8") for ln in lines), len(spans)


def _is_teacher_heading(cell: nbformat.NotebookNode) -> bool:
    if cell.cell_type != "markdown":
        return False
    first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
    return first.lstrip().startswith("#") and "教員用" in first


def student_notebook(nb: nbformat.NotebookNode, name: str = "") -> StudentCopy:
    """The student copy of a notebook (the module docstring states the rule).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The teacher's notebook; not changed.
    name : str
        Shown in errors.

    Raises
    ------
    CourseError
        If a cell would no longer be valid Python after its solution lines are removed.
    """
    out = nbformat.from_dict(json.loads(json.dumps(nb)))
    copy = StudentCopy(notebook=out)
    cells = []
    for index, cell in enumerate(out.cells):
        if _tags(cell) & REMOVE_TAGS:
            if _SOLUTION_LINE.search(cell.source) or "solution" in _tags(cell):
                copy.removed_solution += 1
            else:
                copy.removed_teacher += 1
            continue
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        if _SELF_TEST.search(cell.source):
            copy.removed_teacher += 1
            if cells and _is_teacher_heading(cells[-1]):
                cells.pop()
                copy.removed_teacher += 1
            continue
        source = cell.source
        lines = source.splitlines()
        kept = [ln for ln in lines if not _SOLUTION_LINE.search(ln)]
        if len(kept) != len(lines):
            if not "\n".join(kept).strip():
                copy.removed_solution += 1
                continue
            source = "\n".join(kept)
        source, blanked = _blank_solution_texts(source)
        if blanked:
            copy.warnings.append(
                f"セル{index + 1}: ノートブック内で定義した演習の solution_text を空にしました"
                "（expected の式は残ります）"
            )
        if source != cell.source:
            try:
                _parse(source)
            except SyntaxError as exc:
                raise CourseError(
                    f"解答の行を除くとセル{index + 1}が Python として読めなくなります（{exc.msg}）。"
                    "解答は solution() だけの行に書くか、セルに solution タグを付けてください",
                    file=name or None,
                ) from exc
            cell.source = source
            copy.edited += 1
        copy.checks += len(re.findall(r"\.check\s*\(", source))
        copy.hints += len(re.findall(r"\.hint\s*\(", source))
        cells.append(cell)
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    intro = nbformat.v4.new_code_cell(STUDENT_CELL_SOURCE)
    intro.metadata["tags"] = [STUDENT_CELL_TAG]
    cells.insert(first_code, intro)
    out.cells = cells
    out.metadata["cntf"] = {"student_version": True}
    out.nbformat, out.nbformat_minor = 4, max(5, int(out.get("nbformat_minor", 5)))
    for cell in out.cells:
        if "id" not in cell:
            cell["id"] = nbformat.corpus.words.generate_corpus_id()
    return copy


def is_student_copy(path: str | Path) -> bool:
    """Whether the notebook at ``path`` was written by :func:`write_student_version`."""
    try:
        nb = read_notebook(path)
    except CourseError:
        return False
    return bool(nb.metadata.get("cntf", {}).get("student_version"))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def write_student_version(
    output: str | Path, folder: str | Path | None = None, only: list[str] | None = None
) -> pd.DataFrame:
    """Write student copies of the course notebooks into ``output``.

    Parameters
    ----------
    output : str or Path
        Folder to write into (created if needed). Must not be, or be inside, the notebook
        folder; an existing notebook there is overwritten only if it is itself a student copy.
    folder : str or Path, optional
        Folder of the teacher's notebooks; the checkout's ``notebooks/`` when omitted.
    only : list of str, optional
        Notebook numbers (``"00"``, ``"01"``…) to copy; all when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per notebook written: ``file``, ``removed_solution``, ``removed_teacher``
        (cells removed), ``edited`` (cells with solution lines removed), ``checks``, ``hints``
        (calls kept), ``warnings``.

    Raises
    ------
    CourseError
        On a bad folder, an unknown notebook number, an output inside the notebook folder, a
        teacher's notebook in the way, or a cell that the rule cannot edit.
    """
    source_dir = Path(folder) if folder is not None else notebooks_dir()
    paths = list_notebooks(source_dir)
    out_dir = Path(output)
    if _inside(out_dir, source_dir):
        raise CourseError(
            "受講者用の版をノートブックのフォルダの中には書きません（-o に別のフォルダを指定してください）",
            file=out_dir,
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise CourseError("出力先がフォルダではありません", file=out_dir)
    if only:
        numbers = {_NOTEBOOK_NAME.match(p.name).group(1) for p in paths}
        unknown = sorted(set(only) - numbers)
        if unknown:
            raise CourseError(
                f"番号 {', '.join(unknown)} のノートブックがありません（あるのは {', '.join(sorted(numbers))}）",
                file=source_dir,
            )
        paths = [p for p in paths if _NOTEBOOK_NAME.match(p.name).group(1) in set(only)]
    copies = [(p, student_notebook(read_notebook(p), p.name)) for p in paths]
    for path, _ in copies:
        target = out_dir / path.name
        if target.exists() and not is_student_copy(target):
            raise CourseError(
                "受講者用の版ではないノートブックがあるので上書きしません", file=target
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for path, copy in copies:
        nbformat.write(copy.notebook, out_dir / path.name)
        rows.append(
            (
                path.name,
                copy.removed_solution,
                copy.removed_teacher,
                copy.edited,
                copy.checks,
                copy.hints,
                "; ".join(copy.warnings),
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "file",
            "removed_solution",
            "removed_teacher",
            "edited",
            "checks",
            "hints",
            "warnings",
        ],
    )


def solution_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of the cells that a student copy must not have (solutions, self-tests).

    Used to verify a copy: a cell calling ``.solution(``, ``.assert_right(`` /
    ``.assert_wrong(``, tagged ``solution``/``teacher``/``remove-student``, a 教員用 heading,
    or a non-empty ``solution_text=`` in an ``Exercise(...)``.
    """
    found = []
    for i, cell in enumerate(nb.cells):
        if _tags(cell) & REMOVE_TAGS or _is_teacher_heading(cell):
            found.append(i)
        elif cell.cell_type == "code" and (
            _SOLUTION_LINE.search(cell.source)
            or _SELF_TEST.search(cell.source)
            or _has_solution_text(cell.source)
        ):
            found.append(i)
    return found


def _has_solution_text(source: str) -> bool:
    try:
        tree = _parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "solution_text" and not (
                    isinstance(kw.value, ast.Constant) and kw.value.value == ""
                ):
                    return True
    return False


# --- the course site (Jupyter Book 2) ------------------------------------------------------------

BOOK_NOTEBOOKS = Path("book") / "notebooks"
"""Where :func:`stage_book` writes the site's notebooks (relative to the checkout; ``myst.yml``)."""


def book_name(path: str | Path) -> str:
    """ASCII file name of a notebook in the site (``00_はじめに.ipynb`` -> ``nb00.ipynb``).

    mystmd makes page URLs from file names with only ``a-z0-9-`` and drops a leading number, so
    every Japanese name would become the same empty URL.
    """
    found = _NOTEBOOK_NAME.match(Path(path).name)
    if not found:
        raise CourseError("NN_タイトル.ipynb 形式の名前ではありません", file=path)
    return f"nb{found.group(1)}.ipynb"


def stage_book(output: str | Path | None = None, folder: str | Path | None = None) -> list[Path]:
    """Write the site's notebooks: student copies with ASCII names and links rewritten.

    Parameters
    ----------
    output : str or Path, optional
        Folder to (re)write; ``book/notebooks`` of the checkout when omitted. Its ``*.ipynb``
        files are replaced.
    folder : str or Path, optional
        Folder of the teacher's notebooks; the checkout's ``notebooks/`` when omitted.

    Returns
    -------
    list of Path
        The notebooks written, in course order.
    """
    source_dir = Path(folder) if folder is not None else notebooks_dir()
    out_dir = Path(output) if output is not None else source_dir.parent / BOOK_NOTEBOOKS
    if _inside(out_dir, source_dir):
        raise CourseError(
            "教材サイト用のノートブックを notebooks/ の中には書きません", file=out_dir
        )
    paths = list_notebooks(source_dir)
    names = {p.name: book_name(p) for p in paths}
    link = re.compile(r"\]\((" + "|".join(re.escape(n) for n in names) + r")([)#])")
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.ipynb"):
        old.unlink()
    written = []
    for path in paths:
        nb = student_notebook(read_notebook(path), path.name).notebook
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = link.sub(lambda m: f"]({names[m.group(1)]}{m.group(2)}", cell.source)
        target = out_dir / names[path.name]
        nbformat.write(nb, target)
        written.append(target)
    return written
