"""Where the shipped data lives: inside the wheel, or at the repository root in a checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_root(name: str = "data") -> Path:
    """Return the folder of shipped data (``"data"`` or ``"surveys"``).

    In an installed wheel the folders sit inside the package (``cntf_workbench/data``), found
    through ``importlib.resources``; in an editable install or a checkout they sit beside the
    package, at the repository root.
    """
    packaged = Path(str(resources.files("cntf_workbench").joinpath(name)))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name
