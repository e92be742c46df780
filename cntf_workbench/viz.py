"""Japanese-capable charts: font set-up, waterfall and contribution bars.

``setup()`` imports matplotlib-fontja and sets IPAexGothic through seaborn's theme (a bare
``sns.set_theme()`` would reset the font to DejaVu Sans, and every kanji would become a box).
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import matplotlib_fontja  # noqa: F401  (registers IPAexGothic)
import pandas as pd
import seaborn as sns

from cntf_workbench.trace import Footprint

FONT = "IPAexGothic"


def setup(style: str = "whitegrid") -> None:
    """Set the seaborn theme with the Japanese font (call again after any ``sns.set_*``)."""
    sns.set_theme(style=style, font=FONT, rc={"axes.unicode_minus": False})
    matplotlib.rcParams["font.family"] = FONT


def waterfall(
    footprint: Footprint,
    by: str = "item",
    title: str | None = None,
    ax: plt.Axes | None = None,
    unit: str = "kg-CO2e",
) -> plt.Figure:
    """Waterfall chart: each contribution stacked on the previous, ending in the total.

    Parameters
    ----------
    footprint : Footprint
    by : str
        Trace column to group by (``item``, ``stage``, ``scope`` …).
    title : str, optional
    ax : matplotlib Axes, optional
    unit : str
        Axis label unit.

    Returns
    -------
    matplotlib.figure.Figure
    """
    setup()
    parts = footprint.by(by)["kg_co2e"]
    if ax is None:
        fig, ax = plt.subplots(figsize=(max(5.0, 1.1 * (len(parts) + 1)), 4))
    else:
        fig = ax.figure
    bottom = 0.0
    colours = sns.color_palette("deep", len(parts))
    labels = [str(i) for i in parts.index]
    for i, value in enumerate(parts.to_numpy()):
        ax.bar(i, value, bottom=bottom, color=colours[i], edgecolor="black", linewidth=0.5)
        ax.text(i, bottom + value / 2, f"{value:.3g}", ha="center", va="center", fontsize=9)
        bottom += value
    total = footprint.total
    ax.bar(len(parts), total, color="dimgray", edgecolor="black", linewidth=0.5)
    ax.text(len(parts), total, f"{total:.4g}", ha="center", va="bottom", fontsize=10)
    ax.set_xticks(range(len(parts) + 1), [*labels, "合計"], rotation=30, ha="right")
    ax.set_ylabel(f"排出量 ({unit})")
    ax.set_title(title or f"{footprint.name} の内訳（{footprint.functional_unit}）")
    fig.tight_layout()
    return fig


def contribution_bar(
    table: pd.DataFrame | pd.Series,
    title: str = "",
    xlabel: str = "排出量 (kg-CO2e)",
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """Horizontal bars of a contribution table (``Footprint.by`` output or a Series)."""
    setup()
    values = table["kg_co2e"] if isinstance(table, pd.DataFrame) else table
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 0.5 * len(values) + 1.5))
    else:
        fig = ax.figure
    ax.barh([str(i) for i in values.index], values.to_numpy(), color=sns.color_palette("deep")[0])
    for y, v in enumerate(values.to_numpy()):
        ax.text(v, y, f" {v:.3g}", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig
