"""What a run shows, and the two models compared on the same firms.

Every figure here is measured on the run: totals are sums of the final footprint's trace,
messages and bytes are what crossed the bus, exposure is what the bus decoded from the bytes each
party received, latency is the simulated time at which the final maker had its answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pandas as pd

from cntf_workbench.exchange.bus import Bus
from cntf_workbench.exchange.firms import footprint_of
from cntf_workbench.exchange.ledger import Ledger
from cntf_workbench.exchange.network import Network
from cntf_workbench.trace import Footprint

MODEL_JA: dict[str, str] = {"relay": "バケツリレー（1対1）", "central": "中央集約（多対1）"}
MODEL_EN: dict[str, str] = {"relay": "bucket relay (1-to-1)", "central": "central (many-to-1)"}

_ROWS_EN: dict[str, str] = {
    "CFP [kg-CO2e/単位]": "CFP [kg-CO2e/unit]",
    "CFP [g-CO2e/単位]（グラムに丸め）": "CFP [g-CO2e/unit] (rounded to the gram)",
    "一次データ比率": "primary data share",
    "メッセージ数": "messages",
    "バイト数": "bytes",
    "最長ホップ数": "longest hop chain",
    "回答までの時間 [h]": "time to answer [h]",
    "他社に見えた非公開項目数": "private items visible to others",
    "二次データで代替した製品数": "products estimated from secondary data",
}

ITEM_KIND_JA: dict[str, str] = {
    "pcf": "製品CFP",
    "stage": "段階別の値",
    "process": "工程データ",
    "supplier": "仕入先",
}


@dataclass
class RunResult:
    """The outcome of one PULL in one model.

    Attributes
    ----------
    model : {"relay", "central"}
    product : (firm_id, item_code)
    footprint : Footprint
        The final product's footprint per declared unit, with its full trace.
    document : dict
        The final signed PACT footprint.
    estimated : list of str
        Products (``firm:item``) estimated from secondary data somewhere upstream.
    messages, bytes : int
        What crossed the bus.
    hops : int
        Longest causal chain of messages behind the answer.
    latency_hours : float
        Simulated time until the final maker had its answer [h].
    exposure : pandas.DataFrame
        ``owner``, ``item``, ``kind``, ``viewer``: one row per private item a party other than
        its owner received.
    deliveries : pandas.DataFrame
        One row per message (sender, recipient, kind, bytes, sent_at, at, hop).
    ledger : Ledger
    firm_sent_at : dict
        Time each firm first sent its figure (answer or upload) [h].
    """

    model: str
    product: tuple[str, str]
    footprint: Footprint
    document: dict
    estimated: list[str]
    messages: int
    bytes: int
    hops: int
    latency_hours: float
    exposure: pd.DataFrame
    deliveries: pd.DataFrame
    ledger: Ledger
    firm_sent_at: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_run(
        cls,
        model: str,
        net: Network,
        product: tuple[str, str],
        bus: Bus,
        parties: dict,
        *,
        rows: list[dict] | None,
        estimated: list[str],
        document: dict | None,
        completed_at: float | None,
        hops: int,
    ) -> RunResult:
        """Collect the result of a finished run."""
        if rows is None or completed_at is None or document is None:
            raise RuntimeError(f"the {model} run did not complete")
        unit = net.products.set_index(["firm_id", "item_code"]).loc[product, "unit"]
        fp = footprint_of(rows, functional_unit=f"{product[1]} 1 {unit}")
        exposure = [
            (item.split(":")[1], item, item.split(":")[0], viewer)
            for viewer, items in bus.seen.items()
            for item in items
            if item.split(":")[1] != viewer
        ]
        deliveries = pd.DataFrame(
            [d.__dict__ for d in bus.deliveries],
            columns=["sender", "recipient", "kind", "bytes", "sent_at", "at", "hop"],
        )
        sent = deliveries[deliveries["kind"].isin(["RequestFulfilled", "Upload"])]
        firm_sent_at = sent.groupby("sender")["sent_at"].min().to_dict()
        return cls(
            model=model,
            product=product,
            footprint=fp,
            document=document,
            estimated=list(estimated),
            messages=bus.messages,
            bytes=bus.bytes,
            hops=hops,
            latency_hours=float(completed_at),
            exposure=pd.DataFrame(sorted(exposure), columns=["owner", "item", "kind", "viewer"]),
            deliveries=deliveries,
            ledger=bus.ledger,
            firm_sent_at={str(k): float(v) for k, v in firm_sent_at.items()},
        )

    @property
    def total_kg_co2e(self) -> float:
        """The final product's footprint [kg-CO2e per declared unit] (sum of the trace)."""
        return self.footprint.total

    @property
    def primary_data_share(self) -> float:
        """Share of the total from primary data [0–1], from the trace."""
        return self.footprint.primary_share()

    @property
    def exposure_count(self) -> int:
        """Private items visible to anyone but their owner (each item counted once)."""
        return int(self.exposure["item"].nunique())

    def exposure_by_firm(self) -> pd.DataFrame:
        """Per owner: how many of its private items became visible, to whom, and which."""
        rows = []
        for owner, group in self.exposure.groupby("owner"):
            for viewer, g in group.groupby("viewer"):
                rows.append(
                    {
                        "企業": owner,
                        "見えた相手": viewer,
                        "件数": len(g),
                        "内容": "、".join(
                            f"{ITEM_KIND_JA[k]}({i.split(':', 2)[-1]})"
                            for k, i in zip(g["kind"], g["item"], strict=False)
                        ),
                    }
                )
        return pd.DataFrame(rows, columns=["企業", "見えた相手", "件数", "内容"])

    def propagation_hours(self, firm_id: str) -> float:
        """Time from ``firm_id`` sending its figure to the final maker having its answer [h] —
        how long an improvement at that firm takes to reach the final figure."""
        if firm_id not in self.firm_sent_at:
            raise KeyError(f"{firm_id} sent no figure in this run")
        return self.latency_hours - self.firm_sent_at[firm_id]

    def summary(self) -> dict:
        """The figures of the CLI's ``--json``."""
        return {
            "model": self.model,
            "product": ":".join(self.product),
            "total_kg_co2e": self.total_kg_co2e,
            "messages": self.messages,
            "bytes": self.bytes,
            "hops": self.hops,
            "latency_hours": self.latency_hours,
            "exposure": self.exposure_count,
            "primary_data_share": self.primary_data_share,
            "estimated": self.estimated,
        }


def compare(
    relay: RunResult, central: RunResult, tier3: str | None = None, lang: str = "ja"
) -> pd.DataFrame:
    """The two models side by side (Japanese row names; English with ``lang="en"``).

    Parameters
    ----------
    relay, central : RunResult
        Runs on the same network and product.
    tier3 : str, optional
        A firm whose improvement's propagation time is shown.

    Returns
    -------
    pandas.DataFrame
        Index: 指標; columns: the two models' Japanese names.
    """
    if relay.product != central.product:
        raise ValueError("runs are for different products")
    rows = {
        "CFP [kg-CO2e/単位]": (relay.total_kg_co2e, central.total_kg_co2e),
        "CFP [g-CO2e/単位]（グラムに丸め）": (
            round(relay.total_kg_co2e * 1000),
            round(central.total_kg_co2e * 1000),
        ),
        "一次データ比率": (relay.primary_data_share, central.primary_data_share),
        "メッセージ数": (relay.messages, central.messages),
        "バイト数": (relay.bytes, central.bytes),
        "最長ホップ数": (relay.hops, central.hops),
        "回答までの時間 [h]": (relay.latency_hours, central.latency_hours),
        "他社に見えた非公開項目数": (relay.exposure_count, central.exposure_count),
        "二次データで代替した製品数": (len(relay.estimated), len(central.estimated)),
    }
    if tier3 is not None:
        rows[f"{tier3} の改善が最終製品に届くまで [h]"] = (
            relay.propagation_hours(tier3),
            central.propagation_hours(tier3),
        )
    frame = pd.DataFrame(rows, index=[MODEL_JA["relay"], MODEL_JA["central"]]).T
    frame.index.name = "指標"
    if lang == "en":
        frame = frame.rename(
            index=lambda r: _ROWS_EN.get(
                r,
                r.replace(
                    " の改善が最終製品に届くまで [h]", ": improvement reaches the final figure [h]"
                ),
            ),
            columns={MODEL_JA[k]: MODEL_EN[k] for k in MODEL_JA},
        )
        frame.index.name = "metric"
    return frame


def exposure_matrix(result: RunResult) -> pd.DataFrame:
    """Counts of private items by owner (rows) and viewer (columns)."""
    if result.exposure.empty:
        return pd.DataFrame()
    return pd.crosstab(result.exposure["owner"], result.exposure["viewer"])


def robustness(
    net: Network,
    ks: list[int],
    *,
    trials: int = 5,
    mode: str = "silent",
    seed: int = 0,
    product: tuple[str, str] | None = None,
) -> pd.DataFrame:
    """Both models with k randomly failing firms of the product's supply chain (never the final
    maker).

    Parameters
    ----------
    net : Network
    ks : list of int
        Numbers of failing firms.
    trials : int
        Random draws per k.
    mode : str
        Fault mode of the failing firms.
    seed : int
    product : (firm_id, item_code), optional

    Returns
    -------
    pandas.DataFrame
        ``k``, ``trial``, ``model``, ``failing``, ``total_kg_co2e``, ``deviation``
        (relative to the run with no failure), ``primary_data_share``, ``latency_hours``,
        ``estimated``.
    """
    from cntf_workbench.exchange import central, relay

    product = product if product is not None else net.final_products()[0]
    base = relay.simulate(net, product, inspect=False).total_kg_co2e
    # firms of the product's supply chain (a failure elsewhere changes nothing)
    candidates = sorted({f for f, _i in net.upstream(*product)} - {product[0]})
    rng = random.Random(seed)
    rows = []
    for k in ks:
        for t in range(trials if k else 1):
            failing = sorted(rng.sample(candidates, k))
            faults = dict.fromkeys(failing, mode)
            for name, sim in (("relay", relay.simulate), ("central", central.simulate)):
                r = sim(net, product, faults=faults, inspect=False, run_id=f"rob-{k}-{t}")
                rows.append(
                    {
                        "k": k,
                        "trial": t,
                        "model": name,
                        "failing": ",".join(failing),
                        "total_kg_co2e": r.total_kg_co2e,
                        "deviation": r.total_kg_co2e / base - 1.0,
                        "primary_data_share": r.primary_data_share,
                        "latency_hours": r.latency_hours,
                        "estimated": len(r.estimated),
                    }
                )
    return pd.DataFrame(rows)
