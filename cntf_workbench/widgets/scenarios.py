"""Scenario and optimisation explorers (notebook 05) and their charts.

Charts (Japanese labels, ``viz.setup()``): ``draw_comparison`` (scenario totals with Monte
Carlo intervals, and the delta by stage), ``draw_tornado``, ``draw_pareto``.

Explorers, each an ``ipywidgets.VBox`` that recomputes and redraws on every change:

- ``renewable_explorer``: the renewable share (再エネ比率) of chosen firms' electricity;
- ``budget_explorer``: the budget (予算, ¥) of the optimisation, on the Pareto front.

Both keep what they show in ``view`` so that tests can check it without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from IPython.display import clear_output, display

from cntf_workbench import viz
from cntf_workbench.cfp import scenarios as sc
from cntf_workbench.cfp import uncertainty as un
from cntf_workbench.cfp.chain import ChainData
from cntf_workbench.cfp.optimise import Plan, optimise, pareto_front
from cntf_workbench.factors import FactorTable

RENEWABLE_MENU = "elec_jp_yonden_fy2023_menu_a"
"""Default renewable menu factor id (a disclosed 0.000 kg-CO2e/kWh menu in the factor table)."""


def draw_comparison(
    comparison: sc.Comparison, intervals: pd.DataFrame | None = None, title: str = ""
) -> plt.Figure:
    """Scenario totals (with 95 % intervals when given) and the delta by stage.

    Parameters
    ----------
    comparison : Comparison
        ``scenarios.compare`` output.
    intervals : pandas.DataFrame, optional
        ``uncertainty.intervals`` output (``low``, ``high`` [kg-CO2e]) indexed by scenario.
    title : str
    """
    viz.setup()
    totals = comparison.totals["total_kg_co2e"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 0.45 * len(totals) + 2.5))
    y = np.arange(len(totals))
    colours = ["dimgray", *sns.color_palette("deep", max(1, len(totals) - 1))]
    ax1.barh(y, totals.to_numpy(), color=colours[: len(totals)])
    if intervals is not None:
        iv = intervals.reindex(totals.index)
        err = np.vstack([totals - iv["low"], iv["high"] - totals]).clip(min=0)
        ax1.errorbar(totals, y, xerr=err, fmt="none", ecolor="black", capsize=4, lw=1)
    for yy, v in zip(y, totals, strict=True):
        ax1.text(v, yy, f" {v:,.0f}", va="bottom", fontsize=9)
    ax1.set_yticks(y, [str(i) for i in totals.index])
    ax1.invert_yaxis()
    ax1.set_xlabel("CFP 合計 (kg-CO2e)" + ("・誤差棒は95%区間" if intervals is not None else ""))
    ax1.set_title(title or "シナリオ別の CFP")
    delta = comparison.stage_delta()
    if delta.shape[1]:
        delta.plot.barh(ax=ax2, color=colours[1 : delta.shape[1] + 1], width=0.8)
        ax2.invert_yaxis()
        ax2.axvline(0, color="black", lw=0.8)
        ax2.legend(fontsize=8, loc="lower left")
    ax2.set_xlabel("現状との差 (kg-CO2e)")
    ax2.set_ylabel("")
    ax2.set_title("段階別の差")
    fig.tight_layout()
    return fig


def draw_tornado(table: pd.DataFrame, total: float, title: str = "") -> plt.Figure:
    """Tornado chart of ``uncertainty.tornado`` output around the point total [kg-CO2e]."""
    viz.setup()
    t = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(11, 0.4 * len(t) + 1.8))
    y = np.arange(len(t))
    ax.barh(y, t["high"] - total, left=total, color=sns.color_palette("deep")[3], label="上側")
    ax.barh(y, t["low"] - total, left=total, color=sns.color_palette("deep")[0], label="下側")
    ax.axvline(total, color="black", lw=0.8)
    ax.set_yticks(y, [str(s) if len(str(s)) < 34 else str(s)[:32] + "…" for s in t["label"]])
    ax.xaxis.set_major_locator(plt.MaxNLocator(6))
    ax.set_xlabel("合計 (kg-CO2e)")
    ax.set_title(title or "トルネード図: 1つの入力だけを95%区間の端に動かしたときの合計")
    ax.legend(fontsize=8)
    fig.subplots_adjust(left=0.4, right=0.97, bottom=0.15, top=0.9)
    return fig


def draw_pareto(front: pd.DataFrame, plan: Plan | None = None, title: str = "") -> plt.Figure:
    """Cost–CO2 Pareto front (step line) with the chosen plan highlighted."""
    viz.setup()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.step(front["cost_yen"] / 1e4, front["total_kg_co2e"], where="post", color="gray", lw=1)
    ax.plot(
        front["cost_yen"] / 1e4, front["total_kg_co2e"], "o", color="steelblue", label="パレート解"
    )
    if plan is not None:
        ax.plot(
            plan.cost_yen / 1e4,
            plan.total_kg_co2e,
            "*",
            ms=16,
            color="crimson",
            label=f"予算 {plan.budget_yen / 1e4:,.0f} 万円の最適解",
        )
        ax.axvline(plan.budget_yen / 1e4, color="crimson", ls="--", lw=0.8)
    ax.set_xlabel("費用 (万円)")
    ax.set_ylabel("CFP 合計 (kg-CO2e)")
    ax.set_title(title or "費用と CO2 のトレードオフ（パレートフロント）")
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ renewable share explorer


@dataclass(frozen=True)
class RenewableView:
    """What the renewable explorer shows.

    Attributes
    ----------
    share : float
        Renewable share [-].
    firms : tuple of str
    comparison : Comparison
        Baseline and the renewable scenario.
    intervals : pandas.DataFrame
        Monte Carlo 95 % intervals [kg-CO2e].
    """

    share: float
    firms: tuple[str, ...]
    comparison: sc.Comparison
    intervals: pd.DataFrame

    @property
    def reduction_kg(self) -> float:
        """Reduction against the baseline [kg-CO2e] (positive: less CO2)."""
        return -float(self.comparison.totals["delta_kg_co2e"].iloc[-1])


def renewable_view(
    chain: ChainData,
    factors: FactorTable,
    firms: tuple[str, ...],
    share: float,
    menu: str = RENEWABLE_MENU,
    draws: int = 500,
) -> RenewableView:
    """Compute the renewable-share scenario, its comparison and intervals."""
    if share <= 0 or not firms:
        comparison = sc.compare(chain, factors, [])
    else:
        comparison = sc.compare(chain, factors, [sc.renewable_scenario(firms, menu, share)])
    totals = un.monte_carlo(comparison.footprints, draws)
    return RenewableView(float(share), tuple(firms), comparison, un.intervals(totals))


class RenewableExplorer(widgets.VBox):
    """Renewable share slider and firm selection; redraws the comparison on every change."""

    def __init__(
        self,
        chain: ChainData,
        factors: FactorTable,
        share: float = 0.5,
        firms: tuple[str, ...] = ("MTR", "MKR"),
        draw: bool = True,
    ) -> None:
        self._chain, self._factors, self._draw = chain, factors, draw
        style = {"description_width": "10em"}
        self.share_slider = widgets.FloatSlider(
            value=share,
            min=0.0,
            max=1.0,
            step=0.1,
            readout_format=".0%",
            description="再エネ比率",
            style=style,
            layout=widgets.Layout(width="36em"),
        )
        options = [
            (f"{n}（{f}）", f)
            for f, n in zip(chain.firms["firm_id"], chain.firms["name"], strict=True)
        ]
        self.firm_select = widgets.SelectMultiple(
            options=options, value=tuple(firms), description="対象の企業", style=style, rows=6
        )
        self.summary = widgets.HTML()
        self.output = widgets.Output()
        self.view = self._compute()
        for c in (self.share_slider, self.firm_select):
            c.observe(self._on_change, names="value")
        super().__init__([self.share_slider, self.firm_select, self.summary, self.output])
        self._refresh()

    def _compute(self) -> RenewableView:
        return renewable_view(
            self._chain,
            self._factors,
            tuple(self.firm_select.value),
            float(self.share_slider.value),
        )

    def _on_change(self, _change: dict) -> None:
        self.view = self._compute()
        self._refresh()

    def _refresh(self) -> None:
        t = self.view.comparison.totals
        self.summary.value = (
            f"<b>削減量 {self.view.reduction_kg:,.1f} kg-CO2e</b>"
            f"（現状 {t['total_kg_co2e'].iloc[0]:,.1f} → {t['total_kg_co2e'].iloc[-1]:,.1f}"
            " kg-CO2e、再エネ比率の混合係数は仮定値）"
        )
        if not self._draw:
            return
        with self.output:
            clear_output(wait=True)
            fig = draw_comparison(self.view.comparison, self.view.intervals)
            display(fig)
            plt.close(fig)


def renewable_explorer(
    chain: ChainData,
    factors: FactorTable,
    share: float = 0.5,
    firms: tuple[str, ...] = ("MTR", "MKR"),
    draw: bool = True,
) -> RenewableExplorer:
    """The renewable-share explorer (再エネ比率のスライダー)."""
    return RenewableExplorer(chain, factors, share, firms, draw)


# ------------------------------------------------------------------ budget explorer


class BudgetExplorer(widgets.VBox):
    """Budget slider: the optimal plan within the budget, on the Pareto front.

    ``options`` and ``base`` come from ``scenarios.alternative_effects`` (computed once); each
    move of the slider solves one MILP.
    """

    def __init__(
        self, options: pd.DataFrame, base: float, budget: float = 300_000, draw: bool = True
    ) -> None:
        self._options, self._base, self._draw = options, base, draw
        self.front = pareto_front(options, base)
        top = float(options["cost_yen"].groupby(options["decision"]).max().sum())
        self.budget_slider = widgets.IntSlider(
            value=int(budget),
            min=0,
            max=int(top),
            step=10_000,
            description="予算（円）",
            style={"description_width": "10em"},
            layout=widgets.Layout(width="40em"),
        )
        self.summary = widgets.HTML()
        self.output = widgets.Output()
        self.view = optimise(options, self.budget_slider.value, base)
        self.budget_slider.observe(self._on_change, names="value")
        super().__init__([self.budget_slider, self.summary, self.output])
        self._refresh()

    def _on_change(self, _change: dict) -> None:
        self.view = optimise(self._options, self.budget_slider.value, self._base)
        self._refresh()

    def _refresh(self) -> None:
        p = self.view
        picked = p.changed()
        rows = "".join(
            f"<li>{d}: {lab}（{c:,.0f} 円、{k:,.1f} kg）</li>"
            for d, lab, c, k in zip(
                picked["decision"],
                picked["label"],
                picked["cost_yen"],
                picked["delta_kg"],
                strict=True,
            )
        )
        self.summary.value = (
            f"<b>費用 {p.cost_yen:,.0f} 円で {p.base_kg_co2e - p.total_kg_co2e:,.1f} kg-CO2e 削減"
            f"</b>（{p.base_kg_co2e:,.1f} → {p.total_kg_co2e:,.1f}）<ul>{rows or '<li>現状維持</li>'}</ul>"
        )
        if not self._draw:
            return
        with self.output:
            clear_output(wait=True)
            fig = draw_pareto(self.front, p)
            display(fig)
            plt.close(fig)


def budget_explorer(
    options: pd.DataFrame, base: float, budget: float = 300_000, draw: bool = True
) -> BudgetExplorer:
    """The budget explorer (予算のスライダー)."""
    return BudgetExplorer(options, base, budget, draw)


__all__ = [
    "RENEWABLE_MENU",
    "BudgetExplorer",
    "RenewableExplorer",
    "RenewableView",
    "budget_explorer",
    "draw_comparison",
    "draw_pareto",
    "draw_tornado",
    "renewable_explorer",
    "renewable_view",
]
