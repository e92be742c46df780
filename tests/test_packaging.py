"""The wheel ships data/ and surveys/ inside the package; a non-editable install finds them."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    return next(out.glob("*.whl"))


def test_wheel_contains_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "cntf_workbench/data/seminar/datapackage.json" in names
    assert "cntf_workbench/data/factors/emission_factors.csv" in names
    assert any(n.startswith("cntf_workbench/surveys/") for n in names)


def test_non_editable_install_loads_data(wheel, tmp_path):
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(target)
    code = (
        "import cntf_workbench, pathlib;"
        "from cntf_workbench.datasets import load_seminar, seminar_dir;"
        "d = load_seminar();"
        "assert 'site' in str(seminar_dir()), seminar_dir();"
        "print(len(d.bom))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "5"


def test_the_pact_notice_is_shipped_visibly():
    """The PACT licence asks for a reasonably visible notice: NOTICE carries the module's text."""
    from pathlib import Path

    from cntf_workbench.exchange import pact

    root = Path(__file__).parent.parent
    assert pact.NOTICE.strip() in (root / "NOTICE").read_text(encoding="utf-8")
    assert "NOTICE" in (root / "README.md").read_text(encoding="utf-8")
