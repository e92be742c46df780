"""Exercises of notebook 04 (サプライチェーンCFP): improved ton-km, logistics per item, storage.

Every expected answer is computed from the package and the shipped chain data when it is
checked.
"""

from __future__ import annotations

from cntf_workbench.cfp import chain as ch
from cntf_workbench.cfp import transport as tr
from cntf_workbench.exercises import Exercise
from cntf_workbench.factors import load_factors


def tonkm_litres() -> float:
    """Fuel of 2 t over 300 km on a 10 t diesel truck 60 % loaded (改良トンキロ法) [L]."""
    return float(tr.improved_tonkm_fuel(300, 2.0, 0.6, 10000, fuel="diesel"))


def logistics_g_per_item(record_id: str) -> float:
    """CO2 of one logistics record per item carried [g-CO2e/piece].

    Parameters
    ----------
    record_id : str
        A ``record_id`` of ``logistics.csv`` (e.g. ``"LG-002-1"``).
    """
    chain = ch.load_chain()
    table = ch.logistics_analysis(ch.record_emissions(chain, load_factors()), chain)
    return float(table.set_index("record_id").loc[record_id, "g_per_item"])


def storage_kwh(record_id: str) -> float:
    """Electricity allocated to one storage record [kWh].

    Parameters
    ----------
    record_id : str
        A ``record_id`` of ``storage.csv`` (e.g. ``"ST-002-3"``).
    """
    chain = ch.load_chain()
    energy = ch.storage_energy(chain)
    idx = chain.storage.index[chain.storage["record_id"] == record_id][0]
    return float(energy.loc[idx, "kwh"])


def largest_stage(order_id: str) -> str:
    """The stage with the most CO2 in a product order's footprint (Japanese stage name)."""
    chain = ch.load_chain()
    fp = ch.chain_footprint(chain, load_factors(), order_id)
    return str(fp.by("stage")["kg_co2e"].idxmax())


ex1 = Exercise(
    title="演習1 改良トンキロ法の燃料使用量",
    expected=tonkm_litres,
    hints=[
        "ln y = 2.71 − 0.812·ln(積載率) − 0.654·ln(最大積載量 kg)。積載率は 0.6（割合）、"
        "最大積載量は 10,000 kg。",
        "y [L/t·km] を求めたら、燃料 [L] = y × 2 t × 300 km。",
    ],
    solution_text=(
        "```python\n"
        "import math\n"
        "y = math.exp(2.71 - 0.812 * math.log(0.6) - 0.654 * math.log(10000))\n"
        "answer = y * 2.0 * 300  # L\n"
        "```\n"
        '`transport.improved_tonkm_fuel(300, 2.0, 0.6, 10000, fuel="diesel")` と同じ値です。'
    ),
    rel_tol=1e-3,
)
"""Improved ton-km fuel [L]. Answer: a number."""

ex2 = Exercise(
    title="演習2 東京→大阪の筐体1個あたりの物流CO2（オーダ H-002）",
    expected=lambda: logistics_g_per_item("LG-002-1"),
    hints=[
        "実績 LG-002-1 は改良トンキロ法（4tトラック、積載率 60%、510 km、400 kg）。",
        "燃料 [L] × 軽油の係数 2.58 kg-CO2e/L で kg-CO2e。1000 倍して g、筐体 20 個で割ります。",
    ],
    solution_text=(
        "```python\n"
        'litres = transport.improved_tonkm_fuel(510, 0.4, 0.6, 4000, fuel="diesel")\n'
        'answer = litres * factor_table.get("diesel_jp").value * 1000 / 20  # g-CO2e/個\n'
        "```\n"
        "`chain.logistics_analysis(...)` の `g_per_item` 列でも確かめられます。"
    ),
    rel_tol=1e-3,
)
"""Logistics CO2 per housing of record LG-002-1 [g-CO2e/piece]. Answer: a number."""

ex3 = Exercise(
    title="演習3 3PL倉庫で筐体オーダ H-002 に配賦される電力量",
    expected=lambda: storage_kwh("ST-002-3"),
    hints=[
        "倉庫 LOG-DC の電力は 150 kWh/日 × 30 日。容積×日数の比で配賦します。",
        "LOG-DC の実績すべての 容積×日数 の合計に、その他の保管品 900 m3·日 を足した値が分母です。",
    ],
    solution_text=(
        "```python\n"
        'st = chain_data.storage[chain_data.storage["area_id"] == "LOG-DC"]\n'
        'w = st["volume_m3"] * st["days"]\n'
        'mine = float(w[st["record_id"] == "ST-002-3"].iloc[0])\n'
        "answer = 150 * 30 * mine / (w.sum() + 900)  # kWh\n"
        "```"
    ),
    rel_tol=1e-3,
)
"""Electricity allocated to storage record ST-002-3 [kWh]. Answer: a number."""

ex4 = Exercise(
    title="演習4 製品オーダ P-001 で最も CO2 が大きい段階",
    expected=lambda: largest_stage("P-001"),
    hints=[
        '`fp.by("stage")` で段階別の表が得られます。',
        "`idxmax()` で最大の段階名が分かります。段階名は「材料払出」のような日本語です。",
    ],
    solution_text=(
        "```python\n"
        'answer = fp.by("stage")["kg_co2e"].idxmax()\n'
        "```\n"
        "購入材料のCO2が大部分を占めるので、打ち手は購入材料変更とサプライヤ指導です。"
    ),
)
"""The largest stage of order P-001. Answer: a string."""

__all__ = [
    "ex1",
    "ex2",
    "ex3",
    "ex4",
    "largest_stage",
    "logistics_g_per_item",
    "storage_kwh",
    "tonkm_litres",
]
