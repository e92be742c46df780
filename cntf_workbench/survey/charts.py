"""Survey charts with Japanese labels: diverging stacked Likert bars, option bars, group bars.

Every chart calls ``cntf_workbench.fonts.setup()`` first (IPAexGothic), so kanji render.

Charts show shares, not counts, and follow the base-size rule of survey reporting: a group with
fewer answers than the suppression threshold is not drawn (its shares would show a handful of
members' answers), and the chart says which groups were left out. Count tables for publication
use the cell suppression of ``tabulate.suppress`` instead.

``likert_chart``, ``likert_by_group`` and ``option_bars`` take ``lang="en"`` for English labels
(the codebook's ``text_en`` / ``label_en``); ``crosstab_chart`` draws the cross-tab's own
(Japanese) labels.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from cntf_workbench import fonts
from cntf_workbench.survey.codebook import Codebook
from cntf_workbench.survey.i18n import t
from cntf_workbench.survey.io import SurveyData
from cntf_workbench.survey.tabulate import (
    DEFAULT_THRESHOLD,
    CrossTab,
    _question,
    _unpack,
    frequencies,
    likert_summary,
)

#: Diverging palette: disagree (red) … agree (blue), neutral grey in the middle.
LIKERT_COLOURS = ["#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac"]


def wrap_ja(text: str, width: int = 18) -> str:
    """Break a Japanese label every ``width`` characters (no spaces to break at)."""
    text = str(text)
    return "\n".join(text[i : i + width] for i in range(0, len(text), width)) or text


def _wrap(text: str, width: int, lang: str) -> str:
    """``wrap_ja`` for Japanese; English breaks at spaces (about 1.6 × ``width`` letters)."""
    if lang == "ja":
        return wrap_ja(text, width)
    import textwrap

    return textwrap.fill(str(text), int(width * 1.6)) or str(text)


def _diverging(
    ax: plt.Axes,
    shares: np.ndarray,
    labels: list[str],
    scale: list[str],
    ns: list[int],
    lang: str = "ja",
) -> None:
    """Draw rows of 5 shares [-] centred on the middle of the neutral answer."""
    left = -(shares[:, 0] + shares[:, 1] + shares[:, 2] / 2)
    y = np.arange(len(labels))
    for k in range(5):
        ax.barh(
            y,
            shares[:, k] * 100,
            left=left * 100,
            color=LIKERT_COLOURS[k],
            edgecolor="white",
            linewidth=0.5,
            label=scale[k],
        )
        for yi, (lft, w) in enumerate(zip(left, shares[:, k], strict=True)):
            if w >= 0.08:
                ax.text(
                    (lft + w / 2) * 100,
                    yi,
                    f"{w * 100:.0f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if k in (0, 4) else "black",
                )
        left = left + shares[:, k]
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [f"{lab}\n(n={n})" for lab, n in zip(labels, ns, strict=True)])
    ax.invert_yaxis()
    lim = max(100.0, float(np.abs(ax.get_xlim()).max()))
    ax.set_xlim(-lim, lim)
    ticks = np.arange(-100, 101, 25)
    ax.set_xticks(ticks, [f"{abs(tick)}" for tick in ticks])
    ax.set_xlabel(t("chart.likert.xlabel", lang))


def _legend_below(fig: plt.Figure, ax: plt.Axes, ncol: int = 5) -> None:
    """Put the legend under the plot, inside the figure, and make room for it."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=ncol, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.07 + 0.03 * ((len(labels) - 1) // ncol), 1, 1))


def likert_chart(
    data: SurveyData | pd.DataFrame,
    question_ids: list[str] | None = None,
    codebook: Codebook | None = None,
    title: str | None = None,
    ax: plt.Axes | None = None,
    lang: str = "ja",
) -> plt.Figure:
    """Diverging stacked bars, one per likert5 question.

    Parameters
    ----------
    data : SurveyData or pandas.DataFrame
    question_ids : list of str, optional
        All likert5 questions when omitted.
    codebook : Codebook, optional
    title : str, optional
        Default: 5段階評価の回答（中央は「どちらともいえない」の中点） (in ``lang``).
    ax : matplotlib Axes, optional
    lang : {"ja", "en"}

    Returns
    -------
    matplotlib.figure.Figure
    """
    fonts.setup()
    responses, book = _unpack(data, codebook)
    summary = likert_summary(responses, question_ids, book)
    shares = summary[[f"share_{k}" for k in range(1, 6)]].to_numpy()
    texts = [book[qid].text_in(lang) for qid in summary.index]
    labels = [_wrap(x, 22, lang) for x in texts]
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 0.8 * len(labels) + 1.8))
    else:
        fig = ax.figure
    scale = [o.label_in(lang) for o in book.likert5_scale]
    _diverging(ax, shares, labels, scale, summary["n"].tolist(), lang)
    ax.set_title(t("chart.likert.title", lang) if title is None else title)
    _legend_below(fig, ax)
    return fig


def likert_by_group(
    data: SurveyData | pd.DataFrame,
    question_id: str,
    by: str,
    codebook: Codebook | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    ax: plt.Axes | None = None,
    lang: str = "ja",
) -> plt.Figure:
    """Diverging stacked bars of one likert5 question, one bar per group of ``by``.

    Groups with fewer than ``threshold`` answers are not drawn (listed in the title).
    """
    fonts.setup()
    responses, book = _unpack(data, codebook)
    q = _question(book, question_id, ("likert5",))
    g = _question(book, by, ("single",))
    rows, labels, ns, dropped = [], [], [], []
    for o in g.options:
        sub = responses[responses[by].astype(object) == o.code]
        values = pd.array(sub[question_id], dtype="Int64").dropna().to_numpy(dtype=int)
        if len(values) == 0:
            continue
        if len(values) < threshold:
            dropped.append(o.label_in(lang))
            continue
        rows.append(np.bincount(values, minlength=6)[1:6] / len(values))
        labels.append(_wrap(o.label_in(lang), 18, lang))
        ns.append(len(values))
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 0.7 * max(len(rows), 1) + 2.2))
    else:
        fig = ax.figure
    if rows:
        scale = [o.label_in(lang) for o in book.likert5_scale]
        _diverging(ax, np.array(rows), labels, scale, ns, lang)
    title = _wrap(q.text_in(lang), 40, lang)
    if dropped:
        names = t("sep.clause", lang).join(dropped)
        title += t("chart.group_hidden", lang, threshold=threshold, names=names)
    ax.set_title(title, fontsize=10)
    _legend_below(fig, ax)
    return fig


def option_bars(
    data: SurveyData | pd.DataFrame,
    question_id: str,
    codebook: Codebook | None = None,
    ax: plt.Axes | None = None,
    lang: str = "ja",
) -> plt.Figure:
    """Horizontal bars of the share of respondents per option [%] (single, multi, likert5)."""
    fonts.setup()
    responses, book = _unpack(data, codebook)
    q = _question(book, question_id, ("single", "multi", "likert5"))
    table = frequencies(responses, question_id, book)
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.6))
    else:
        fig = ax.figure
    colour = sns.color_palette("deep")[0]
    names = q.label_of(lang)
    labels = [
        _wrap(names.get(str(c), lab), 20, lang)
        for c, lab in zip(table["code"], table["label"], strict=True)
    ]
    ax.barh(labels, table["share"] * 100, color=colour)
    for y, (share, count) in enumerate(zip(table["share"], table["count"], strict=True)):
        ax.text(share * 100, y, f" {share * 100:.0f}% ({count})", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(100.0, float(table["share"].max() * 100) + 15))
    note = t("chart.options.multi", lang) if q.type == "multi" else ""
    n = table.attrs["n_answered"]
    ax.set_xlabel(t("chart.options.xlabel", lang, n=n, note=note))
    ax.set_title(_wrap(q.text_in(lang), 40, lang), fontsize=10)
    fig.tight_layout()
    return fig


def crosstab_chart(
    ct: CrossTab,
    codebook: Codebook,
    threshold: int | None = None,
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """Stacked 100 % bars of a cross-tab's row shares (multi: grouped bars).

    Groups with fewer respondents than ``threshold`` (default: the cross-tab's suppression
    threshold) are not drawn.
    """
    fonts.setup()
    q = codebook[ct.question_id]
    limit = ct.suppressed.threshold if threshold is None else threshold
    shares = ct.shares
    group_n = ct.counts.loc[shares.index, "計"]
    shown = shares[group_n >= limit]
    hidden = [str(i) for i in shares.index if i not in shown.index]
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 0.6 * max(len(shown), 1) + 2.4))
    else:
        fig = ax.figure
    palette = (
        LIKERT_COLOURS if q.type == "likert5" else sns.color_palette("tab10", len(shares.columns))
    )
    y = np.arange(len(shown))
    if q.type == "multi":
        width = 0.8 / max(len(shares.columns), 1)
        for k, col in enumerate(shares.columns):
            ax.barh(
                y + k * width - 0.4 + width / 2,
                shown[col] * 100,
                height=width,
                label=col,
                color=palette[k],
            )
        ax.set_xlabel("その群で選んだ人の割合 (%)")
    else:
        left = np.zeros(len(shown))
        for k, col in enumerate(shares.columns):
            ax.barh(y, shown[col] * 100, left=left, label=wrap_ja(col, 16), color=palette[k])
            left += shown[col].to_numpy() * 100
        ax.set_xlim(0, 100)
        ax.set_xlabel("群内の割合 (%)")
    ax.set_yticks(y, [wrap_ja(str(i), 18) for i in shown.index])
    ax.invert_yaxis()
    title = wrap_ja(q.text, 40)
    if ct.test is not None:
        title += "\n" + ct.test.summary_ja()
    if hidden:
        title += f"\n（n<{limit} のため非表示: {'、'.join(hidden)}）"
    ax.set_title(title, fontsize=9)
    _legend_below(fig, ax, ncol=3)
    return fig


__all__ = [
    "LIKERT_COLOURS",
    "crosstab_chart",
    "likert_by_group",
    "likert_chart",
    "option_bars",
    "wrap_ja",
]
