"""Exercises of notebook 01 (生産指示書とBOP): CO2 per process, implied power, lot size.

Every expected answer is computed from the package and the shipped seminar data when it is
checked (with the slide's own lot of 20 units unless the exercise says otherwise).
"""

from __future__ import annotations

from cntf_workbench import datasets, factors
from cntf_workbench.cfp import implied_power, routing_footprint
from cntf_workbench.exercises import Exercise


def process_co2_per_unit(process: str) -> float:
    """CO2 of one process of the housing's routing, per unit, at the slide's lot [kg-CO2e/unit].

    Parameters
    ----------
    process : str
        Process name of ``routing.csv`` (e.g. ``"溶接"``).
    """
    data = datasets.load_seminar()
    lot = routing_footprint(data.routing, data.resources)
    per_lot = float(lot.by("stage").loc[process, "kg_co2e"])
    return per_lot / int(data.routing["lot_size"].iloc[0])


def resource_power_kw(resource: str, factor_id: str) -> float:
    """Implied power of one electric resource at the electricity factor ``factor_id`` [kW].

    Parameters
    ----------
    resource : str
        Resource name of ``resources.csv`` (e.g. ``"加工機"``).
    factor_id : str
        Id of an electricity factor of ``emission_factors.csv``.
    """
    data = datasets.load_seminar()
    power = implied_power(data.resources, factors.load_factors().get(factor_id))
    return float(power.set_index("resource").loc[resource, "power_kw"])


def per_unit_total(lot_size: int) -> float:
    """CO2 of one housing when made in lots of ``lot_size`` units [kg-CO2e/unit].

    Parameters
    ----------
    lot_size : int
        Units per lot [unit]. Times per lot stay as on the slide; the subcontractor's disclosed
        intensity is per unit.
    """
    data = datasets.load_seminar()
    return routing_footprint(data.routing, data.resources, lot_size=lot_size).total / lot_size


ex1 = Exercise(
    title="演習1 溶接工程の1台あたりCO2",
    expected=lambda: process_co2_per_unit("溶接"),
    hints=[
        "溶接はロボットで 14 分（1ロット20台あたり）。ロボットの原単位は kg-CO2e/h です。",
        "1ロットの CO2 = 14 / 60 × 原単位。1台あたりにするにはロットの台数 20 で割ります。",
    ],
    solution_text=(
        "```python\n"
        'robot = data.resources.set_index("resource").loc["ロボット", "intensity"]\n'
        "answer = 14 / 60 * robot / 20  # kg-CO2e/台\n"
        "```\n"
        'または `fp.scaled(1 / 20).by("stage").loc["溶接", "kg_co2e"]`。'
    ),
    rel_tol=1e-3,
)
"""Welding CO2 per unit [kg-CO2e/unit]. Answer: a number."""

ex2 = Exercise(
    title="演習2 旧既定値の電力係数での加工機の電力",
    expected=lambda: resource_power_kw("加工機", "elec_jp_default_2006"),
    hints=[
        "電力 [kW] = 原単位 [kg-CO2e/h] ÷ 電力の排出係数 [kg-CO2e/kWh]。",
        '係数は `factor_table.get("elec_jp_default_2006").value`（0.555 kg-CO2e/kWh）。',
        '`implied_power(data.resources, factor_table.get("elec_jp_default_2006"))` でも求められます。',
    ],
    solution_text=(
        "```python\n"
        'mc = data.resources.set_index("resource").loc["加工機", "intensity"]\n'
        'answer = mc / factor_table.get("elec_jp_default_2006").value  # kW\n'
        "```\n"
        "係数が大きいほど、同じ kg-CO2e/h を出すのに必要な電力は小さくなります。"
    ),
    rel_tol=1e-3,
)
"""Machining centre power at the old default factor 0.555 kg-CO2e/kWh [kW]. Answer: a number."""

ex3 = Exercise(
    title="演習3 ロット40台のときの1台あたりCO2",
    expected=lambda: per_unit_total(40),
    hints=[
        "1ロットあたりの時間（分）はそのまま、外注の塗装だけが台数に比例します。",
        "`routing_footprint(data.routing, data.resources, lot_size=40).total` を 40 で割ります。",
    ],
    solution_text=(
        "```python\n"
        "fp40 = routing_footprint(data.routing, data.resources, lot_size=40)\n"
        "answer = fp40.total / 40  # kg-CO2e/台\n"
        "```\n"
        "時間が1ロットあたりで決まる工程（段取りのような工程）は、ロットが大きいほど1台あたりが"
        "小さくなります。"
    ),
    rel_tol=1e-3,
)
"""CO2 per unit when the lot is 40 units [kg-CO2e/unit]. Answer: a number."""

__all__ = ["ex1", "ex2", "ex3", "per_unit_total", "process_co2_per_unit", "resource_power_kw"]
