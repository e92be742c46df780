"""Firms with private records, keys and dictionaries, and the calculation they share.

A :class:`Firm` holds its process records, costs and supplier list in private attributes and
gives them to nobody but itself (:meth:`Firm.private_records` refuses any other requester and the
refusal is written to the ledger). What it tells others goes out as bytes through the bus, in the
granularity its contracts allow.

The per-unit footprint of a product is the firm's own emissions (process records × emission
factors) plus, for every bought item, quantity × the supplier's footprint per unit. A supplier's
answer is split into its primary and secondary parts (by its PACT ``primaryDataShare``) so the
primary data share carries down the chain; an input without a usable answer is estimated from
the database factor of its category (二次データ, flagged in the trace and listed as estimated) —
never a silent zero.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from cntf_workbench import units
from cntf_workbench.errors import CntfError
from cntf_workbench.exchange import pact, signing
from cntf_workbench.exchange.bus import Bus, firm_urn, product_urn
from cntf_workbench.exchange.contracts import ContractBook
from cntf_workbench.exchange.dictionary import FirmDictionary
from cntf_workbench.factors import FactorTable
from cntf_workbench.trace import Footprint, make_trace

FUELS: frozenset[str] = frozenset({"city_gas", "lpg", "diesel", "gasoline", "heavy_oil_a"})
"""Activities burnt on site (Scope 1); electricity is Scope 2; materials are Scope 3 cat. 1."""

PACT_UNITS: dict[str, str] = {"unit": "piece", "kg": "kilogram", "tkm": "ton kilometer"}
"""Declared units of the tables → PACT ``declaredUnitOfMeasurement``."""

NAMESPACE = uuid.UUID("6f1c1f5e-3c8e-4a8e-9a57-2f0b8c1d9e11")
"""uuid5 namespace of the simulation's deterministic ids (an arbitrary fixed value)."""


class AccessDenied(CntfError):
    """A party asked for another firm's private records."""

    area = "アクセス拒否"


def sim_id(*parts: object) -> str:
    """A deterministic UUID for simulation ids (requests, footprints)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


@lru_cache(maxsize=4096)
def _multiplier(amount_unit: str, factor_unit: str) -> float:
    return units.kg_co2e(1.0, amount_unit, 1.0, factor_unit)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == ""


def scope_of(activity: str) -> tuple[int, int | None]:
    """GHG Protocol scope (and Scope 3 category) of an own activity."""
    if activity == "electricity":
        return 2, None
    if activity in FUELS:
        return 1, None
    return 3, 1


def own_rows(
    records: list[dict],
    factors: FactorTable,
    electricity_factor_id: str,
) -> list[dict]:
    """Trace rows of a firm's own process records (per declared unit of its product).

    Parameters
    ----------
    records : list of dict
        Keys of ``processes.csv`` (record_id, item_code, stage, process, activity, amount,
        unit, factor_id, data_kind).
    factors : FactorTable
    electricity_factor_id : str
        The firm's electricity factor, used when a record names none.

    Returns
    -------
    list of dict
        Trace rows (``TRACE_COLUMNS`` plus ``record_id``).

    Raises
    ------
    FactorError
        A factor is missing or is of another activity.
    """
    out = []
    for r in records:
        activity = str(r["activity"])
        factor_id = None if _blank(r.get("factor_id")) else str(r["factor_id"])
        if factor_id is None and activity == "electricity":
            factor_id = electricity_factor_id
        factor = factors.resolve(activity, factor_id)
        amount = float(r["amount"])
        kg = amount * factor.value * _multiplier(str(r["unit"]), factor.unit)
        scope, cat = scope_of(activity)
        out.append(
            {
                "item": str(r["item_code"]),
                "stage": f"{r['stage']}/{r['process']} [{r['record_id']}]",
                "activity": activity,
                "amount": amount,
                "unit": str(r["unit"]),
                "factor_id": factor.id,
                "factor_value": factor.value,
                "factor_unit": factor.unit,
                "factor_source": factor.source,
                "data_kind": str(r["data_kind"]),
                "scope": scope,
                "scope3_category": cat,
                "kg_co2e": kg,
                "assumed": factor.assumed,
                "note": "",
                "record_id": str(r["record_id"]),
                "stage_name": str(r["stage"]),
            }
        )
    return out


@dataclass(frozen=True)
class Product:
    """Public catalogue entry of a product (what a customer knows of what it buys)."""

    firm_id: str
    item_code: str
    name: str
    unit: str
    mass_kg: float
    category: str
    secondary_factor_id: str | None


@dataclass(frozen=True)
class Link:
    """One entry of a firm's private supplier list."""

    item_code: str  # the customer's product
    customer_code: str  # the customer's own code for the bought item
    supplier: str
    supplier_item: str
    quantity: float
    unit: str
    stage: str


def purchased_rows(
    link: Link,
    catalogue: dict[tuple[str, str], Product],
    factors: FactorTable,
    *,
    pcf: float | None,
    primary_share: float | None = None,
    source: str = "",
    reason: str = "",
) -> list[dict]:
    """Trace rows of one bought item: the supplier's answer, or the database estimate.

    Parameters
    ----------
    link : Link
    catalogue : dict
        Public product catalogue.
    factors : FactorTable
    pcf : float or None
        The supplier's footprint [kg-CO2e per its declared unit]; None → estimate from the
        product's secondary factor.
    primary_share : float, optional
        Share of ``pcf`` from primary data [0–1].
    source : str
        Where ``pcf`` came from (e.g. the PACT id).
    reason : str
        Why the estimate was used (shown in the trace note).

    Raises
    ------
    FactorError
        The estimate is needed but the product has no secondary factor.
    """
    product = catalogue[(link.supplier, link.supplier_item)]
    cat = 4 if product.category == "product:transport" else 1
    base = {
        "item": f"{link.supplier}:{link.supplier_item}",
        "stage": link.stage,
        "activity": "購入品",
        "amount": link.quantity,
        "unit": link.unit,
        "scope": 3,
        "scope3_category": cat,
        "record_id": "",
        "stage_name": link.stage,
    }
    if pcf is None:
        if product.secondary_factor_id is None:
            from cntf_workbench.errors import FactorError

            raise FactorError(
                f"{link.supplier}:{link.supplier_item} の回答がなく、代替の二次データ"
                "（secondary_factor_id）も決められていません"
            )
        factor = factors.get(product.secondary_factor_id)
        kg = link.quantity * factor.value * _multiplier(link.unit, factor.unit)
        return [
            {
                **base,
                "factor_id": factor.id,
                "factor_value": factor.value,
                "factor_unit": factor.unit,
                "factor_source": factor.source,
                "data_kind": "database",
                "kg_co2e": kg,
                "assumed": factor.assumed,
                "note": f"推計（estimated）: {reason or '回答なし'}のため二次データで代替",
            }
        ]
    share = 0.0 if primary_share is None else min(max(primary_share, 0.0), 1.0)
    kg = link.quantity * pcf
    common = {
        **base,
        "factor_id": source,
        "factor_value": pcf,
        "factor_unit": f"kg-CO2e/{link.unit}",
        "factor_source": f"{link.supplier} の署名付き PACT 回答",
        "assumed": False,
    }
    rows = [
        {
            **common,
            "data_kind": "disclosed",
            "kg_co2e": kg * share,
            "note": "供給者の回答のうち一次データの部分",
        }
    ]
    if share < 1.0:
        rows.append(
            {
                **common,
                "data_kind": "database",
                "kg_co2e": kg - kg * share,
                "note": "供給者の回答のうち二次データの部分（primaryDataShare による）",
            }
        )
    return rows


def footprint_of(rows: list[dict], functional_unit: str) -> Footprint:
    """A :class:`Footprint` from trace rows (extra keys dropped)."""
    trace = make_trace({k: r[k] for k in r if k not in ("record_id", "stage_name")} for r in rows)
    return Footprint(trace, functional_unit=functional_unit)


def breakdown_lines(rows: list[dict], granularity: str, itemise: set[str]) -> list[dict]:
    """Breakdown lines of a footprint at a granularity.

    ``total``: none. ``stage``: one line per own stage, plus purchased items. ``process``: one
    line per own process record, plus purchased items. A purchased item is itemised
    (``購入品 <firm>:<item>``, which names the supplier) only when ``itemise`` holds its supplier
    — i.e. when the supplier's contract lets it be passed on; otherwise all purchases are one
    line ``購入品（集約）``.
    """
    if granularity == "total":
        return []
    lines: dict[str, dict] = {}
    for r in rows:
        if r["activity"] == "購入品":
            supplier = r["item"].split(":")[0]
            label = f"購入品 {r['item']}" if supplier in itemise else "購入品（集約）"
        elif granularity == "process":
            label = r["stage"]
        else:
            label = r["stage_name"]
        line = lines.setdefault(label, {"label": label, "parts": []})
        line["parts"].append(r["kg_co2e"])
    return [
        {"label": v["label"], "level": granularity, "kg_co2e": math.fsum(v["parts"])}
        for v in lines.values()
    ]


class Firm:
    """A firm of the simulation: private records, a key, a dictionary and its contracts.

    Parameters
    ----------
    profile : dict
        Its row of ``firms.csv``.
    products : list of Product
        What it makes.
    records : list of dict
        Its process records (private).
    costs : list of dict
        Its costs (private; never sent).
    suppliers : list of Link
        Its supplier list (private).
    dictionary : FirmDictionary
    contracts : ContractBook
        The contracts it is party to.
    catalogue : dict
        The public product catalogue.
    factors : FactorTable
    key : Ed25519PrivateKey
    keyring : dict
        Public keys of every party (``urn → base64``).
    settings : Settings
    fault : str, optional
        ``silent``, ``late``, ``refuse`` or ``invalid`` for a failing firm.
    """

    def __init__(
        self,
        profile: dict,
        products: list[Product],
        records: list[dict],
        costs: list[dict],
        suppliers: list[Link],
        dictionary: FirmDictionary,
        contracts: ContractBook,
        catalogue: dict,
        factors: FactorTable,
        key,
        keyring: dict[str, str],
        settings,
        fault: str | None = None,
    ) -> None:
        self.party_id = str(profile["firm_id"])
        self.name = str(profile["name"])
        self.size = str(profile.get("size", ""))
        self.response_hours = float(profile.get("response_hours", 0.0))
        self.electricity_factor_id = str(profile["electricity_factor_id"])
        self.products = {p.item_code: p for p in products}
        self.dictionary = dictionary
        self.contracts = contracts
        self.catalogue = catalogue
        self.factors = factors
        self.keyring = keyring
        self.settings = settings
        self.fault = fault
        self.urn = firm_urn(self.party_id)
        self.__records = list(records)
        self.__costs = list(costs)
        self.__suppliers = list(suppliers)
        self.__key = key
        self._own_cache: dict[str, list[dict]] = {}

    # -- private data: reachable only by the firm itself -------------------------------------
    def private_records(self, requester: str, bus: Bus | None = None) -> pd.DataFrame:
        """The firm's process records — for the firm itself only.

        Raises
        ------
        AccessDenied
            ``requester`` is not this firm (the refusal is written to the ledger when a bus is
            given).
        """
        if requester != self.party_id:
            if bus is not None:
                bus.ledger.append(
                    "refusal",
                    self.party_id,
                    counterpart=requester,
                    subject="private_records",
                    detail={"reason": "他社の非公開データへのアクセス"},
                    at=bus.now,
                )
            raise AccessDenied(f"{requester} は {self.party_id} の非公開データを読めません")
        return pd.DataFrame(self.__records)

    def _suppliers_of(self, item_code: str) -> list[Link]:
        return [s for s in self.__suppliers if s.item_code == item_code]

    def _records_of(self, item_code: str) -> list[dict]:
        return [r for r in self.__records if str(r["item_code"]) == item_code]

    def _costs(self) -> list[dict]:
        return list(self.__costs)

    def _sign(self, doc: dict, bound_to: str | None) -> dict:
        return signing.sign(
            doc, self.__key, signer=self.urn, bound_to=bound_to, signed_at=self.settings.created
        )

    # -- calculation ------------------------------------------------------------------------
    def own(self, item_code: str) -> list[dict]:
        """Trace rows of the firm's own emissions for one product (per declared unit)."""
        if item_code not in self._own_cache:
            self._own_cache[item_code] = own_rows(
                self._records_of(item_code), self.factors, self.electricity_factor_id
            )
        return self._own_cache[item_code]

    def document(
        self,
        item_code: str,
        rows: list[dict],
        *,
        granularity: str,
        spec: str,
        bound_to: str | None,
        itemise: set[str] = frozenset(),
        estimated: list[str] | None = None,
        pf_id: str | None = None,
    ) -> dict:
        """The signed PACT footprint of a product from its trace rows."""
        product = self.products[item_code]
        total = math.fsum(r["kg_co2e"] for r in rows)
        primary = math.fsum(
            r["kg_co2e"] for r in rows if r["data_kind"] in ("measured", "disclosed")
        )
        lines = breakdown_lines(rows, granularity, set(itemise))
        declared, amount = PACT_UNITS[product.unit], 1.0
        if spec == "2" and product.unit == "unit":
            # v2.3 has no "piece": one piece travels as its mass in kilograms
            declared, amount = "kilogram", product.mass_kg
        doc = pact.from_footprint(
            total,
            company_name=self.name,
            company_id=self.urn,
            product_id=product_urn(self.party_id, item_code),
            product_name=product.name,
            product_description=f"{product.name}（{self.name}）",
            declared_unit=declared,
            unit_amount=amount,
            product_mass_kg=product.mass_kg,
            period_start=self.settings.period_start,
            period_end=self.settings.period_end,
            primary_data_share=(primary / total) if total > 0 else 0.0,
            breakdown=lines or None,
            estimated=estimated or None,
            spec=spec,
            created=self.settings.created,
            pf_id=pf_id or sim_id("pf", self.party_id, item_code, bound_to),
            check=False,  # built by construction; every receiver validates what it gets
        )
        return self._sign(doc, bound_to)
