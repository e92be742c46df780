"""The hash-chained, append-only ledger of the exchange: every request, transfer and refusal.

Each entry records who did what with whom (``kind``, ``actor``, ``counterpart``, ``subject``),
the SHA-256 and size of the bytes that crossed (``payload_sha256``, ``payload_bytes``), free
``detail``, the simulated time ``at``, and two hashes: ``prev_hash``, the hash of the entry
before it (64 zeros for the first), and ``hash``, the SHA-256 of the canonical JSON of the entry
without ``hash`` (:func:`cntf_workbench.exchange.pact.to_bytes`). Changing any field of any
entry, removing, inserting or reordering entries breaks the chain at that entry, and
:meth:`Ledger.verify` names the first index where it breaks.

What a chain cannot show by itself: the removal of the *last* entries, or a chain rewritten
from some point on with fresh hashes. Against those, keep the :attr:`Ledger.head` hash outside
(each party keeps the head it saw, or it goes into a signed message) and pass it to
``verify(expect_head=...)``.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from cntf_workbench.errors import CntfError
from cntf_workbench.exchange.pact import PactError, to_bytes

__all__ = [
    "GENESIS",
    "KINDS",
    "Ledger",
    "LedgerEntry",
    "LedgerError",
]

GENESIS = "0" * 64
"""``prev_hash`` of the first entry."""

KINDS = {
    "request": "依頼",
    "transfer": "送付",
    "refusal": "拒否",
    "upload": "アップロード",
    "fallback": "二次データで代替",
}
"""Usual entry kinds and their Japanese names (other kinds are allowed)."""

COLUMNS_JA = {
    "index": "番号",
    "kind": "種別",
    "actor": "行為者",
    "counterpart": "相手",
    "subject": "対象",
    "payload_sha256": "内容のSHA-256",
    "payload_bytes": "バイト数",
    "detail": "詳細",
    "at": "時刻",
    "prev_hash": "前のハッシュ",
    "hash": "ハッシュ",
}


class LedgerError(CntfError):
    """The ledger is broken (altered, removed or reordered entry) or cannot be read.

    ``row`` holds the 0-based index of the first bad entry (or the 1-based line of the file).
    """

    area = "台帳"

    def location(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"ファイル {self.file}")
        if self.row is not None:
            parts.append(f"記録 {self.row}" if self.file is None else f"{self.row}行目")
        if self.column is not None:
            parts.append(f"項目「{self.column}」")
        return ", ".join(parts)


@dataclass(frozen=True)
class LedgerEntry:
    """One ledger entry (see the module docstring for the fields).

    Attributes
    ----------
    index : int
        Position in the ledger, from 0.
    kind, actor, counterpart, subject : str
        What happened (``KINDS``), who did it, with whom, about what (e.g. a product URN).
    payload_sha256 : str
        SHA-256 (hex) of the bytes that crossed, ``""`` when none.
    payload_bytes : int
        Their size [byte].
    detail : dict
        JSON-ready details.
    at : float
        Time of the entry [s] (simulated or wall clock).
    prev_hash, hash : str
        SHA-256 (hex) of the previous entry and of this one.
    """

    index: int
    kind: str
    actor: str
    counterpart: str
    subject: str
    payload_sha256: str
    payload_bytes: int
    detail: dict[str, Any] = field(default_factory=dict)
    at: float = 0.0
    prev_hash: str = GENESIS
    hash: str = ""

    def body(self) -> dict[str, Any]:
        """The entry without ``hash`` (what the hash covers)."""
        return {
            "index": self.index,
            "kind": self.kind,
            "actor": self.actor,
            "counterpart": self.counterpart,
            "subject": self.subject,
            "payload_sha256": self.payload_sha256,
            "payload_bytes": self.payload_bytes,
            "detail": self.detail,
            "at": self.at,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        """SHA-256 (hex) of the canonical bytes of :meth:`body`."""
        return hashlib.sha256(to_bytes(self.body())).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """All fields, JSON-ready."""
        return {**self.body(), "hash": self.hash}


_FIELDS = tuple(f.name for f in fields(LedgerEntry))


def _json_ready(detail: Mapping[str, Any] | None) -> dict[str, Any]:
    if not detail:
        return {}
    try:
        return json.loads(json.dumps(dict(detail), ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError) as err:
        raise LedgerError(f"detail を JSON にできません: {err}", column="detail") from None


class Ledger:
    """A hash-chained, append-only ledger.

    Parameters
    ----------
    clock : callable, optional
        Gives ``at`` when :meth:`append` is not told (default ``time.time``); a simulation
        passes its own clock or ``at`` for reproducible ledgers.
    """

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._entries: list[LedgerEntry] = []
        self._clock = clock or time.time

    # ---- writing

    def append(
        self,
        kind: str,
        actor: str,
        *,
        subject: str = "",
        counterpart: str = "",
        payload: bytes | None = None,
        detail: Mapping[str, Any] | None = None,
        at: float | None = None,
    ) -> LedgerEntry:
        """Record one event and return its entry.

        Parameters
        ----------
        kind : str
            "request", "transfer", "refusal", "upload", "fallback" … (non-empty).
        actor : str
            Who acts (sends, refuses, uploads …).
        subject : str
            What it is about (a product URN, a request id …).
        counterpart : str
            The other party.
        payload : bytes, optional
            The bytes that crossed; only their SHA-256 and size are kept.
        detail : mapping, optional
            JSON-ready details (copied).
        at : float, optional
            Time [s]; the ledger's clock when omitted.
        """
        if not isinstance(kind, str) or not kind:
            raise LedgerError("種別 (kind) は空でない文字列です", column="kind")
        if not isinstance(actor, str) or not actor:
            raise LedgerError("行為者 (actor) は空でない文字列です", column="actor")
        if payload is not None and not isinstance(payload, bytes | bytearray | memoryview):
            raise LedgerError("payload は bytes です（文書は pact.to_bytes で）", column="payload")
        moment = float(self._clock() if at is None else at)
        if not math.isfinite(moment):
            raise LedgerError(f"時刻 at は有限の数値です（値 {at!r}）", column="at")
        raw = bytes(payload) if payload is not None else None
        body = {
            "index": len(self._entries),
            "kind": kind,
            "actor": actor,
            "counterpart": str(counterpart),
            "subject": str(subject),
            "payload_sha256": "" if raw is None else hashlib.sha256(raw).hexdigest(),
            "payload_bytes": 0 if raw is None else len(raw),
            "detail": _json_ready(detail),
            "at": moment,
            "prev_hash": self.head,
        }
        entry = LedgerEntry(**body, hash=hashlib.sha256(to_bytes(body)).hexdigest())
        self._entries.append(entry)
        return entry

    # ---- reading

    @property
    def entries(self) -> tuple[LedgerEntry, ...]:
        """All entries, oldest first."""
        return tuple(self._entries)

    @property
    def head(self) -> str:
        """Hash of the last entry (:data:`GENESIS` when empty): keep it to detect truncation."""
        return self._entries[-1].hash if self._entries else GENESIS

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self):
        return iter(self._entries)

    def __repr__(self) -> str:
        return f"Ledger({len(self)} entries, head {self.head[:12]}…)"

    def verify(self, expect_head: str | None = None) -> None:
        """Check the whole chain; raise :class:`LedgerError` naming the first bad index.

        Parameters
        ----------
        expect_head : str, optional
            A head hash kept elsewhere: the ledger must end there (detects removed last
            entries and rewritten chains).
        """
        prev = GENESIS
        for position, entry in enumerate(self._entries):
            if entry.index != position:
                raise LedgerError(
                    f"番号が {entry.index} で位置 {position} と合いません（記録の削除・挿入・入れ替え）",
                    row=position,
                )
            if entry.prev_hash != prev:
                raise LedgerError(
                    "前の記録のハッシュとつながりません（記録の削除・挿入・入れ替えか改ざん）",
                    row=position,
                )
            try:
                actual = entry.compute_hash()
            except PactError as err:
                raise LedgerError(err.message, row=position) from None
            if actual != entry.hash:
                raise LedgerError("記録の内容がハッシュと合いません（改ざん）", row=position)
            prev = entry.hash
        if expect_head is not None and prev != expect_head:
            raise LedgerError(
                f"台帳の末尾が控えのハッシュ {expect_head[:12]}… と違います（末尾の削除か書き換え）",
                row=len(self._entries),
            )

    def to_frame(self, ja: bool = False) -> pd.DataFrame:
        """The entries as a table, one row per entry.

        Parameters
        ----------
        ja : bool
            Japanese column names (``COLUMNS_JA``) and kind names (``KINDS``).

        Returns
        -------
        DataFrame
            Columns ``index, kind, actor, counterpart, subject, payload_sha256,
            payload_bytes [byte], detail (dict), at [s], prev_hash, hash``.
        """
        frame = pd.DataFrame(
            [[getattr(e, name) for name in _FIELDS] for e in self._entries], columns=list(_FIELDS)
        ).astype({"index": "int64", "payload_bytes": "int64", "at": "float64"})
        if ja:
            frame["kind"] = frame["kind"].map(lambda k: KINDS.get(k, k))
            frame = frame.rename(columns=COLUMNS_JA)
        return frame

    # ---- files

    def dump(self, path: str | Path) -> Path:
        """Write the ledger as JSON lines (UTF-8), one entry per line; return the path."""
        path = Path(path)
        with path.open("w", encoding="utf-8", newline="\n") as out:
            for entry in self._entries:
                out.write(json.dumps(entry.to_dict(), ensure_ascii=False, sort_keys=True))
                out.write("\n")
        return path

    @classmethod
    def load(cls, path: str | Path, expect_head: str | None = None) -> Ledger:
        """Read a ledger written by :meth:`dump` and verify it.

        Raises
        ------
        LedgerError
            Unreadable line (with its line number) or a broken chain (with the entry index).
        """
        path = Path(path)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise LedgerError("ファイルがありません", file=path) from None
        except UnicodeDecodeError:
            raise LedgerError("UTF-8 として読めません", file=path) from None
        entries = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise LedgerError(
                    f"JSON として読めません: {err.msg}", file=path, row=number
                ) from None
            entries.append(_entry_from(record, path, number))
        return cls.from_entries(entries, expect_head=expect_head)

    @classmethod
    def from_entries(
        cls, entries: Iterable[LedgerEntry], expect_head: str | None = None, verify: bool = True
    ) -> Ledger:
        """A ledger holding ``entries`` as they are (verified unless ``verify=False``)."""
        ledger = cls()
        ledger._entries = list(entries)
        if verify:
            ledger.verify(expect_head=expect_head)
        return ledger


_TYPES: dict[str, type | tuple[type, ...]] = {
    "index": int,
    "kind": str,
    "actor": str,
    "counterpart": str,
    "subject": str,
    "payload_sha256": str,
    "payload_bytes": int,
    "detail": dict,
    "at": (int, float),
    "prev_hash": str,
    "hash": str,
}


def _entry_from(record: Any, path: Path, number: int) -> LedgerEntry:
    if not isinstance(record, dict):
        raise LedgerError("記録は JSON オブジェクトです", file=path, row=number)
    missing = [name for name in _FIELDS if name not in record]
    if missing:
        raise LedgerError(f"項目 {missing} がありません", file=path, row=number)
    extra = sorted(set(record) - set(_FIELDS))
    if extra:
        raise LedgerError(f"知らない項目 {extra} があります", file=path, row=number)
    for name, kind in _TYPES.items():
        value = record[name]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise LedgerError("型が正しくありません", file=path, row=number, column=name)
    return LedgerEntry(**{name: record[name] for name in _FIELDS})
