"""Layers point one way (DESIGN.md): nothing below imports anything above."""

import ast
from pathlib import Path

import pytest

import cntf_workbench

ROOT = Path(cntf_workbench.__file__).parent
BOTTOM = {"errors", "units", "factors", "trace", "tabular", "datasets", "resources", "fonts"}
UPPER = {
    "viz",
    "widgets",
    "exercises",
    "cli",
    "cli_chain",
    "cli_chain_scenarios",
    "cli_survey",
    "cli_survey_text",
}
FORBIDDEN = {
    "bottom": {"cfp", "exchange", "survey"} | UPPER,
    "cfp": {"survey", "exchange"} | UPPER,
    "survey": {"cfp", "exchange"} | UPPER,
}


def _layer(path: Path) -> str | None:
    rel = path.relative_to(ROOT)
    if rel.parts[0] in ("cfp", "survey"):
        return rel.parts[0]
    if len(rel.parts) == 1 and path.stem in BOTTOM:
        return "bottom"
    return None


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("cntf_workbench")
        ):
            parts = node.module.split(".")
            if len(parts) > 1:
                names.add(parts[1])
            else:
                names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "cntf_workbench" and len(parts) > 1:
                    names.add(parts[1])
    return names


MODULES = [p for p in ROOT.rglob("*.py") if _layer(p)]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_upward_imports(path):
    bad = _imported(path) & FORBIDDEN[_layer(path)]
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
