"""The ledger: a hash chain where any edit, removal or reordering is found at its index."""

import dataclasses
import hashlib
import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cntf_workbench.exchange import ledger as lg
from cntf_workbench.exchange.pact import to_bytes


def sample(n=6):
    book = lg.Ledger()
    kinds = ["request", "transfer", "refusal", "upload", "fallback"]
    for i in range(n):
        book.append(
            kinds[i % len(kinds)],
            f"urn:cntf:firm:F{i % 3}",
            subject="urn:cntf:product:MTR:MT-300",
            counterpart="urn:cntf:firm:ASM",
            payload=f"文書 {i}".encode(),
            detail={"hop": i, "理由": "契約なし" if i % 5 == 2 else ""},
            at=10.0 * i,
        )
    return book


def test_entries_chain_and_hash():
    book = sample()
    entries = book.entries
    assert isinstance(entries, tuple) and len(book) == 6
    assert entries[0].prev_hash == lg.GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    e = entries[1]
    assert e.index == 1 and e.kind == "transfer" and e.at == 10.0
    assert e.payload_sha256 == hashlib.sha256("文書 1".encode()).hexdigest()
    assert e.payload_bytes == len("文書 1".encode())
    # the hash is SHA-256 over the canonical bytes of the entry without "hash"
    body = {k: v for k, v in e.to_dict().items() if k != "hash"}
    assert e.hash == hashlib.sha256(to_bytes(body)).hexdigest()
    assert book.head == entries[-1].hash
    book.verify()


def test_no_payload_and_clock():
    ticks = iter([1.5, 2.5])
    book = lg.Ledger(clock=lambda: next(ticks))
    a = book.append("request", "urn:a")
    b = book.append("refusal", "urn:b", at=9.0)
    assert (a.payload_sha256, a.payload_bytes, a.at, a.detail) == ("", 0, 1.5, {})
    assert b.at == 9.0
    assert lg.Ledger().head == lg.GENESIS


def test_detail_is_copied():
    detail = {"n": [1, 2]}
    book = lg.Ledger()
    book.append("transfer", "urn:a", detail=detail, at=0)
    detail["n"].append(3)
    book.verify()
    assert book.entries[0].detail == {"n": [1, 2]}


@pytest.mark.parametrize(
    ("kw", "pattern"),
    [
        ({"kind": ""}, "kind"),
        ({"actor": ""}, "actor"),
        ({"payload": "text"}, "bytes"),
        ({"at": float("nan")}, "有限"),
        ({"detail": {"x": object()}}, "JSON"),
    ],
)
def test_bad_appends_are_refused(kw, pattern):
    args = {"kind": "transfer", "actor": "urn:a", **kw}
    with pytest.raises(lg.LedgerError, match=pattern):
        lg.Ledger().append(args.pop("kind"), args.pop("actor"), **args)


# ---- attacks -------------------------------------------------------------------------------


def _broken_at(entries):
    with pytest.raises(lg.LedgerError) as info:
        lg.Ledger.from_entries(entries)
    return info.value.row


def test_edited_entry_is_found_at_its_index():
    entries = list(sample().entries)
    entries[3] = dataclasses.replace(entries[3], counterpart="urn:cntf:firm:EVIL")
    assert _broken_at(entries) == 3


def test_edited_and_rehashed_entry_breaks_the_next_link():
    entries = list(sample().entries)
    forged = dataclasses.replace(entries[3], payload_bytes=1)
    entries[3] = dataclasses.replace(forged, hash=forged.compute_hash())
    assert _broken_at(entries) == 4


def test_deleted_entry_is_found():
    entries = list(sample().entries)
    del entries[2]
    assert _broken_at(entries) == 2
    # renumbered after the deletion: the link to the entry before still breaks
    renumbered = entries[:2] + [dataclasses.replace(e, index=e.index - 1) for e in entries[2:]]
    assert _broken_at(renumbered) == 2


def test_swapped_entries_are_found():
    entries = list(sample().entries)
    entries[1], entries[2] = entries[2], entries[1]
    assert _broken_at(entries) == 1


def test_detail_changed_in_place_is_found():
    book = sample()
    book.entries[4].detail["hop"] = 99
    with pytest.raises(lg.LedgerError, match="改ざん") as info:
        book.verify()
    assert info.value.row == 4 and "記録 4" in str(info.value)


def test_truncation_needs_the_kept_head():
    book = sample()
    head = book.head
    short = lg.Ledger.from_entries(book.entries[:-2])
    short.verify()  # a shorter chain is still a chain …
    with pytest.raises(lg.LedgerError, match="末尾") as info:
        short.verify(expect_head=head)  # … but not the one whose head was kept
    assert info.value.row == 4
    book.verify(expect_head=head)


@given(
    n=st.integers(1, 12),
    data=st.data(),
    field=st.sampled_from(
        [
            "kind",
            "actor",
            "counterpart",
            "subject",
            "payload_sha256",
            "payload_bytes",
            "detail",
            "at",
            "prev_hash",
            "hash",
        ]
    ),
)
@settings(max_examples=120, deadline=None)
def test_any_field_edit_is_found_at_its_index(n, data, field):
    entries = list(sample(n).entries)
    i = data.draw(st.integers(0, n - 1))
    old = getattr(entries[i], field)
    change = {
        str: lambda v: v + "x",
        int: lambda v: v + 1,
        float: lambda v: v + 0.5,
        dict: lambda v: {**v, "extra": 1},
    }[type(old)]
    new = change(old)
    entries[i] = dataclasses.replace(entries[i], **{field: new})
    assert _broken_at(entries) == i


# ---- files and tables ----------------------------------------------------------------------


def test_dump_and_load(tmp_path):
    book = sample()
    path = book.dump(tmp_path / "ledger.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6 and "契約なし" in lines[2]
    again = lg.Ledger.load(path, expect_head=book.head)
    assert again.entries == book.entries


def test_edited_file_is_refused_with_the_index(tmp_path):
    path = sample().dump(tmp_path / "ledger.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[2])
    record["actor"] = "urn:cntf:firm:EVIL"
    lines[2] = json.dumps(record, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(lg.LedgerError) as info:
        lg.Ledger.load(path)
    assert info.value.row == 2


def test_unreadable_files(tmp_path):
    with pytest.raises(lg.LedgerError, match="ファイルがありません"):
        lg.Ledger.load(tmp_path / "none.jsonl")
    path = tmp_path / "bad.jsonl"
    good = json.dumps(sample(1).entries[0].to_dict())
    path.write_text(good + "\n{oops\n", encoding="utf-8")
    with pytest.raises(lg.LedgerError, match="JSON") as info:
        lg.Ledger.load(path)
    assert info.value.row == 2 and "2行目" in str(info.value)
    record = sample(1).entries[0].to_dict()
    del record["hash"]
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(lg.LedgerError, match="hash"):
        lg.Ledger.load(path)
    record = {**sample(1).entries[0].to_dict(), "payload_bytes": "12"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(lg.LedgerError, match="型") as info:
        lg.Ledger.load(path)
    assert info.value.column == "payload_bytes"


def test_to_frame():
    frame = sample().to_frame()
    assert list(frame.columns) == [
        "index",
        "kind",
        "actor",
        "counterpart",
        "subject",
        "payload_sha256",
        "payload_bytes",
        "detail",
        "at",
        "prev_hash",
        "hash",
    ]
    assert frame["index"].tolist() == list(range(6))
    assert frame["payload_bytes"].sum() == sum(len(f"文書 {i}".encode()) for i in range(6))
    ja = sample().to_frame(ja=True)
    assert {"番号", "種別", "行為者", "バイト数", "ハッシュ"} <= set(ja.columns)
    assert ja["種別"].tolist()[:3] == ["依頼", "送付", "拒否"]
    assert lg.Ledger().to_frame().empty
