"""The repo2docker files (Binder, JupyterHub) install the project with pyproject.toml's dependencies."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"


def _requirements() -> list[str]:
    lines = (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def test_requirements_are_the_project_itself():
    """Only `.`: pip reads the dependencies from pyproject.toml, so the two cannot drift."""
    assert _requirements() == ["."]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["dependencies"], "pyproject.toml lists the runtime dependencies"
    # an environment.yml beside it would make repo2docker ignore requirements.txt
    assert not (BINDER / "environment.yml").exists()


def test_runtime_matches_requires_python():
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    version = re.fullmatch(r"python-(\d+)\.(\d+)", runtime)
    assert version, runtime
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floor = re.search(r">=\s*(\d+)\.(\d+)", project["requires-python"])
    assert tuple(map(int, version.groups())) >= tuple(map(int, floor.groups()))


def test_post_build_is_executable_bash_and_builds_student_copies():
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "postBuild must be executable"
    text = post.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/bash") and "set -euo pipefail" in text
    assert "write_student_version" in text
    subprocess.run(["bash", "-n", str(post)], check=True)


def test_post_build_runs(tmp_path):
    """Run it as repo2docker would, from a copy of the repository's top level."""
    (tmp_path / "notebooks").symlink_to(ROOT / "notebooks")
    env = dict(os.environ, MPLBACKEND="Agg")
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    result = subprocess.run(
        ["bash", str(BINDER / "postBuild")], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "student").glob("*.ipynb"))) == len(
        list((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    )
