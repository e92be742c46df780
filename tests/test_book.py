"""The course site (Jupyter Book 2): myst.yml covers every notebook, builds offline.

The full build (`make book`: every notebook executed) is too slow for the unit suite and runs in
.ci/run; here: the configuration, the staged notebooks, and the offline theme on a small page.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from cntf_workbench import course

ROOT = Path(__file__).resolve().parent.parent
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"


def _config() -> dict:
    return yaml.safe_load((ROOT / "myst.yml").read_text(encoding="utf-8"))


def _toc_entries(toc: list) -> list[dict]:
    out = []
    for entry in toc:
        out.append(entry)
        out.extend(_toc_entries(entry.get("children", [])))
    return out


def test_myst_yml_lists_landing_page_every_notebook_and_guide(tmp_path):
    config = _config()
    entries = _toc_entries(config["project"]["toc"])
    files = [e["file"] for e in entries if "file" in e]
    patterns = [e["pattern"] for e in entries if "pattern" in e]
    assert files[0] == "book/index.md" and "docs/teachers.md" in files
    for f in files:
        assert (ROOT / f).exists(), f
    staged = course.stage_book(tmp_path / "book" / "notebooks")
    for path in staged:
        rel = path.relative_to(tmp_path).as_posix()
        assert any(Path(rel).match(p) for p in patterns), rel
    assert len(staged) == len(course.list_notebooks())


def test_theme_is_local_so_the_build_downloads_nothing():
    template = _config()["site"]["template"]
    theme = (ROOT / template).resolve()
    assert (theme / "template.yml").exists()
    spec = yaml.safe_load((theme / "template.yml").read_text(encoding="utf-8"))
    assert spec["kind"] == "site" and "render" in spec["build"]
    assert (theme / "render.py").exists()


def test_staged_notebooks_have_unique_ascii_names_and_working_links(tmp_path):
    staged = course.stage_book(tmp_path)
    names = [p.name for p in staged]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"nb\d\d\.ipynb", n) for n in names)
    for path in staged:
        nb = nbformat.read(path, as_version=4)
        assert course.solution_cells(nb) == []
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        for target in re.findall(r"\]\(([^)#]+\.ipynb)", text):
            assert (tmp_path / target).exists(), f"{path.name}: link to {target}"


def test_landing_page_maps_every_notebook():
    text = (ROOT / "book" / "index.md").read_text(encoding="utf-8")
    for row in course.notebook_map().itertuples():
        assert re.search(rf"^\| {row.number} \|", text, flags=re.MULTILINE), row.file
    for group in ("受講者", "データ連携", "アンケート"):
        assert group in text


def test_makefile_book_target_and_gitignore():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^book:", makefile, flags=re.MULTILINE)
    assert "stage_book" in makefile and "--execute" in makefile
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "_build/" in ignored and "book/notebooks/" in ignored


@pytest.mark.skipif(not JUPYTER_BOOK.exists(), reason="jupyter-book is not installed")
def test_small_book_builds_offline_with_the_local_theme(tmp_path):
    """One page and one executed notebook, built with the real theme, network blocked."""
    shutil.copytree(ROOT / "book" / "theme", tmp_path / "theme")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 試しのノートブック\n\n[戻る](index.md)"),
        nbformat.v4.new_code_cell("print('排出量', 2 * 0.437)"),
    ]
    nbformat.write(nb, tmp_path / "nb00.ipynb")
    (tmp_path / "index.md").write_text("# 表紙\n\n[ノート](nb00.ipynb)\n", encoding="utf-8")
    (tmp_path / "myst.yml").write_text(
        "version: 1\nproject:\n  title: 試し\n  toc:\n    - file: index.md\n    - file: nb00.ipynb\n"
        "site:\n  template: ./theme\n",
        encoding="utf-8",
    )
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["JUPYTER_CONFIG_PATH"] = str(ROOT / "book" / "jupyter")
    env["API_URL"] = "http://127.0.0.1:9"  # any download attempt fails at once
    env.pop("HTTPS_PROXY", None)
    env.pop("HTTP_PROXY", None)
    result = subprocess.run(
        [str(JUPYTER_BOOK), "build", "--html", "--execute"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "api.mystmd.org" not in log.replace("API URL: https://api.mystmd.org", "")
    index = (tmp_path / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "表紙" in index and "試しのノートブック" in index
    page = next(p for p in (tmp_path / "_build" / "html").glob("*.html") if p.name != "index.html")
    text = page.read_text(encoding="utf-8")
    assert "排出量 0.874" in text  # executed during the build
    config = json.loads((tmp_path / "_build" / "site" / "config.json").read_text(encoding="utf-8"))
    assert config["projects"][0]["pages"]
