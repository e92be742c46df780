"""Exercises of notebook 08 (アンケートの集計): top-2 share, lenient loading, suppression.

Every expected answer is computed from the package and the shipped synthetic sample
(``surveys/sample_responses.csv``) when it is checked.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd

from cntf_workbench.exercises import Exercise
from cntf_workbench.resources import data_root
from cntf_workbench.survey.generate import generate_export, inject_problems, write_export
from cntf_workbench.survey.io import SurveyData, load_responses
from cntf_workbench.survey.tabulate import likert_summary, suppress

#: The small table of exercise 3 [respondents]: rows = 規模, columns = 回答, no totals.
EXERCISE3_TABLE = pd.DataFrame(
    [[12, 3, 9], [7, 8, 10], [6, 11, 14]],
    index=["300人以下", "301〜1000人", "1001人以上"],
    columns=["はい", "いいえ", "わからない"],
)


def sample() -> SurveyData:
    """The shipped synthetic sample, loaded and validated."""
    return load_responses(data_root("surveys") / "sample_responses.csv")


@lru_cache(maxsize=1)
def messy_sample_path() -> Path:
    """The sample with ``inject_problems``' planted problems, written to a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="cntf_survey_"))
    messy, _ = inject_problems(generate_export(120, seed=1))
    return write_export(messy, folder / "messy_responses.csv")


def top2_share(question_id: str) -> float:
    """Share of the sample answering 4 or 5 to a likert5 question [-]."""
    return float(likert_summary(sample(), [question_id]).loc[question_id, "top2"])


def valid_rows_of_messy() -> int:
    """Rows the lenient loader keeps from the messy sample [respondents]."""
    return len(load_responses(messy_sample_path()).responses)


def with_margins(table: pd.DataFrame) -> pd.DataFrame:
    """A count table with a ``計`` column and row added [respondents]."""
    out = table.copy()
    out["計"] = out.sum(axis=1)
    out.loc["計"] = out.sum(axis=0)
    return out.astype(int)


def hidden_cells(table: pd.DataFrame, threshold: int = 5) -> int:
    """Cells ``suppress`` hides in ``table`` once its totals are added [-]."""
    return suppress(with_margins(table), threshold=threshold).n_hidden


ex1 = Exercise(
    title="演習1 企業間データ連携が必要と答えた割合",
    expected=lambda: top2_share("need_linkage"),
    hints=[
        "設問 need_linkage は5段階です。「必要と答えた」= 4（ややそう思う）か 5（とてもそう思う）。",
        "`r = data.responses`; `v = r['need_linkage'].dropna()`; 4以上の割合は `(v >= 4).mean()`。",
    ],
    solution_text=(
        "```python\n"
        'v = data.responses["need_linkage"].dropna()\n'
        "answer = float((v >= 4).mean())\n"
        "```\n"
        '`likert_summary(data).loc["need_linkage", "top2"]` でも同じです。'
    ),
)
"""Top-2 share of need_linkage [-]. Answer: a number between 0 and 1."""

ex2 = Exercise(
    title="演習2 問題のあるファイルから残る回答数",
    expected=valid_rows_of_messy,
    hints=[
        "`messy = load_responses(messy_path)` は、問題のある行を除いた行だけを `responses` に残します。",
        "`len(messy.responses)`。ファイルの行数 `messy.n_rows` から、問題のあった行の数を引いた数です。",
    ],
    solution_text=(
        "```python\nmessy = load_responses(messy_path)\nanswer = len(messy.responses)\n```"
    ),
)
"""Valid rows of the messy export [respondents]. Answer: an integer."""

ex3 = Exercise(
    title="演習3 補完秘匿を含めて隠すセルの数",
    expected=lambda: hidden_cells(EXERCISE3_TABLE, 5),
    hints=[
        "5未満の度数は「3」の1つだけです。でも行と列の合計が公表されていると、合計から引き算で戻せます。",
        "「3」の行にもう1つ、「3」の列にもう1つ、そして四角形になるように4つ目を隠すと、どれも戻せません。",
        "`suppress(with_margins(EXERCISE3_TABLE), threshold=5).n_hidden` で確かめられます。",
    ],
    solution_text=(
        "```python\n"
        "sup = suppress(with_margins(EXERCISE3_TABLE), threshold=5)\n"
        "answer = sup.n_hidden  # 3 と、それを守る3つのセル\n"
        "sup.display()\n"
        "```"
    ),
)
"""Hidden cells of EXERCISE3_TABLE at threshold 5 [-]. Answer: an integer."""

__all__ = [
    "EXERCISE3_TABLE",
    "ex1",
    "ex2",
    "ex3",
    "hidden_cells",
    "messy_sample_path",
    "sample",
    "top2_share",
    "valid_rows_of_messy",
    "with_margins",
]
