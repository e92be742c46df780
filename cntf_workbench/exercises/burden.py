"""Exercises of notebook 07 (削減努力の分担と3R): received reduction, annual cost, ¥/t, 3R.

Every expected answer is computed from the package and the shipped data when it is checked.
"""

from __future__ import annotations

from cntf_workbench.cfp import endoflife as eol
from cntf_workbench.exchange import burden as bd
from cntf_workbench.exercises import Exercise


def received_t(project_id: str, firm_id: str) -> float:
    """Reduction of ``project_id`` that ``firm_id`` receives [t-CO2e/yr]."""
    data = bd.load_burden()
    return float(bd.received_reductions(data, project_id).loc[firm_id, "received_t_per_year"])


def annual_cost_yen(project_id: str) -> float:
    """Annual cost of a project (capex × CRF + opex change) [¥/yr]."""
    data = bd.load_burden()
    return bd.annual_cost(data.project(project_id), data.parameters["discount_rate"])


def yen_per_t(project_id: str, rule: str, firm_id: str, protect: bool = False) -> float:
    """A firm's cost per tonne it receives under a rule [¥/t-CO2e]."""
    data = bd.load_burden()
    received = bd.received_reductions(data, project_id)
    alloc = bd.allocate(data, project_id, rule, protect=protect, received=received)
    return float(bd.burden_table(alloc, received, data).loc[firm_id, "yen_per_t"])


def cutoff_total(recycled_content: dict[str, float] | None = None) -> float:
    """The cooker's cut-off total with some recycled contents changed [kg-CO2e/unit].

    Parameters
    ----------
    recycled_content : dict, optional
        Material → recycled content [-], e.g. ``{"steel": 0.5}``.
    """
    table = eol.load_end_of_life()
    for material, share in (recycled_content or {}).items():
        table.loc[table["material"] == material, "recycled_content"] = share
    return eol.end_of_life(table).cutoff.total


ex1 = Exercise(
    title="演習1 巻線ラインの電化で最終製品メーカーAが受け取る削減量",
    expected=lambda: received_t("WND-ELEC", "MKA"),
    hints=[
        "コイル1個あたりの削減量 = 3.44 t/年 ÷ 54,000 個/年。",
        "電子調理器1台にコイルは 3 個（加熱ユニット1台 × モーター3台 × コイル1個）。"
        "× 3 × 12,000 台/年 で t/年。",
    ],
    solution_text=(
        "```python\n"
        "answer = 3.44 / 54000 * 3 * 12000  # t-CO2/年\n"
        "```\n"
        '`burden.received_reductions(data, "WND-ELEC").loc["MKA", "received_t_per_year"]` '
        "と同じ値です。"
    ),
    rel_tol=1e-6,
)
"""Reduction MKA receives from WND-ELEC [t-CO2e/yr]. Answer: a number."""

ex2 = Exercise(
    title="演習2 塗装外注先の乾燥炉更新の年間費用",
    expected=lambda: annual_cost_yen("PNT-OVEN"),
    hints=[
        "資本回収係数 CRF = r(1+r)^n / ((1+r)^n − 1)、割引率 r = 0.03、耐用年数 n = 12。",
        "年間費用 = 設備投資 3,000,000 円 × CRF + 運転費の増減（−150,000 円/年: 節約）。",
    ],
    solution_text=(
        "```python\n"
        "r, n = 0.03, 12\n"
        "crf = r * (1 + r) ** n / ((1 + r) ** n - 1)\n"
        "answer = 3_000_000 * crf - 150_000  # 円/年\n"
        "```"
    ),
    rel_tol=1e-6,
)
"""Annual cost of PNT-OVEN [¥/yr]. Answer: a number."""

ex3 = Exercise(
    title="演習3 モーター工場の再エネ切替を削減量に比例して分けたときの 円/t",
    expected=lambda: yen_per_t("MTR-GREEN", "proportional", "MKA"),
    hints=[
        "比例ルールでは、どの企業も 年間費用 ÷ 受け取る削減量の合計 の同じ単価を払います。",
        "年間費用は 162,000 円/年。受け取る削減量の合計は 29.35 t × 3（モーター・加熱ユニット・"
        "最終製品の3段）。",
    ],
    solution_text=(
        "```python\n"
        'rec = burden.received_reductions(data, "MTR-GREEN")\n'
        'answer = 162_000 / rec["received_t_per_year"].sum()  # 円/t-CO2\n'
        "```\n"
        "二重計上された t で割るので、プロジェクトの 円/t（162,000 ÷ 29.35）の 1/3 になります。"
    ),
    rel_tol=1e-6,
)
"""MKA's ¥/t under the proportional rule for MTR-GREEN [¥/t-CO2e]. Answer: a number."""

ex4 = Exercise(
    title="演習4 鋼の再生材含有率を 50% にしたときの調理器1台のカットオフの合計",
    expected=lambda: cutoff_total({"steel": 0.5}),
    hints=[
        "変わるのは鋼の材料調達だけです: 30 kg のうち新材と再生材の割合が 80:20 → 50:50。",
        "差 = 30 kg × (0.5 − 0.2) × (再生鋼の係数 − 新材の係数)。回避効果は足しません。",
    ],
    solution_text=(
        "```python\n"
        "table = endoflife.load_end_of_life()\n"
        'table.loc[table["material"] == "steel", "recycled_content"] = 0.5\n'
        "answer = endoflife.end_of_life(table).cutoff.total  # kg-CO2e/台\n"
        "```"
    ),
    rel_tol=1e-6,
)
"""Cut-off total with 50 % recycled steel [kg-CO2e/unit]. Answer: a number."""

__all__ = [
    "annual_cost_yen",
    "cutoff_total",
    "ex1",
    "ex2",
    "ex3",
    "ex4",
    "received_t",
    "yen_per_t",
]
