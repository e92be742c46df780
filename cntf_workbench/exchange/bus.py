"""The message bus: the only way parties of the simulation talk, counted byte by byte.

Parties never hand each other Python objects. A party sends ``bytes`` (PACT events, uploads)
through :class:`Bus`, which delivers them in simulated time, writes a ledger entry for every
message, counts messages and bytes, and — by decoding what actually crossed — records which
private items became visible to whom (:func:`disclosed_items`). So what a firm learns is exactly
what it was sent, and exposure is measured on the wire, not on intentions.

Time is simulated in hours; a message is delivered when its sender says it is sent (the time a
firm needs to compute and approve an answer is the sender's delay, transit is instantaneous).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from cntf_workbench.exchange.ledger import Ledger

LEDGER_KIND: dict[str, str] = {
    "RequestCreated": "request",
    "RequestFulfilled": "transfer",
    "RequestRejected": "refusal",
    "Forward": "transfer",
    "Upload": "upload",
}
"""Ledger kind written for each message kind."""

FIRM_URN = "urn:cntf:firm:"
PRODUCT_URN = "urn:cntf:product:"
_RECORD = re.compile(r"\[([^\]]+)\]\s*$")


def firm_urn(firm_id: str) -> str:
    """``urn:cntf:firm:<id>``."""
    return f"{FIRM_URN}{firm_id}"


def product_urn(firm_id: str, item_code: str) -> str:
    """``urn:cntf:product:<firm>:<item>``."""
    return f"{PRODUCT_URN}{firm_id}:{item_code}"


def parse_product_urn(urn: str) -> tuple[str, str] | None:
    """``(firm_id, item_code)`` of a product URN, or None when it is not one."""
    if not urn.startswith(PRODUCT_URN):
        return None
    rest = urn[len(PRODUCT_URN) :]
    firm, sep, item = rest.partition(":")
    return (firm, item) if sep and firm and item else None


@dataclass(order=True)
class Message:
    """One message in flight.

    Attributes
    ----------
    at : float
        Delivery time [h].
    seq : int
        Tie-breaker (send order).
    sender, recipient, kind : str
    body : bytes
        What crosses the wire.
    headers : dict
        Transport metadata (``deadline`` [h], ``hop``), like HTTP headers.
    sent_at : float
        When the sender handed it to the bus [h].
    """

    at: float
    seq: int
    sender: str = field(compare=False)
    recipient: str = field(compare=False)
    kind: str = field(compare=False)
    body: bytes = field(compare=False, repr=False)
    headers: dict = field(compare=False, default_factory=dict)
    sent_at: float = field(compare=False, default=0.0)


class Party(Protocol):
    """Anything that can receive messages."""

    party_id: str

    def receive(self, message: Message, bus: Bus) -> None: ...

    def on_timer(self, token: Any, bus: Bus) -> None: ...


def _breakdown_lines(doc: dict) -> list[dict]:
    for ext in doc.get("extensions") or []:
        if isinstance(ext, dict) and "breakdown" in str(ext.get("dataSchema", "")):
            data = ext.get("data") or {}
            return list(data.get("rows") or [])
    return []


def disclosed_items(kind: str, body: bytes) -> set[str]:
    """The private items whose content a message reveals, read from its bytes.

    Item keys: ``pcf:<firm>:<item>`` (a product's footprint), ``stage:<firm>:<item>:<stage>``
    (a stage figure), ``process:<firm>:<record_id>`` (a process record or its figure),
    ``supplier:<firm>:<supplier firm>`` (one entry of a firm's supplier list).

    Parameters
    ----------
    kind : str
        Message kind.
    body : bytes
        The bytes that crossed.

    Returns
    -------
    set of str
    """
    if kind not in ("RequestFulfilled", "Forward", "Upload"):
        return set()
    doc = orjson.loads(body)
    items: set[str] = set()
    if kind == "Upload":
        firm = str(doc.get("firm", ""))
        for r in doc.get("records", []):
            if "record_id" in r:
                items.add(f"process:{firm}:{r['record_id']}")
            if "item_code" in r and "stage" in r:
                items.add(f"stage:{firm}:{r['item_code']}:{r['stage']}")
        for r in doc.get("stages", []):
            if "item_code" in r and "stage" in r:
                items.add(f"stage:{firm}:{r['item_code']}:{r['stage']}")
        for r in doc.get("links", []):
            if "supplier_firm_id" in r:
                items.add(f"supplier:{firm}:{r['supplier_firm_id']}")
        return items
    if kind == "Forward":
        docs = [doc]
    else:
        data = doc.get("data") if isinstance(doc, dict) else None
        pfs = data.get("pfs") if isinstance(data, dict) else None
        docs = [d for d in pfs if isinstance(d, dict)] if isinstance(pfs, list) else []
    for pf in docs:
        ids = pf.get("productIds") or []
        parsed = parse_product_urn(str(ids[0])) if ids else None
        if parsed is None:
            continue
        firm, item = parsed
        items.add(f"pcf:{firm}:{item}")
        for line in _breakdown_lines(pf):
            label = str(line.get("label", ""))
            level = str(line.get("level", ""))
            if label.startswith("購入品 "):
                supplier = label[len("購入品 ") :].split(":")[0]
                items.add(f"supplier:{firm}:{supplier}")
                continue
            if label.startswith("購入品"):
                continue
            match = _RECORD.search(label)
            if level == "process" and match:
                items.add(f"process:{firm}:{match.group(1)}")
                items.add(f"stage:{firm}:{item}:{label.split('/')[0].strip()}")
            elif level == "stage":
                items.add(f"stage:{firm}:{item}:{label.strip()}")
    return items


@dataclass
class Delivery:
    """One delivered message, as logged by the bus (no body)."""

    sender: str
    recipient: str
    kind: str
    bytes: int
    sent_at: float
    at: float
    hop: int


class Bus:
    """Delivers messages in simulated time and counts what crosses.

    Parameters
    ----------
    ledger : Ledger, optional
        Where every message is recorded (a new one when omitted).
    inspect : bool
        Decode every delivered body to record exposure (:func:`disclosed_items`).
    """

    def __init__(self, ledger: Ledger | None = None, inspect: bool = True) -> None:
        self.ledger = ledger if ledger is not None else Ledger()
        self.inspect = inspect
        self.parties: dict[str, Party] = {}
        self.deliveries: list[Delivery] = []
        self.seen: dict[tuple[str, str], set[str]] = {}  # (viewer, item) pairs as viewer→items
        self.now = 0.0
        self._queue: list = []
        self._seq = 0
        self.messages = 0
        self.bytes = 0
        self.observers: list[Callable[[Message], None]] = []

    def register(self, party: Party) -> None:
        """Add a party; its id must be unique."""
        if party.party_id in self.parties:
            raise ValueError(f"party {party.party_id} registered twice")
        self.parties[party.party_id] = party

    def send(
        self,
        sender: str,
        recipient: str,
        kind: str,
        body: bytes,
        *,
        delay: float = 0.0,
        headers: dict | None = None,
    ) -> None:
        """Queue ``body`` from ``sender`` to ``recipient``, delivered ``delay`` hours from now.

        Raises
        ------
        TypeError
            ``body`` is not bytes (parties may only exchange bytes).
        KeyError
            Unknown recipient.
        """
        if not isinstance(body, bytes | bytearray):
            raise TypeError("only bytes cross the bus")
        if recipient not in self.parties:
            raise KeyError(f"unknown recipient {recipient}")
        self._seq += 1
        msg = Message(
            at=self.now + delay,
            seq=self._seq,
            sender=sender,
            recipient=recipient,
            kind=kind,
            body=bytes(body),
            headers=dict(headers or {}),
            sent_at=self.now + delay,
        )
        heapq.heappush(self._queue, (msg.at, 0, msg.seq, "msg", msg))

    def timer(self, party_id: str, at: float, token: Any) -> None:
        """Call ``party.on_timer(token)`` at time ``at`` (not a message: nothing crosses).

        A message delivered at the same time as a timer comes first (an answer that arrives
        exactly at the deadline is in time)."""
        self._seq += 1
        heapq.heappush(self._queue, (max(at, self.now), 1, self._seq, "timer", (party_id, token)))

    def run(self, until: float | None = None) -> None:
        """Deliver messages and fire timers in time order until none is left (or ``until``)."""
        while self._queue:
            at, _prio, _seq, what, item = self._queue[0]
            if until is not None and at > until:
                return
            heapq.heappop(self._queue)
            self.now = at
            if what == "timer":
                party_id, token = item
                self.parties[party_id].on_timer(token, self)
                continue
            self._deliver(item)

    def _deliver(self, msg: Message) -> None:
        size = len(msg.body)
        self.messages += 1
        self.bytes += size
        hop = int(msg.headers.get("hop", 1))
        self.deliveries.append(
            Delivery(msg.sender, msg.recipient, msg.kind, size, msg.sent_at, msg.at, hop)
        )
        self.ledger.append(
            LEDGER_KIND.get(msg.kind, "transfer"),
            msg.sender,
            counterpart=msg.recipient,
            subject=msg.kind,
            payload=msg.body,
            at=msg.at,
        )
        if self.inspect:
            items = disclosed_items(msg.kind, msg.body)
            if items:
                self.seen.setdefault(msg.recipient, set()).update(items)
        for observer in self.observers:
            observer(msg)
        self.parties[msg.recipient].receive(msg, self)

    def learn(self, viewer: str, items: set[str]) -> None:
        """Record items a party derives from what it received (the central platform computes
        every footprint from the uploads)."""
        self.seen.setdefault(viewer, set()).update(items)
