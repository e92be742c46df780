"""Every notebook, read as a participant reads it: runs clean, prints no warning, in under 60 s.

Each notebook is executed once, top to bottom, with nbclient (kernel ``python3``, working
directory ``notebooks/``, ``MPLBACKEND=Agg``), exactly as committed (parameters at their
defaults). A notebook fails when

- a cell raises (the error names the cell);
- a cell writes anything to stderr (that is where Python warnings, including matplotlib's
  "Glyph … missing from font(s)", and logging go);
- a cell's output shows a Python warning (``SomethingWarning:`` or ``警告:`` at the start of a
  line, as ``warnings.showwarning`` prints it) in a stream, a text/plain result or an error;
- the whole run, kernel start included, takes longer than ``LIMIT_S``.

This replaces ``pytest --nbval-lax notebooks`` (which would execute each notebook a second time).
Set ``CNTF_NOTEBOOK_OUTPUT_DIR`` to keep the executed notebooks (with outputs) as artefacts.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))

LIMIT_S = 60.0
"""Wall-time budget of one notebook, kernel start included [s]."""

CELL_TIMEOUT_S = 120
"""A single cell running longer than this is stuck [s]."""

#: How ``warnings.showwarning`` prints (``file.py:12: UserWarning: …``) and its Japanese form.
WARNING_LINE = re.compile(r"(^|\s|:)[A-Z][A-Za-z]*Warning: |^\s*警告[:：]", re.MULTILINE)


def _source_head(cell: nbformat.NotebookNode, n: int = 60) -> str:
    first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
    return first[:n]


def reader_problems(nb: nbformat.NotebookNode) -> list[str]:
    """What a reader would see as a problem in an executed notebook, one line each.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook (with outputs).

    Returns
    -------
    list of str
        ``"cell 12 (first line of source): stderr: …"``; empty when the notebook reads clean.
    """
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        where = f"cell {index} ({_source_head(cell)})"
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                text = out.get("text", "")
                if out.get("name") == "stderr" and text.strip():
                    problems.append(f"{where}: stderr: {text.strip()[:400]}")
                    continue
            elif out.output_type in ("execute_result", "display_data"):
                text = out.get("data", {}).get("text/plain", "")
            elif out.output_type == "error":
                problems.append(f"{where}: {out.ename}: {out.evalue}"[:400])
                continue
            else:
                continue
            text = "".join(text) if isinstance(text, list) else str(text)
            match = WARNING_LINE.search(text)
            if match:
                start = max(0, match.start() - 120)
                problems.append(f"{where}: warning shown: {text[start : match.end() + 200]}")
    return problems


def run_notebook(path: Path) -> tuple[nbformat.NotebookNode, float, str]:
    """Execute a notebook once in ``notebooks/`` and time it.

    Returns
    -------
    (notebook, seconds, error)
        The executed notebook, the wall time [s] (kernel start included) and the error text of
        the first failing cell (``""`` when every cell ran).
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(path.parent)}},
        allow_errors=False,
    )
    error = ""
    start = time.perf_counter()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as exc:
        error = str(exc)[-1500:]
    return nb, time.perf_counter() - start, error


def test_there_are_notebooks_to_run():
    assert len(NOTEBOOKS) >= 4


def test_reader_problems_sees_warnings_and_stderr():
    """The checker itself: a clean notebook passes, a warning or stderr output does not."""
    nb = nbformat.v4.new_notebook()
    clean = nbformat.v4.new_code_cell("print('合計 1.68 kg-CO2e')")
    clean.outputs = [nbformat.v4.new_output("stream", name="stdout", text="合計 1.68 kg-CO2e\n")]
    warned = nbformat.v4.new_code_cell("df.groupby('a')")
    warned.outputs = [
        nbformat.v4.new_output(
            "stream",
            name="stdout",
            text="/x/pandas/core.py:3: FutureWarning: The default of observed=False\n",
        )
    ]
    stderr = nbformat.v4.new_code_cell("import logging")
    stderr.outputs = [nbformat.v4.new_output("stream", name="stderr", text="Glyph 21512 missing")]
    nb.cells = [clean]
    assert reader_problems(nb) == []
    nb.cells = [clean, warned, stderr]
    problems = reader_problems(nb)
    assert len(problems) == 2
    assert problems[0].startswith("cell 1 (df.groupby") and "FutureWarning" in problems[0]
    assert "stderr" in problems[1] and "Glyph" in problems[1]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: "nb" + p.stem.split("_")[0])
def test_notebook_runs_clean_for_the_reader(path, monkeypatch, record_property):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb, seconds, error = run_notebook(path)
    record_property("seconds", round(seconds, 1))
    print(f"{path.name}: {seconds:.1f} s")
    out_dir = os.environ.get("CNTF_NOTEBOOK_OUTPUT_DIR")
    if out_dir:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, Path(out_dir) / path.name)
    assert not error, f"{path.name}: a cell failed:\n{error}"
    problems = reader_problems(nb)
    assert not problems, f"{path.name}: the reader sees:\n" + "\n".join(problems)
    assert seconds < LIMIT_S, f"{path.name}: {seconds:.1f} s > {LIMIT_S:.0f} s"
