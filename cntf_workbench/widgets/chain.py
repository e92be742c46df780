"""Logistics explorer (物流CFP): transport mode and load factor of one consignment, redrawn live.

Two layers, so that tests can check what is drawn without a browser:

- ``logistics_view`` (pure): the chain with one logistics record changed (mode: truck by the
  improved ton-km method, rail or ship by the ton-km method, or an EV truck; load factor; max
  payload) and what that does to the consignment [g-CO2e per item carried] and to the product
  order's footprint by stage [kg-CO2e];
- ``logistics_explorer``: an ``ipywidgets`` container (record, mode, load factor, max payload)
  that recomputes the view and redraws the chart on every change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import clear_output, display

from cntf_workbench import viz
from cntf_workbench.cfp import chain as ch
from cntf_workbench.factors import FactorTable

MODES: dict[str, str] = {
    "truck": "トラック（改良トンキロ法）",
    "rail": "鉄道（トンキロ法）",
    "ship": "内航船舶（トンキロ法）",
    "ev": "EVトラック（電費×電力係数）",
}
"""Modes the explorer offers, with their calculation method."""


def mode_changes(mode: str, fuel: str = "diesel") -> dict[str, object]:
    """The ``with_logistics`` changes that put a consignment on ``mode``.

    Parameters
    ----------
    mode : {"truck", "rail", "ship", "ev"}
    fuel : str
        Truck fuel for ``"truck"`` (diesel or gasoline).
    """
    if mode == "truck":
        return {"method": "improved_tonkm", "mode": "truck", "fuel": fuel}
    if mode in ("rail", "ship"):
        return {"method": "tonkm", "mode": mode}
    if mode == "ev":
        return {"method": "ev", "mode": "truck", "fuel": "electricity"}
    raise ch.ChainError(f"輸送モード「{mode}」は選べません（{', '.join(MODES)}）")


@dataclass(frozen=True)
class LogisticsView:
    """What the logistics explorer shows for one setting.

    Attributes
    ----------
    record_id, order_id : str
        The logistics record changed and the product order it goes into.
    mode : str
        Key of ``MODES``.
    load_factor : float
        積載率 [-].
    base_g_per_item, new_g_per_item : float
        The consignment's CO2 per item carried, before and after [g-CO2e/piece].
    base_stage, new_stage : pandas.DataFrame
        ``by_stage`` of the product order before and after [kg-CO2e].
    base_total, new_total : float
        The product order's footprint [kg-CO2e per order].
    """

    record_id: str
    order_id: str
    mode: str
    load_factor: float
    base_g_per_item: float
    new_g_per_item: float
    base_stage: pd.DataFrame
    new_stage: pd.DataFrame
    base_total: float
    new_total: float

    @property
    def delta_g_per_item(self) -> float:
        """Change of the consignment's CO2 per item [g-CO2e/piece] (negative: a reduction)."""
        return self.new_g_per_item - self.base_g_per_item

    def summary_text(self) -> str:
        """Japanese summary (HTML)."""
        sign = "削減" if self.delta_g_per_item < 0 else "増加"
        return (
            f"<b>{self.record_id}</b>（{MODES[self.mode]}、積載率 {self.load_factor:.0%}）: "
            f"1個あたり {self.base_g_per_item:.1f} → <b>{self.new_g_per_item:.1f} g-CO2e</b>"
            f"（{abs(self.delta_g_per_item):.1f} g {sign}）<br>"
            f"製品オーダ {self.order_id} の合計: {self.base_total:.2f} → {self.new_total:.2f} kg-CO2e"
        )


def _root_of(chain: ch.ChainData, order_id: str) -> str:
    parents = dict(
        zip(
            chain.order_links["supplier_order_id"],
            chain.order_links["customer_order_id"],
            strict=False,
        )
    )
    seen = set()
    while order_id in parents and order_id not in seen:
        seen.add(order_id)
        order_id = parents[order_id]
    return order_id


def _g_per_item(chain: ch.ChainData, factors: FactorTable, record_id: str) -> float:
    rec = ch.record_emissions(chain, factors)
    row = rec[rec["record_id"] == record_id].iloc[0]
    qty = float(chain.orders.set_index("order_id").loc[row["order_id"], "quantity"])
    return float(row["kg_co2e"]) * 1000.0 / qty if qty else math.nan


def logistics_view(
    chain: ch.ChainData,
    factors: FactorTable,
    record_id: str,
    mode: str = "truck",
    load_factor: float | None = None,
    max_payload_kg: float | None = None,
) -> LogisticsView:
    """Compute what the explorer draws when one consignment changes mode or load factor.

    Parameters
    ----------
    chain : ChainData
    factors : FactorTable
    record_id : str
        A logistics record (e.g. ``"LG-001-1"``, 東京→大阪 housings).
    mode : {"truck", "rail", "ship", "ev"}
    load_factor : float, optional
        積載率 in (0, 1] [-]; the record's own when omitted.
    max_payload_kg : float, optional
        最大積載量 [kg]; the record's own when omitted.

    Returns
    -------
    LogisticsView
    """
    lg = chain.logistics.set_index("record_id")
    if record_id not in lg.index:
        raise ch.ChainError(f"物流実績「{record_id}」がありません")
    own = lg.loc[record_id]
    fuel = own["fuel"] if own["fuel"] in ("diesel", "gasoline") else "diesel"
    changes = mode_changes(mode, fuel)
    changes["load_factor"] = float(own["load_factor"] if load_factor is None else load_factor)
    if max_payload_kg is not None:
        changes["max_payload_kg"] = float(max_payload_kg)
    changed = ch.with_logistics(chain, record_id, **changes)
    root = _root_of(chain, str(own["order_id"]))
    base_rows = ch.chain_records(chain, factors, root)
    new_rows = ch.chain_records(changed, factors, root)
    return LogisticsView(
        record_id=record_id,
        order_id=root,
        mode=mode,
        load_factor=float(changes["load_factor"]),
        base_g_per_item=_g_per_item(chain, factors, record_id),
        new_g_per_item=_g_per_item(changed, factors, record_id),
        base_stage=ch.by_stage(base_rows),
        new_stage=ch.by_stage(new_rows),
        base_total=float(base_rows["kg_co2e"].sum()),
        new_total=float(new_rows["kg_co2e"].sum()),
    )


def draw_logistics_view(view: LogisticsView) -> plt.Figure:
    """Two panels: the consignment per item [g-CO2e], and the order by stage before/after."""
    viz.setup()
    fig, (ax_item, ax_stage) = plt.subplots(1, 2, figsize=(11, 3.8))
    values = [view.base_g_per_item, view.new_g_per_item]
    ax_item.bar(["現状", "変更後"], values, color=["tab:gray", "tab:green"])
    for x, v in enumerate(values):
        ax_item.text(x, v, f"{v:.1f}", ha="center", va="bottom", fontsize=9)
    ax_item.margins(y=0.15)
    ax_item.set_ylabel("1個あたり (g-CO2e)")
    ax_item.set_title(f"{view.record_id}: {MODES[view.mode]}、積載率 {view.load_factor:.0%}")
    table = pd.DataFrame(
        {"現状": view.base_stage["kg_co2e"], "変更後": view.new_stage["kg_co2e"]}
    ).fillna(0.0)
    table = table.drop(index="材料払出", errors="ignore")
    table.plot.barh(ax=ax_stage, color=["tab:gray", "tab:green"])
    ax_stage.invert_yaxis()
    ax_stage.set_xlabel("排出量 (kg-CO2e / オーダ)")
    ax_stage.set_ylabel("")
    ax_stage.set_title(
        f"オーダ {view.order_id} の段階別（材料払出を除く）: 合計 {view.new_total - view.base_total:+.2f} kg"
    )
    fig.tight_layout()
    return fig


class LogisticsExplorer(widgets.VBox):
    """The explorer container; its controls and last ``view`` are attributes for tests.

    Attributes
    ----------
    record_dropdown : ipywidgets.Dropdown
        Logistics record.
    mode_buttons : ipywidgets.ToggleButtons
        Mode (keys of ``MODES``).
    load_slider : ipywidgets.FloatSlider
        積載率 [-].
    payload_dropdown : ipywidgets.Dropdown
        最大積載量 [kg].
    summary : ipywidgets.HTML
    output : ipywidgets.Output
    view : LogisticsView
    """

    def __init__(
        self,
        chain: ch.ChainData,
        factors: FactorTable,
        record_id: str | None = None,
        draw: bool = True,
    ) -> None:
        self._chain = chain
        self._factors = factors
        self._draw = draw
        lg = chain.logistics
        start = record_id or str(lg["record_id"].iloc[0])
        row = lg.set_index("record_id").loc[start]
        style = {"description_width": "10em"}
        layout = widgets.Layout(width="40em")
        self.record_dropdown = widgets.Dropdown(
            options=[
                (f"{r.record_id}  {r.origin}→{r.destination}（{r.vehicle_class}）", r.record_id)
                for r in lg.itertuples(index=False)
            ],
            value=start,
            description="物流実績",
            style=style,
            layout=layout,
        )
        self.mode_buttons = widgets.ToggleButtons(
            options=[(label, key) for key, label in MODES.items()],
            value="truck",
            description="輸送モード",
            style=style,
        )
        self.load_slider = widgets.FloatSlider(
            value=float(row["load_factor"]),
            min=0.05,
            max=1.0,
            step=0.05,
            readout_format=".0%",
            description="積載率",
            style=style,
            layout=layout,
        )
        payloads = sorted({2000.0, 4000.0, 10000.0, float(row["max_payload_kg"])})
        self.payload_dropdown = widgets.Dropdown(
            options=[(f"{p:,.0f} kg", p) for p in payloads],
            value=float(row["max_payload_kg"]),
            description="最大積載量",
            style=style,
        )
        self.summary = widgets.HTML()
        self.output = widgets.Output()
        self.view = self._compute()
        for control in (self.mode_buttons, self.load_slider, self.payload_dropdown):
            control.observe(self._on_change, names="value")
        self.record_dropdown.observe(self._on_record, names="value")
        super().__init__(
            [
                self.record_dropdown,
                self.mode_buttons,
                self.load_slider,
                self.payload_dropdown,
                self.summary,
                self.output,
            ]
        )
        self._refresh()

    def _compute(self) -> LogisticsView:
        return logistics_view(
            self._chain,
            self._factors,
            self.record_dropdown.value,
            mode=self.mode_buttons.value,
            load_factor=float(self.load_slider.value),
            max_payload_kg=float(self.payload_dropdown.value),
        )

    def _on_record(self, _change: dict) -> None:
        row = self._chain.logistics.set_index("record_id").loc[self.record_dropdown.value]
        with self.load_slider.hold_trait_notifications():
            self.load_slider.value = float(row["load_factor"])
        self._on_change(_change)

    def _on_change(self, _change: dict) -> None:
        self.view = self._compute()
        self._refresh()

    def _refresh(self) -> None:
        self.load_slider.disabled = self.mode_buttons.value in ("rail", "ship")
        self.summary.value = self.view.summary_text()
        if not self._draw:
            return
        with self.output:
            clear_output(wait=True)
            fig = draw_logistics_view(self.view)
            display(fig)
            plt.close(fig)


def logistics_explorer(
    chain: ch.ChainData,
    factors: FactorTable,
    record_id: str | None = None,
    draw: bool = True,
) -> LogisticsExplorer:
    """The logistics explorer: pick a consignment, a mode, a load factor and a vehicle.

    Parameters
    ----------
    chain : ChainData
        From ``cfp.chain.load_chain()``.
    factors : FactorTable
    record_id : str, optional
        Initial logistics record; the first when omitted.
    draw : bool
        Draw the chart on every change (``False`` in tests that only check ``view``).

    Returns
    -------
    LogisticsExplorer
    """
    return LogisticsExplorer(chain, factors, record_id=record_id, draw=draw)


__all__ = [
    "MODES",
    "LogisticsExplorer",
    "LogisticsView",
    "draw_logistics_view",
    "logistics_explorer",
    "logistics_view",
    "mode_changes",
]
