"""Ed25519 signatures of PACT documents, carried in a PACT data model extension.

The owner of a footprint signs it before it leaves the firm; the receiver verifies it against
the owner's public key, which it knows beforehand (a *keyring*: signer → public key). The
signature travels inside the document as one more entry of ``extensions``::

    {"specVersion": "2.0.0",
     "dataSchema": "urn:cntf-workbench:extension:signature:1.0.0",
     "data": {"algorithm": "Ed25519", "signer": "urn:cntf:firm:MTR", "publicKey": "…",
              "boundTo": "<request event id>", "signedAt": "2025-05-01T00:00:00Z",
              "signature": "…"}}

so the signed document stays a valid PACT ProductFootprint. The signature covers the canonical
bytes (:func:`cntf_workbench.exchange.pact.to_bytes`) of the whole document with only the
``signature`` value left out: every PACT field, the other extensions, and the signer, public key,
``boundTo`` and time. Changing any of them breaks it.

``boundTo`` ties an answer to the request it answers (the RequestCreated event id): a receiver
that expects the answer to *its* request (``verify(..., expect_bound_to=request_id)``) refuses
an old, validly signed answer replayed to it.

Without a keyring, :func:`verify` only shows that the document was not changed since someone
signed it with the key written in it; anyone can produce that. Authenticity needs the keyring.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import ValidationError

from cntf_workbench.errors import CntfError
from cntf_workbench.exchange import pact

__all__ = [
    "SIGNATURE_SCHEMA",
    "SignatureError",
    "Signed",
    "generate_key",
    "is_signed",
    "public_key_b64",
    "seed_from",
    "sign",
    "signature_of",
    "strip",
    "verify",
]

SIGNATURE_SCHEMA = pact.SIGNATURE_SCHEMA
ALGORITHM = "Ed25519"


class SignatureError(CntfError):
    """A signature is missing, malformed, does not verify, or is not the one expected.

    ``column`` holds the signer when it is known.
    """

    area = "署名"

    def location(self) -> str:
        return f"署名者 {self.column}" if self.column is not None else ""


@dataclass(frozen=True)
class Signed:
    """What a verified signature says.

    Attributes
    ----------
    signer : str
        Who signed (e.g. the firm's company URN).
    bound_to : str or None
        The request event id the signed answer is bound to.
    signed_at : str
        When it was signed (RFC 3339).
    """

    signer: str
    bound_to: str | None
    signed_at: str


def generate_key(seed: bytes | None = None) -> Ed25519PrivateKey:
    """An Ed25519 private key, random or derived from a 32-byte ``seed`` (reproducible runs).

    Raises
    ------
    SignatureError
        When ``seed`` is not 32 bytes.
    """
    if seed is None:
        return Ed25519PrivateKey.generate()
    if not isinstance(seed, bytes | bytearray) or len(seed) != 32:
        raise SignatureError("鍵の種 (seed) は 32 バイトの bytes が必要です")
    return Ed25519PrivateKey.from_private_bytes(bytes(seed))


def seed_from(text: str) -> bytes:
    """A 32-byte seed from a text (SHA-256), e.g. ``seed_from(f"{run_seed}:{firm_id}")``.

    For simulations only: a seed anyone can guess gives a key anyone can rebuild.
    """
    return hashlib.sha256(text.encode("utf-8")).digest()


def _public(key: Ed25519PrivateKey | Ed25519PublicKey) -> Ed25519PublicKey:
    return key.public_key() if isinstance(key, Ed25519PrivateKey) else key


def public_key_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The raw 32-byte public key, base64 (standard alphabet, padded)."""
    raw = _public(key).public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _is_signature(ext: Any) -> bool:
    return isinstance(ext, Mapping) and ext.get("dataSchema") == SIGNATURE_SCHEMA


def is_signed(doc: Mapping[str, Any]) -> bool:
    """Whether the document carries a signature extension (valid or not)."""
    return any(_is_signature(e) for e in doc.get("extensions") or [])


def strip(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the document without its signature extension(s).

    ``extensions`` is dropped when nothing else is left in it.
    """
    out = copy.deepcopy(dict(doc))
    rest = [e for e in out.get("extensions") or [] if not _is_signature(e)]
    if rest:
        out["extensions"] = rest
    else:
        out.pop("extensions", None)
    return out


def _timestamp(moment: datetime | None) -> str:
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def sign(
    doc: Mapping[str, Any],
    key: Ed25519PrivateKey,
    *,
    signer: str,
    bound_to: str | None = None,
    signed_at: datetime | None = None,
) -> dict[str, Any]:
    """A new, signed copy of ``doc`` (the signature extension appended to ``extensions``).

    Parameters
    ----------
    doc : dict
        A PACT document (a ProductFootprint, v3 or v2), not yet signed.
    key : Ed25519PrivateKey
        The signer's private key.
    signer : str
        Who signs, as receivers name it in their keyring (e.g. ``"urn:cntf:firm:MTR"``).
    bound_to : str, optional
        The id of the request this document answers (replay protection).
    signed_at : datetime, optional
        Signing time (now, UTC, when omitted); pass it for reproducible documents.

    Returns
    -------
    dict
        The signed document; ``doc`` itself is not changed.

    Raises
    ------
    SignatureError
        When ``doc`` is already signed (use :func:`strip` first) or ``signer`` is empty.
    """
    if is_signed(doc):
        raise SignatureError("すでに署名されています（署名し直すときは strip() してから）")
    if not signer:
        raise SignatureError("署名者 (signer) が必要です")
    out = dict(doc)  # shallow: only the top level and ``extensions`` change
    data: dict[str, Any] = {
        "algorithm": ALGORITHM,
        "signer": signer,
        "publicKey": public_key_b64(key),
        "signedAt": _timestamp(signed_at),
    }
    if bound_to is not None:
        data["boundTo"] = bound_to
    ext = {"specVersion": pact.EXTENSION_SPEC_VERSION, "dataSchema": SIGNATURE_SCHEMA, "data": data}
    out["extensions"] = [*(out.get("extensions") or []), ext]
    message = pact.to_bytes(out)
    data["signature"] = base64.b64encode(key.sign(message)).decode("ascii")
    return out


def signature_of(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The ``data`` of the document's one signature extension (raises when there is not one)."""
    found = [e for e in doc.get("extensions") or [] if _is_signature(e)]
    if not found:
        raise SignatureError("署名がありません")
    if len(found) > 1:
        raise SignatureError("署名が複数あります（1つだけ受け付けます）")
    data = found[0].get("data")
    try:
        pact.SignatureData.model_validate(data, by_name=False)
    except ValidationError as err:
        raise SignatureError(f"署名の形式が正しくありません: {err.errors()[0]['msg']}") from None
    return dict(data)


def _b64(text: str, size: int, what: str, signer: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(f"{what}が base64 ではありません", column=signer) from None
    if len(raw) != size:
        raise SignatureError(f"{what}の長さが {size} バイトではありません", column=signer)
    return raw


def verify(
    doc: Mapping[str, Any],
    *,
    keyring: Mapping[str, str] | None = None,
    expect_bound_to: str | None = None,
) -> Signed:
    """Check the document's signature; return who signed it, for what, and when.

    Parameters
    ----------
    doc : dict
        A signed document as received.
    keyring : mapping, optional
        Signer → base64 public key the receiver trusts. When given, the signer must be in it
        and the document's key must be that key.
    expect_bound_to : str, optional
        The request id this document must answer; another ``boundTo`` (or none) is a replay.

    Returns
    -------
    Signed

    Raises
    ------
    SignatureError
        Missing or malformed signature, altered document, unknown signer, a key other than the
        keyring's, or a ``boundTo`` other than ``expect_bound_to``.
    """
    data = signature_of(doc)
    signer = data["signer"]
    if data.get("signature") is None:
        raise SignatureError("署名値 (signature) がありません", column=signer)
    if keyring is not None:
        if signer not in keyring:
            raise SignatureError("署名者が鍵束 (keyring) にありません", column=signer)
        if keyring[signer] != data["publicKey"]:
            raise SignatureError("署名の公開鍵が鍵束の鍵と違います（なりすまし）", column=signer)
    public = Ed25519PublicKey.from_public_bytes(_b64(data["publicKey"], 32, "公開鍵", signer))
    signature = _b64(data["signature"], 64, "署名値", signer)
    unsigned = dict(doc)  # the signed bytes: the document with the signature value removed
    unsigned["extensions"] = [
        {**ext, "data": {k: v for k, v in ext["data"].items() if k != "signature"}}
        if _is_signature(ext)
        else ext
        for ext in doc["extensions"]
    ]
    try:
        public.verify(signature, pact.to_bytes(unsigned))
    except InvalidSignature:
        raise SignatureError(
            "署名が一致しません（署名の後で文書が書き換えられたか、署名が偽物です）", column=signer
        ) from None
    bound_to = data.get("boundTo")
    if expect_bound_to is not None and bound_to != expect_bound_to:
        raise SignatureError(
            f"この回答は依頼 {expect_bound_to} へのものではありません"
            f"（boundTo {bound_to}: 古い回答の再送 (replay) の疑い）",
            column=signer,
        )
    return Signed(signer=signer, bound_to=bound_to, signed_at=data["signedAt"])
