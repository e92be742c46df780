"""Data usage contracts: checked on every transfer, refused outside their terms."""

import datetime as dt

import pandas as pd
import pytest

from cntf_workbench.exchange.contracts import ContractBook, ContractViolation
from cntf_workbench.exchange.network import load_network

DAY = dt.date(2026, 10, 1)


@pytest.fixture(scope="module")
def book():
    return ContractBook.from_frame(load_network().contracts)


def test_a_contract_allows_what_it_says(book):
    c = book.check("MTR", "HTA", "MT-300", "stage", "cfp", DAY)
    assert c.contract_id == "C09" and c.granularity == "stage" and c.spec == "3"
    assert book.check("MTR", "HTB", "MT-300", "total", "cfp", DAY).spec == "2"


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("MTR", "MKB", "MT-300", "total", "cfp", DAY), "契約がありません"),
        (("MTR", "HTB", "MT-300", "stage", "cfp", DAY), "より細かい"),
        (("MTR", "HTA", "MT-300", "total", "marketing", DAY), "目的"),
        (("MTR", "HTA", "MT-300", "total", "cfp", dt.date(2027, 4, 1)), "有効期間"),
        (("MTR", "HTA", "CW-12", "total", "cfp", DAY), "対象外"),
    ],
)
def test_outside_the_contract_is_refused(book, args, match):
    with pytest.raises(ContractViolation, match=match):
        book.check(*args)


def test_onward_transfer(book):
    assert book.check_onward("MTR", "HTA", "MKA", "MT-300", "cfp", DAY).contract_id == "C09"
    with pytest.raises(ContractViolation, match="再提供"):
        book.check_onward("MTR", "HTA", "MKB", "MT-300", "cfp", DAY)
    with pytest.raises(ContractViolation, match="再提供"):
        book.check_onward("PNT", "HSG", "MKA", "PT-01", "cfp", DAY)
    with pytest.raises(ContractViolation, match="受け取る契約"):
        book.check_onward("MTR", "HSG", "MKA", "MT-300", "cfp", DAY)


def test_wildcards_and_table(book):
    assert book.check("WND", "PLATFORM", "*", "process", "cfp", DAY).contract_id == "P08"
    table = book.table()
    assert len(table) == len(book) == 24
    assert "工程別" in set(table["粒度"])


def test_unknown_granularity_is_an_error():
    frame = load_network().contracts.head(1).copy()
    frame["granularity"] = "everything"
    with pytest.raises(ContractViolation, match="粒度"):
        ContractBook.from_frame(frame)
    assert isinstance(frame, pd.DataFrame)
