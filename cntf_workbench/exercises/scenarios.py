"""Exercises of notebook 05 (シナリオと最適化): a material lever, a renewable share, a budget.

Every expected answer is computed from the package and the shipped chain data when it is
checked (all product orders of the sample chain combined).
"""

from __future__ import annotations

from cntf_workbench.cfp import scenarios as sc
from cntf_workbench.cfp.chain import chain_footprint, load_chain
from cntf_workbench.cfp.optimise import optimise
from cntf_workbench.exercises import Exercise
from cntf_workbench.factors import load_factors


def change_reduction(change: dict) -> float:
    """Reduction of the chain's footprint by one change [kg-CO2e] (positive: less CO2).

    Parameters
    ----------
    change : dict
        A change as in a scenario file, e.g. ``{"kind": "material", "material": …}``.
    """
    chain, factors = load_chain(), load_factors()
    base = chain_footprint(chain, factors).total
    v = sc.apply_changes(chain, factors, [sc.make_change(change)])
    return base - chain_footprint(v.chain, v.factors).total


def best_within(budget_yen: float) -> float:
    """Least footprint of the sample chain within ``budget_yen`` [kg-CO2e] (shipped alternatives)."""
    options, base = sc.alternative_effects(load_chain(), load_factors())
    return optimise(options, budget_yen, base).total_kg_co2e


ex1 = Exercise(
    title="演習1 電炉鋼板に切り替えたときの削減量",
    expected=lambda: change_reduction(
        {"kind": "material", "material": "steel_sheet", "factor": "steel_eaf_teaching"}
    ),
    hints=[
        "削減量 = 鋼板の払出質量の合計 [kg] × (今の係数 − 電炉材の係数) [kg-CO2e/kg]。",
        '`chain.material_issues.query("material == \'steel_sheet\'")["mass_kg"].sum()` と '
        '`factor_table.get("steel_sheet_mat_disclosed").value`、`"steel_eaf_teaching"` の値。',
    ],
    solution_text=(
        "```python\n"
        'mass = chain.material_issues.query("material == \'steel_sheet\'")["mass_kg"].sum()\n'
        'answer = mass * (factor_table.get("steel_sheet_mat_disclosed").value\n'
        '                 - factor_table.get("steel_eaf_teaching").value)  # kg-CO2e\n'
        "```"
    ),
    rel_tol=1e-3,
)
"""Reduction by electric-arc-furnace steel sheet [kg-CO2e]. Answer: a number."""

ex2 = Exercise(
    title="演習2 モーター工場の再エネ比率50%の削減量",
    expected=lambda: change_reduction(
        {
            "kind": "electricity",
            "firm": "MTR",
            "factor": "elec_jp_yonden_fy2023_menu_a",
            "share": 0.5,
        }
    ),
    hints=[
        "再エネ比率 s の混合係数は (1 − s) × 今の係数 + s × メニューの係数。メニューは 0 kg-CO2e/kWh。",
        "100% のときの削減量の半分になります（電力の CO2 は係数に比例するので）。",
        "`sc.compare(chain, factor_table, [sc.renewable_scenario(['MTR'], menu, 0.5)])` の差でも求められます。",
    ],
    solution_text=(
        "```python\n"
        "s = sc.renewable_scenario(['MTR'], 'elec_jp_yonden_fy2023_menu_a', 0.5)\n"
        "answer = -sc.compare(chain, factor_table, [s]).totals['delta_kg_co2e'].iloc[1]\n"
        "```"
    ),
    rel_tol=1e-3,
)
"""Reduction by a 50 % renewable share at the motor supplier [kg-CO2e]. Answer: a number."""

ex3 = Exercise(
    title="演習3 予算30万円で達成できる最小のCFP",
    expected=lambda: best_within(300_000),
    hints=[
        "`optimise(options, 300_000, base)` が予算内で CFP 最小の組合せを選びます。",
        "答えは `plan.total_kg_co2e`（削減量ではなく、最適化後の合計）です。",
    ],
    solution_text=(
        "```python\nplan = optimise(options, 300_000, base)\nanswer = plan.total_kg_co2e\n```"
    ),
    rel_tol=1e-6,
)
"""Least CFP within ¥300,000 [kg-CO2e]. Answer: a number."""

__all__ = ["best_within", "change_reduction", "ex1", "ex2", "ex3"]
