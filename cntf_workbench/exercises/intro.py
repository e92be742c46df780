"""Exercises of notebook 00 (はじめに): Scope 3 categories, activity × factor, factor sources.

Every expected answer is computed from the package and the shipped data when it is checked.
"""

from __future__ import annotations

from cntf_workbench import factors
from cntf_workbench.exercises import Exercise
from cntf_workbench.trace import SCOPE3_CATEGORIES


def scope3_category_number(name: str) -> int:
    """Number (1–15) of the Scope 3 category called ``name`` in ``SCOPE3_CATEGORIES``.

    Parameters
    ----------
    name : str
        Japanese name of the category, e.g. ``"輸送、配送（上流）"``.

    Returns
    -------
    int
        The category number [-].
    """
    for number, label in SCOPE3_CATEGORIES.items():
        if label == name:
            return number
    raise KeyError(f"スコープ3のカテゴリ「{name}」はありません")


def default_electricity_emission(kwh: float) -> float:
    """Emission of ``kwh`` of grid electricity at the table's default factor [kg-CO2e].

    Parameters
    ----------
    kwh : float
        Electricity used [kWh].
    """
    return factors.load_factors().default("electricity").emission(kwh, "kWh")


def assumed_factor_count() -> int:
    """Number of rows of the shipped factor table flagged ``assumed`` (teaching values) [-]."""
    return int(factors.load_factors().frame["assumed"].sum())


ex1 = Exercise(
    title="演習1 スコープ3のカテゴリ番号",
    expected=lambda: scope3_category_number("輸送、配送（上流）"),
    hints=[
        "`SCOPE3_CATEGORIES` は「番号 → 名前」の辞書 (dict) です。",
        "`for k, v in SCOPE3_CATEGORIES.items():` で名前が「輸送、配送（上流）」の番号 `k` を探します。",
    ],
    solution_text=(
        "```python\n"
        'answer = next(k for k, v in SCOPE3_CATEGORIES.items() if v == "輸送、配送（上流）")\n'
        "```\n"
        "部品を仕入れるときの輸送（上流）はカテゴリ4、製品を顧客に届ける輸送（下流）はカテゴリ9です。"
    ),
)
"""Which Scope 3 category is upstream transport (輸送、配送（上流）)? Answer: an int."""

ex2 = Exercise(
    title="演習2 活動量 × 排出係数",
    expected=lambda: default_electricity_emission(1000.0),
    hints=[
        "排出量 = 活動量 × 排出係数。活動量は 1,000 kWh です。",
        '既定の電力係数は `factor_table.default("electricity")`。その `.value` の単位は kg-CO2e/kWh です。',
        '`factor_table.default("electricity").emission(1000, "kWh")` でも計算できます。',
    ],
    solution_text=(
        "```python\n"
        'elec = factor_table.default("electricity")\n'
        "answer = 1000 * elec.value  # kWh × kg-CO2e/kWh = kg-CO2e\n"
        "```"
    ),
)
"""Emission of 1,000 kWh at the default electricity factor [kg-CO2e]. Answer: a number."""

ex3 = Exercise(
    title="演習3 仮定値の係数はいくつ？",
    expected=assumed_factor_count,
    hints=[
        "係数表 `factor_table.frame` の `assumed` 列は、教材用の仮の値なら True です。",
        "True を数えるには `.sum()` が使えます（True は 1 として数えられます）。",
    ],
    solution_text=(
        "```python\n"
        'answer = int(factor_table.frame["assumed"].sum())\n'
        "```\n"
        "仮定値の係数（素材の教材用の値）は、実際の算定では素材メーカーの開示値や LCA データベースに"
        "置き換えます。"
    ),
)
"""How many factors of the shipped table are assumed (teaching) values? Answer: an int."""

__all__ = [
    "assumed_factor_count",
    "default_electricity_emission",
    "ex1",
    "ex2",
    "ex3",
    "scope3_category_number",
]
