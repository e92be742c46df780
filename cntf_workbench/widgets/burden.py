"""Burden-sharing explorer (削減努力の分担): project, sharing rule, ICP, SME cap, redrawn live.

Two layers, so that tests can check what is shown without a browser:

- ``burden_view`` (pure): one project shared by one rule, with every firm's ICP scaled and the
  SME protection on or off: the per-firm table of ``exchange.burden.burden_table``;
- ``burden_explorer``: an ``ipywidgets`` container (project, rule, ICP scale, SME protection and
  cap) that recomputes the view and redraws the chart on every change.

Charts: ``draw_burden_view`` (each firm's cost against the reduction it receives) and
``draw_rule_comparison`` (the four rules side by side), Japanese labels through ``viz.setup``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import clear_output, display

from cntf_workbench import viz
from cntf_workbench.exchange import burden as bd

TABLE_JA: dict[str, str] = {
    "name": "企業",
    "size": "規模",
    "received_t_per_year": "受け取る削減量 (t/年)",
    "cost_yen_per_year": "負担 (円/年)",
    "yen_per_t": "円/t-CO2",
    "icp_yen_per_t": "ICP (円/t)",
    "worth_yen_per_year": "ICP×削減量 (円/年)",
    "within_icp": "ICP以内",
    "share_of_capacity": "営業利益に対する割合",
    "affordable": "負担可能",
    "sme_flag": "中小企業の上限超え",
    "moved_yen_per_year": "保護による移動 (円/年)",
    "stderr_yen_per_year": "標準誤差 (円/年)",
}
"""Japanese headers of the per-firm table."""


@dataclass(frozen=True)
class BurdenView:
    """What the explorer shows for one setting.

    Attributes
    ----------
    project_id, rule : str
    icp_scale : float
        Every firm's ICP multiplied by this [-].
    protect : bool
    cap_share : float
        SME cap [-] (share of operating profit).
    allocation : Allocation
    received : pandas.DataFrame
        ``received_reductions``.
    table : pandas.DataFrame
        ``burden_table`` (with the ``未充当`` row when some cost is charged to no firm).
    """

    project_id: str
    rule: str
    icp_scale: float
    protect: bool
    cap_share: float
    allocation: bd.Allocation
    received: pd.DataFrame
    table: pd.DataFrame

    def summary_text(self) -> str:
        """Japanese summary (HTML)."""
        a = self.allocation
        r = self.received.attrs
        flagged = self.table.index[self.table["sme_flag"].fillna(False).astype(bool)].tolist()
        parts = [
            f"<b>{self.project_id}</b>: 年間費用 <b>{a.annual_cost_yen:,.0f} 円/年</b>、"
            f"削減 {r['reduction_t_per_year']:g} t-CO2/年"
            f"（{a.annual_cost_yen / r['reduction_t_per_year']:,.0f} 円/t）。"
            f"分担ルール: {bd.RULES[self.rule]}"
            + (f"＋中小企業保護（上限 営業利益の {self.cap_share:.1%}）" if self.protect else ""),
            f"受け取る削減量の合計は {r['double_counting']:.1f} 倍に数えられます（同じ t を各段の企業が受け取る）。",
        ]
        if a.remainder_yen > 0:
            parts.append(
                f"<span style='color:crimson'>未充当（誰も負担しない残額）: {a.remainder_yen:,.0f} 円/年</span>"
            )
        if flagged:
            parts.append(
                f"<span style='color:crimson'>中小企業の上限を超える負担: {'、'.join(flagged)}</span>"
            )
        return "<br>".join(parts)


def scaled_icp(data: bd.BurdenData, icp_scale: float = 1.0) -> pd.Series:
    """Every firm's ICP × ``icp_scale`` [¥/t-CO2e]."""
    if not (math.isfinite(icp_scale) and icp_scale >= 0):
        raise bd.BurdenError(f"ICP の倍率 {icp_scale} は 0 以上です")
    return data.icp() * float(icp_scale)


def burden_view(
    data: bd.BurdenData,
    project_id: str,
    rule: str = "proportional",
    icp_scale: float = 1.0,
    protect: bool = False,
    cap_share: float | None = None,
) -> BurdenView:
    """Compute what the explorer shows.

    Parameters
    ----------
    data : BurdenData
    project_id : str
    rule : str
        Key of ``exchange.burden.RULES``.
    icp_scale : float
        Multiplier of every firm's ICP [-].
    protect : bool
        Apply the SME protection.
    cap_share : float, optional
        SME cap [-]; the ``sme_cap_share_of_capacity`` parameter when omitted.

    Returns
    -------
    BurdenView
    """
    cap = data.parameters["sme_cap_share_of_capacity"] if cap_share is None else float(cap_share)
    icp = scaled_icp(data, icp_scale)
    received = bd.received_reductions(data, project_id)
    alloc = bd.allocate(
        data, project_id, rule, icp=icp, protect=protect, cap_share=cap, received=received
    )
    table = bd.burden_table(alloc, received, data, icp=icp, cap_share=cap)
    return BurdenView(project_id, rule, float(icp_scale), protect, cap, alloc, received, table)


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The per-firm table for display: Japanese headers, yen rounded, shares in %."""
    cols = [c for c in TABLE_JA if c in table.columns]
    out = table[cols].copy()
    for c in ("cost_yen_per_year", "yen_per_t", "worth_yen_per_year", "moved_yen_per_year"):
        if c in out:
            out[c] = out[c].round(0)
    if "received_t_per_year" in out:
        out["received_t_per_year"] = out["received_t_per_year"].round(3)
    if "share_of_capacity" in out:
        out["share_of_capacity"] = (out["share_of_capacity"] * 100).round(2).astype(str) + " %"
    if "size" in out:
        out["size"] = out["size"].map(bd.SIZE_JA).fillna("")
    return out.rename(columns=TABLE_JA).rename_axis("企業ID")


def draw_burden_view(view: BurdenView) -> plt.Figure:
    """Two panels per firm: cost [万円/年] (SME cap marked) and received reduction [t/年]."""
    viz.setup()
    table = view.table
    firms = table.drop(index=bd.REMAINDER, errors="ignore")
    labels = [f"{i} {n}" for i, n in zip(firms.index, firms["name"], strict=True)]
    if bd.REMAINDER in table.index:
        labels.append("未充当（残額）")
    costs = table["cost_yen_per_year"].to_numpy(dtype=float) / 1e4
    fig, (ax_cost, ax_red) = plt.subplots(1, 2, figsize=(11, 0.45 * len(labels) + 2.2), sharey=True)
    colours = [
        "tab:red" if bool(flag) else ("tab:orange" if size == "SME" else "tab:blue")
        for flag, size in zip(firms["sme_flag"], firms["size"], strict=True)
    ]
    colours += ["lightgray"] * (len(labels) - len(firms))
    y = np.arange(len(labels))
    ax_cost.barh(y, costs, color=colours, edgecolor="black", linewidth=0.4)
    for yi, v in zip(y, costs, strict=True):
        ax_cost.text(v, yi, f" {v:,.1f}", va="center", fontsize=8)
    cap = firms["sme_cap_yen_per_year"].to_numpy(dtype=float) / 1e4
    for yi, c in zip(y, cap, strict=False):
        if math.isfinite(c):
            ax_cost.plot([c, c], [yi - 0.4, yi + 0.4], color="black", linestyle="--", linewidth=1)
    ax_cost.set_yticks(y, labels)
    ax_cost.invert_yaxis()
    ax_cost.margins(x=0.25)
    ax_cost.set_xlabel("負担（万円/年）　破線: 中小企業の上限")
    title = bd.RULES[view.rule] + ("＋中小企業保護" if view.protect else "")
    ax_cost.set_title(f"{view.project_id}: {title}", fontsize=10)
    received = firms["received_t_per_year"].to_numpy(dtype=float)
    ax_red.barh(y[: len(firms)], received, color="tab:green", edgecolor="black", linewidth=0.4)
    for yi, v, ypt in zip(y, received, firms["yen_per_t"], strict=False):
        text = f" {v:.2f} t" + (f"（{ypt:,.0f} 円/t）" if math.isfinite(ypt) else "")
        ax_red.text(v, yi, text, va="center", fontsize=8)
    ax_red.margins(x=0.45)
    ax_red.set_xlabel("受け取る削減量（t-CO2/年）")
    ax_red.set_title("同じ t を各段の企業が受け取る（二重計上に注意）", fontsize=10)
    fig.tight_layout()
    return fig


def draw_rule_comparison(comparison: pd.DataFrame, title: str = "") -> plt.Figure:
    """Grouped bars: each firm's cost under each rule [万円/年] (``compare_rules`` output)."""
    viz.setup()
    values = comparison.drop(columns="received_t_per_year", errors="ignore") / 1e4
    values = values.loc[values.abs().sum(axis=1) > 0]
    fig, ax = plt.subplots(figsize=(max(7.0, 1.2 * len(values) + 2), 4))
    values.plot.bar(ax=ax, width=0.8, edgecolor="black", linewidth=0.3)
    ax.set_ylabel("負担（万円/年）")
    ax.set_xlabel("")
    ax.set_xticks(range(len(values)), list(values.index), rotation=0)
    ax.set_title(title or "分担ルールによる各社の負担の違い")
    ax.legend(fontsize=8, title="分担ルール", title_fontsize=8)
    fig.tight_layout()
    return fig


class BurdenExplorer(widgets.VBox):
    """The explorer container; its controls and last ``view`` are attributes for tests.

    Attributes
    ----------
    project_dropdown : ipywidgets.Dropdown
    rule_buttons : ipywidgets.ToggleButtons
        Keys of ``RULES``.
    icp_slider : ipywidgets.FloatSlider
        ICP の倍率 [-].
    protect_box : ipywidgets.Checkbox
        中小企業保護.
    cap_slider : ipywidgets.FloatSlider
        SME cap [-] (share of operating profit).
    summary, table_html : ipywidgets.HTML
    output : ipywidgets.Output
    view : BurdenView
    """

    def __init__(
        self, data: bd.BurdenData, project_id: str | None = None, draw: bool = True
    ) -> None:
        self._data = data
        self._draw = draw
        style = {"description_width": "12em"}
        layout = widgets.Layout(width="44em")
        self.project_dropdown = widgets.Dropdown(
            options=[
                (f"{p.project_id}（{p.firm_id}）{p.description[:28]}…", p.project_id)
                for p in data.projects.itertuples(index=False)
            ],
            value=project_id or str(data.projects["project_id"].iloc[0]),
            description="削減プロジェクト",
            style=style,
            layout=layout,
        )
        self.rule_buttons = widgets.ToggleButtons(
            options=[(label.split("（")[0], key) for key, label in bd.RULES.items()],
            value="proportional",
            description="分担ルール",
            style=style,
        )
        self.icp_slider = widgets.FloatSlider(
            value=1.0,
            min=0.0,
            max=5.0,
            step=0.25,
            readout_format=".2f",
            description="ICP の倍率（全社）",
            style=style,
            layout=layout,
        )
        self.protect_box = widgets.Checkbox(value=False, description="中小企業保護を適用")
        self.cap_slider = widgets.FloatSlider(
            value=float(data.parameters["sme_cap_share_of_capacity"]),
            min=0.0,
            max=0.05,
            step=0.0025,
            readout_format=".2%",
            description="中小企業の上限（営業利益比）",
            style=style,
            layout=layout,
        )
        self.summary = widgets.HTML()
        self.table_html = widgets.HTML()
        self.output = widgets.Output()
        self.view = self._compute()
        for control in (
            self.project_dropdown,
            self.rule_buttons,
            self.icp_slider,
            self.protect_box,
            self.cap_slider,
        ):
            control.observe(self._on_change, names="value")
        super().__init__(
            [
                self.project_dropdown,
                self.rule_buttons,
                self.icp_slider,
                widgets.HBox([self.protect_box, self.cap_slider]),
                self.summary,
                self.table_html,
                self.output,
            ]
        )
        self._refresh()

    def _compute(self) -> BurdenView:
        return burden_view(
            self._data,
            self.project_dropdown.value,
            rule=self.rule_buttons.value,
            icp_scale=float(self.icp_slider.value),
            protect=bool(self.protect_box.value),
            cap_share=float(self.cap_slider.value),
        )

    def _on_change(self, _change: dict) -> None:
        self.view = self._compute()
        self._refresh()

    def _refresh(self) -> None:
        self.cap_slider.disabled = not self.protect_box.value
        self.summary.value = self.view.summary_text()
        self.table_html.value = display_table(self.view.table).to_html(na_rep="")
        if not self._draw:
            return
        with self.output:
            clear_output(wait=True)
            fig = draw_burden_view(self.view)
            display(fig)
            plt.close(fig)


def burden_explorer(
    data: bd.BurdenData | None = None, project_id: str | None = None, draw: bool = True
) -> BurdenExplorer:
    """The burden-sharing explorer: project, rule, ICP scale, SME protection and cap.

    Parameters
    ----------
    data : BurdenData, optional
        ``exchange.burden.load_burden()`` when omitted.
    project_id : str, optional
        Initial project; the first when omitted.
    draw : bool
        Draw the chart on every change (``False`` in tests that only check ``view``).

    Returns
    -------
    BurdenExplorer
    """
    return BurdenExplorer(data or bd.load_burden(), project_id=project_id, draw=draw)


__all__ = [
    "TABLE_JA",
    "BurdenExplorer",
    "BurdenView",
    "burden_explorer",
    "burden_view",
    "display_table",
    "draw_burden_view",
    "draw_rule_comparison",
    "scaled_icp",
]
