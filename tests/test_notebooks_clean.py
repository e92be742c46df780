"""Committed notebooks carry no outputs, keep their kernelspec and follow the skeleton."""

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_outputs_and_kernelspec(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs", []) == [], f"{path.name}: outputs committed"
            assert cell.get("execution_count") is None, f"{path.name}: execution count committed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_skeleton(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    h1 = [ln for ln in markdown.splitlines() if ln.startswith("# ")]
    assert len(h1) == 1, f"{path.name}: one H1"
    for heading in ("概要", "前提知識", "所要時間", "まとめ", "次のステップ"):
        assert heading in markdown, f"{path.name}: {heading}"
    tags = [t for c in nb["cells"] for t in c.get("metadata", {}).get("tags", [])]
    assert "parameters" in tags, f"{path.name}: parameters cell"
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert code.count(".check(") >= 2, f"{path.name}: at least two exercises"
