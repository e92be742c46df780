"""Japanese fonts for matplotlib (bottom layer: imports nothing from the package).

``setup()`` imports matplotlib-fontja and sets IPAexGothic through seaborn's theme (a bare
``sns.set_theme()`` would reset the font to DejaVu Sans, and every kanji would become a box).
Both ``viz`` (CFP charts) and ``survey`` (its charts and reports) call it.
"""

from __future__ import annotations

import matplotlib
import matplotlib_fontja  # noqa: F401  (registers IPAexGothic)
import seaborn as sns

FONT = "IPAexGothic"


def setup(style: str = "whitegrid") -> None:
    """Set the seaborn theme with the Japanese font (call again after any ``sns.set_*``)."""
    sns.set_theme(style=style, font=FONT, rc={"axes.unicode_minus": False})
    matplotlib.rcParams["font.family"] = FONT
