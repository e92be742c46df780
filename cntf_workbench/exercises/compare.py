"""Exercises of notebook 10 (アンケートの経年比較): a change in shares, a split option, identical waves.

The expected answers are computed, when checked, from the comparison the notebook ran (its
parameters choose the waves), so the notebook passes the objects in.
"""

from __future__ import annotations

from typing import Any

from cntf_workbench.exercises import Exercise


def wave_exercises(result: Any, split: Any, same: Any) -> tuple[Exercise, Exercise, Exercise]:
    """The three exercises of notebook 10.

    Parameters
    ----------
    result
        The comparison of the two waves (``survey.compare`` result with ``results``).
    split
        The aligned category of the split option (with ``code``).
    same
        The comparison of a wave with itself.

    Returns
    -------
    (ex1, ex2, ex3)
        ① the change of the Scope 3 category 1 share [points], ② how the split option is
        compared, ③ the number of significant rows when a wave is compared with itself.
    """
    ex1 = Exercise(
        title="演習1 Scope 3 カテゴリ1 の割合の変化（ポイント）",
        expected=lambda: float(
            result.results.set_index(["question", "option"]).loc[("scope_range", "s3_c1"), "change"]
        ),
        hints=[
            "割合 = 選んだ人 ÷ その設問に答えた人。今回の割合 − 前回の割合 を100倍します。",
            "`result.results` の `question == 'scope_range'` かつ `option == 's3_c1'` の行の "
            "`change` 列です。",
        ],
        solution_text=(
            "```python\n"
            "row = result.results.query(\"question == 'scope_range' and option == 's3_c1'\")\n"
            "answer = float(row['change'].iloc[0])\n"
            "```"
        ),
        rel_tol=1e-3,
    )
    ex2 = Exercise(
        title="演習2 分割された選択肢の比べ方",
        expected=lambda: split.code,
        hints=[
            "前回の「その他のカテゴリ」は、今回2つの選択肢に分かれました。1対1には対応しません。",
            "`alignment['scope_range'].categories` で、今回のコードが2つある共通カテゴリの "
            "`code` を見ます。",
        ],
        solution_text=(
            "```python\nanswer = 's3_c4+s3_c_other'  # 今回どちらかを選んだ人を、前回の s3_other と比べる\n```"
        ),
    )
    ex3 = Exercise(
        title="演習3 同じデータ同士の比較で有意になる行の数",
        expected=lambda: int(same.results["significant"].sum()),
        hints=[
            "同じ回答を2回比べると、差はどこにもありません。",
            "有意かどうかは `same.results` の `significant` 列にあります。",
        ],
        solution_text="```python\nanswer = int(same.results['significant'].sum())  # 0\n```",
    )
    return ex1, ex2, ex3
