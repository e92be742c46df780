import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cntf_workbench.cfp import (
    ALLOCATION_BASES,
    allocate,
    allocation_shares,
    boe_footprint,
    equipment_energy,
    product_footprint,
)
from cntf_workbench.cfp.equipment import boe_reconciliation
from cntf_workbench.errors import AllocationError, FactorError


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.lists(
        st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=40
    ).filter(lambda w: sum(w) > 0),
)
def test_allocation_adds_up_exactly(amount, weights):
    parts = allocate(amount, pd.Series(weights))
    assert math.fsum(parts.tolist()) == amount
    assert (parts >= 0).all() or amount == 0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=0.01, max_value=1e5), min_size=1, max_size=10))
def test_allocation_is_proportional(weights):
    parts = allocate(100.0, pd.Series(weights))
    expected = [100.0 * w / math.fsum(weights) for w in weights]
    assert all(
        math.isclose(p, e, rel_tol=1e-9, abs_tol=1e-9) for p, e in zip(parts, expected, strict=True)
    )


def test_bad_weights():
    for w in ([0, 0], [-1, 2], [float("nan"), 1]):
        with pytest.raises(AllocationError):
            allocate(1.0, pd.Series(w))


def test_shares_per_basis(seminar):
    for basis in ALLOCATION_BASES:
        shares = allocation_shares(seminar.products, basis)
        assert math.isclose(shares.sum(), 1.0)
    with pytest.raises(AllocationError, match="配賦基準"):
        allocation_shares(seminar.products, "colour")


def test_equipment_energy_matches_hand_calculation(seminar, factors):
    fp = equipment_energy(seminar.boe, factors)
    gas = factors.default("city_gas").value
    elec = factors.default("electricity").value
    expected = 73 * gas + (52 + 12 + 1845 + 4) * elec
    assert math.isclose(fp.total, expected)
    scopes = fp.trace.set_index("item")["scope"]
    assert scopes["空調機"] == 1 and scopes["電気炉"] == 2
    assert (fp.trace["data_kind"] == "rated").all()


def test_old_city_gas_factor(seminar, factors):
    new = equipment_energy(seminar.boe, factors)
    old = equipment_energy(seminar.boe, factors, {"city_gas": "city_gas_jp_2006"})
    assert math.isclose(old.total - new.total, 73 * (2.23 - 2.05))


def test_unknown_factor_id(seminar, factors):
    with pytest.raises(FactorError, match="nope"):
        equipment_energy(seminar.boe, factors, {"electricity": "nope"})


def test_allocated_parts_sum_to_whole(seminar, factors):
    whole = equipment_energy(seminar.boe, factors).total
    for basis in ALLOCATION_BASES:
        parts = [
            boe_footprint(seminar.boe, seminar.products, factors, p, basis, per_unit=False).total
            for p in seminar.products["product"]
        ]
        assert math.isclose(math.fsum(parts), whole, rel_tol=1e-12)


def test_slide_total_not_reproduced_and_explained(seminar, factors):
    table = boe_reconciliation(seminar.boe, factors, seminar.slide_total("boe_total"))
    computed = table["kg_co2e"].iloc[0]
    assert 900 < computed < 1100  # about 1.0 t, not 3,493 kg (seminar-data.md §3)
    assert table["kg_co2e"].iloc[-1] == 3493


def test_product_footprint(seminar, factors):
    fp = product_footprint(seminar, factors)
    assert set(fp.trace["scope"]) == {1, 2, 3}
    bom_part = fp.trace[fp.trace["stage"] == "部品調達"]["kg_co2e"].sum()
    assert math.isclose(bom_part, 46.4)
    assert math.isclose(fp.total, fp.trace["kg_co2e"].sum())
    by_basis = {b: product_footprint(seminar, factors, basis=b).total for b in ALLOCATION_BASES}
    assert len({round(v, 9) for v in by_basis.values()}) == 4  # the basis matters
