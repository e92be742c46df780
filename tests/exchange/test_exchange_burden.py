"""Burden sharing (use case ③): received reductions, the four rules, SME protection."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cntf_workbench.errors import DataError
from cntf_workbench.exchange import burden as b


@pytest.fixture(scope="module")
def data():
    return b.load_burden()


def _total(alloc: b.Allocation) -> float:
    return math.fsum([*alloc.shares.tolist(), alloc.remainder_yen])


# --- data -------------------------------------------------------------------------------------


def test_shipped_data_loads_and_every_value_is_assumed(data):
    assert set(data.projects["project_id"]) == {"PNT-OVEN", "WND-ELEC", "MTR-GREEN"}
    assert data.projects["provenance"].str.startswith("assumed").all()
    assert data.finance["provenance"].str.startswith("assumed").all()
    assert set(data.finance["firm_id"]) == set(data.firms["firm_id"])
    assert data.parameters["redistribute_to_size"] == ("large",)
    assert 0 < data.parameters["sme_cap_share_of_capacity"] < 1


def test_bad_number_names_file_row_column(tmp_path, data):
    folder = b.burden_dir()
    for name in ("projects", "firms_finance", "parameters"):
        (tmp_path / f"{name}.csv").write_bytes((folder / f"{name}.csv").read_bytes())
    text = (tmp_path / "projects.csv").read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace(",1800000,", ",百八十万,")
    (tmp_path / "projects.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        b.load_burden(tmp_path)
    assert err.value.row == 2 and err.value.column == "capex_yen"
    assert "projects.csv" in str(err.value)


def test_unknown_firm_in_finance_is_named(tmp_path):
    folder = b.burden_dir()
    for name in ("projects", "parameters"):
        (tmp_path / f"{name}.csv").write_bytes((folder / f"{name}.csv").read_bytes())
    text = (folder / "firms_finance.csv").read_text(encoding="utf-8").replace("PNT,", "XYZ,", 1)
    (tmp_path / "firms_finance.csv").write_text(text, encoding="utf-8")
    with pytest.raises(b.BurdenError) as err:
        b.load_burden(tmp_path)
    assert "XYZ" in str(err.value) and err.value.column == "firm_id"


def test_bad_parameter_value_is_named():
    frame = pd.DataFrame(
        {"parameter": list(b.PARAMETERS), "value": ["0.03", "2", "0.02", "large", "12", "10", "0"]}
    )
    with pytest.raises(DataError) as err:
        b.parse_parameters(frame)
    assert err.value.row == 2 and "sme_cap_share_of_capacity" in str(err.value)
    frame.loc[1, "value"] = "0.01"
    frame.loc[3, "value"] = "giant"
    with pytest.raises(DataError, match="giant"):
        b.parse_parameters(frame)


# --- cost ------------------------------------------------------------------------------------


def test_capital_recovery_factor_by_hand():
    r, n = 0.03, 10
    assert math.isclose(b.capital_recovery_factor(r, n), r * 1.03**n / (1.03**n - 1))
    assert math.isclose(b.capital_recovery_factor(0.03, 10), 0.117230506, rel_tol=1e-8)
    assert b.capital_recovery_factor(0.0, 4) == 0.25
    with pytest.raises(b.BurdenError):
        b.capital_recovery_factor(0.03, 0)


@settings(max_examples=100, deadline=None)
@given(st.floats(0, 0.2), st.integers(1, 40), st.floats(1, 1e8))
def test_crf_repays_the_capital(rate, years, capex):
    """n payments of capex × CRF, discounted at rate, are worth the capex."""
    pay = capex * b.capital_recovery_factor(rate, years)
    pv = math.fsum(pay / (1 + rate) ** t for t in range(1, years + 1))
    assert math.isclose(pv, capex, rel_tol=1e-9)


def test_annual_cost_of_the_oven(data):
    p = data.project("PNT-OVEN")
    crf = b.capital_recovery_factor(0.03, 12)
    assert math.isclose(b.annual_cost(p, 0.03), 3_000_000 * crf - 150_000)


# --- received reductions ----------------------------------------------------------------------


def test_received_by_hand_for_the_winding_project(data):
    rec = b.received_reductions(data, "WND-ELEC")
    per_coil = 3.44 / 54000
    # MKA: 3 motors per heating unit, 1 coil per motor, 12000 cookers a year
    assert math.isclose(rec.loc["MKA", "received_t_per_year"], per_coil * 3 * 12000)
    assert math.isclose(rec.loc["MKB", "received_t_per_year"], per_coil * 2 * 9000)
    assert rec.loc["WND", "relation"] == "自社"
    assert rec.loc["MTR", "relation"] == "直接の顧客"
    assert rec.loc["MKA", "relation"] == "間接の顧客"
    assert "HSG" not in rec.index and "MAT" not in rec.index  # not downstream of WND
    # the final makers together receive the reduction once; every tier receives it again
    finals = rec.loc[["MKA", "MKB"], "received_t_per_year"].sum()
    assert math.isclose(finals, 3.44)
    assert math.isclose(rec.attrs["double_counting"], 4.0)  # WND, MTR, HTA+HTB, MKA+MKB


def test_total_requirement_is_the_leontief_inverse(data):
    req = b.total_requirements(data.products, data.links)
    nodes = list(req.index)
    a = pd.DataFrame(0.0, index=nodes, columns=nodes)
    for _, link in data.links.iterrows():
        c = f"{link['customer_firm_id']}/{link['customer_item']}"
        s = f"{link['supplier_firm_id']}/{link['supplier_item']}"
        a.loc[c, s] += link["quantity"]
    inverse = np.linalg.inv(np.eye(len(nodes)) - a.to_numpy())
    assert np.allclose(req.to_numpy(), inverse)
    assert math.isclose(req.loc["MKA/CK-A100", "MAT/SS-1"], 22 + 3 * 3.7)


# --- rules on the sample ----------------------------------------------------------------------


@pytest.mark.parametrize("project", ["PNT-OVEN", "WND-ELEC", "MTR-GREEN"])
@pytest.mark.parametrize("rule", list(b.RULES))
@pytest.mark.parametrize("protect", [False, True])
def test_every_rule_sums_to_the_annual_cost(data, project, rule, protect):
    alloc = b.allocate(data, project, rule, protect=protect)
    cost = b.annual_cost(data.project(project), data.parameters["discount_rate"])
    assert math.isclose(_total(alloc), cost, rel_tol=1e-12)
    table = b.burden_table(alloc, b.received_reductions(data, project), data)
    assert math.isclose(math.fsum(table["cost_yen_per_year"].tolist()), cost, rel_tol=1e-12)
    if protect:
        assert not table["sme_flag"].any()


def test_sme_alone_is_flagged_and_protection_moves_the_excess_to_large_firms(data):
    rec = b.received_reductions(data, "WND-ELEC")
    alone = b.allocate(data, "WND-ELEC", "alone")
    table = b.burden_table(alone, rec, data)
    assert table.loc["WND", "sme_flag"] and not table.loc["WND", "affordable"]
    protected = b.allocate(data, "WND-ELEC", "alone", protect=True)
    cap = 0.01 * 4_000_000
    assert math.isclose(protected.shares["WND"], cap)
    moved = protected.moved_yen
    assert moved[["MTR", "HTA", "HTB"]].eq(0).all()  # medium firms are not asked
    ratio = moved["MKA"] / moved["MKB"]
    assert math.isclose(
        ratio, rec.loc["MKA", "received_t_per_year"] / rec.loc["MKB", "received_t_per_year"]
    )


def test_icp_rule_leaves_a_remainder_when_the_reduction_is_worth_less(data):
    rec = b.received_reductions(data, "PNT-OVEN")
    alloc = b.allocate(data, "PNT-OVEN", "icp")
    worth = rec["received_t_per_year"] * data.icp().reindex(rec.index)
    assert np.allclose(alloc.shares, worth)  # everyone pays its full worth
    assert alloc.remainder_yen > 0
    table = b.burden_table(alloc, rec, data)
    assert b.REMAINDER in table.index


def test_shapley_is_in_the_core_on_the_motor_project(data):
    rec = b.received_reductions(data, "MTR-GREEN")
    alloc = b.allocate(data, "MTR-GREEN", "shapley")
    w = rec["received_t_per_year"] * data.icp().reindex(rec.index)
    game = b.icp_cost_game(w, alloc.annual_cost_yen)
    n = len(w)
    for k in range(1, n + 1):
        for members in itertools.combinations(range(n), k):
            mask = np.zeros((1, n), dtype=bool)
            mask[0, list(members)] = True
            paid = math.fsum(alloc.shares.iloc[list(members)].tolist())
            assert paid <= game(mask)[0] + 1e-6
    assert alloc.remainder_yen == 0
    assert not np.allclose(alloc.shares, b.allocate(data, "MTR-GREEN", "icp").shares)


def test_non_positive_cost_is_refused_by_the_icp_rules():
    rec = pd.Series({"A": 1.0, "B": 2.0})
    with pytest.raises(b.BurdenError, match="元が取れる"):
        b.share_icp(rec, -10.0, {"A": 1.0, "B": 1.0})
    with pytest.raises(b.BurdenError):
        b.share_shapley(rec, 0.0, {"A": 1.0, "B": 1.0})


def test_unknown_rule_and_project(data):
    with pytest.raises(b.BurdenError, match="nash"):
        b.allocate(data, "PNT-OVEN", "nash")
    with pytest.raises(b.BurdenError, match="NOPE"):
        b.received_reductions(data, "NOPE")


# --- properties -------------------------------------------------------------------------------

received_st = st.lists(st.floats(0.001, 1e4), min_size=1, max_size=9)
icp_st = st.lists(st.floats(0, 5e4), min_size=9, max_size=9)
cost_st = st.floats(1.0, 1e9)


def _frame(values):
    return pd.Series(values, index=[f"F{i}" for i in range(len(values))])


@settings(max_examples=150, deadline=None)
@given(received_st, icp_st, cost_st)
def test_every_rule_shares_sum_to_the_cost(received, icp, cost):
    r = _frame(received)
    price = dict(zip(r.index, icp, strict=False))
    for alloc in (
        b.share_alone(r, cost, "F0"),
        b.share_proportional(r, cost),
        b.share_icp(r, cost, price),
        b.share_shapley(r, cost, price),
    ):
        assert math.isclose(_total(alloc), cost, rel_tol=1e-12, abs_tol=1e-6), alloc.rule
        assert alloc.remainder_yen >= 0


@settings(max_examples=150, deadline=None)
@given(received_st, cost_st)
def test_proportional_shares_are_proportional(received, cost):
    r = _frame(received)
    shares = b.share_proportional(r, cost).shares
    assert np.allclose(shares / cost, r / r.sum(), rtol=1e-12)


@settings(max_examples=150, deadline=None)
@given(received_st, icp_st, cost_st)
def test_icp_rule_never_charges_more_than_the_worth(received, icp, cost):
    r = _frame(received)
    price = pd.Series(icp[: len(r)], index=r.index)
    alloc = b.share_icp(r, cost, price)
    assert (alloc.shares <= r * price * (1 + 1e-12)).all()
    shapley = b.share_shapley(r, cost, price)
    assert (shapley.shares <= r * price * (1 + 1e-9) + 1e-6).all()
    assert math.isclose(
        alloc.remainder_yen, max(0.0, cost - float((r * price).sum())), abs_tol=1e-6
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 1e5), min_size=2, max_size=8), st.floats(1, 1e6), st.data())
def test_shapley_efficiency_symmetry_null_player(worth, cost, draw):
    w = _frame(worth)
    twin, null = draw.draw(st.integers(0, len(w) - 1)), draw.draw(st.integers(0, len(w) - 1))
    assume(twin != null)
    w.iloc[null] = 0.0
    partner = (twin + 1) % len(w)
    assume(partner != null)
    w.iloc[partner] = w.iloc[twin]
    phi, se = b.shapley_values(w.index, b.icp_cost_game(w, cost))
    assert math.isclose(math.fsum(phi.tolist()), min(cost, w.sum()), rel_tol=1e-12, abs_tol=1e-6)
    assert math.isclose(phi.iloc[twin], phi.iloc[partner], rel_tol=1e-9, abs_tol=1e-6)
    assert abs(phi.iloc[null]) <= 1e-9
    assert (se == 0).all()


def test_shapley_random_arrival_by_hand():
    """Estate C = 100, claims 60 and 80: orders (A,B) → A 60, B 40; (B,A) → B 80, A 20."""
    phi, _ = b.shapley_values(["A", "B"], b.icp_cost_game(pd.Series([60.0, 80.0]), 100.0))
    assert phi.tolist() == [40.0, 60.0]


def test_sampled_shapley_agrees_with_exact_within_its_error():
    rng = np.random.default_rng(3)
    w = pd.Series(rng.uniform(0, 100, 9), index=[f"F{i}" for i in range(9)])
    game = b.icp_cost_game(w, 0.6 * w.sum())
    exact, _ = b.shapley_values(w.index, game)
    sampled, se = b.shapley_values(w.index, game, exact_max_players=0, samples=3000, seed=1)
    assert math.isclose(sampled.sum(), exact.sum(), rel_tol=1e-12)  # efficiency holds exactly
    assert (se > 0).all()
    assert ((sampled - exact).abs() <= 4 * se + 1e-9).all()
    assert not np.allclose(sampled, exact, rtol=1e-12)  # it really sampled


def test_many_players_use_sampling(data):
    r = pd.Series(np.linspace(1, 20, 15), index=[f"F{i}" for i in range(15)])
    alloc = b.share_shapley(r, 1e5, dict.fromkeys(r.index, 1000.0), samples=500)
    assert (alloc.stderr > 0).any()
    assert math.isclose(_total(alloc), 1e5, rel_tol=1e-12)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.floats(0.01, 1e3), min_size=3, max_size=8),
    st.lists(st.sampled_from(["large", "medium", "SME"]), min_size=8, max_size=8),
    st.lists(st.floats(1e4, 1e9), min_size=8, max_size=8),
    st.floats(0, 0.05),
    st.floats(1, 1e7),
    st.sampled_from(list(b.RULES)),
)
def test_sme_cap_is_respected_and_the_total_kept(received, sizes, profit, cap, cost, rule):
    r = _frame(received)
    firms = pd.DataFrame({"firm_id": r.index, "size": sizes[: len(r)]})
    finance = pd.DataFrame({"firm_id": r.index, "annual_operating_profit_yen": profit[: len(r)]})
    price = dict.fromkeys(r.index, 8000.0)
    alloc = {
        "alone": lambda: b.share_alone(r, cost, "F0"),
        "proportional": lambda: b.share_proportional(r, cost),
        "icp": lambda: b.share_icp(r, cost, price),
        "shapley": lambda: b.share_shapley(r, cost, price),
    }[rule]()
    out = b.protect_smes(alloc, firms, finance, r, cap)
    sme = firms.set_index("firm_id")["size"] == "SME"
    limit = finance.set_index("firm_id")["annual_operating_profit_yen"] * cap
    assert (out.shares[sme] <= limit[sme] * (1 + 1e-12) + 1e-9).all()
    assert math.isclose(_total(out), cost, rel_tol=1e-12, abs_tol=1e-6)
    medium = firms.set_index("firm_id")["size"] == "medium"
    assert (out.shares[medium] == alloc.shares[medium]).all()  # only SMEs and large firms move


def test_datapackage_describes_every_column_with_units():
    import json

    pkg = json.loads((b.burden_dir() / "datapackage.json").read_text(encoding="utf-8"))
    for res in pkg["resources"]:
        header = (b.burden_dir() / res["path"]).read_text(encoding="utf-8").splitlines()[0]
        names = [f["name"] for f in res["schema"]["fields"]]
        assert header.split(",") == names, res["name"]
        for field in res["schema"]["fields"]:
            assert field["description"], (res["name"], field["name"])
            if field["type"] == "number":
                assert field.get("unit"), (res["name"], field["name"])
