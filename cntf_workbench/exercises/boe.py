"""Exercises of notebook 03 (設備表と配賦): equipment energy, factors, allocation.

Each ``expected`` computes the answer from the package, the shipped seminar data and the shipped
factor table when the exercise is checked (no number is typed in).
"""

from __future__ import annotations

from cntf_workbench.cfp.equipment import boe_footprint, equipment_energy
from cntf_workbench.datasets import load_seminar
from cntf_workbench.exercises import Exercise
from cntf_workbench.factors import load_factors


def _furnace_kg() -> float:
    """CO2 of the electric furnace with the default electricity factor [kg-CO2e/period]."""
    fp = equipment_energy(load_seminar().boe, load_factors())
    return float(fp.by("item").loc["電気炉", "kg_co2e"])


def _per_unit_by_units() -> float:
    """Cooker's allocated equipment CO2 per unit, allocated by units made [kg-CO2e/unit]."""
    data = load_seminar()
    return boe_footprint(data.boe, data.products, load_factors(), "電子調理器", "units").total


def _air_conditioner_old_gas() -> float:
    """Air conditioner CO2 with the older city-gas factor 2.23 [kg-CO2e/period]."""
    fp = equipment_energy(load_seminar().boe, load_factors(), {"city_gas": "city_gas_jp_2006"})
    return float(fp.by("item").loc["空調機", "kg_co2e"])


ex1 = Exercise(
    title="演習1 電気炉のCO2",
    expected=_furnace_kg,
    hints=[
        "電気炉の電力量は設備表で 1,845 kWh（規格値）です。",
        '既定の電力係数は `factors.default("electricity")` です（全国平均 FY2022）。',
        "電力量[kWh] × 係数[kg-CO2e/kWh] = 排出量[kg-CO2e]。",
    ],
    solution_text=(
        "```python\n"
        'kwh = data.boe.set_index("equipment").loc["電気炉", "quantity"]\n'
        'answer = kwh * factors.default("electricity").value  # 1845 × 0.437 ≈ 806 kg\n'
        "```"
    ),
)

ex2 = Exercise(
    title="演習2 生産台数で配賦したときの1台あたりCO2",
    expected=_per_unit_by_units,
    hints=[
        '配賦基準「生産台数」のキーは `"units"` です（`cfp.ALLOCATION_BASES`）。',
        '`cfp.boe_footprint(data.boe, data.products, factors, "電子調理器", "units")` の `.total`。',
        "電子調理器の台数の比率は 100 / (100 + 40 + 300) です。その分を 100 台で割ります。",
    ],
    solution_text=(
        "```python\n"
        'fp = cfp.boe_footprint(data.boe, data.products, factors, "電子調理器", "units")\n'
        "answer = fp.total  # 約 2.24 kg-CO2e/台\n"
        "```"
    ),
)

ex3 = Exercise(
    title="演習3 旧都市ガス係数での空調機のCO2",
    expected=_air_conditioner_old_gas,
    hints=[
        '旧係数の ID は `factors.for_activity("city_gas")` で探せます（2.23 kg-CO2e/Nm3）。',
        "空調機のガス使用量は 73 Nm3 です（スライドの表記は km3）。",
        '`cfp.equipment_energy(data.boe, factors, {"city_gas": <旧係数のID>})` でも求まります。',
    ],
    solution_text=(
        "```python\n"
        'gas = data.boe.set_index("equipment").loc["空調機", "quantity"]\n'
        'answer = gas * factors.get("city_gas_jp_2006").value  # 73 × 2.23 ≈ 162.8 kg\n'
        "```"
    ),
)

__all__ = ["ex1", "ex2", "ex3"]
