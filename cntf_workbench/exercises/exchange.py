"""Exercises of notebook 06 (CIOFデータ連携): messages, exposure, a failing firm, propagation.

Every expected answer is computed from the package and the shipped exchange data when it is
checked (a simulation run of :mod:`cntf_workbench.exchange.relay` or
:mod:`cntf_workbench.exchange.central`).
"""

from __future__ import annotations

from cntf_workbench.exchange import central, relay
from cntf_workbench.exchange.network import PLATFORM, load_network
from cntf_workbench.exercises import Exercise

COOKER: tuple[str, str] = ("MKA", "CK-A100")
"""The final product of the exercises: 最終製品メーカーA's electronic cooker."""


def upstream_links(product: tuple[str, str] = COOKER) -> int:
    """Supply links inside the product's supply chain (each one a request and an answer)."""
    net = load_network()
    chain = net.upstream(*product)
    return int(net.graph().subgraph(chain).number_of_edges())


def relay_messages(product: tuple[str, str] = COOKER) -> int:
    """Messages the bucket relay needs for one PULL of ``product`` (as the bus counted them)."""
    return int(relay.simulate(load_network(), product, inspect=False).messages)


def relay_forwards(product: tuple[str, str] = COOKER) -> int:
    """Forward messages of that run (a supplier's figure passed on where its contract allows)."""
    result = relay.simulate(load_network(), product, inspect=False)
    return int((result.deliveries["kind"] == "Forward").sum())


def platform_process_records(product: tuple[str, str] = COOKER, upload: str = "process") -> int:
    """Process records of any firm that became visible to the central platform [count].

    Parameters
    ----------
    product : (firm_id, item_code)
    upload : {"process", "stage"}
        What firms upload.
    """
    result = central.simulate(load_network(), product, upload=upload)
    exp = result.exposure
    return int(((exp["viewer"] == PLATFORM) & (exp["kind"] == "process")).sum())


def total_when_failing(
    firm_id: str, mode: str = "silent", product: tuple[str, str] = COOKER
) -> float:
    """The product's footprint when one firm fails, in the bucket relay [kg-CO2e/unit]."""
    return float(
        relay.simulate(load_network(), product, faults={firm_id: mode}, inspect=False).total_kg_co2e
    )


def propagation_hours(
    firm_id: str, model: str = "relay", product: tuple[str, str] = COOKER
) -> float:
    """Time from ``firm_id`` sending its figure to the final maker having its answer [h]."""
    sim = relay.simulate if model == "relay" else central.simulate
    return float(sim(load_network(), product, inspect=False).propagation_hours(firm_id))


ex1 = Exercise(
    title="演習1 バケツリレーで電子調理器Aの1回の依頼に流れるメッセージ数",
    expected=lambda: relay_messages(COOKER),
    hints=[
        "電子調理器Aの供給網の供給関係1本ごとに、依頼 (RequestCreated) が1通、回答 "
        "(RequestFulfilled) が1通流れます。供給関係を数えましょう（LOG は MKA と HTA の2社に納めるので2本）。",
        "もう1通: 契約 C09 は HTA が MTR の署名付きの回答を MKA へ転送 (Forward) することを認めています。"
        "答え = 2 × 供給関係の数 + 転送の数。",
    ],
    solution_text=(
        "```python\n"
        'chain = net.upstream("MKA", "CK-A100")\n'
        "n_links = net.graph().subgraph(chain).number_of_edges()\n"
        "answer = 2 * n_links + 1  # 依頼と回答が1通ずつ + 転送1通\n"
        "```\n"
        '`relay.simulate(net, ("MKA", "CK-A100")).messages` と同じ値です。'
    ),
)
"""Messages of one relay PULL for the cooker. Answer: a number."""

ex2 = Exercise(
    title="演習2 中央集約で基盤 (PLATFORM) に見えた工程データの件数",
    expected=lambda: platform_process_records(COOKER),
    hints=[
        "中央集約では、基盤が **登録企業すべて** にデータを求め、各社は工程データ（活動量の記録）を"
        "そのままアップロードします。電子調理器Aの供給網の外の企業（MKB、HTB）も含みます。",
        "工程データは processes.csv の1行が1件です。`len(net.processes)`、または "
        '`c.exposure` で kind が "process" の行を数えます。',
    ],
    solution_text=(
        "```python\n"
        'c = central.simulate(net, ("MKA", "CK-A100"))\n'
        'answer = int((c.exposure["kind"] == "process").sum())\n'
        "```\n"
        "`len(net.processes)` と一致します: 全社の全工程レコードが基盤に見えます。"
    ),
)
"""Process records visible to the platform under central aggregation. Answer: a number."""

ex3 = Exercise(
    title="演習3 モーターサプライヤ MTR が無応答のときの電子調理器Aの CFP [kg-CO2e/台]",
    expected=lambda: total_when_failing("MTR", "silent", COOKER),
    hints=[
        "MTR の回答がないと、HTA はモーター1台を二次データ（`db_motor_small` の値）で推計します。"
        "0 にはしません。加熱ユニット1台にモーターは3台です。",
        "答え = 障害なしの合計 − 3 × (MTR の回答の値 − 二次データの値)。MTR の回答の値は "
        '`relay.simulate(net, ("MTR", "MT-300")).total_kg_co2e` で求められます。',
    ],
    solution_text=(
        "```python\n"
        'base = relay.simulate(net, ("MKA", "CK-A100")).total_kg_co2e\n'
        'motor = relay.simulate(net, ("MTR", "MT-300")).total_kg_co2e\n'
        'db = factors.get("db_motor_small").value  # kg-CO2e/台（二次データ、仮定値）\n'
        "answer = base - 3 * (motor - db)\n"
        "```\n"
        '`relay.simulate(net, faults={"MTR": "silent"}).total_kg_co2e` と同じ値です。'
    ),
    rel_tol=1e-6,
)
"""The cooker's footprint when MTR is silent [kg-CO2e/unit]. Answer: a number."""

ex4 = Exercise(
    title="演習4 Tier 3 の WND の改善がバケツリレーで最終製品の数値に届くまでの時間 [h]",
    expected=lambda: propagation_hours("WND", "relay", COOKER),
    hints=[
        "WND が新しい数値を送ったあと、その下流の企業が順に計算し直して回答します: "
        "MTR → HTA → MKA。",
        "各社の回答時間（firms.csv の response_hours）を足します。",
    ],
    solution_text=(
        "```python\n"
        'hours = net.firms.set_index("firm_id")["response_hours"]\n'
        'answer = hours["MTR"] + hours["HTA"] + hours["MKA"]  # h\n'
        "```\n"
        '`relay.simulate(net).propagation_hours("WND")` と同じ値です。中央集約では基盤の計算時間だけです。'
    ),
)
"""Hours for WND's improvement to reach the cooker's figure in the relay. Answer: a number."""

__all__ = [
    "COOKER",
    "ex1",
    "ex2",
    "ex3",
    "ex4",
    "platform_process_records",
    "propagation_hours",
    "relay_forwards",
    "relay_messages",
    "total_when_failing",
    "upstream_links",
]
