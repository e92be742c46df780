"""Exercises of notebook 09 (自由記述と課題レポート): words, coding rules, pain-point counts.

Every expected answer is computed from the package and the shipped files when it is checked:
the synthetic sample export ``surveys/sample_responses.csv``, the hand-written labelled set
``surveys/labelled_examples.csv`` and the shipped rules and classifier.
"""

from __future__ import annotations

import functools

import pandas as pd

from cntf_workbench.exercises import Exercise
from cntf_workbench.survey import text as jtext
from cntf_workbench.survey.taxonomy import (
    SURVEYS,
    Doc,
    RuleSet,
    categorize,
    load_examples,
    parse_condition,
)

SAMPLE_PATH = SURVEYS / "sample_responses.csv"


@functools.lru_cache(maxsize=1)
def sample_responses() -> pd.DataFrame:
    """The validated synthetic sample (``load_responses(...).responses``)."""
    from cntf_workbench.survey.io import load_responses

    return load_responses(SAMPLE_PATH).responses


def documents_with_word(word: str, column: str = "pain_text") -> int:
    """Answers of the sample whose words include ``word`` (base form) [answers].

    Parameters
    ----------
    word : str
        A content word, e.g. ``"集計"``.
    column : str
        Free-text question id.
    """
    table = jtext.word_frequency(sample_responses()[column], top=None)
    hit = table[table["word"] == jtext.normalize(word)]
    return int(hit["documents"].sum())


def examples_caught(condition: str) -> int:
    """Labelled examples a condition (KH Coder syntax) catches [answers].

    Parameters
    ----------
    condition : str
        E.g. ``"配賦 or 按分"``.
    """
    node = parse_condition(condition)
    env = RuleSet([])
    return sum(bool(node.eval(Doc.of(t), env)) for t in load_examples()["text"])


def respondents_raising(code: str, column: str = "pain_text") -> int:
    """Respondents of the sample whose ``column`` answer is coded ``code`` [respondents].

    Parameters
    ----------
    code : str
        Taxonomy id, e.g. ``"P7"``.
    column : str
        Free-text question id.
    """
    texts = sample_responses()[column]
    coded = categorize(texts[texts.map(jtext.normalize) != ""].tolist())
    return int((coded["pain_point"] == code).sum())


ex1 = Exercise(
    title="演習1 「集計」を含む困りごとの回答数",
    expected=lambda: documents_with_word("集計"),
    hints=[
        "`word_frequency(responses['pain_text'], top=None)` は語ごとの出現回数 count と、"
        "その語を含む回答数 documents を返します。",
        "表から word が「集計」の行を取り出し、documents を答えます（count ではありません）。",
    ],
    solution_text=(
        "```python\n"
        "freq = text.word_frequency(responses['pain_text'], top=None)\n"
        "answer = int(freq.loc[freq['word'] == '集計', 'documents'].sum())\n"
        "```"
    ),
)
"""Answers of the sample that contain 集計 [answers]. Answer: a number."""

ex2 = Exercise(
    title="演習2 ルール「配賦 or 按分」が当たるラベル付き例の数",
    expected=lambda: examples_caught("配賦 or 按分"),
    hints=[
        "`rule_view(examples['text'], '配賦 or 按分')` の `n_caught` が当たった件数です。",
        "ルールは語の基本形で照合します。「按分する」も「按分」に当たります。",
    ],
    solution_text=(
        "```python\n"
        "answer = rule_view(examples['text'], '配賦 or 按分').n_caught\n"
        "```\n"
        "当たらなかった P2 の例（割り当てる、振り分ける …）を見ると、ルールに足す語が分かります。"
    ),
)
"""Labelled examples the rule 配賦 or 按分 catches [answers]. Answer: a number."""

ex3 = Exercise(
    title="演習3 P7（算出ルールが未定）に分類された困りごとの数",
    expected=lambda: respondents_raising("P7"),
    hints=[
        "`categorize(texts)` は回答ごとに pain_point を返します。空欄は除いておきます。",
        "`(coded['pain_point'] == 'P7').sum()` で数えます。",
    ],
    solution_text=(
        "```python\n"
        "texts = responses['pain_text']\n"
        "coded = categorize(texts[texts != ''].tolist())\n"
        "answer = int((coded['pain_point'] == 'P7').sum())\n"
        "```"
    ),
)
"""Sample answers coded P7 [answers]. Answer: a number."""

__all__ = [
    "documents_with_word",
    "ex1",
    "ex2",
    "ex3",
    "examples_caught",
    "respondents_raising",
    "sample_responses",
]
