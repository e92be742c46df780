"""Turn a :class:`~cntf_workbench.exchange.network.Network` (tables) into firms on a bus."""

from __future__ import annotations

import hashlib
import time

import pandas as pd

from cntf_workbench.exchange import signing
from cntf_workbench.exchange.bus import Bus, firm_urn
from cntf_workbench.exchange.contracts import GRANULARITIES, ContractBook
from cntf_workbench.exchange.dictionary import firm_dictionaries, load_terms
from cntf_workbench.exchange.firms import Firm, Link, Product
from cntf_workbench.exchange.network import PLATFORM, Network
from cntf_workbench.factors import FactorTable, load_factors

FAULTS: tuple[str, ...] = ("silent", "late", "refuse", "invalid")
"""Fault modes: no answer, an answer after the deadline, a refusal, an invalid footprint."""

FAULT_JA: dict[str, str] = {
    "silent": "無応答",
    "late": "回答遅延",
    "refuse": "回答拒否",
    "invalid": "不正な回答",
}


def party_key(party_id: str):
    """A deterministic Ed25519 key for a party of the simulation (seeded by its id)."""
    return signing.generate_key(seed=hashlib.sha256(f"cntf-sim:{party_id}".encode()).digest())


def catalogue(net: Network) -> dict[tuple[str, str], Product]:
    """The public product catalogue of a network."""
    sec = net.products["secondary_factor_id"]
    return {
        (str(f), str(i)): Product(
            str(f), str(i), str(n), str(u), float(m), str(c), None if pd.isna(s) else str(s)
        )
        for f, i, n, u, m, c, s in zip(
            net.products["firm_id"],
            net.products["item_code"],
            net.products["name"],
            net.products["unit"],
            net.products["mass_kg"],
            net.products["category"],
            sec,
            strict=False,
        )
    }


def contract_book(net: Network, granularity: str | None = None) -> ContractBook:
    """The network's contracts; ``granularity`` overrides every firm-to-firm contract's."""
    frame = net.contracts
    if granularity is not None:
        if granularity not in GRANULARITIES:
            raise ValueError(f"granularity must be one of {GRANULARITIES}")
        frame = frame.copy()
        frame.loc[frame["recipient"] != PLATFORM, "granularity"] = granularity
    return ContractBook.from_frame(frame)


def _group(frame: pd.DataFrame, column: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for rec in frame.to_dict("records"):
        out.setdefault(str(rec[column]), []).append(rec)
    return out


def build(
    net: Network,
    cls: type[Firm],
    bus: Bus,
    *,
    faults: dict[str, str] | None = None,
    granularity: str | None = None,
    factors: FactorTable | None = None,
    keys: dict | None = None,
    **kwargs,
) -> dict[str, Firm]:
    """Instantiate every firm of ``net`` as ``cls`` and register it on ``bus``.

    Parameters
    ----------
    net : Network
    cls : type
        ``RelayFirm`` or ``CentralFirm``.
    bus : Bus
    faults : dict, optional
        ``{firm_id: fault mode}`` (see :data:`FAULTS`).
    granularity : str, optional
        Override of the firm-to-firm contracts' granularity.
    factors : FactorTable, optional
        The shipped factor table when omitted.
    keys : dict, optional
        ``{party_id: Ed25519PrivateKey}``; :func:`party_key` for the others.
    **kwargs
        Passed to ``cls``.

    Returns
    -------
    dict
        ``{firm_id: firm}``.
    """
    faults = dict(faults or {})
    unknown = set(faults) - set(net.firms["firm_id"])
    if unknown:
        raise KeyError(f"unknown firms in faults: {sorted(unknown)}")
    bad = {m for m in faults.values() if m not in FAULTS}
    if bad:
        raise ValueError(f"unknown fault modes {sorted(bad)}; use {FAULTS}")
    factors = factors if factors is not None else load_factors()
    keys = dict(keys or {})
    terms = load_terms(net.terms)
    dictionaries = firm_dictionaries(net.dictionary, terms)
    book = contract_book(net, granularity)
    cat = catalogue(net)
    ids = [str(f) for f in net.firms["firm_id"]]
    for party in [*ids, PLATFORM]:
        keys.setdefault(party, party_key(party))
    keyring = {firm_urn(p): signing.public_key_b64(keys[p]) for p in [*ids, PLATFORM]}
    products = _group(net.products, "firm_id")
    records = _group(net.processes, "firm_id")
    costs = _group(net.costs, "firm_id")
    links: dict[str, list[Link]] = {}
    lk = net.links
    for cust, item, code, sup, sup_item, q, unit, stage in zip(
        *(
            lk[c].tolist()
            for c in (
                "customer_firm_id",
                "customer_item",
                "customer_code",
                "supplier_firm_id",
                "supplier_item",
                "quantity",
                "unit",
                "stage",
            )
        ),
        strict=True,
    ):
        links.setdefault(str(cust), []).append(
            Link(str(item), str(code), str(sup), str(sup_item), float(q), str(unit), str(stage))
        )
    firms: dict[str, Firm] = {}
    for profile in net.firms.to_dict("records"):
        fid = str(profile["firm_id"])
        firm = cls(
            profile,
            [cat[(fid, str(p["item_code"]))] for p in products.get(fid, [])],
            records.get(fid, []),
            costs.get(fid, []),
            links.get(fid, []),
            dictionaries[fid],
            book,
            cat,
            factors,
            keys[fid],
            keyring,
            net.settings,
            fault=faults.get(fid),
            **kwargs,
        )
        bus.register(firm)
        firms[fid] = firm
    return firms


def keyring_of(net: Network, keys: dict | None = None) -> dict[str, str]:
    """The public keyring (``urn → base64 public key``) of a network's parties."""
    keys = dict(keys or {})
    ids = [str(f) for f in net.firms["firm_id"]] + [PLATFORM]
    return {firm_urn(p): signing.public_key_b64(keys.get(p) or party_key(p)) for p in ids}


def pull(
    net: Network,
    product: tuple[str, str] | None,
    firms: dict,
    bus: Bus,
    faults: dict | None,
    timings: dict | None,
    begun: float,
) -> tuple[str, str]:
    """Start the PULL at the final maker and run the bus until every message is delivered.

    Parameters
    ----------
    net : Network
    product : (firm_id, item_code) or None
        The network's first final product when None.
    firms : dict
        The built parties.
    bus : Bus
    faults : dict or None
        The failing firms (the requesting final maker cannot be one).
    timings : dict or None
        Filled with ``setup_s`` (since ``begun``) and ``pull_s`` [s, wall clock].
    begun : float
        ``time.perf_counter()`` when the set-up started.

    Returns
    -------
    (firm_id, item_code)
        The product pulled.
    """
    firm_id, item = product if product is not None else net.final_products()[0]
    if firm_id in (faults or {}):
        raise ValueError(f"the requesting final maker {firm_id} cannot be a failing firm")
    started = time.perf_counter()
    firms[firm_id].start(item, bus)
    bus.run()
    if timings is not None:
        timings["setup_s"] = started - begun
        timings["pull_s"] = time.perf_counter() - started
    return firm_id, item
