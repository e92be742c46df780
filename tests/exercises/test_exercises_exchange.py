"""The exercises of notebook 06: right answers pass, wrong ones fail, blanks are blanks."""

import pytest

from cntf_workbench.exchange import relay
from cntf_workbench.exchange.network import load_network
from cntf_workbench.exercises import Status, ____
from cntf_workbench.exercises import exchange as ex
from cntf_workbench.factors import load_factors

ALL = [ex.ex1, ex.ex2, ex.ex3, ex.ex4]


@pytest.fixture(scope="module")
def net():
    return load_network()


def test_ex1_messages_are_two_per_link_plus_forwards(net):
    links = ex.upstream_links()
    forwards = ex.relay_forwards()
    assert links == 9 and forwards == 1  # the sample: 9 links upstream, C09 allows 1 forward
    ex.ex1.assert_right(2 * links + forwards)
    ex.ex1.assert_wrong(2 * links)  # forgot the forward
    ex.ex1.assert_wrong(links)  # requests only
    kinds = relay.simulate(net, ex.COOKER).deliveries["kind"].value_counts()
    assert kinds["RequestCreated"] == kinds["RequestFulfilled"] == links


def test_ex2_the_platform_sees_every_process_record(net):
    ex.ex2.assert_right(len(net.processes))
    chain = {f for f, _ in net.upstream(*ex.COOKER)}
    in_chain = int(net.processes["firm_id"].isin(chain).sum())
    assert in_chain < len(net.processes)
    ex.ex2.assert_wrong(in_chain)  # forgot the firms outside the cooker's chain
    assert ex.platform_process_records(upload="stage") == 0  # stage uploads carry no records


def test_ex3_a_silent_supplier_is_estimated_not_zero(net):
    base = relay.simulate(net, ex.COOKER).total_kg_co2e
    motor = relay.simulate(net, ("MTR", "MT-300")).total_kg_co2e
    db = load_factors().get("db_motor_small").value
    ex.ex3.assert_right(base - 3 * (motor - db))
    ex.ex3.assert_wrong(base)  # ignored the failure
    ex.ex3.assert_wrong(base - 3 * motor)  # a silent zero
    assert ex.total_when_failing("MTR", "refuse") == pytest.approx(base - 3 * (motor - db))


def test_ex4_propagation_is_the_sum_of_downstream_response_times(net):
    hours = net.firms.set_index("firm_id")["response_hours"]
    ex.ex4.assert_right(hours["MTR"] + hours["HTA"] + hours["MKA"])
    ex.ex4.assert_wrong(hours["WND"])  # its own response time
    ex.ex4.assert_wrong(ex.propagation_hours("WND", "central"))  # the central model's


@pytest.mark.parametrize("exercise", ALL, ids=lambda e: e.title)
def test_blank_is_not_attempted_and_hints_exist(exercise):
    assert exercise.check(____).status is Status.NOT_ATTEMPTED
    assert exercise.check("3").status is Status.WRONG
    assert len(exercise.hints) >= 2 and "```python" in exercise.solution_text
    assert "ヒント 1/" in str(exercise.hint(1))
