import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cntf_workbench.errors import DataError
from cntf_workbench.trace import TRACE_COLUMNS, Footprint, combine, make_trace


def row(kg, scope=2, cat=pd.NA, kind="measured", item="a", assumed=False):
    return {
        "item": item,
        "stage": "s",
        "activity": "x",
        "amount": 1.0,
        "unit": "kWh",
        "factor_id": "f",
        "factor_value": kg,
        "factor_unit": "kg-CO2e/kWh",
        "factor_source": "test",
        "data_kind": kind,
        "scope": scope,
        "scope3_category": cat,
        "kg_co2e": kg,
        "assumed": assumed,
        "note": "",
    }


def test_columns():
    fp = Footprint(make_trace([row(1.0)]))
    assert tuple(fp.trace.columns) == TRACE_COLUMNS


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=30))
def test_total_is_trace_sum(values):
    fp = Footprint(make_trace([row(v) for v in values]))
    assert fp.total == math.fsum(values)
    assert math.isclose(fp.by("item")["kg_co2e"].sum(), fp.total, rel_tol=1e-12, abs_tol=1e-9)


def test_primary_share_excludes_assumed_and_secondary():
    fp = Footprint(
        make_trace(
            [
                row(1.0, kind="measured"),
                row(1.0, kind="disclosed"),
                row(1.0, kind="database", scope=3, cat=1),
                row(1.0, kind="measured", assumed=True),
            ]
        )
    )
    assert fp.primary_share() == 0.5


def test_scaled_and_combined():
    fp = Footprint(make_trace([row(2.0), row(3.0)]))
    assert fp.scaled(0.5).total == 2.5
    both = combine([fp, fp])
    assert both.total == 10.0 and len(both.trace) == 4
    assert (fp + fp).total == 10.0


@pytest.mark.parametrize(
    "bad, column",
    [
        (row(1.0, kind="guess"), "data_kind"),
        (row(1.0, scope=4), "scope"),
        (row(1.0, scope=3), "scope3_category"),
        (row(1.0, scope=1, cat=1), "scope3_category"),
        (row(float("nan")), "kg_co2e"),
    ],
)
def test_invalid_rows(bad, column):
    with pytest.raises(DataError) as err:
        make_trace([row(1.0), bad])
    assert err.value.column == column and err.value.row == 2


def test_summary_by_scope():
    fp = Footprint(make_trace([row(1.0, scope=1), row(2.0, scope=3, cat=1), row(3.0, scope=2)]))
    s = fp.summary()
    assert s.loc["Scope 1", "kg_co2e"] == 1.0
    assert any(ix.startswith("Scope 3 カテゴリ1") for ix in s.index)


def test_japanese_table():
    t = Footprint(make_trace([row(1.0)])).table()
    assert "排出量(kg-CO2e)" in t.columns and t["データ種別"].iloc[0].startswith("実績値")


def test_adding_different_functional_units_is_refused():
    a = Footprint(make_trace([row(1.0)]), functional_unit="1台")
    b = Footprint(make_trace([row(1.0)]), functional_unit="1ロット(20台)")
    with pytest.raises(DataError, match="機能単位"):
        a + b
