"""What-if explorer for the bill of materials (notebook 02).

``bom_what_if`` is the pure calculation (a BOM with one part's assumed mass or intensity
changed → its ``Footprint``); ``bom_explorer`` wraps it in ipywidgets controls and redraws the
total and the contribution chart whenever a control changes.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from cntf_workbench import viz
from cntf_workbench.cfp.bom import bom_footprint
from cntf_workbench.datasets import SeminarData
from cntf_workbench.errors import BomError
from cntf_workbench.trace import Footprint


def with_assumption(
    bom: pd.DataFrame,
    part: str,
    mass_kg: float | None = None,
    intensity: float | None = None,
) -> pd.DataFrame:
    """A copy of ``bom`` with one part's mass or intensity replaced by an assumed value.

    Parameters
    ----------
    bom : pandas.DataFrame
        Seminar-format BOM (``bom.csv``).
    part : str
        The part (``part`` column) to change.
    mass_kg : float, optional
        New mass per piece [kg]; recorded as ``mass_provenance = "assumed"``.
    intensity : float, optional
        New intensity [the row's ``intensity_unit``, g-CO2e/g]; recorded as
        ``intensity_kind = "assumed"`` when it differs from the original.

    Returns
    -------
    pandas.DataFrame
        The changed copy; ``bom`` itself is never modified.

    Raises
    ------
    BomError
        When ``part`` is not in the BOM or a value is negative.
    """
    mask = bom["part"] == part
    if not mask.any():
        raise BomError(f"部品「{part}」は部品表にありません", column="part")
    out = bom.copy()
    if mass_kg is not None:
        if mass_kg < 0:
            raise BomError(f"質量 {mass_kg:g} kg が負です", column="mass_kg")
        out.loc[mask, "mass_kg"] = float(mass_kg)
        out.loc[mask, "mass_provenance"] = "assumed"
    if intensity is not None:
        if intensity < 0:
            raise BomError(f"原単位 {intensity:g} が負です", column="intensity")
        changed = mask & (out["intensity"].astype(float) != float(intensity))
        out.loc[mask, "intensity"] = float(intensity)
        out.loc[changed, "intensity_kind"] = "assumed"
    return out


def bom_what_if(
    bom: pd.DataFrame,
    part: str,
    mass_kg: float | None = None,
    intensity: float | None = None,
    product: str | None = None,
) -> Footprint:
    """Footprint of the product after changing one part's assumed mass or intensity.

    Parameters
    ----------
    bom, part, mass_kg, intensity
        As in ``with_assumption``.
    product : str, optional
        As in ``bom_footprint``.

    Returns
    -------
    Footprint
        Per unit of the product [kg-CO2e/unit], one trace row per part.
    """
    return bom_footprint(with_assumption(bom, part, mass_kg, intensity), product)


class BomExplorer(widgets.VBox):
    """The BOM explorer: controls, the total, and the chart (see ``bom_explorer``).

    Attributes
    ----------
    part : ipywidgets.Dropdown
        部品 (the part whose assumptions the sliders change).
    mass : ipywidgets.BoundedFloatText
        質量 [kg/個], 仮定値.
    intensity : ipywidgets.BoundedFloatText
        原単位 [g-CO2e/g], 仮定値.
    reset : ipywidgets.Button
        Back to the shipped values.
    total : ipywidgets.HTML
        The total per unit and its difference from the shipped data.
    output : ipywidgets.Output
        The contribution chart.
    bom : pandas.DataFrame
        The BOM with every change made so far.
    footprint : Footprint
        The footprint last drawn.
    """

    def __init__(self, data: SeminarData) -> None:
        self.original = data.bom.copy()
        self.bom = self.original.copy()
        self.baseline = bom_footprint(self.original)
        parts = self.original["part"].tolist()
        style = {"description_width": "11em"}
        self.part = widgets.Dropdown(options=parts, value=parts[0], description="部品", style=style)
        self.mass = widgets.BoundedFloatText(
            min=0.0, max=1000.0, step=0.5, description="質量 kg/個（仮定値）", style=style
        )
        self.intensity = widgets.BoundedFloatText(
            min=0.0, max=100.0, step=0.1, description="原単位 g/g（仮定値）", style=style
        )
        self.reset = widgets.Button(description="元の値に戻す", icon="undo")
        self.total = widgets.HTML()
        self.output = widgets.Output()
        self.footprint = self.baseline
        self._syncing = False
        self._load_part()
        self.part.observe(lambda _: self._load_part(), names="value")
        self.mass.observe(lambda _: self._changed(), names="value")
        self.intensity.observe(lambda _: self._changed(), names="value")
        self.reset.on_click(lambda _: self._reset())
        note = widgets.HTML(
            "<small>質量はスライドに無い教材用の仮定値です。値を変えると合計とグラフが描き直されます。</small>"
        )
        super().__init__(
            [
                widgets.HBox([self.part, self.reset]),
                widgets.HBox([self.mass, self.intensity]),
                note,
                self.total,
                self.output,
            ]
        )
        self.redraw()

    def _row(self) -> pd.Series:
        return self.bom.set_index("part").loc[self.part.value]

    def _load_part(self) -> None:
        row = self._row()
        self._syncing = True
        try:
            self.mass.value = float(row["mass_kg"])
            self.intensity.value = float(row["intensity"])
        finally:
            self._syncing = False

    def _changed(self) -> None:
        if self._syncing:
            return
        self.bom = with_assumption(self.bom, self.part.value, self.mass.value, self.intensity.value)
        self.redraw()

    def _reset(self) -> None:
        self.bom = self.original.copy()
        self._load_part()
        self.redraw()

    def redraw(self) -> None:
        """Recompute the footprint from ``self.bom`` and redraw the total and the chart."""
        self.footprint = bom_footprint(self.bom)
        diff = self.footprint.total - self.baseline.total
        self.total.value = (
            f"<b>合計 {self.footprint.total:.2f} kg-CO2e/台</b>"
            f"（元のデータ {self.baseline.total:.2f} kg-CO2e/台 との差 {diff:+.2f}）"
        )
        self.output.clear_output(wait=True)
        with self.output:
            fig = viz.contribution_bar(
                self.footprint.by("item"),
                title=f"部品別のCO2（合計 {self.footprint.total:.2f} kg-CO2e/台）",
                xlabel="排出量 (kg-CO2e/台)",
            )
            display(fig)
            plt.close(fig)


def bom_explorer(data: SeminarData) -> BomExplorer:
    """An ipywidgets control to change a part's assumed mass or intensity.

    Parameters
    ----------
    data : SeminarData
        From ``datasets.load_seminar()``; only ``data.bom`` is used (never modified).

    Returns
    -------
    BomExplorer
        An ``ipywidgets.VBox``: 部品 dropdown, 質量 [kg/個] and 原単位 [g-CO2e/g] inputs
        (仮定値), a reset button, the total [kg-CO2e/台] and a bar chart by part. Its
        ``footprint`` attribute holds what is drawn.
    """
    return BomExplorer(data)


__all__ = ["BomExplorer", "bom_explorer", "bom_what_if", "with_assumption"]
