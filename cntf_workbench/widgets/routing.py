"""Routing explorer (生産指示書): electricity factor and lot size, redrawn live.

Two layers, so that tests can check what is drawn without a browser:

- ``routing_view`` (pure): from the seminar data, one electricity factor and a lot size, the
  implied machine power [kW] and the CO2 per lot and per unit [kg-CO2e];
- ``routing_explorer``: an ``ipywidgets`` container (dropdown of the factor table's electricity
  factors, a 仮定値 slider through ``Factor.with_value``, a lot-size slider) that recomputes the
  view and redraws the chart on every change.

The measured intensities (原単位 実績値) are already in kg-CO2e/h, so the electricity factor
changes the implied power, not the CO2; the lot size changes the CO2 per unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import clear_output, display

from cntf_workbench import viz
from cntf_workbench.cfp import implied_power, routing_footprint
from cntf_workbench.datasets import SeminarData
from cntf_workbench.factors import Factor, FactorTable
from cntf_workbench.trace import Footprint


@dataclass(frozen=True)
class RoutingView:
    """What the routing explorer shows for one setting.

    Attributes
    ----------
    factor : Factor
        The electricity factor used for the implied power [kg-CO2e/kWh].
    lot_size : int
        Units per lot [unit].
    lot : Footprint
        CO2 of one lot [kg-CO2e/lot], one trace row per process.
    unit : Footprint
        CO2 of one unit [kg-CO2e/unit] (``lot`` scaled by ``1 / lot_size``).
    power : pandas.DataFrame
        ``implied_power`` output: columns ``resource``, ``intensity_kg_per_h`` [kg-CO2e/h],
        ``factor`` [kg-CO2e/kWh], ``factor_id``, ``power_kw`` [kW].
    """

    factor: Factor
    lot_size: int
    lot: Footprint
    unit: Footprint
    power: pd.DataFrame

    @property
    def per_unit_kg(self) -> float:
        """CO2 per unit [kg-CO2e/unit]."""
        return self.unit.total

    def summary_text(self) -> str:
        """One-paragraph Japanese summary of the view (HTML)."""
        kind = "仮定値" if self.factor.assumed else "出典あり"
        return (
            f"<b>1台あたり {self.per_unit_kg:.4f} kg-CO2e</b>"
            f"（1ロット {self.lot_size} 台で {self.lot.total:.3f} kg-CO2e）<br>"
            f"電力の排出係数: {self.factor.value:.3f} {self.factor.unit}（{kind}）"
            f" — {self.factor.source}"
        )


def routing_view(
    data: SeminarData,
    electricity: Factor,
    lot_size: int | None = None,
    item: str | None = None,
) -> RoutingView:
    """Compute what the explorer draws for one electricity factor and lot size.

    Parameters
    ----------
    data : SeminarData
        From ``datasets.load_seminar()``.
    electricity : Factor
        A grid electricity factor [kg-CO2e/kWh] (from the factor table or ``with_value``).
    lot_size : int, optional
        Units per lot [unit]; the routing's own lot size when omitted.
    item : str, optional
        The routing's item; its only item when omitted.

    Returns
    -------
    RoutingView
    """
    lot = routing_footprint(data.routing, data.resources, item=item, lot_size=lot_size)
    size = int(lot_size if lot_size is not None else data.routing["lot_size"].iloc[0])
    return RoutingView(
        factor=electricity,
        lot_size=size,
        lot=lot,
        unit=lot.scaled(1 / size, "1台"),
        power=implied_power(data.resources, electricity),
    )


def electricity_options(factors: FactorTable) -> list[tuple[str, str]]:
    """Dropdown options for the factor table's electricity factors.

    Factors of zero (renewable menus) are left out: they imply no machine power.

    Returns
    -------
    list of (label, factor id)
        Label e.g. ``"0.437 kg-CO2e/kWh — JP (national average) FY2022"`` (``FactorTable.choices``).
    """
    return factors.choices("electricity", exclude_zero=True)


def draw_routing_view(view: RoutingView) -> plt.Figure:
    """Two panels: implied power per resource [kW] and CO2 per unit per process [g-CO2e].

    Parameters
    ----------
    view : RoutingView

    Returns
    -------
    matplotlib.figure.Figure
    """
    viz.setup()
    fig, (ax_kw, ax_co2) = plt.subplots(1, 2, figsize=(11, 3.8))
    label = "仮定値" if view.factor.assumed else view.factor.id
    ax_kw.barh(view.power["resource"], view.power["power_kw"], color="tab:blue")
    for y, kw in enumerate(view.power["power_kw"]):
        ax_kw.text(kw, y, f" {kw:.1f}", va="center", fontsize=9)
    ax_kw.invert_yaxis()
    ax_kw.margins(x=0.15)
    ax_kw.set_xlabel("推定電力 (kW)")
    ax_kw.set_title(f"設備の推定電力（係数 {view.factor.value:.3f} kg-CO2e/kWh, {label}）")

    per_stage = view.unit.by("stage")["kg_co2e"] * 1000.0
    ax_co2.bar(per_stage.index.astype(str), per_stage.to_numpy(), color="tab:green")
    for x, g in enumerate(per_stage.to_numpy()):
        ax_co2.text(x, g, f"{g:.1f}", ha="center", va="bottom", fontsize=9)
    ax_co2.margins(y=0.12)
    ax_co2.set_ylabel("1台あたり排出量 (g-CO2e)")
    ax_co2.set_title(
        f"工程別 1台あたりCO2（ロット {view.lot_size} 台, 合計 {view.per_unit_kg * 1000:.1f} g）"
    )
    fig.tight_layout()
    return fig


class RoutingExplorer(widgets.VBox):
    """The explorer container; its controls and last ``view`` are attributes for tests.

    Attributes
    ----------
    factor_dropdown : ipywidgets.Dropdown
        Electricity factor id from the factor table.
    use_assumed : ipywidgets.Checkbox
        Use the slider's 仮定値 instead of the selected factor's value.
    assumed_value : ipywidgets.FloatSlider
        What-if electricity factor [kg-CO2e/kWh].
    lot_slider : ipywidgets.IntSlider
        Lot size [unit].
    summary : ipywidgets.HTML
        Text summary of the current view.
    output : ipywidgets.Output
        Where the chart is drawn.
    view : RoutingView
        The view for the current control values.
    """

    def __init__(
        self,
        data: SeminarData,
        factors: FactorTable,
        factor_id: str | None = None,
        lot_size: int | None = None,
        draw: bool = True,
    ) -> None:
        self._data = data
        self._factors = factors
        self._draw = draw
        start = factors.get(factor_id) if factor_id else factors.default("electricity")
        lot = int(lot_size if lot_size is not None else data.routing["lot_size"].iloc[0])
        style = {"description_width": "10em"}
        layout = widgets.Layout(width="38em")
        self.factor_dropdown = widgets.Dropdown(
            options=electricity_options(factors),
            value=start.id,
            description="電力の排出係数",
            style=style,
            layout=layout,
        )
        self.use_assumed = widgets.Checkbox(
            value=False, description="仮定値を使う（スライダーの値）", style=style, layout=layout
        )
        self.assumed_value = widgets.FloatSlider(
            value=start.value,
            min=0.05,
            max=1.0,
            step=0.005,
            readout_format=".3f",
            description="仮定値 (kg-CO2e/kWh)",
            style=style,
            layout=layout,
        )
        self.lot_slider = widgets.IntSlider(
            value=lot,
            min=1,
            max=100,
            step=1,
            description="ロットサイズ (台)",
            style=style,
            layout=layout,
        )
        self.summary = widgets.HTML()
        self.output = widgets.Output()
        self.view = self._compute()
        for control in (
            self.factor_dropdown,
            self.use_assumed,
            self.assumed_value,
            self.lot_slider,
        ):
            control.observe(self._on_change, names="value")
        super().__init__(
            [
                self.factor_dropdown,
                self.use_assumed,
                self.assumed_value,
                self.lot_slider,
                self.summary,
                self.output,
            ]
        )
        self._refresh()

    def current_factor(self) -> Factor:
        """The electricity factor the controls select (a ``with_value`` copy when 仮定値)."""
        base = self._factors.get(self.factor_dropdown.value)
        if self.use_assumed.value:
            return base.with_value(self.assumed_value.value)
        return base

    def _compute(self) -> RoutingView:
        return routing_view(self._data, self.current_factor(), lot_size=int(self.lot_slider.value))

    def _on_change(self, _change: dict) -> None:
        self.view = self._compute()
        self._refresh()

    def _refresh(self) -> None:
        self.assumed_value.disabled = not self.use_assumed.value
        self.summary.value = self.view.summary_text()
        if not self._draw:
            return
        with self.output:
            clear_output(wait=True)
            fig = draw_routing_view(self.view)
            display(fig)
            plt.close(fig)


def routing_explorer(
    data: SeminarData,
    factors: FactorTable,
    factor_id: str | None = None,
    lot_size: int | None = None,
    draw: bool = True,
) -> RoutingExplorer:
    """The routing explorer: pick an electricity factor (or a 仮定値) and a lot size.

    Parameters
    ----------
    data : SeminarData
        From ``datasets.load_seminar()``.
    factors : FactorTable
        From ``factors.load_factors()``; its electricity factors fill the dropdown.
    factor_id : str, optional
        Initial electricity factor; the table's default when omitted.
    lot_size : int, optional
        Initial lot size [unit]; the routing's own when omitted.
    draw : bool
        Draw the chart on every change (``False`` in tests that only check ``view``).

    Returns
    -------
    RoutingExplorer
        An ``ipywidgets.VBox``; its ``view`` holds what is shown.
    """
    return RoutingExplorer(data, factors, factor_id=factor_id, lot_size=lot_size, draw=draw)


__all__ = [
    "RoutingExplorer",
    "RoutingView",
    "draw_routing_view",
    "electricity_options",
    "routing_explorer",
    "routing_view",
]
