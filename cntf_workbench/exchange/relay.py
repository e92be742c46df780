"""The 1-to-1 bucket relay (バケツリレー): each firm asks its own suppliers and answers its own
customer only.

A PULL request enters at a final maker. Each firm that receives a ``RequestCreated`` checks its
contract with the requester, asks each of its suppliers in turn (with a deadline that leaves it
time to compute), computes its own footprint from its private records plus the signed answers it
received (verified, bound to its own request so an old answer cannot be replayed), signs the
result and sends it back in a ``RequestFulfilled`` — at the granularity and in the PACT version
that this customer's contract says. A supplier that does not answer in time, refuses, or answers
with an invalid or unverifiable footprint is replaced by the database factor of what it sells,
and the part is listed as estimated.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import orjson

from cntf_workbench.errors import CntfError
from cntf_workbench.exchange import pact, signing
from cntf_workbench.exchange.bus import Bus, Message, firm_urn, parse_product_urn, product_urn
from cntf_workbench.exchange.contracts import ContractViolation
from cntf_workbench.exchange.firms import Firm, purchased_rows, sim_id
from cntf_workbench.exchange.network import Network
from cntf_workbench.factors import FactorTable


@dataclass
class _Waiting:
    request_id: str
    customer: str
    deadline: float
    hop: int


@dataclass
class _State:
    started: bool = False
    waiting: list[_Waiting] = field(default_factory=list)
    pending: dict = field(default_factory=dict)  # request id -> (Link, deadline)
    answers: dict = field(default_factory=dict)  # (supplier, item) -> (pcf, share, pf_id, doc)
    failures: dict = field(default_factory=dict)  # (supplier, item) -> reason
    rows: list | None = None
    estimated: list = field(default_factory=list)
    hop: int = 0
    done_at: float | None = None
    final: bool = False
    document: dict | None = None


def per_declared_unit(doc: dict, product) -> float:
    """A footprint per declared unit of the product in our tables [kg-CO2e/unit].

    PACT states the footprint per ``declaredUnitAmount`` of ``declaredUnitOfMeasurement``
    (``declaredUnit`` in v2.3). v2.3 has no "piece", so a per-piece footprint travels per
    kilogram with the product's mass as the amount; this undoes either form.
    """
    pcf = doc["pcf"]
    total = pact.total(doc)
    if "declaredUnitAmount" in pcf:  # v3: the PCF is for declaredUnitAmount units
        per = total / float(pcf["declaredUnitAmount"])
        measure = pcf.get("declaredUnitOfMeasurement")
    else:  # v2.3: the PCF is for one declared unit
        per = total
        measure = pcf.get("declaredUnit")
    if product.unit == "unit" and measure == "kilogram":
        return per * product.mass_kg
    return per


def requested_products(event: dict) -> list[str]:
    """Product URNs a RequestCreated event asks for (v3 ``productId``, v2 ``pf.productIds``)."""
    data = event.get("data") or {}
    ids = data.get("productId") or (data.get("pf") or {}).get("productIds") or []
    return [str(x) for x in ids]


class RelayFirm(Firm):
    """A firm that takes part in the bucket relay."""

    def __init__(self, *args, run_id: str = "run-1", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.run_id = run_id
        self._state: dict[str, _State] = {}
        self.received_docs: list[dict] = []  # verified footprints from suppliers (and forwards)
        self.refusals: list[dict] = []

    # -- helpers ---------------------------------------------------------------------------
    def _time(self, bus: Bus):
        from datetime import timedelta

        return self.settings.created + timedelta(hours=bus.now)

    def _refuse(self, bus: Bus, counterpart: str, subject: str, reason: str) -> None:
        self.refusals.append({"counterpart": counterpart, "subject": subject, "reason": reason})
        bus.ledger.append(
            "refusal",
            self.party_id,
            counterpart=counterpart,
            subject=subject,
            detail={"reason": reason},
            at=bus.now,
        )

    def _reject(self, bus: Bus, msg: Message, request_id: str, code: str, text: str) -> None:
        self._refuse(bus, msg.sender, "RequestCreated", text)
        event = pact.request_rejected(
            source=self.urn,
            request_event_id=request_id,
            code=code,
            message=text,
            event_id=sim_id("rej", self.run_id, self.party_id, request_id),
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

    # -- entry point of a PULL -------------------------------------------------------------
    def start(self, item_code: str, bus: Bus) -> None:
        """Begin a PULL for one of the firm's own products (the firm is the final maker)."""
        state = self._state.setdefault(item_code, _State())
        state.final = True
        self._ask_suppliers(item_code, state, bus, bus.now + self.settings.deadline_hours, 0)

    def result(self, item_code: str) -> _State:
        """The state of a product after the run (rows, estimated, completion time)."""
        return self._state[item_code]

    # -- message handling ------------------------------------------------------------------
    def receive(self, msg: Message, bus: Bus) -> None:
        handler = {
            "RequestCreated": self._on_request,
            "RequestFulfilled": self._on_fulfilled,
            "RequestRejected": self._on_rejected,
            "Forward": self._on_forward,
        }.get(msg.kind)
        if handler is None:
            self._refuse(bus, msg.sender, msg.kind, f"未知のメッセージ種別 {msg.kind}")
            return
        handler(msg, bus)

    def _on_request(self, msg: Message, bus: Bus) -> None:
        try:
            event = orjson.loads(msg.body)
            pact.parse_event(event)
        except (ValueError, CntfError) as exc:
            self._refuse(bus, msg.sender, "RequestCreated", f"不正な依頼: {exc}")
            return
        request_id = str(event["id"])
        if self.fault == "silent":
            return
        wanted = requested_products(event)
        parsed = parse_product_urn(wanted[0]) if len(wanted) == 1 else None
        if parsed is None or parsed[0] != self.party_id or parsed[1] not in self.products:
            self._reject(
                bus, msg, request_id, "NotFound", f"{self.party_id} の製品ではありません: {wanted}"
            )
            return
        item = parsed[1]
        try:
            self.contracts.check(
                self.party_id, msg.sender, item, "total", self.settings.purpose, self.settings.as_of
            )
        except ContractViolation as exc:
            self._reject(bus, msg, request_id, "AccessDenied", exc.message)
            return
        if self.fault == "refuse":
            self._reject(
                bus, msg, request_id, "AccessDenied", f"{self.party_id} は回答を断りました"
            )
            return
        deadline = float(msg.headers.get("deadline", bus.now + self.settings.deadline_hours))
        hop = int(msg.headers.get("hop", 0))
        state = self._state.setdefault(item, _State())
        waiting = _Waiting(request_id, msg.sender, deadline, hop)
        state.waiting.append(waiting)
        if state.rows is not None:
            self._answer(item, state, waiting, bus)
        elif not state.started:
            self._ask_suppliers(item, state, bus, deadline, hop)

    def _ask_suppliers(self, item: str, state: _State, bus: Bus, deadline: float, hop: int) -> None:
        state.started = True
        state.hop = hop
        own_deadline = deadline - self.response_hours
        links = self._suppliers_of(item)
        for link in links:
            request_id = sim_id(
                "req", self.run_id, self.party_id, item, link.supplier, link.supplier_item
            )
            event = pact.request_created(
                source=self.urn,
                product_ids=[product_urn(link.supplier, link.supplier_item)],
                company_ids=[firm_urn(link.supplier)],
                event_id=request_id,
                time=self._time(bus),
            )
            state.pending[request_id] = link
            bus.send(
                self.party_id,
                link.supplier,
                "RequestCreated",
                pact.to_bytes(event),
                headers={"deadline": own_deadline, "hop": hop + 1},
            )
        if links:
            bus.timer(self.party_id, own_deadline, ("deadline", item))
        else:
            self._finish(item, state, bus)

    def _find_pending(self, request_id: str):
        for item, state in self._state.items():
            if request_id in state.pending:
                return item, state
        return None, None

    def _on_fulfilled(self, msg: Message, bus: Bus) -> None:
        try:
            event = orjson.loads(msg.body)
            request_id = str(event["data"]["requestEventId"])
        except (ValueError, KeyError, TypeError) as exc:
            self._refuse(bus, msg.sender, "RequestFulfilled", f"読めない回答: {exc}")
            return
        item, state = self._find_pending(request_id)
        if state is None:
            self._refuse(
                bus,
                msg.sender,
                "RequestFulfilled",
                "待っていない依頼への回答（期限切れ・再送・なりすましの疑い）",
            )
            return
        link = state.pending[request_id]
        key = (link.supplier, link.supplier_item)
        try:
            if msg.sender != link.supplier:
                raise signing.SignatureError(
                    f"依頼先 {link.supplier} 以外（{msg.sender}）からの回答"
                )
            pact.parse_event(event)
            doc = event["data"]["pfs"][0]
            signed = signing.verify(doc, keyring=self.keyring, expect_bound_to=request_id)
            if signed.signer != firm_urn(link.supplier):
                raise signing.SignatureError(f"署名者 {signed.signer} が依頼先と違います")
            if product_urn(*key) not in [str(p) for p in doc.get("productIds", [])]:
                raise pact.PactError("依頼した製品と違う製品の回答です")
            share_text = doc["pcf"].get("primaryDataShare")
            share = None if share_text is None else float(share_text) / 100.0
            per_unit = per_declared_unit(doc, self.catalogue[key])
        except (CntfError, KeyError, TypeError, ValueError, IndexError) as exc:
            del state.pending[request_id]
            state.failures[key] = f"{link.supplier} の回答が無効（{exc}）"
            self._refuse(bus, msg.sender, "RequestFulfilled", state.failures[key])
            self._maybe_finish(item, state, bus)
            return
        # the purchase record in the firm's own vocabulary (CIOF 辞書), and back
        local = self.dictionary.from_canonical(
            {"item_code": link.customer_code, "pcf": per_unit, "primary_share": share or 0.0}
        )
        canonical = self.dictionary.to_canonical(local)
        del state.pending[request_id]
        state.answers[key] = (
            float(canonical["pcf"]),
            None if share is None else float(canonical["primary_share"]),
            str(doc["id"]),
            doc,
        )
        self.received_docs.append(doc)
        state.hop = max(state.hop, int(msg.headers.get("hop", 0)))
        self._maybe_finish(item, state, bus)

    def _on_rejected(self, msg: Message, bus: Bus) -> None:
        try:
            event = orjson.loads(msg.body)
            pact.parse_event(event)
            request_id = str(event["data"]["requestEventId"])
            code = str(event["data"]["error"]["code"])
        except (ValueError, KeyError, TypeError, CntfError):
            self._refuse(bus, msg.sender, "RequestRejected", "読めない拒否")
            return
        item, state = self._find_pending(request_id)
        if state is None:
            return
        link = state.pending.pop(request_id)
        state.failures[(link.supplier, link.supplier_item)] = f"{link.supplier} が拒否（{code}）"
        state.hop = max(state.hop, int(msg.headers.get("hop", 0)))
        self._maybe_finish(item, state, bus)

    def _on_forward(self, msg: Message, bus: Bus) -> None:
        try:
            doc = orjson.loads(msg.body)
            if pact.validate(doc):
                raise pact.PactError("; ".join(pact.validate(doc)))
            signing.verify(doc, keyring=self.keyring)
        except (ValueError, CntfError) as exc:
            self._refuse(bus, msg.sender, "Forward", f"転送された回答が無効（{exc}）")
            return
        self.received_docs.append(doc)

    def on_timer(self, token, bus: Bus) -> None:
        _kind, item = token
        state = self._state[item]
        if state.rows is not None:
            return
        for request_id, link in list(state.pending.items()):
            state.failures[(link.supplier, link.supplier_item)] = (
                f"{link.supplier} から期限までに回答なし"
            )
            del state.pending[request_id]
        self._finish(item, state, bus)

    def _maybe_finish(self, item: str, state: _State, bus: Bus) -> None:
        if not state.pending and state.rows is None:
            self._finish(item, state, bus)

    # -- computing and answering -----------------------------------------------------------
    def _finish(self, item: str, state: _State, bus: Bus) -> None:
        rows = list(self.own(item))
        estimated: list[str] = []
        for link in self._suppliers_of(item):
            key = (link.supplier, link.supplier_item)
            if key in state.answers:
                pcf, share, pf_id, doc = state.answers[key]
                rows += purchased_rows(
                    link,
                    self.catalogue,
                    self.factors,
                    pcf=pcf,
                    primary_share=share,
                    source=f"pact:{pf_id}",
                )
                estimated += pact.estimated(doc)
            else:
                reason = state.failures.get(key, f"{link.supplier} から回答なし")
                rows += purchased_rows(link, self.catalogue, self.factors, pcf=None, reason=reason)
                estimated.append(f"{link.supplier}:{link.supplier_item}")
                bus.ledger.append(
                    "fallback",
                    self.party_id,
                    counterpart=link.supplier,
                    subject=f"{link.supplier}:{link.supplier_item}",
                    detail={"reason": reason},
                    at=bus.now,
                )
        state.rows = rows
        state.estimated = sorted(set(estimated))
        if state.final:
            state.done_at = bus.now + self.response_hours
            state.document = self.document(
                item,
                rows,
                granularity="process",
                spec="3",
                bound_to=None,
                itemise={link.supplier for link in self._suppliers_of(item)},
                estimated=estimated,
            )
        for waiting in state.waiting:
            self._answer(item, state, waiting, bus)

    def _answer(self, item: str, state: _State, waiting: _Waiting, bus: Bus) -> None:
        try:
            contract = self.contracts.check(
                self.party_id,
                waiting.customer,
                item,
                "total",
                self.settings.purpose,
                self.settings.as_of,
            )
        except ContractViolation as exc:  # pragma: no cover - checked on receipt already
            self._refuse(bus, waiting.customer, "RequestFulfilled", exc.message)
            return
        onward = set()
        for link in self._suppliers_of(item):
            key = (link.supplier, link.supplier_item)
            if key not in state.answers:
                continue
            c = self.contracts.find(
                link.supplier,
                self.party_id,
                link.supplier_item,
                self.settings.purpose,
                self.settings.as_of,
            )
            if c is not None and c.allows_onward(waiting.customer):
                onward.add(link.supplier)
        doc = self.document(
            item,
            state.rows,
            granularity=contract.granularity,
            spec=contract.spec,
            bound_to=waiting.request_id,
            itemise=onward,
            estimated=state.estimated,
        )
        event = pact.request_fulfilled(
            source=self.urn,
            request_event_id=waiting.request_id,
            footprints=[doc],
            event_id=sim_id("ful", self.run_id, self.party_id, waiting.request_id),
            time=self._time(bus),
            spec=contract.spec,
            check=False,
        )
        if self.fault == "invalid":  # a broken footprint: negative PCF, signature kept
            broken = dict(doc)
            broken["pcf"] = {
                k: ("-1" if k in ("pcfExcludingBiogenicUptake", "pCfExcludingBiogenic") else v)
                for k, v in doc["pcf"].items()
            }
            event["data"]["pfs"] = [broken]
        delay = self.response_hours
        if self.fault == "late":
            delay = max(
                self.response_hours * self.settings.late_factor, waiting.deadline - bus.now + 1.0
            )
        bus.send(
            self.party_id,
            waiting.customer,
            "RequestFulfilled",
            pact.to_bytes(event),
            delay=delay,
            headers={"hop": state.hop + 1},
        )
        for link in self._suppliers_of(item):
            if link.supplier in onward:
                supplier_doc = state.answers[(link.supplier, link.supplier_item)][3]
                self.forward(supplier_doc, waiting.customer, bus, delay=delay, hop=state.hop + 1)

    def forward(self, doc: dict, to: str, bus: Bus, *, delay: float = 0.0, hop: int = 0) -> None:
        """Pass a supplier's signed footprint on to ``to`` — only where the supplier's contract
        allows it.

        Raises
        ------
        ContractViolation
            The contract forbids it (the refusal is written to the ledger first).
        """
        owner, item = parse_product_urn(str(doc["productIds"][0])) or ("", "")
        try:
            self.contracts.check_onward(
                owner, self.party_id, to, item, self.settings.purpose, self.settings.as_of
            )
        except ContractViolation as exc:
            self._refuse(bus, to, "Forward", exc.message)
            raise
        bus.send(
            self.party_id, to, "Forward", pact.to_bytes(doc), delay=delay, headers={"hop": hop}
        )


def simulate(
    net: Network,
    product: tuple[str, str] | None = None,
    *,
    faults: dict[str, str] | None = None,
    granularity: str | None = None,
    run_id: str = "run-1",
    factors: FactorTable | None = None,
    inspect: bool = True,
    keys: dict | None = None,
    timings: dict | None = None,
):
    """Run one PULL through the bucket relay.

    Parameters
    ----------
    net : Network
    product : (firm_id, item_code), optional
        The final product; the network's first final product when omitted.
    faults : dict, optional
        ``{firm_id: "silent" | "late" | "refuse" | "invalid"}``.
    granularity : {"total", "stage", "process"}, optional
        Override every firm-to-firm contract's granularity (for what-if comparisons).
    run_id : str
        Distinguishes runs (request ids depend on it, so answers of one run cannot be replayed
        into another).
    factors : FactorTable, optional
    inspect : bool
        Record exposure by decoding every delivered message.
    keys : dict, optional
        ``{firm_id: Ed25519PrivateKey}``; derived from the firm ids when omitted.
    timings : dict, optional
        Filled with ``setup_s`` (building the firms) and ``pull_s`` (the PULL) [s].

    Returns
    -------
    RunResult
    """
    from cntf_workbench.exchange.metrics import RunResult
    from cntf_workbench.exchange.parties import build, pull

    begun = time.perf_counter()
    bus = Bus(inspect=inspect)
    firms = build(
        net,
        RelayFirm,
        bus,
        faults=faults,
        granularity=granularity,
        factors=factors,
        keys=keys,
        run_id=run_id,
    )
    firm_id, item = pull(net, product, firms, bus, faults, timings, begun)
    state = firms[firm_id].result(item)
    return RunResult.from_run(
        "relay",
        net,
        (firm_id, item),
        bus,
        firms,
        rows=state.rows,
        estimated=state.estimated,
        document=state.document,
        completed_at=state.done_at,
        hops=state.hop,
    )
