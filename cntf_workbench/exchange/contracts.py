"""Data usage terms (データ利用契約) between pairs of firms, checked on every transfer.

A contract says that ``provider`` lets ``recipient`` have the footprints of ``items`` at a
``granularity`` (``total`` per-unit figure only < ``stage`` figures < ``process`` figures), for a
``purpose``, in a PACT ``spec`` version, within a validity period, and whether the recipient may
pass the data on (``onward``: nobody, a list of firms, or ``*`` anyone). A transfer outside every
contract is refused (``ContractViolation``) and the refusal is written to the ledger by the
caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from cntf_workbench.errors import CntfError

GRANULARITIES: tuple[str, ...] = ("total", "stage", "process")
"""Granularities from the coarsest to the finest."""

GRANULARITY_JA: dict[str, str] = {
    "total": "製品単位の合計のみ",
    "stage": "段階別",
    "process": "工程別",
}


class ContractViolation(CntfError):
    """A transfer that no contract allows."""

    area = "契約"


def _level(granularity: str) -> int:
    try:
        return GRANULARITIES.index(granularity)
    except ValueError:
        raise ContractViolation(
            f"粒度「{granularity}」は使えません（{', '.join(GRANULARITIES)} のいずれか）"
        ) from None


@dataclass(frozen=True)
class Contract:
    """One data usage contract.

    Attributes
    ----------
    contract_id, provider, recipient : str
    items : frozenset of str
        Item codes of the provider; ``{"*"}`` for all.
    granularity : str
        The finest granularity allowed.
    purpose : str
    onward : frozenset of str
        Firms the recipient may pass the data on to; empty for nobody, ``{"*"}`` for anyone.
    spec : str
        PACT major version the recipient wants ("3" or "2").
    valid_from, valid_to : datetime.date
    """

    contract_id: str
    provider: str
    recipient: str
    items: frozenset[str]
    granularity: str
    purpose: str
    onward: frozenset[str]
    spec: str
    valid_from: dt.date
    valid_to: dt.date

    def covers(self, item: str) -> bool:
        """Whether the contract covers the item code."""
        return "*" in self.items or item in self.items

    def allows_onward(self, to: str) -> bool:
        """Whether the recipient may pass the data on to firm ``to``."""
        return "*" in self.onward or to in self.onward

    def valid_on(self, day: dt.date) -> bool:
        """Whether the contract is in force on ``day``."""
        return self.valid_from <= day <= self.valid_to


@lru_cache(maxsize=65536)
def _split_text(value: str) -> frozenset[str]:
    return frozenset(v.strip() for v in value.split(";") if v.strip())


def _split(value: object) -> frozenset[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return frozenset()
    return _split_text(str(value))


@lru_cache(maxsize=4096)
def _iso_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _iso_date(str(value))


class ContractBook:
    """All contracts, indexed by (provider, recipient).

    Parameters
    ----------
    contracts : iterable of Contract
    """

    def __init__(self, contracts: Iterable[Contract]) -> None:
        self._by_pair: dict[tuple[str, str], list[Contract]] = {}
        for c in contracts:
            _level(c.granularity)
            self._by_pair.setdefault((c.provider, c.recipient), []).append(c)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> ContractBook:
        """Contracts from a ``contracts.csv`` table."""
        cols = [
            frame[c].tolist()
            for c in (
                "contract_id",
                "provider",
                "recipient",
                "items",
                "granularity",
                "purpose",
                "onward",
                "spec",
                "valid_from",
                "valid_to",
            )
        ]
        return cls(
            Contract(
                contract_id=str(cid),
                provider=str(prov),
                recipient=str(rec),
                items=_split(items),
                granularity=str(gran),
                purpose=str(purpose),
                onward=_split(onward),
                spec=str(spec).split(".")[0],
                valid_from=_date(start),
                valid_to=_date(end),
            )
            for cid, prov, rec, items, gran, purpose, onward, spec, start, end in zip(
                *cols, strict=True
            )
        )

    def __iter__(self):
        for group in self._by_pair.values():
            yield from group

    def __len__(self) -> int:
        return sum(len(g) for g in self._by_pair.values())

    def between(self, provider: str, recipient: str) -> list[Contract]:
        """Contracts from ``provider`` to ``recipient``."""
        return list(self._by_pair.get((provider, recipient), ()))

    def find(
        self, provider: str, recipient: str, item: str, purpose: str, day: dt.date
    ) -> Contract | None:
        """The contract that covers a transfer, or None."""
        for c in self._by_pair.get((provider, recipient), ()):
            if c.covers(item) and c.purpose == purpose and c.valid_on(day):
                return c
        return None

    def check(
        self,
        provider: str,
        recipient: str,
        item: str,
        granularity: str,
        purpose: str,
        day: dt.date,
    ) -> Contract:
        """Return the contract that allows a transfer, or raise ``ContractViolation``.

        Parameters
        ----------
        provider, recipient : str
            Firm ids.
        item : str
            The provider's item code.
        granularity : {"total", "stage", "process"}
        purpose : str
        day : datetime.date
            The date of the transfer.
        """
        level = _level(granularity)
        pair = self._by_pair.get((provider, recipient), ())
        if not pair:
            raise ContractViolation(f"{provider} から {recipient} へのデータ利用契約がありません")
        reasons = []
        for c in pair:
            if not c.covers(item):
                reasons.append(f"{c.contract_id}: 品目 {item} は対象外")
            elif c.purpose != purpose:
                reasons.append(
                    f"{c.contract_id}: 目的「{purpose}」は対象外（契約は「{c.purpose}」）"
                )
            elif not c.valid_on(day):
                reasons.append(
                    f"{c.contract_id}: {day} は有効期間（{c.valid_from}〜{c.valid_to}）の外"
                )
            elif level > _level(c.granularity):
                reasons.append(
                    f"{c.contract_id}: 粒度「{GRANULARITY_JA[granularity]}」は契約"
                    f"（{GRANULARITY_JA[c.granularity]}まで）より細かい"
                )
            else:
                return c
        raise ContractViolation(
            f"{provider} から {recipient} への {item} の提供は契約の範囲外です（{'; '.join(reasons)}）"
        )

    def check_onward(
        self,
        owner: str,
        holder: str,
        to: str,
        item: str,
        purpose: str,
        day: dt.date,
    ) -> Contract:
        """Check that ``holder`` may pass ``owner``'s data on ``item`` on to ``to``.

        Raises
        ------
        ContractViolation
            No contract from ``owner`` to ``holder`` covers the item, or it forbids passing on to
            ``to``.
        """
        c = self.find(owner, holder, item, purpose, day)
        if c is None:
            raise ContractViolation(
                f"{holder} は {owner} の {item} のデータを受け取る契約を持っていません"
            )
        if not c.allows_onward(to):
            raise ContractViolation(
                f"契約 {c.contract_id} は {holder} が {owner} の {item} のデータを {to} に"
                "再提供することを認めていません"
            )
        return c

    def table(self) -> pd.DataFrame:
        """The contracts as a table with Japanese granularity names."""
        return pd.DataFrame(
            [
                {
                    "契約ID": c.contract_id,
                    "提供者": c.provider,
                    "受領者": c.recipient,
                    "品目": ";".join(sorted(c.items)),
                    "粒度": GRANULARITY_JA[c.granularity],
                    "目的": c.purpose,
                    "再提供先": ";".join(sorted(c.onward)) or "不可",
                    "PACT": c.spec,
                    "有効期間": f"{c.valid_from}〜{c.valid_to}",
                }
                for c in self
            ]
        )
