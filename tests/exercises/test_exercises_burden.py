"""The exercises of notebook 07: right answers pass, wrong ones fail, blanks are blanks."""

import math

import pytest

from cntf_workbench.cfp import endoflife as eol
from cntf_workbench.exchange import burden as bd
from cntf_workbench.exercises import Status, ____
from cntf_workbench.exercises import burden as ex

ALL = [ex.ex1, ex.ex2, ex.ex3, ex.ex4]


def test_ex1_received_by_mka():
    ex.ex1.assert_right(3.44 / 54000 * 3 * 12000)
    ex.ex1.assert_wrong(3.44)  # the whole reduction, not MKA's part
    ex.ex1.assert_wrong(3.44 / 54000 * 12000)  # forgot the 3 coils per cooker


def test_ex2_annual_cost():
    r, n = 0.03, 12
    crf = r * (1 + r) ** n / ((1 + r) ** n - 1)
    ex.ex2.assert_right(3_000_000 * crf - 150_000)
    ex.ex2.assert_wrong(3_000_000 / 12 - 150_000)  # no interest
    ex.ex2.assert_wrong(3_000_000 * crf)  # forgot the saving


def test_ex3_proportional_yen_per_t_is_the_same_for_everyone():
    data = bd.load_burden()
    rec = bd.received_reductions(data, "MTR-GREEN")
    ex.ex3.assert_right(162_000 / rec["received_t_per_year"].sum())
    ex.ex3.assert_right(ex.yen_per_t("MTR-GREEN", "proportional", "HTB"))
    ex.ex3.assert_wrong(162_000 / 29.35)  # the project's ¥/t, not the shared one


def test_ex4_recycled_steel():
    base = eol.end_of_life()
    f = eol.load_end_of_life_factors()
    delta = 30 * (0.5 - 0.2) * (f.get("eol_steel_recycled").value - f.get("steel_teaching").value)
    ex.ex4.assert_right(base.cutoff.total + delta)
    ex.ex4.assert_wrong(base.cutoff.total + delta + base.avoided.total)  # netted the credit
    assert math.isclose(ex.cutoff_total(), base.cutoff.total)


@pytest.mark.parametrize("exercise", ALL, ids=lambda e: e.title)
def test_blank_is_not_attempted_and_hints_exist(exercise):
    assert exercise.check(____).status is Status.NOT_ATTEMPTED
    assert exercise.check("3").status is Status.WRONG
    assert len(exercise.hints) >= 2 and "```python" in exercise.solution_text
