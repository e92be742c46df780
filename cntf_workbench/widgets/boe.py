"""Allocation explorer for the bill of equipment (notebook 03).

``basis_comparison`` and ``allocation_result`` are the pure calculations (what the chart shows);
``allocation_explorer`` wraps them in ipywidgets dropdowns for the allocation basis and the
electricity factor, and redraws the per-unit result whenever one changes.
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython.display import display

from cntf_workbench import viz
from cntf_workbench.cfp.equipment import (
    ALLOCATION_BASES,
    allocate,
    allocation_shares,
    boe_footprint,
    equipment_energy,
)
from cntf_workbench.datasets import SeminarData
from cntf_workbench.factors import Factor, FactorTable
from cntf_workbench.trace import Footprint


def _factor_ids(
    electricity_factor_id: str | None, city_gas_factor_id: str | None
) -> dict[str, str | Factor]:
    ids: dict[str, str | Factor] = {}
    if electricity_factor_id is not None:
        ids["electricity"] = electricity_factor_id
    if city_gas_factor_id is not None:
        ids["city_gas"] = city_gas_factor_id
    return ids


def allocation_result(
    data: SeminarData,
    factors: FactorTable,
    product: str = "電子調理器",
    basis: str = "machine_hours",
    electricity_factor_id: str | None = None,
    city_gas_factor_id: str | None = None,
) -> Footprint:
    """The product's allocated equipment CO2 per unit for one basis and factor choice.

    Parameters
    ----------
    data : SeminarData
        ``boe`` and ``products`` are used.
    factors : FactorTable
    product : str
        A product of ``products.csv``.
    basis : str
        One of ``ALLOCATION_BASES``.
    electricity_factor_id, city_gas_factor_id : str, optional
        Factor ids; the table's default factor when omitted.

    Returns
    -------
    Footprint
        One row per equipment [kg-CO2e/unit].
    """
    ids = _factor_ids(electricity_factor_id, city_gas_factor_id)
    return boe_footprint(data.boe, data.products, factors, product, basis, ids)


def basis_comparison(
    data: SeminarData,
    factors: FactorTable,
    product: str = "電子調理器",
    factor_ids: Mapping[str, str | Factor] | None = None,
) -> pd.DataFrame:
    """The product's allocated equipment CO2 under every allocation basis.

    Parameters
    ----------
    data : SeminarData
    factors : FactorTable
    product : str
        A product of ``products.csv``.
    factor_ids : mapping, optional
        Energy kind → factor id, as in ``equipment_energy``.

    Returns
    -------
    pandas.DataFrame
        Index ``basis`` (keys of ``ALLOCATION_BASES``); columns ``basis_ja`` (配賦基準),
        ``share`` [-] (the product's share), ``kg_co2e_period`` [kg-CO2e per period, the product's
        part of the whole BOE] and ``kg_co2e_per_unit`` [kg-CO2e/unit].
    """
    rows = []
    for basis, ja in ALLOCATION_BASES.items():
        share = float(allocation_shares(data.products, basis)[product])
        period = boe_footprint(
            data.boe, data.products, factors, product, basis, factor_ids, per_unit=False
        ).total
        unit = boe_footprint(data.boe, data.products, factors, product, basis, factor_ids).total
        rows.append(
            {
                "basis": basis,
                "basis_ja": ja,
                "share": share,
                "kg_co2e_period": period,
                "kg_co2e_per_unit": unit,
            }
        )
    return pd.DataFrame(rows).set_index("basis")


def allocation_table(
    data: SeminarData,
    factors: FactorTable,
    basis: str = "machine_hours",
    factor_ids: Mapping[str, str | Factor] | None = None,
) -> pd.DataFrame:
    """The whole BOE's CO2 split among all products by one basis.

    Parameters
    ----------
    data : SeminarData
    factors : FactorTable
    basis : str
        One of ``ALLOCATION_BASES``.
    factor_ids : mapping, optional
        As in ``equipment_energy``.

    Returns
    -------
    pandas.DataFrame
        Index ``product``; columns ``share`` [-], ``kg_co2e_period`` [kg-CO2e per period],
        ``units`` [unit], ``kg_co2e_per_unit`` [kg-CO2e/unit]. ``kg_co2e_period`` adds up to
        ``equipment_energy(...).total`` exactly (``math.fsum``).
    """
    total = equipment_energy(data.boe, factors, factor_ids).total
    shares = allocation_shares(data.products, basis)
    period = allocate(total, shares)
    units_made = data.products.set_index("product")["units"].astype(float)
    out = pd.DataFrame({"share": shares, "kg_co2e_period": period, "units": units_made})
    out["kg_co2e_per_unit"] = out["kg_co2e_period"] / out["units"]
    return out.rename_axis("product")


def factor_options(factors: FactorTable, activity: str = "electricity") -> list[tuple[str, str]]:
    """Dropdown options (label, factor id) for every factor of one activity.

    Labels read ``0.437 kg-CO2e/kWh — JP (national average) FY2022`` (value, unit, region, year).
    """
    return factors.choices(activity)


def draw_allocation(result: Footprint, comparison: pd.DataFrame, basis: str) -> plt.Figure:
    """Two panels: the chosen result by equipment, and all bases with the chosen one marked.

    Parameters
    ----------
    result : Footprint
        From ``allocation_result`` [kg-CO2e/unit].
    comparison : pandas.DataFrame
        From ``basis_comparison``.
    basis : str
        The chosen basis (highlighted).

    Returns
    -------
    matplotlib.figure.Figure
    """
    viz.setup()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    viz.contribution_bar(
        result.by("item"),
        title=f"設備別（{ALLOCATION_BASES[basis]}で配賦）合計 {result.total:.2f} kg-CO2e/台",
        xlabel="排出量 (kg-CO2e/台)",
        ax=left,
    )
    palette = sns.color_palette("deep")
    colours = [palette[3] if b == basis else palette[7] for b in comparison.index]
    values = comparison["kg_co2e_per_unit"].to_numpy()
    right.bar(comparison["basis_ja"], values, color=colours, edgecolor="black", linewidth=0.5)
    for x, v in enumerate(values):
        right.text(x, v, f"{v:.2f}", ha="center", va="bottom", fontsize=9)
    right.set_ylabel("排出量 (kg-CO2e/台)")
    right.set_title("配賦基準による違い（赤: 選んだ基準）")
    fig.tight_layout()
    return fig


class AllocationExplorer(widgets.VBox):
    """The allocation explorer (see ``allocation_explorer``).

    Attributes
    ----------
    basis : ipywidgets.Dropdown
        配賦基準 (values: keys of ``ALLOCATION_BASES``).
    electricity : ipywidgets.Dropdown
        電力の排出係数 (values: factor ids of the factor table's electricity factors).
    total : ipywidgets.HTML
        The per-unit result [kg-CO2e/台].
    output : ipywidgets.Output
        The chart.
    footprint : Footprint
        The result last drawn [kg-CO2e/unit].
    comparison : pandas.DataFrame
        ``basis_comparison`` for the chosen electricity factor.
    """

    def __init__(
        self,
        data: SeminarData,
        factors: FactorTable,
        product: str = "電子調理器",
        basis: str = "machine_hours",
        electricity_factor_id: str | None = None,
    ) -> None:
        self.data = data
        self.factors = factors
        self.product = product
        style = {"description_width": "8em"}
        self.basis = widgets.Dropdown(
            options=[(ja, key) for key, ja in ALLOCATION_BASES.items()],
            value=basis,
            description="配賦基準",
            style=style,
        )
        self.electricity = widgets.Dropdown(
            options=factor_options(factors, "electricity"),
            value=electricity_factor_id or factors.default("electricity").id,
            description="電力の排出係数",
            style=style,
            layout=widgets.Layout(width="34em"),
        )
        self.total = widgets.HTML()
        self.output = widgets.Output()
        self.basis.observe(lambda _: self.redraw(), names="value")
        self.electricity.observe(lambda _: self.redraw(), names="value")
        note = widgets.HTML(
            "<small>配賦ドライバ（products.csv）はすべて教材用の仮定値です。"
            "都市ガスは既定の係数を使います。</small>"
        )
        super().__init__(
            [widgets.HBox([self.basis, self.electricity]), note, self.total, self.output]
        )
        self.redraw()

    def redraw(self) -> None:
        """Recompute for the chosen basis and factor, and redraw the total and the chart."""
        self.footprint = allocation_result(
            self.data, self.factors, self.product, self.basis.value, self.electricity.value
        )
        self.comparison = basis_comparison(
            self.data, self.factors, self.product, {"electricity": self.electricity.value}
        )
        factor = self.factors.get(self.electricity.value)
        self.total.value = (
            f"<b>{self.product} 1台あたり {self.footprint.total:.3f} kg-CO2e</b>"
            f"（{ALLOCATION_BASES[self.basis.value]}で配賦、電力 {factor.value:g} {factor.unit}）"
        )
        self.output.clear_output(wait=True)
        with self.output:
            fig = draw_allocation(self.footprint, self.comparison, self.basis.value)
            display(fig)
            plt.close(fig)


def allocation_explorer(
    data: SeminarData,
    factors: FactorTable,
    product: str = "電子調理器",
    basis: str = "machine_hours",
    electricity_factor_id: str | None = None,
) -> AllocationExplorer:
    """An ipywidgets control for the allocation basis and the electricity factor.

    Parameters
    ----------
    data : SeminarData
        ``boe`` and ``products`` are used.
    factors : FactorTable
        Its electricity factors fill the dropdown.
    product : str
        The product whose per-unit result is shown.
    basis : str
        Initial allocation basis (``ALLOCATION_BASES``).
    electricity_factor_id : str, optional
        Initial electricity factor; the default one when omitted.

    Returns
    -------
    AllocationExplorer
        An ``ipywidgets.VBox`` with 配賦基準 and 電力の排出係数 dropdowns, the per-unit total
        [kg-CO2e/台] and a chart; its ``footprint`` attribute holds what is drawn.
    """
    return AllocationExplorer(data, factors, product, basis, electricity_factor_id)


__all__ = [
    "AllocationExplorer",
    "allocation_explorer",
    "allocation_result",
    "allocation_table",
    "basis_comparison",
    "draw_allocation",
    "factor_options",
]
