"""Exercises of notebook 02 (部品表とスコープ3): BOM, matrix method, contributions.

Each ``expected`` computes the answer from the package and the shipped seminar data when the
exercise is checked, so a change in the data changes the answer (no number is typed in).
"""

from __future__ import annotations

import pandas as pd

from cntf_workbench.cfp.bom import bom_footprint, by_material
from cntf_workbench.datasets import load_seminar
from cntf_workbench.exercises import Exercise


def _bom() -> pd.DataFrame:
    return load_seminar().bom


def _motor_kg() -> float:
    """CO2 of the motors in one cooker [kg-CO2e/unit]."""
    return float(bom_footprint(_bom()).by("item").loc["モーター", "kg_co2e"])


def _total_with_housing_mass(mass_kg: float = 25.0) -> float:
    """Cooker total with the housing's assumed mass changed [kg-CO2e/unit]."""
    bom = _bom().copy()
    bom.loc[bom["part"] == "筐体", "mass_kg"] = mass_kg
    return bom_footprint(bom).total


def _steel_share() -> float:
    """Share of steel parts in the cooker's purchased-parts CO2 [-]."""
    return float(by_material(_bom()).loc["steel", "share"])


ex1 = Exercise(
    title="演習1 モーターのCO2",
    expected=_motor_kg,
    hints=[
        "モーターは1台に3個（員数 quantity = 3）使われ、1個の質量は仮定値で 5 kg です。",
        "原単位は g-CO2e/g = kg-CO2e/kg なので、員数 × 質量[kg] × 原単位 で kg-CO2e になります。",
        "`data.bom` のモーターの行で `quantity * mass_kg * intensity` を計算します。",
    ],
    solution_text=(
        "```python\n"
        'row = data.bom.set_index("part").loc["モーター"]\n'
        'answer = row["quantity"] * row["mass_kg"] * row["intensity"]  # 3 × 5 × 1.0 = 15 kg\n'
        "```"
    ),
)

ex2 = Exercise(
    title="演習2 筐体の質量を 25 kg と仮定したときの合計",
    expected=_total_with_housing_mass,
    hints=[
        "部品表をコピーしてから（`data.bom.copy()`）、筐体の行の `mass_kg` を 25 にします。",
        "変えた部品表を `cfp.bom_footprint(...)` に渡し、`.total` を読みます。",
        "筐体の分だけ (25 − 20) kg × 0.8 = 4 kg 増えるはずです。",
    ],
    solution_text=(
        "```python\n"
        "bom2 = data.bom.copy()\n"
        'bom2.loc[bom2["part"] == "筐体", "mass_kg"] = 25\n'
        "answer = cfp.bom_footprint(bom2).total  # 46.4 + 4.0 = 50.4 kg\n"
        "```"
    ),
)

ex3 = Exercise(
    title="演習3 鋼（steel）の割合",
    expected=_steel_share,
    hints=[
        "素材別の寄与は `cntf_workbench.cfp.bom.by_material(data.bom)` で求まります。",
        "列 `share` は合計に対する割合（0〜1）です。百分率ではありません。",
        "鋼は筐体とヒーターの2部品です（素材の割り当ても仮定値）。",
    ],
    solution_text=(
        "```python\n"
        'answer = by_material(data.bom).loc["steel", "share"]  # (16 + 3) / 46.4 ≈ 0.409\n'
        "```"
    ),
    rel_tol=1e-3,
)

__all__ = ["ex1", "ex2", "ex3"]
