"""CIOF exchange explorer (データ連携): model, failing firms and contract granularity, redrawn live.

Two layers, so that tests can check what is shown without a browser:

- ``exchange_view`` (pure): one PULL for a final product through the bucket relay, the central
  platform or both, on the same firms, with some firms failing (``silent``, ``late``, ``refuse``,
  ``invalid``) and the firm-to-firm contracts' granularity overridden or as contracted; the
  figures of :mod:`cntf_workbench.exchange.metrics` (total, primary data share, messages, bytes,
  hops, latency, exposure) as a Japanese table, plus the exposure by firm;
- ``exchange_explorer``: an ``ipywidgets`` container (model, failing firms, fault mode,
  granularity, what the central model uploads) that recomputes the view and redraws the chart on
  every change.

Charts for notebook 06, Japanese labels through ``viz.setup``: ``draw_exchange_view`` (the
models side by side), ``draw_timeline`` (every message of a run in simulated time),
``draw_exposure_matrices`` (owner × viewer heatmaps) and ``draw_robustness`` (k failing firms).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import clear_output, display
from matplotlib.lines import Line2D

from cntf_workbench import viz
from cntf_workbench.exchange import central, metrics, relay
from cntf_workbench.exchange.contracts import GRANULARITY_JA
from cntf_workbench.exchange.metrics import MODEL_JA, RunResult
from cntf_workbench.exchange.network import PLATFORM, Network, load_network
from cntf_workbench.exchange.parties import FAULT_JA, FAULTS
from cntf_workbench.factors import FactorTable

MODELS: dict[str, str] = {**MODEL_JA, "both": "両方を比べる"}
"""Model choices of the explorer."""

AS_CONTRACTED = "contract"
"""Granularity choice that keeps every contract's own granularity."""

GRANULARITY_CHOICES: dict[str, str] = {AS_CONTRACTED: "契約どおり", **GRANULARITY_JA}
"""Granularity choices of the explorer (``contract`` or an override of every contract)."""

UPLOAD_JA: dict[str, str] = {"process": "工程データ（活動量）", "stage": "段階別の値"}
"""What firms upload to the central platform."""

KIND_JA: dict[str, str] = {
    "RequestCreated": "依頼 (RequestCreated)",
    "RequestFulfilled": "回答 (RequestFulfilled)",
    "RequestRejected": "拒否 (RequestRejected)",
    "Forward": "転送 (Forward)",
    "Upload": "アップロード (Upload)",
}
"""Japanese names of the message kinds."""

_KIND_COLOUR: dict[str, str] = {
    "RequestCreated": "tab:gray",
    "RequestFulfilled": "tab:blue",
    "RequestRejected": "tab:red",
    "Forward": "tab:purple",
    "Upload": "tab:orange",
}
_MODEL_COLOUR: dict[str, str] = {"relay": "tab:blue", "central": "tab:orange"}


def failure_candidates(net: Network, product: tuple[str, str]) -> list[str]:
    """Firms that can fail in a PULL for ``product``: its supply chain without its maker.

    Ordered by tier, then firm id. A firm outside the product's supply chain (the other group's
    final maker, its own Tier 1) plays no part in the relay, so it is not offered.

    Parameters
    ----------
    net : Network
    product : (firm_id, item_code)

    Returns
    -------
    list of str
    """
    firms = {f for f, _item in net.upstream(*product)} - {product[0]}
    tier = dict(zip(net.firms["firm_id"], net.firms["tier"], strict=False))
    return sorted(firms, key=lambda f: (tier.get(f, 0), f))


def supply_chain(net: Network, product: tuple[str, str]) -> Network:
    """The network reduced to the firms of ``product``'s supply chain (and their contracts).

    Used for the robustness runs, where firms fail at random: a firm outside the chain has no
    effect on the relay, and in the central model a failing firm whose product has no secondary
    factor (the other final maker) cannot be estimated.

    Parameters
    ----------
    net : Network
    product : (firm_id, item_code)

    Returns
    -------
    Network
        Same settings; ``firms``, ``products``, ``links``, ``processes``, ``costs``,
        ``dictionary`` and ``contracts`` restricted to the chain's firms.
    """
    firms = {f for f, _item in net.upstream(*product)}

    def keep(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
        mask = pd.Series(True, index=frame.index)
        for col in columns:
            mask &= frame[col].isin(firms | {PLATFORM})
        return frame[mask].reset_index(drop=True)

    return net.with_changes(
        firms=keep(net.firms, "firm_id"),
        products=keep(net.products, "firm_id"),
        links=keep(net.links, "customer_firm_id", "supplier_firm_id"),
        processes=keep(net.processes, "firm_id"),
        costs=keep(net.costs, "firm_id"),
        dictionary=keep(net.dictionary, "firm_id"),
        contracts=keep(net.contracts, "provider", "recipient"),
    )


def robustness_in_chain(
    net: Network,
    ks: Sequence[int],
    *,
    product: tuple[str, str] | None = None,
    trials: int = 3,
    mode: str = "silent",
    seed: int = 0,
) -> pd.DataFrame:
    """``metrics.robustness`` with the failing firms drawn from the product's supply chain.

    Parameters
    ----------
    net : Network
    ks : sequence of int
        Numbers of failing firms.
    product : (firm_id, item_code), optional
        The network's first final product when omitted.
    trials : int
        Random draws per k.
    mode : str
        Fault mode (see ``FAULTS``).
    seed : int

    Returns
    -------
    pandas.DataFrame
        Columns of :func:`cntf_workbench.exchange.metrics.robustness` (``deviation`` [-],
        ``primary_data_share`` [-], ``latency_hours`` [h] …).
    """
    product = product if product is not None else net.final_products()[0]
    chain = supply_chain(net, product)
    return metrics.robustness(chain, list(ks), trials=trials, mode=mode, seed=seed, product=product)


def _fmt_int(value: float) -> str:
    return f"{int(value):,}"


@dataclass(frozen=True)
class ExchangeView:
    """What the explorer shows for one setting.

    Attributes
    ----------
    product : (firm_id, item_code)
    model : {"relay", "central", "both"}
    failing : tuple of str
        Failing firms.
    mode : str
        Their fault mode (key of ``FAULT_JA``).
    granularity : str
        ``contract`` or a key of ``GRANULARITY_JA`` (relay only).
    upload : {"process", "stage"}
        What firms upload (central only).
    results : dict
        ``{model: RunResult}`` of the models run.
    baseline_kg_co2e : float
        The product's footprint with no failing firm [kg-CO2e per declared unit].
    """

    product: tuple[str, str]
    model: str
    failing: tuple[str, ...]
    mode: str
    granularity: str
    upload: str
    results: dict[str, RunResult]
    baseline_kg_co2e: float

    def table(self) -> pd.DataFrame:
        """The figures per model (index 指標, one column per model, Japanese names).

        Rows: CFP [kg-CO2e/単位], CFP [g]（丸め）, 障害なしとの差 [%], 一次データ比率 [%],
        メッセージ数, バイト数, 最長ホップ数, 回答までの時間 [h], 他社に見えた非公開項目数,
        二次データで代替した製品.
        """
        columns = {}
        for name, r in self.results.items():
            columns[MODEL_JA[name]] = {
                "CFP [kg-CO2e/単位]": round(r.total_kg_co2e, 4),
                "CFP [g-CO2e/単位]（グラムに丸め）": _fmt_int(round(r.total_kg_co2e * 1000)),
                "障害なしとの差 [%]": round(
                    100.0 * (r.total_kg_co2e / self.baseline_kg_co2e - 1.0), 2
                ),
                "一次データ比率 [%]": round(100.0 * r.primary_data_share, 1),
                "メッセージ数": r.messages,
                "バイト数": _fmt_int(r.bytes),
                "最長ホップ数": r.hops,
                "回答までの時間 [h]": r.latency_hours,
                "他社に見えた非公開項目数": r.exposure_count,
                "二次データで代替した製品": "、".join(r.estimated) or "なし",
            }
        frame = pd.DataFrame(columns)
        frame.index.name = "指標"
        return frame

    def exposure_table(self) -> pd.DataFrame:
        """``exposure_by_firm`` of every model run, with a モデル column first."""
        parts = [
            r.exposure_by_firm().assign(モデル=MODEL_JA[name]) for name, r in self.results.items()
        ]
        frame = pd.concat(parts, ignore_index=True)
        return frame[["モデル", "企業", "見えた相手", "件数", "内容"]]

    def summary_text(self) -> str:
        """Japanese summary (HTML)."""
        firm, item = self.product
        setting = []
        if self.failing:
            setting.append(f"障害: {'、'.join(self.failing)}（{FAULT_JA[self.mode]}）")
        else:
            setting.append("障害なし")
        if "relay" in self.results:
            setting.append(f"企業間契約の粒度: {GRANULARITY_CHOICES[self.granularity]}")
        if "central" in self.results:
            setting.append(f"中央集約へのアップロード: {UPLOAD_JA[self.upload]}")
        lines = [f"<b>{firm}:{item}</b> への PULL 型の算定依頼 — {'、'.join(setting)}"]
        for name, r in self.results.items():
            lines.append(
                f"{MODEL_JA[name]}: <b>{r.total_kg_co2e:.3f} kg-CO2e</b>、"
                f"一次データ比率 {r.primary_data_share:.1%}、メッセージ {r.messages} 通"
                f"（{r.bytes:,} バイト）、回答まで {r.latency_hours:g} h、"
                f"他社に見えた非公開項目 {r.exposure_count} 件"
            )
        if len(self.results) == 2:
            a, b = self.results["relay"], self.results["central"]
            same = round(a.total_kg_co2e * 1000) == round(b.total_kg_co2e * 1000)
            lines.append(
                "同じデータなので合計はグラム単位で一致します"
                if same
                else "<span style='color:crimson'>合計がグラム単位で一致しません</span>"
            )
        estimated = sorted({e for r in self.results.values() for e in r.estimated})
        if estimated:
            lines.append(
                f"<span style='color:crimson'>二次データで推計: {'、'.join(estimated)}</span>"
            )
        return "<br>".join(lines)


def exchange_view(
    net: Network,
    product: tuple[str, str] | None = None,
    model: str = "both",
    failing: Sequence[str] = (),
    mode: str = "silent",
    granularity: str | None = None,
    upload: str = "process",
    factors: FactorTable | None = None,
    baseline_kg_co2e: float | None = None,
) -> ExchangeView:
    """Run the PULL in the chosen model(s) and collect what the explorer shows.

    Parameters
    ----------
    net : Network
    product : (firm_id, item_code), optional
        The network's first final product when omitted.
    model : {"relay", "central", "both"}
    failing : sequence of str
        Firms that fail (never the product's maker).
    mode : {"silent", "late", "refuse", "invalid"}
    granularity : {"contract", "total", "stage", "process"}, optional
        Override of every firm-to-firm contract's granularity (relay); ``None`` or
        ``"contract"`` keeps the contracts.
    upload : {"process", "stage"}
        What firms upload to the central platform.
    factors : FactorTable, optional
    baseline_kg_co2e : float, optional
        The footprint with no failure [kg-CO2e/unit]; computed (one relay run) when omitted
        and some firm fails.

    Returns
    -------
    ExchangeView

    Raises
    ------
    ValueError
        An unknown model, fault mode, granularity or upload, or the product's maker among the
        failing firms.
    """
    product = product if product is not None else net.final_products()[0]
    if model not in MODELS:
        raise ValueError(f"model must be one of {tuple(MODELS)}")
    if mode not in FAULTS:
        raise ValueError(f"mode must be one of {FAULTS}")
    granularity = AS_CONTRACTED if granularity is None else granularity
    if granularity not in GRANULARITY_CHOICES:
        raise ValueError(f"granularity must be one of {tuple(GRANULARITY_CHOICES)}")
    if upload not in UPLOAD_JA:
        raise ValueError(f"upload must be one of {tuple(UPLOAD_JA)}")
    failing = tuple(sorted(set(failing)))
    if product[0] in failing:
        raise ValueError(f"the requesting maker {product[0]} cannot fail")
    faults = dict.fromkeys(failing, mode)
    override = None if granularity == AS_CONTRACTED else granularity
    results: dict[str, RunResult] = {}
    if model in ("relay", "both"):
        results["relay"] = relay.simulate(
            net, product, faults=faults, granularity=override, factors=factors
        )
    if model in ("central", "both"):
        results["central"] = central.simulate(
            net, product, faults=faults, upload=upload, factors=factors
        )
    if baseline_kg_co2e is None:
        if failing:
            baseline_kg_co2e = relay.simulate(
                net, product, factors=factors, inspect=False
            ).total_kg_co2e
        else:
            baseline_kg_co2e = next(iter(results.values())).total_kg_co2e
    return ExchangeView(
        product=product,
        model=model,
        failing=failing,
        mode=mode,
        granularity=granularity,
        upload=upload,
        results=results,
        baseline_kg_co2e=float(baseline_kg_co2e),
    )


def _bars(ax: plt.Axes, results: dict[str, RunResult], values: list[float], fmt: str) -> None:
    names = [MODEL_JA[m].split("（")[0] for m in results]
    colours = [_MODEL_COLOUR[m] for m in results]
    ax.bar(names, values, color=colours, edgecolor="black", linewidth=0.5)
    for x, v in enumerate(values):
        ax.text(x, v, format(v, fmt), ha="center", va="bottom", fontsize=9)
    ax.margins(y=0.18)


def draw_exchange_view(view: ExchangeView) -> plt.Figure:
    """Six panels, one bar per model: CFP, primary data share, messages, bytes, exposure,
    latency (the dashed line in the CFP panel is the footprint with no failing firm)."""
    viz.setup()
    res = view.results
    fig, axes = plt.subplots(2, 3, figsize=(11, 6.2))
    panels = [
        ("CFP (kg-CO2e/単位)", [r.total_kg_co2e for r in res.values()], ".2f"),
        ("一次データ比率 (%)", [100 * r.primary_data_share for r in res.values()], ".1f"),
        ("メッセージ数 (通)", [float(r.messages) for r in res.values()], ".0f"),
        ("バイト数 (kB)", [r.bytes / 1000 for r in res.values()], ".1f"),
        ("他社に見えた非公開項目 (件)", [float(r.exposure_count) for r in res.values()], ".0f"),
        ("回答までの時間 (h)", [r.latency_hours for r in res.values()], ".0f"),
    ]
    for ax, (title, values, fmt) in zip(axes.ravel(), panels, strict=True):
        _bars(ax, res, values, fmt)
        ax.set_title(title, fontsize=10)
    ax_cfp = axes[0, 0]
    ax_cfp.axhline(view.baseline_kg_co2e, color="black", linestyle="--", linewidth=1)
    axes[0, 1].set_ylim(0, 105)
    head = f"{':'.join(view.product)}: " + (
        f"障害 {'、'.join(view.failing)}（{FAULT_JA[view.mode]}）" if view.failing else "障害なし"
    )
    if "relay" in res:
        head += f"、粒度 {GRANULARITY_CHOICES[view.granularity]}"
    fig.suptitle(head, fontsize=11)
    fig.tight_layout()
    return fig


def lane_order(net: Network, result: RunResult) -> list[str]:
    """Parties of a run from the top of the chain down: the platform, then firms by tier."""
    parties = set(result.deliveries["sender"]) | set(result.deliveries["recipient"])
    tier = dict(zip(net.firms["firm_id"], net.firms["tier"], strict=False))
    firms = sorted((p for p in parties if p != PLATFORM), key=lambda f: (tier.get(f, 99), f))
    return ([PLATFORM] if PLATFORM in parties else []) + firms


def draw_timeline(
    result: RunResult, net: Network | None = None, ax: plt.Axes | None = None
) -> plt.Figure:
    """Every message of a run as an arrow from sender to recipient at its delivery time [h].

    Parameters
    ----------
    result : RunResult
    net : Network, optional
        Orders the lanes by tier (the shipped sample when omitted).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    viz.setup()
    net = net if net is not None else load_network()
    lanes = lane_order(net, result)
    y = {p: i for i, p in enumerate(lanes)}
    if ax is None:
        fig, ax = plt.subplots(figsize=(11, 0.45 * len(lanes) + 1.8))
    else:
        fig = ax.figure
    d = result.deliveries
    span = max(float(d["at"].max()), 1.0)
    offset = d.groupby("at").cumcount() * span * 0.006
    for (_i, row), dx in zip(d.iterrows(), offset, strict=True):
        x = float(row["at"]) + float(dx)
        colour = _KIND_COLOUR.get(row["kind"], "black")
        ax.plot([x], [y[row["sender"]]], marker="o", markersize=3, color=colour)
        ax.annotate(
            "",
            xy=(x, y[row["recipient"]]),
            xytext=(x, y[row["sender"]]),
            arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.2},
        )
    ax.set_yticks(range(len(lanes)), lanes)
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    ax.set_xlim(-span * 0.02, span * 1.08)
    ax.set_xlabel("シミュレーション上の時刻 (h)")
    kinds = [k for k in KIND_JA if k in set(d["kind"])]
    ax.legend(
        [Line2D([0], [0], color=_KIND_COLOUR[k], lw=2) for k in kinds],
        [KIND_JA[k] for k in kinds],
        fontsize=8,
        loc="lower right",
    )
    ax.set_title(
        f"{MODEL_JA[result.model]}: メッセージ {result.messages} 通、"
        f"回答まで {result.latency_hours:g} h",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def draw_exposure_matrices(results: Sequence[RunResult]) -> plt.Figure:
    """Heatmaps of private items by owner (rows) and viewer (columns), one per run."""
    viz.setup("white")
    mats = [metrics.exposure_matrix(r) for r in results]
    owners = sorted(set().union(*(set(m.index) for m in mats if not m.empty)))
    widths = [max(len(m.columns), 1) + 1 for m in mats]
    fig, axes = plt.subplots(
        1,
        len(results),
        figsize=(1.0 + 0.8 * sum(widths), 0.45 * len(owners) + 2.2),
        gridspec_kw={"width_ratios": widths},
        squeeze=False,
    )
    vmax = max([int(m.to_numpy().max()) for m in mats if not m.empty] or [1])
    for ax, r, m in zip(axes[0], results, mats, strict=True):
        m = m.reindex(index=owners, fill_value=0) if owners else m
        if m.empty:
            ax.text(0.5, 0.5, "露出なし", ha="center", va="center")
            ax.axis("off")
        else:
            sns.heatmap(
                m,
                ax=ax,
                annot=True,
                fmt="d",
                cmap="Reds",
                vmin=0,
                vmax=vmax,
                cbar=False,
                linewidths=0.5,
                linecolor="white",
            )
            ax.set_xlabel("見えた相手")
            ax.set_ylabel("持ち主（企業）")
            ax.tick_params(axis="y", rotation=0)
        ax.set_title(f"{MODEL_JA[r.model]}: {r.exposure_count} 件", fontsize=10)
    fig.suptitle("だれの非公開項目が、だれに見えたか（件数）", fontsize=11)
    fig.tight_layout()
    return fig


def draw_robustness(frame: pd.DataFrame) -> plt.Figure:
    """Three panels against k failing firms: primary data share [%], deviation of the total
    from the run with no failure [%], latency [h]; mean of the trials with min–max bars.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`cntf_workbench.exchange.metrics.robustness`.
    """
    viz.setup()
    data = frame.assign(
        primary_pct=100 * frame["primary_data_share"], deviation_pct=100 * frame["deviation"]
    )
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    panels = [
        ("primary_pct", "一次データ比率 (%)"),
        ("deviation_pct", "障害なしの合計との差 (%)"),
        ("latency_hours", "回答までの時間 (h)"),
    ]
    for ax, (col, label) in zip(axes, panels, strict=True):
        for i, (model, g) in enumerate(data.groupby("model", sort=False)):
            stats = g.groupby("k")[col].agg(["mean", "min", "max"])
            x = stats.index.to_numpy() + (i - 0.5) * 0.08
            ax.errorbar(
                x,
                stats["mean"],
                yerr=[stats["mean"] - stats["min"], stats["max"] - stats["mean"]],
                marker="o",
                capsize=3,
                color=_MODEL_COLOUR.get(model),
                label=MODEL_JA.get(model, model),
            )
        ax.set_xticks(sorted(data["k"].unique()))
        ax.set_xlabel("障害を起こす企業の数 k")
        ax.set_title(label, fontsize=10)
    axes[1].axhline(0, color="black", linewidth=0.8)
    axes[0].legend(fontsize=8)
    trials = int(data.loc[data["k"] > 0, "trial"].nunique()) if (data["k"] > 0).any() else 1
    fig.suptitle(f"障害に強いのは: k 社が無作為に障害（各 k で {trials} 回の平均と範囲）")
    fig.tight_layout()
    return fig


class ExchangeExplorer(widgets.VBox):
    """The explorer container; its controls and last ``view`` are attributes for tests.

    Attributes
    ----------
    model_buttons : ipywidgets.ToggleButtons
        Keys of ``MODELS``.
    failing_select : ipywidgets.SelectMultiple
        Failing firms (the product's supply chain without its maker).
    mode_dropdown : ipywidgets.Dropdown
        Fault mode (keys of ``FAULT_JA``).
    granularity_buttons : ipywidgets.ToggleButtons
        Keys of ``GRANULARITY_CHOICES`` (relay only).
    upload_buttons : ipywidgets.ToggleButtons
        Keys of ``UPLOAD_JA`` (central only).
    summary, table_html, exposure_html : ipywidgets.HTML
    output : ipywidgets.Output
    view : ExchangeView
    """

    def __init__(
        self,
        net: Network,
        product: tuple[str, str] | None = None,
        factors: FactorTable | None = None,
        draw: bool = True,
    ) -> None:
        self._net = net
        self._product = product if product is not None else net.final_products()[0]
        self._factors = factors
        self._draw = draw
        self._baseline: float | None = None
        style = {"description_width": "12em"}
        names = dict(zip(net.firms["firm_id"], net.firms["name"], strict=False))
        self.model_buttons = widgets.ToggleButtons(
            options=[(label, key) for key, label in MODELS.items()],
            value="both",
            description="モデル",
            style=style,
        )
        self.failing_select = widgets.SelectMultiple(
            options=[
                (f"{f} {names.get(f, '')}", f) for f in failure_candidates(net, self._product)
            ],
            value=(),
            rows=6,
            description="障害を起こす企業",
            style=style,
            layout=widgets.Layout(width="34em"),
        )
        self.mode_dropdown = widgets.Dropdown(
            options=[(f"{FAULT_JA[m]}（{m}）", m) for m in FAULTS],
            value="silent",
            description="障害の種類",
            style=style,
        )
        self.granularity_buttons = widgets.ToggleButtons(
            options=[(label, key) for key, label in GRANULARITY_CHOICES.items()],
            value=AS_CONTRACTED,
            description="企業間契約の粒度",
            style=style,
        )
        self.upload_buttons = widgets.ToggleButtons(
            options=[(label, key) for key, label in UPLOAD_JA.items()],
            value="process",
            description="中央集約へ送るもの",
            style=style,
        )
        self.summary = widgets.HTML()
        self.table_html = widgets.HTML()
        self.exposure_html = widgets.HTML()
        self.output = widgets.Output()
        self.view = self._compute()
        for control in (
            self.model_buttons,
            self.failing_select,
            self.mode_dropdown,
            self.granularity_buttons,
            self.upload_buttons,
        ):
            control.observe(self._on_change, names="value")
        super().__init__(
            [
                self.model_buttons,
                widgets.HBox([self.failing_select, self.mode_dropdown]),
                self.granularity_buttons,
                self.upload_buttons,
                self.summary,
                self.table_html,
                self.output,
                widgets.HTML("<b>どの企業の非公開項目が、だれに見えたか</b>"),
                self.exposure_html,
            ]
        )
        self._refresh()

    def _baseline_total(self) -> float:
        if self._baseline is None:
            self._baseline = relay.simulate(
                self._net, self._product, factors=self._factors, inspect=False
            ).total_kg_co2e
        return self._baseline

    def _compute(self) -> ExchangeView:
        return exchange_view(
            self._net,
            self._product,
            model=self.model_buttons.value,
            failing=tuple(self.failing_select.value),
            mode=self.mode_dropdown.value,
            granularity=self.granularity_buttons.value,
            upload=self.upload_buttons.value,
            factors=self._factors,
            baseline_kg_co2e=self._baseline_total(),
        )

    def _on_change(self, _change: dict) -> None:
        self.view = self._compute()
        self._refresh()

    def _refresh(self) -> None:
        model = self.model_buttons.value
        self.granularity_buttons.disabled = model == "central"
        self.upload_buttons.disabled = model == "relay"
        self.mode_dropdown.disabled = not self.failing_select.value
        self.summary.value = self.view.summary_text()
        self.table_html.value = self.view.table().to_html()
        self.exposure_html.value = self.view.exposure_table().to_html(index=False)
        if not self._draw:
            return
        with self.output:
            clear_output(wait=True)
            fig = draw_exchange_view(self.view)
            display(fig)
            plt.close(fig)


def exchange_explorer(
    net: Network | None = None,
    product: tuple[str, str] | None = None,
    factors: FactorTable | None = None,
    draw: bool = True,
) -> ExchangeExplorer:
    """The exchange explorer: model, failing firms and fault mode, contract granularity.

    Parameters
    ----------
    net : Network, optional
        ``exchange.network.load_network()`` when omitted.
    product : (firm_id, item_code), optional
        The final product asked for; the network's first final product when omitted.
    factors : FactorTable, optional
    draw : bool
        Draw the chart on every change (``False`` in tests that only check ``view``).

    Returns
    -------
    ExchangeExplorer
    """
    return ExchangeExplorer(
        net if net is not None else load_network(), product, factors=factors, draw=draw
    )


__all__ = [
    "AS_CONTRACTED",
    "GRANULARITY_CHOICES",
    "KIND_JA",
    "MODELS",
    "UPLOAD_JA",
    "ExchangeExplorer",
    "ExchangeView",
    "draw_exchange_view",
    "draw_exposure_matrices",
    "draw_robustness",
    "draw_timeline",
    "exchange_explorer",
    "exchange_view",
    "failure_candidates",
    "lane_order",
    "robustness_in_chain",
    "supply_chain",
]
