"""Many-to-1 central aggregation (中央集約): every firm uploads to one platform that computes.

A PULL request enters at a final maker, which asks the platform. The platform sends a data call
(``RequestCreated``) to every registered firm; each firm checks its upload contract with the
platform and uploads, signed, either its activity data (process records, ``upload="process"``) or
its own stage figures (``upload="stage"``), together with its supplier list. When all uploads are
in (or at the deadline) the platform computes every footprint at once — one sparse triangular
solve over the product graph (:func:`cntf_workbench.cfp.bom.rollup`) — and answers the final
maker with a footprint it signs. A firm that does not upload, refuses, uploads late or uploads
something invalid is replaced by the database factor of what it sells, as in the relay.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta

import orjson
import pandas as pd

from cntf_workbench import units
from cntf_workbench.cfp.bom import rollup
from cntf_workbench.errors import CntfError
from cntf_workbench.exchange import pact, signing
from cntf_workbench.exchange.bus import Bus, Message, firm_urn, product_urn
from cntf_workbench.exchange.contracts import ContractBook, ContractViolation
from cntf_workbench.exchange.firms import (
    PACT_UNITS,
    Firm,
    Link,
    _blank,
    breakdown_lines,
    own_rows,
    purchased_rows,
    sim_id,
)
from cntf_workbench.exchange.network import PLATFORM, Network
from cntf_workbench.exchange.relay import requested_products
from cntf_workbench.factors import FactorTable

UPLOAD_TYPE = "cntf.upload.v1"
UPLOADS: tuple[str, ...] = ("process", "stage")


class CentralFirm(Firm):
    """A firm that uploads to the central platform."""

    def __init__(self, *args, run_id: str = "run-1", upload: str = "process", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if upload not in UPLOADS:
            raise ValueError(f"upload must be one of {UPLOADS}")
        self.run_id = run_id
        self.upload = upload
        self.answer: dict | None = None
        self.request_id: str | None = None
        self.done_at: float | None = None

    def _time(self, bus: Bus):
        return self.settings.created + timedelta(hours=bus.now)

    def start(self, item_code: str, bus: Bus) -> None:
        """Ask the platform for the footprint of one of the firm's own products."""
        self.request_id = sim_id("creq", self.run_id, self.party_id, item_code)
        event = pact.request_created(
            source=self.urn,
            product_ids=[product_urn(self.party_id, item_code)],
            company_ids=[self.urn],
            event_id=self.request_id,
            time=self._time(bus),
            check=False,
        )
        bus.send(
            self.party_id,
            PLATFORM,
            "RequestCreated",
            pact.to_bytes(event),
            headers={"deadline": bus.now + self.settings.deadline_hours, "hop": 1},
        )

    def receive(self, msg: Message, bus: Bus) -> None:
        if msg.kind == "RequestCreated":
            self._on_data_call(msg, bus)
        elif msg.kind == "RequestFulfilled":
            self._on_answer(msg, bus)
        else:
            bus.ledger.append(
                "refusal",
                self.party_id,
                counterpart=msg.sender,
                subject=msg.kind,
                detail={"reason": "想定外のメッセージ"},
                at=bus.now,
            )

    def on_timer(self, token, bus: Bus) -> None:  # pragma: no cover - firms set no timers here
        return

    def _reject(self, msg: Message, bus: Bus, request_id: str, code: str, text: str) -> None:
        bus.ledger.append(
            "refusal",
            self.party_id,
            counterpart=msg.sender,
            subject="RequestCreated",
            detail={"reason": text},
            at=bus.now,
        )
        event = pact.request_rejected(
            source=self.urn,
            request_event_id=request_id,
            code=code,
            message=text,
            event_id=sim_id("crej", self.run_id, self.party_id),
            time=self._time(bus),
            check=False,
        )
        bus.send(
            self.party_id,
            msg.sender,
            "RequestRejected",
            pact.to_bytes(event),
            delay=self.response_hours,
            headers={"hop": int(msg.headers.get("hop", 0)) + 1},
        )

    def upload_document(self, granularity: str, request_id: str) -> dict:
        """What the firm uploads: its records (or stage figures) and its supplier list, signed."""
        doc: dict = {
            "type": UPLOAD_TYPE,
            "firm": self.party_id,
            "requestEventId": request_id,
            "granularity": granularity,
            "electricityFactorId": self.electricity_factor_id,
            "products": sorted(self.products),
            "links": [
                {
                    "item_code": s.item_code,
                    "customer_code": s.customer_code,
                    "supplier_firm_id": s.supplier,
                    "supplier_item": s.supplier_item,
                    "quantity": s.quantity,
                    "unit": s.unit,
                    "stage": s.stage,
                }
                for item in sorted(self.products)
                for s in self._suppliers_of(item)
            ],
            "extensions": [],
        }
        if granularity == "process":
            doc["records"] = [
                {  # an empty factor_id is left out (the firm's or the default factor applies)
                    k: r[k]
                    for k in (
                        "record_id",
                        "item_code",
                        "stage",
                        "process",
                        "activity",
                        "amount",
                        "unit",
                        "factor_id",
                        "data_kind",
                    )
                    if not (k == "factor_id" and _blank(r.get(k)))
                }
                for item in sorted(self.products)
                for r in self._records_of(item)
            ]
        else:
            stages: dict[tuple[str, str], dict] = {}
            for item in sorted(self.products):
                for row in self.own(item):
                    s = stages.setdefault(
                        (item, row["stage_name"]),
                        {"item_code": item, "stage": row["stage_name"], "kg": [], "primary": []},
                    )
                    s["kg"].append(row["kg_co2e"])
                    if row["data_kind"] in ("measured", "disclosed"):
                        s["primary"].append(row["kg_co2e"])
            doc["stages"] = [
                {
                    "item_code": s["item_code"],
                    "stage": s["stage"],
                    "kg_co2e": math.fsum(s["kg"]),
                    "primary_kg_co2e": math.fsum(s["primary"]),
                }
                for s in stages.values()
            ]
        return self._sign(doc, request_id)

    def _on_data_call(self, msg: Message, bus: Bus) -> None:
        try:
            event = orjson.loads(msg.body)
            pact.parse_event(event)
        except (ValueError, CntfError):
            return
        request_id = str(event["id"])
        if msg.sender != PLATFORM or self.fault == "silent":
            return
        try:
            self.contracts.check(
                self.party_id,
                PLATFORM,
                "*",
                self.upload,
                self.settings.purpose,
                self.settings.as_of,
            )
        except ContractViolation as exc:
            self._reject(msg, bus, request_id, "AccessDenied", exc.message)
            return
        if self.fault == "refuse":
            self._reject(
                msg, bus, request_id, "AccessDenied", f"{self.party_id} は提供を断りました"
            )
            return
        doc = self.upload_document(self.upload, request_id)
        if self.fault == "invalid":
            doc = dict(doc)
            doc["links"] = [{**link, "quantity": -1} for link in doc["links"]] or [{"bad": 1}]
            doc.setdefault("records", [])
            doc["records"] = [{**r, "amount": "abc"} for r in doc.get("records", [])] or [
                {"record_id": "x"}
            ]
        deadline = float(msg.headers.get("deadline", bus.now + self.settings.deadline_hours))
        delay = self.response_hours
        if self.fault == "late":
            delay = max(self.response_hours * self.settings.late_factor, deadline - bus.now + 1.0)
        bus.send(
            self.party_id,
            PLATFORM,
            "Upload",
            pact.to_bytes(doc),
            delay=delay,
            headers={"hop": int(msg.headers.get("hop", 0)) + 1},
        )

    def _on_answer(self, msg: Message, bus: Bus) -> None:
        event = orjson.loads(msg.body)
        try:
            pact.parse_event(event)
            if event["data"]["requestEventId"] != self.request_id:
                raise signing.SignatureError("待っていない依頼への回答")
            doc = event["data"]["pfs"][0]
            signing.verify(doc, keyring=self.keyring, expect_bound_to=self.request_id)
        except (CntfError, KeyError, IndexError) as exc:
            bus.ledger.append(
                "refusal",
                self.party_id,
                counterpart=msg.sender,
                subject="RequestFulfilled",
                detail={"reason": str(exc)},
                at=bus.now,
            )
            return
        self.answer = doc
        self.done_at = bus.now


class Platform:
    """The central platform: collects every firm's data and computes every footprint.

    Parameters
    ----------
    registry : dict
        ``{firm_id: [item codes]}`` of the registered firms (public).
    catalogue : dict
        Public product catalogue.
    contracts : ContractBook
    factors : FactorTable
    key : Ed25519PrivateKey
    keyring : dict
    settings : Settings
    """

    def __init__(
        self,
        registry: dict[str, list[str]],
        catalogue: dict,
        contracts: ContractBook,
        factors: FactorTable,
        key,
        keyring: dict[str, str],
        settings,
        run_id: str = "run-1",
    ) -> None:
        self.party_id = PLATFORM
        self.urn = firm_urn(PLATFORM)
        self.registry = registry
        self.catalogue = catalogue
        self.contracts = contracts
        self.factors = factors
        self.keyring = keyring
        self.settings = settings
        self.run_id = run_id
        self.__key = key
        self.uploads: dict[str, dict] = {}
        self.failures: dict[str, str] = {}
        self._settled: set[str] = set()  # firms that uploaded or failed
        self.calls: dict[str, str] = {}  # data-call id -> firm
        self.request: tuple | None = None  # (requester, request id, (firm, item), deadline)
        self.computed = False
        self.rows: list[dict] | None = None
        self.estimated: list[str] = []
        self.pcf: pd.Series | None = None
        self.document: dict | None = None
        self.hop = 0

    def _time(self, bus: Bus):
        return self.settings.created + timedelta(hours=bus.now)

    def _refuse(self, bus: Bus, counterpart: str, subject: str, reason: str) -> None:
        bus.ledger.append(
            "refusal",
            PLATFORM,
            counterpart=counterpart,
            subject=subject,
            detail={"reason": reason},
            at=bus.now,
        )

    def receive(self, msg: Message, bus: Bus) -> None:
        if msg.kind == "RequestCreated":
            self._on_request(msg, bus)
        elif msg.kind == "Upload":
            self._on_upload(msg, bus)
        elif msg.kind == "RequestRejected":
            event = orjson.loads(msg.body)
            firm = self.calls.get(str(event["data"]["requestEventId"]))
            if firm is not None and firm not in self.uploads:
                self.failures[firm] = f"{firm} が提供を拒否（{event['data']['error']['code']}）"
                self._settled.add(firm)
                self._maybe_compute(bus)
        else:
            self._refuse(bus, msg.sender, msg.kind, "想定外のメッセージ")

    def _on_request(self, msg: Message, bus: Bus) -> None:
        event = orjson.loads(msg.body)
        pact.parse_event(event)
        wanted = requested_products(event)
        firm, _sep, item = wanted[0][len("urn:cntf:product:") :].partition(":")
        if firm != msg.sender:
            self._refuse(bus, msg.sender, "RequestCreated", "自社以外の製品の算定依頼")
            reject = pact.request_rejected(
                source=self.urn,
                request_event_id=str(event["id"]),
                code="AccessDenied",
                message="自社の製品だけを依頼できます",
                event_id=sim_id("prej", self.run_id, event["id"]),
                time=self._time(bus),
            )
            bus.send(PLATFORM, msg.sender, "RequestRejected", pact.to_bytes(reject))
            return
        deadline = float(msg.headers.get("deadline", bus.now + self.settings.deadline_hours))
        self.request = (msg.sender, str(event["id"]), (firm, item), deadline)
        own_deadline = deadline - self.settings.platform_hours
        for fid in self.registry:
            call_id = sim_id("call", self.run_id, fid)
            self.calls[call_id] = fid
            call = pact.request_created(
                source=self.urn,
                product_ids=[product_urn(fid, i) for i in self.registry[fid]],
                company_ids=[firm_urn(fid)],
                event_id=call_id,
                time=self._time(bus),
            )
            bus.send(
                PLATFORM,
                fid,
                "RequestCreated",
                pact.to_bytes(call),
                headers={"deadline": own_deadline, "hop": 2},
            )
        bus.timer(PLATFORM, own_deadline, "deadline")

    def _on_upload(self, msg: Message, bus: Bus) -> None:
        firm = msg.sender
        try:
            doc = orjson.loads(msg.body)
            signed = signing.verify(doc, keyring=self.keyring)
            if signed.signer != firm_urn(firm) or doc.get("firm") != firm:
                raise signing.SignatureError(f"{firm} 以外の署名または企業名")
            call = self.calls.get(str(signed.bound_to))
            if call != firm:
                raise signing.SignatureError("データ要求に対応しないアップロード（再送の疑い）")
            if self.computed:
                raise CntfError("締め切り後のアップロード")
            self._check_upload(doc)
        except (ValueError, KeyError, TypeError, CntfError) as exc:
            self.failures.setdefault(firm, f"{firm} のアップロードが無効（{exc}）")
            if firm in self.registry:
                self._settled.add(firm)
            self._refuse(bus, firm, "Upload", str(exc))
            self._maybe_compute(bus)
            return
        self.uploads[firm] = doc
        self._settled.add(firm)
        self.hop = max(self.hop, int(msg.headers.get("hop", 0)))
        self._maybe_compute(bus)

    def _check_upload(self, doc: dict) -> None:
        for i, link in enumerate(doc.get("links", []), start=1):
            q = link.get("quantity")
            if not isinstance(q, int | float) or isinstance(q, bool) or not q >= 0:
                raise CntfError(f"供給関係 {i} の数量 {q!r} が 0 以上の数ではありません")
            if (link.get("supplier_firm_id"), link.get("supplier_item")) not in self.catalogue:
                raise CntfError(f"供給関係 {i} の購入品が登録されていません")
        for i, rec in enumerate(doc.get("records", []), start=1):
            a = rec.get("amount")
            if not isinstance(a, int | float) or isinstance(a, bool) or not a >= 0:
                raise CntfError(f"工程レコード {i} の活動量 {a!r} が 0 以上の数ではありません")
            units.parse_unit(str(rec.get("unit")))
        for i, st in enumerate(doc.get("stages", []), start=1):
            kg = st.get("kg_co2e")
            if not isinstance(kg, int | float) or not kg >= 0:
                raise CntfError(f"段階 {i} の排出量 {kg!r} が 0 以上の数ではありません")

    def on_timer(self, token, bus: Bus) -> None:
        if token == "deadline" and not self.computed:
            for fid in self.registry:
                if fid not in self.uploads:
                    self.failures.setdefault(fid, f"{fid} から期限までにアップロードなし")
            self._schedule(bus)
        elif token == "compute":
            self._compute(bus)

    def _maybe_compute(self, bus: Bus) -> None:
        if self.computed or self.request is None:
            return
        if len(self._settled) >= len(self.registry):
            self._schedule(bus)

    def _schedule(self, bus: Bus) -> None:
        if not self.computed:
            self.computed = True
            bus.timer(PLATFORM, bus.now + self.settings.platform_hours, "compute")

    # -- the computation -------------------------------------------------------------------
    def _own(self, firm: str, doc: dict) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {item: [] for item in doc["products"]}
        if doc["granularity"] == "process":
            rows = own_rows(doc["records"], self.factors, doc["electricityFactorId"])
            for r in rows:
                out[r["item"]].append(r)
        else:
            for st in doc["stages"]:
                kg, primary = float(st["kg_co2e"]), float(st["primary_kg_co2e"])
                base = {
                    "item": st["item_code"],
                    "activity": "段階の排出量（企業の申告）",
                    "amount": 1.0,
                    "unit": "unit",
                    "factor_id": f"upload:{firm}",
                    "factor_value": kg,
                    "factor_unit": "kg-CO2e/unit",
                    "factor_source": f"{firm} のアップロード（段階別）",
                    "scope": 3,
                    "scope3_category": 1,
                    "assumed": False,
                    "note": "",
                    "record_id": "",
                    "stage_name": st["stage"],
                    "stage": st["stage"],
                }
                out[st["item_code"]].append({**base, "data_kind": "measured", "kg_co2e": primary})
                if kg - primary:
                    out[st["item_code"]].append(
                        {**base, "data_kind": "database", "kg_co2e": kg - primary}
                    )
        return out

    def _compute(self, bus: Bus) -> None:
        own: dict[str, float] = {}
        primary: dict[str, float] = {}
        own_rows_of: dict[tuple[str, str], list[dict]] = {}
        links_of: dict[tuple[str, str], list[Link]] = {}
        edges = []
        for fid, doc in self.uploads.items():
            for item, rows in self._own(fid, doc).items():
                key = f"{fid}:{item}"
                own_rows_of[(fid, item)] = rows
                own[key] = math.fsum(r["kg_co2e"] for r in rows)
                primary[key] = math.fsum(
                    r["kg_co2e"] for r in rows if r["data_kind"] in ("measured", "disclosed")
                )
            for link in doc["links"]:
                lk = Link(
                    link["item_code"],
                    link["customer_code"],
                    link["supplier_firm_id"],
                    link["supplier_item"],
                    float(link["quantity"]),
                    link["unit"],
                    link["stage"],
                )
                links_of.setdefault((fid, lk.item_code), []).append(lk)
                edges.append(
                    (f"{fid}:{lk.item_code}", f"{lk.supplier}:{lk.supplier_item}", lk.quantity)
                )
        # a product whose maker did not upload, and that an uploaded firm buys: the database
        # factor of its category (products nobody buys need no estimate)
        bought = {(lk.supplier, lk.supplier_item) for group in links_of.values() for lk in group}
        for fid in self.registry:
            if fid in self.uploads:
                continue
            for item in self.registry[fid]:
                if (fid, item) not in bought:
                    continue
                product = self.catalogue[(fid, item)]
                rows = purchased_rows(
                    Link(item, item, fid, item, 1.0, product.unit, "推計"),
                    self.catalogue,
                    self.factors,
                    pcf=None,
                    reason=self.failures.get(fid, ""),
                )
                own[f"{fid}:{item}"] = math.fsum(r["kg_co2e"] for r in rows)
                primary[f"{fid}:{item}"] = 0.0
        edge_frame = pd.DataFrame(edges, columns=["parent", "child", "quantity"])
        own_s = pd.Series(own, dtype=float)
        pcf = rollup(edge_frame, own_s)
        prim = rollup(edge_frame, pd.Series(primary, dtype=float))
        self.pcf = pcf
        requester, request_id, (firm, item), _deadline = self.request
        rows = list(own_rows_of.get((firm, item), []))
        estimated: set[str] = set()
        upstream = _upstream(firm, item, links_of)
        for f, i in upstream:
            if f not in self.uploads:
                estimated.add(f"{f}:{i}")
        for link in links_of.get((firm, item), []):
            key = f"{link.supplier}:{link.supplier_item}"
            if link.supplier in self.uploads:
                total = float(pcf[key])
                share = float(prim[key]) / total if total > 0 else 0.0
                rows += purchased_rows(
                    link,
                    self.catalogue,
                    self.factors,
                    pcf=total,
                    primary_share=share,
                    source=f"platform:{key}",
                )
            else:
                rows += purchased_rows(
                    link,
                    self.catalogue,
                    self.factors,
                    pcf=None,
                    reason=self.failures.get(link.supplier, ""),
                )
        self.rows = rows
        self.estimated = sorted(estimated)
        for fid in self.uploads:
            for it in self.registry[fid]:
                bus.learn(PLATFORM, {f"pcf:{fid}:{it}"})
        for fid, reason in sorted(self.failures.items()):
            bus.ledger.append(
                "fallback",
                PLATFORM,
                counterpart=fid,
                subject=fid,
                detail={"reason": reason},
                at=bus.now,
            )
        product = self.catalogue[(firm, item)]
        total = math.fsum(r["kg_co2e"] for r in rows)
        prim_kg = math.fsum(
            r["kg_co2e"] for r in rows if r["data_kind"] in ("measured", "disclosed")
        )
        lines = breakdown_lines(
            rows, "process", {lk.supplier for lk in links_of.get((firm, item), [])}
        )
        doc = pact.from_footprint(
            total,
            company_name=product.firm_id,
            company_id=firm_urn(firm),
            product_id=product_urn(firm, item),
            product_name=product.name,
            product_description=f"{product.name}（中央集約基盤が算定）",
            declared_unit=PACT_UNITS[product.unit],
            unit_amount=1.0,
            product_mass_kg=product.mass_kg,
            period_start=self.settings.period_start,
            period_end=self.settings.period_end,
            primary_data_share=(prim_kg / total) if total > 0 else 0.0,
            breakdown=pd.DataFrame(lines) if lines else None,
            estimated=self.estimated or None,
            spec="3",
            created=self.settings.created,
            pf_id=sim_id("cpf", self.run_id, firm, item),
        )
        doc = signing.sign(
            doc, self.__key, signer=self.urn, bound_to=request_id, signed_at=self.settings.created
        )
        self.document = doc
        event = pact.request_fulfilled(
            source=self.urn,
            request_event_id=request_id,
            footprints=[doc],
            event_id=sim_id("cful", self.run_id, request_id),
            time=self._time(bus),
            check=False,
        )
        self.hop += 1
        bus.send(
            PLATFORM, requester, "RequestFulfilled", pact.to_bytes(event), headers={"hop": self.hop}
        )


def _upstream(firm: str, item: str, links_of: dict) -> set[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    stack = [(firm, item)]
    while stack:
        node = stack.pop()
        for link in links_of.get(node, []):
            child = (link.supplier, link.supplier_item)
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def simulate(
    net: Network,
    product: tuple[str, str] | None = None,
    *,
    faults: dict[str, str] | None = None,
    upload: str = "process",
    run_id: str = "run-1",
    factors: FactorTable | None = None,
    inspect: bool = True,
    keys: dict | None = None,
    timings: dict | None = None,
):
    """Run one PULL through the central platform.

    Parameters
    ----------
    net : Network
    product : (firm_id, item_code), optional
        The final product; the network's first final product when omitted.
    faults : dict, optional
        ``{firm_id: "silent" | "late" | "refuse" | "invalid"}``.
    upload : {"process", "stage"}
        What firms upload: activity data, or their own stage figures.
    run_id, factors, inspect, keys, timings
        As in :func:`cntf_workbench.exchange.relay.simulate`.

    Returns
    -------
    RunResult
    """
    from cntf_workbench.exchange.metrics import RunResult
    from cntf_workbench.exchange.parties import build, catalogue, contract_book, party_key, pull
    from cntf_workbench.factors import load_factors

    factors = factors if factors is not None else load_factors()
    keys = dict(keys or {})
    begun = time.perf_counter()
    bus = Bus(inspect=inspect)
    firms = build(
        net,
        CentralFirm,
        bus,
        faults=faults,
        factors=factors,
        keys=keys,
        run_id=run_id,
        upload=upload,
    )
    keys.setdefault(PLATFORM, party_key(PLATFORM))
    registry: dict[str, list[str]] = {}
    for f, i in zip(net.products["firm_id"], net.products["item_code"], strict=False):
        registry.setdefault(str(f), []).append(str(i))
    any_firm = next(iter(firms.values()))
    platform = Platform(
        registry,
        catalogue(net),
        contract_book(net),
        factors,
        keys[PLATFORM],
        any_firm.keyring,
        net.settings,
        run_id=run_id,
    )
    bus.register(platform)
    firm_id, item = pull(net, product, firms, bus, faults, timings, begun)
    done_at = firms[firm_id].done_at
    return RunResult.from_run(
        "central",
        net,
        (firm_id, item),
        bus,
        {**firms, PLATFORM: platform},
        rows=platform.rows,
        estimated=platform.estimated,
        document=platform.document,
        completed_at=done_at,
        hops=platform.hop,
    )
