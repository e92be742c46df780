"""Japanese-capable charts: font set-up, waterfall and contribution bars.

``setup()`` imports matplotlib-fontja and sets IPAexGothic through seaborn's theme (a bare
``sns.set_theme()`` would reset the font to DejaVu Sans, and every kanji would become a box).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from cntf_workbench import fonts
from cntf_workbench.trace import Footprint

FONT = fonts.FONT
setup = fonts.setup


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


def _sankey_layers(flows: pd.DataFrame) -> dict[str, int]:
    """Column of each node: the length of the longest path reaching it."""
    layer = {str(n): 0 for n in pd.unique(flows[["source", "target"]].to_numpy().ravel())}
    for _ in range(len(layer)):
        changed = False
        for s, t in zip(flows["source"].astype(str), flows["target"].astype(str), strict=True):
            if layer[t] < layer[s] + 1:
                layer[t] = layer[s] + 1
                changed = True
        if not changed:
            break
    return layer


def sankey(
    flows: pd.DataFrame,
    title: str = "",
    unit: str = "kg-CO2e",
    ax: plt.Axes | None = None,
    min_label_share: float = 0.01,
) -> plt.Figure:
    """Sankey (alluvial) diagram of CO2 flowing through layers of nodes.

    Parameters
    ----------
    flows : pandas.DataFrame
        Columns ``source``, ``target``, ``kg_co2e`` [kg-CO2e], e.g. firm → stage and
        stage → product (``cntf_workbench.cfp.chain.flows``). Nodes are placed in columns by
        the longest path that reaches them; band widths are proportional to ``kg_co2e``.
    title : str
    unit : str
        Unit in the node labels.
    ax : matplotlib Axes, optional
    min_label_share : float
        Nodes smaller than this share of a column's total get no value label [-].

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path as MplPath

    setup("white")
    flows = flows[flows["kg_co2e"] > 0].copy()
    flows["source"] = flows["source"].astype(str)
    flows["target"] = flows["target"].astype(str)
    layer = _sankey_layers(flows)
    n_layers = max(layer.values()) + 1 if layer else 1
    out_sum = flows.groupby("source", sort=False)["kg_co2e"].sum()
    in_sum = flows.groupby("target", sort=False)["kg_co2e"].sum()
    size = {n: max(out_sum.get(n, 0.0), in_sum.get(n, 0.0)) for n in layer}
    columns = [[n for n in layer if layer[n] == k] for k in range(n_layers)]
    scale = max(sum(size[n] for n in col) for col in columns) or 1.0
    gap = 0.045
    width = 0.05
    pos: dict[str, tuple[float, float, float]] = {}  # node -> (x, y_top, height)
    for k, col in enumerate(columns):
        x = k / max(n_layers - 1, 1)
        total_h = sum(size[n] for n in col) / scale + gap * (len(col) - 1)
        y = (1 + total_h) / 2
        for n in col:
            h = size[n] / scale
            pos[n] = (x, y, h)
            y -= h + gap
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.0 * n_layers, 6))
    else:
        fig = ax.figure
    palette = sns.color_palette("tab20", 20)
    colour = {n: palette[i % len(palette)] for i, n in enumerate(layer)}
    out_off = dict.fromkeys(layer, 0.0)
    in_off = dict.fromkeys(layer, 0.0)
    for s, t, v in flows[["source", "target", "kg_co2e"]].itertuples(index=False):
        xs, ys, _ = pos[s]
        xt, yt, _ = pos[t]
        h = v / scale
        y0s, y0t = ys - out_off[s], yt - in_off[t]
        out_off[s] += h
        in_off[t] += h
        x0, x1 = xs + width / 2, xt - width / 2
        xm = (x0 + x1) / 2
        verts = [
            (x0, y0s),
            (xm, y0s),
            (xm, y0t),
            (x1, y0t),
            (x1, y0t - h),
            (xm, y0t - h),
            (xm, y0s - h),
            (x0, y0s - h),
            (x0, y0s),
        ]
        codes = [MplPath.MOVETO, *[MplPath.CURVE4] * 3, MplPath.LINETO, *[MplPath.CURVE4] * 3]
        codes.append(MplPath.CLOSEPOLY)
        c = colour.get(s, (0.6, 0.6, 0.6))
        ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=c, alpha=0.45, lw=0))
    for k, col in enumerate(columns):
        col_total = sum(size[n] for n in col) or 1.0
        for n in col:
            x, y, h = pos[n]
            ax.add_patch(
                Rectangle(
                    (x - width / 2, y - h), width, h, facecolor="dimgray", edgecolor="black", lw=0.5
                )
            )
            label = n if size[n] / col_total < min_label_share else f"{n}\n{size[n]:.4g} {unit}"
            ha = "right" if k == 0 else "left"
            dx = -width if k == 0 else width
            ax.text(
                x + dx,
                y - h / 2,
                label,
                ha=ha,
                va="center",
                fontsize=9,
                bbox={"facecolor": "white", "alpha": 0.7, "lw": 0, "pad": 1}
                if 0 < k < n_layers - 1
                else None,
            )
    ax.set_xlim(-0.35, 1.35)
    ax.set_ylim(-0.05, 1.1)
    ax.axis("off")
    ax.set_title(title or f"CO2 の流れ（{unit}）")
    fig.tight_layout()
    return fig


def lever_chart(
    table: pd.DataFrame,
    label: str | list[str],
    value: str = "kg_co2e",
    title: str = "",
    xlabel: str = "排出量 (kg-CO2e)",
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """Horizontal bars of an analysis table with the levers it points to (改善の打ち手).

    Parameters
    ----------
    table : pandas.DataFrame
        An analysis of ``cntf_workbench.cfp.chain`` (``attrs["levers"]`` names the levers).
    label : str or list of str
        Column(s) joined into the bar labels.
    value : str
        Column plotted [kg-CO2e unless ``xlabel`` says otherwise].
    title, xlabel : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    cols = [label] if isinstance(label, str) else list(label)
    names = table[cols].astype(str).agg(" / ".join, axis=1)
    series = pd.Series(table[value].to_numpy(), index=names.to_numpy())
    levers = table.attrs.get("levers")
    head = title or table.attrs.get("analysis", "")
    if levers:
        head = f"{head}\n打ち手: {'・'.join(levers)}"
    fig = contribution_bar(series, title=head, xlabel=xlabel, ax=ax)
    return fig
