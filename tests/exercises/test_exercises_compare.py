"""Notebook 10's exercises: their answers come from the comparison they are given."""

from types import SimpleNamespace

import pandas as pd

from cntf_workbench.exercises.compare import wave_exercises


def _objects():
    result = SimpleNamespace(
        results=pd.DataFrame(
            {
                "question": ["scope_range", "scope_range"],
                "option": ["s3_c1", "s3_c2"],
                "change": [28.8, 1.0],
            }
        )
    )
    split = SimpleNamespace(code="s3_c4+s3_c_other")
    same = SimpleNamespace(results=pd.DataFrame({"significant": [False, False, False]}))
    return result, split, same


def test_the_exercises_follow_the_comparison():
    ex1, ex2, ex3 = wave_exercises(*_objects())
    ex1.assert_right(28.8)
    ex1.assert_wrong(0.288)
    ex2.assert_right("s3_c4+s3_c_other")
    ex2.assert_wrong("s3_other")
    ex3.assert_right(0)
    ex3.assert_wrong(1)


def test_hints_and_solutions_exist():
    for ex in wave_exercises(*_objects()):
        assert ex.hint() is not None and "answer" in ex.solution_text
