import math
from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cntf_workbench.cfp import bom_footprint, contributions, rollup
from cntf_workbench.cfp.bom import bom_edges, by_material
from cntf_workbench.errors import BomError


@st.composite
def dags(draw, max_items=25):
    """Random part graphs: edges only from a lower to a higher index (so no cycles)."""
    n = draw(st.integers(min_value=1, max_value=max_items))
    names = [f"i{k}" for k in range(n)]
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] < p[1])
    edge_list = draw(st.lists(pairs, max_size=3 * n)) if n > 1 else []
    qty = draw(
        st.lists(
            st.floats(min_value=0, max_value=5, allow_nan=False),
            min_size=len(edge_list),
            max_size=len(edge_list),
        )
    )
    edges = pd.DataFrame(
        {
            "parent": [names[p] for p, _ in edge_list],
            "child": [names[c] for _, c in edge_list],
            "quantity": qty,
        }
    )
    with_own = draw(st.lists(st.sampled_from(names), unique=True))
    own_values = draw(
        st.lists(st.floats(0, 100, allow_nan=False), min_size=len(with_own), max_size=len(with_own))
    )
    return names, edges, pd.Series(own_values, index=with_own, dtype=float)


def recursive_reference(names, edges, own):
    children = {}
    for p, c, q in edges.itertuples(index=False):
        children.setdefault(p, []).append((c, q))

    @cache
    def total(item):
        return own.get(item, 0.0) + sum(q * total(c) for c, q in children.get(item, []))

    used = set(own.index) | set(edges["parent"]) | set(edges["child"])
    return pd.Series({n: total(n) for n in names if n in used}, dtype=float)


@settings(max_examples=150, deadline=None)
@given(dags())
def test_equals_recursive_reference(dag):
    names, edges, own = dag
    got = rollup(edges, own)
    ref = recursive_reference(names, edges, own)
    assert set(got.index) == set(ref.index)
    np.testing.assert_allclose(got[ref.index].to_numpy(), ref.to_numpy(), rtol=1e-9, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(dags(), st.floats(0, 10, allow_nan=False), st.randoms(use_true_random=False))
def test_linear_in_own(dag, k, rnd):
    _names, edges, own = dag
    other = pd.Series([rnd.uniform(0, 50) for _ in own.index], index=own.index, dtype=float)
    a = rollup(edges, own)
    b = rollup(edges, other)
    combined = rollup(edges, k * own + other)
    np.testing.assert_allclose(combined.to_numpy(), (k * a + b).to_numpy(), rtol=1e-9, atol=1e-7)


@settings(max_examples=100, deadline=None)
@given(dags(), st.randoms(use_true_random=False))
def test_item_order_changes_nothing(dag, rnd):
    _names, edges, own = dag
    base = rollup(edges, own)
    shuffled_edges = edges.sample(frac=1.0, random_state=rnd.randint(0, 10**6)).reset_index(
        drop=True
    )
    shuffled_own = own.sample(frac=1.0, random_state=rnd.randint(0, 10**6))
    again = rollup(shuffled_edges, shuffled_own)
    np.testing.assert_allclose(
        again[base.index].to_numpy(), base.to_numpy(), rtol=1e-12, atol=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(dags())
def test_contributions_add_up_to_rollup(dag):
    _names, edges, own = dag
    totals = rollup(edges, own)
    assume(len(totals) > 0)
    root = totals.index[0]
    contrib = contributions(edges, own, root)
    assert math.isclose(contrib["kg_co2e"].sum(), totals[root], rel_tol=1e-9, abs_tol=1e-9)


def test_shared_subassembly_and_item_without_own():
    edges = pd.DataFrame(
        {
            "parent": ["P", "P", "A", "B", "S"],
            "child": ["A", "B", "S", "S", "bolt"],
            "quantity": [1, 2, 1, 3, 4],
        }
    )
    own = pd.Series({"bolt": 0.5, "A": 1.0, "B": 2.0})  # S and P have no own emission
    x = rollup(edges, own)
    assert x["S"] == 2.0  # 4 bolts
    assert x["A"] == 3.0 and x["B"] == 8.0
    assert x["P"] == 3.0 + 2 * 8.0
    assert contributions(edges, own, "P").loc["bolt", "units_per_root"] == 4 * (1 + 2 * 3)


def test_duplicate_edges_are_summed():
    edges = pd.DataFrame({"parent": ["P", "P"], "child": ["c", "c"], "quantity": [1, 2]})
    assert rollup(edges, pd.Series({"c": 1.0}))["P"] == 3.0


def test_cycle_names_items():
    edges = pd.DataFrame(
        {"parent": ["top", "X", "Y", "Z"], "child": ["X", "Y", "Z", "X"], "quantity": [1, 1, 1, 1]}
    )
    with pytest.raises(BomError, match="循環") as err:
        rollup(edges, pd.Series({"Z": 1.0}))
    for name in ("X", "Y", "Z"):
        assert name in str(err.value)
    assert "top" not in str(err.value)


def test_self_loop():
    with pytest.raises(BomError, match="自分自身"):
        rollup(
            pd.DataFrame({"parent": ["A"], "child": ["A"], "quantity": [1]}), pd.Series(dtype=float)
        )


@pytest.mark.parametrize("qty, word", [(-1, "負"), (None, "数値"), ("two", "数値")])
def test_bad_quantities_name_row(qty, word):
    edges = pd.DataFrame({"parent": ["P", "P"], "child": ["a", "b"], "quantity": [1, qty]})
    with pytest.raises(BomError, match=word) as err:
        rollup(edges, pd.Series({"a": 1.0}))
    assert err.value.row == 2 and err.value.column == "quantity"


def test_missing_column():
    with pytest.raises(BomError, match="quantity"):
        rollup(pd.DataFrame({"parent": ["P"], "child": ["a"]}), pd.Series({"a": 1.0}))


def test_nan_own_is_an_error():
    edges = pd.DataFrame({"parent": ["P"], "child": ["a"], "quantity": [1]})
    with pytest.raises(BomError, match="自身の排出量"):
        rollup(edges, pd.Series({"a": float("nan")}))


def test_seminar_cooker_46_4(seminar):
    fp = bom_footprint(seminar.bom)
    assert round(fp.total, 6) == seminar.slide_total("bom_per_unit")
    edges, own = bom_edges(seminar.bom)
    assert math.isclose(rollup(edges, own)["電子調理器"], fp.total)
    assert fp.trace["assumed"].all()  # masses are assumed
    assert (fp.trace["scope"] == 3).all() and (fp.trace["scope3_category"] == 1).all()
    assert fp.by("item").loc["モーター", "kg_co2e"] == 15.0


def test_by_material(seminar):
    table = by_material(seminar.bom)
    assert math.isclose(table["kg_co2e"].sum(), 46.4)
    assert table.loc["steel", "kg_co2e"] == 19.0
