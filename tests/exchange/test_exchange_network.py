"""The exchange network tables: the sample, broken inputs, synthetic networks."""

import shutil

import pytest

from cntf_workbench.errors import DataError
from cntf_workbench.exchange.network import (
    NetworkError,
    exchange_dir,
    load_network,
    load_settings,
    synthetic,
)


def test_the_sample_has_the_firms_the_issue_names():
    net = load_network()
    firms = net.firms.set_index("firm_id")
    assert set(firms.index[firms["role"] == "final_maker"]) == {"MKA", "MKB"}
    assert firms.loc["MKA", "group"] != firms.loc["MKB", "group"]
    # a Tier 2 that supplies both groups
    customers = set(net.links[net.links["supplier_firm_id"] == "MTR"]["customer_firm_id"])
    assert {firms.loc[c, "group"] for c in customers} == {"A系列", "B系列"}
    assert firms.loc["MTR", "tier"] == 2
    # Tier 3 with an SME subcontractor, and a logistics firm
    tier3 = firms[firms["tier"] == 3]
    assert (tier3["size"] == "SME").any() and (tier3["role"] == "subcontractor").any()
    assert (firms["role"] == "logistics").any()
    assert sorted(net.final_products()) == [("MKA", "CK-A100"), ("MKB", "IH-B200")]
    assert ("WND", "CW-12") in net.upstream("MKA", "CK-A100")


def _copy(tmp_path):
    dst = tmp_path / "exchange"
    shutil.copytree(exchange_dir(), dst)
    return dst


def test_bad_rows_name_file_row_and_column(tmp_path):
    d = _copy(tmp_path)
    path = d / "processes.csv"
    text = path.read_text(encoding="utf-8").replace(
        "MTR-1,MTR,MT-300,部品製造,プレス,electricity,0.6",
        "MTR-1,MTR,MT-300,部品製造,プレス,electricity,abc",
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_network(d)
    assert err.value.column == "amount" and err.value.row is not None
    assert "processes.csv" in str(err.value)


def test_a_unit_mismatch_and_a_cycle_are_errors(tmp_path):
    d = _copy(tmp_path)
    links = d / "links.csv"
    original = links.read_text(encoding="utf-8")
    links.write_text(
        original.replace("MTR,MT-300,C12,WND,CW-12,1,unit", "MTR,MT-300,C12,WND,CW-12,1,kg"),
        encoding="utf-8",
    )
    with pytest.raises(NetworkError, match="宣言単位") as err:
        load_network(d)
    assert err.value.column == "unit"
    links.write_text(
        original + "WND,CW-12,LOOP,MKA,CK-A100,1,unit,部品調達,test\n", encoding="utf-8"
    )
    with pytest.raises(NetworkError, match="循環"):
        load_network(d)


def test_an_unknown_firm_in_a_contract_is_an_error(tmp_path):
    d = _copy(tmp_path)
    c = d / "contracts.csv"
    c.write_text(
        c.read_text(encoding="utf-8").replace("C01,HSG,MKA", "C01,HSG,XYZ"), encoding="utf-8"
    )
    with pytest.raises(NetworkError, match="XYZ"):
        load_network(d)


def test_settings_missing_key(tmp_path):
    p = tmp_path / "simulation.yaml"
    p.write_text("as_of: '2026-10-01'\n", encoding="utf-8")
    with pytest.raises(DataError, match="reference_period"):
        load_settings(p)


def test_input_files_are_not_written(tmp_path):
    from cntf_workbench.exchange import relay

    d = _copy(tmp_path)
    before = {p.name: p.read_bytes() for p in d.iterdir()}
    relay.simulate(load_network(d))
    assert {p.name: p.read_bytes() for p in d.iterdir()} == before


@pytest.mark.parametrize("n", [20, 200])
def test_synthetic_networks_are_acyclic_and_reachable(n):
    net = synthetic(n, 4 * n, tiers=4, seed=3)
    g = net.graph()
    import networkx as nx

    assert nx.is_directed_acyclic_graph(g)
    assert len(net.firms) == n
    tiers = dict(zip(net.firms["firm_id"], net.firms["tier"], strict=True))
    for s, c in g.edges:
        assert tiers[s[0]] > tiers[c[0]]
    finals = net.final_products()
    reached = set().union(*(net.upstream(*f) for f in finals))
    assert reached == set(g.nodes)


def test_synthetic_is_reproducible():
    a, b = synthetic(50, 200, seed=7), synthetic(50, 200, seed=7)
    assert a.links.equals(b.links) and a.processes.equals(b.processes)


def test_synthetic_refuses_impossible_sizes():
    with pytest.raises(NetworkError):
        synthetic(2, 4, tiers=5)
