"""Free text: NFKC, SudachiPy tokens (mode C), word frequency, KWIC, co-occurrence network."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cntf_workbench.survey import text


def test_normalize_nfkc_and_missing():
    assert text.normalize("ＣＯ２排出量　") == "CO2排出量"
    assert text.normalize("ｻﾌﾟﾗｲﾁｪｰﾝ") == "サプライチェーン"
    assert text.normalize(None) == ""
    assert text.normalize(math.nan) == ""


@pytest.mark.parametrize("word", ["排出量", "データ連携", "見える化", "サプライチェーン"])
def test_mode_c_keeps_compounds_whole(word):
    tokens = text.tokenize(f"取引先との{word}が課題です")
    assert word in [t.surface for t in tokens]


def test_tokens_carry_base_form_and_pos():
    tokens = text.tokenize("様式が違っていて困る")
    bases = {t.base for t in tokens}
    assert {"違う", "困る"} <= bases
    assert next(t for t in tokens if t.base == "様式").pos == "名詞"


def test_words_drop_function_words():
    assert text.words("集計に時間がかかる") == ["集計", "時間", "かかる"]


def test_long_text_is_split_before_sudachi():
    long = "排出量の集計が大変です。" * 5000  # about 180,000 bytes
    assert len(long.encode("utf-8")) > text.MAX_BYTES
    pieces = text.split_for_sudachi(long)
    assert "".join(pieces) == long
    assert all(len(p.encode("utf-8")) <= text.MAX_BYTES for p in pieces)
    tokens = text.tokenize(long)
    assert sum(t.surface == "排出量" for t in tokens) == 5000


def test_split_without_sentence_ends():
    long = "あ" * 20_000  # 60,000 bytes, no 。
    pieces = text.split_for_sudachi(long)
    assert "".join(pieces) == long and len(pieces) == 2


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=4, max_value=64))
def test_split_property(s, limit):
    pieces = text.split_for_sudachi(s, max_bytes=limit)
    assert "".join(pieces) == s
    assert all(0 < len(p.encode("utf-8")) <= limit for p in pieces)


ANSWERS = [
    "取引先ごとに様式が違う",
    "様式の統一をしてほしい",
    "集計に時間がかかる。集計は手作業。",
    "",
]


def test_word_frequency_counts_and_documents():
    table = text.word_frequency(ANSWERS, top=None)
    row = table.set_index("word").loc["集計"]
    assert row["count"] == 2 and row["documents"] == 1
    assert table.set_index("word").loc["様式", "documents"] == 2
    assert (table["documents"] <= table["count"]).all()
    assert list(table.columns) == ["word", "pos", "count", "documents"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from([*ANSWERS, "見える化の後の改善が分からない"]), max_size=8))
def test_word_frequency_total_is_additive(docs):
    whole = text.word_frequency(docs, top=None)["count"].sum()
    parts = sum(text.word_frequency([d], top=None)["count"].sum() for d in docs)
    assert whole == parts


def test_kwic_matches_base_form_and_substring():
    table = text.kwic(["様式が違っていて困る", "様式は違う"], "違う", width=3)
    assert list(table["answer"]) == [0, 1]
    assert table.iloc[0]["left"] == "様式が"
    assert text.kwic(["データ連携基盤"], "連携").shape[0] == 1  # substring fallback


def test_cooccurrence_network_jaccard():
    graph = text.cooccurrence(ANSWERS * 2, min_count=2)
    assert isinstance(graph, nx.Graph)
    assert graph.has_edge("取引先", "様式")
    for _, _, d in graph.edges(data=True):
        assert 0 < d["jaccard"] <= 1
    # 取引先 in 2 answers, 様式 in 4, both in 2 → 2 / (2 + 4 - 2)
    assert graph.edges["取引先", "様式"]["jaccard"] == pytest.approx(0.5)


def test_draw_network_renders_japanese(tmp_path, recwarn):
    fig = text.draw_network(text.cooccurrence(ANSWERS * 2, min_count=2))
    fig.savefig(tmp_path / "net.png")
    assert not [w for w in recwarn if "missing from font" in str(w.message)]


# --- notebook 09 helpers: the rule editor widget and the exercises -----------------------------
# (kept here with the free-text tests; they belong in tests/widgets and tests/exercises)


def test_rule_view_and_editor_redraw():
    from cntf_workbench.survey.taxonomy import load_rules
    from cntf_workbench.widgets.text import rule_editor, rule_view

    answers = ["配賦の方法が分からない", "按分の基準", "<b>様式</b>が違う", ""]
    view = rule_view(answers, "配賦 or 按分")
    assert view.n_caught == 2 and view.n_answers == 3 and view.share == pytest.approx(2 / 3)
    bad = rule_view(answers, "( 配賦 or")
    assert bad.error and bad.n_caught == 0 and "crimson" in bad.summary_html()

    editor = rule_editor(answers, load_rules(), start="P7 算定ルール・様式が未定")
    assert editor.view.n_caught == 1
    assert "&lt;b&gt;" in editor.result.value  # answers are escaped
    editor.editor.value = "按分"
    assert editor.view.n_caught == 1 and "按分の基準" in editor.result.value
    editor.preset.value = "P2 配賦・按分"
    assert editor.editor.value.startswith("配賦") and editor.view.n_caught == 2


def test_exercises_of_notebook_09():
    from cntf_workbench.exercises import ____
    from cntf_workbench.exercises import text as exercises
    from cntf_workbench.survey.taxonomy import categorize

    responses = exercises.sample_responses()
    freq = text.word_frequency(responses["pain_text"], top=None).set_index("word")
    exercises.ex1.assert_right(int(freq.loc["集計", "documents"]))
    exercises.ex1.assert_wrong(int(freq.loc["集計", "count"]) + 1)
    assert not exercises.ex1.check(____)
    exercises.ex2.assert_right(exercises.examples_caught("配賦 or 按分"))
    exercises.ex2.assert_wrong(exercises.examples_caught("配賦") - 1)
    texts = responses["pain_text"]
    coded = categorize(texts[texts != ""].tolist())
    exercises.ex3.assert_right(int((coded["pain_point"] == "P7").sum()))
    exercises.ex3.assert_wrong("P7")
