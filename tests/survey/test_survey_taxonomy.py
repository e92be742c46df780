"""Taxonomy, KH Coder–style coding rules (incl. malformed rules) and the classifier."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, f1_score

from cntf_workbench.errors import CntfError
from cntf_workbench.survey import taxonomy as tx

# --- taxonomy -----------------------------------------------------------------------------------


def test_shipped_taxonomy_is_the_seminar_table():
    tax = tx.load_taxonomy()
    assert tax.ids == [f"P{i}" for i in range(1, 9)] + ["other"]
    assert tax.categories == ("可視化", "CO2削減", "データ連携")
    assert tax["P1"].label == "製品単位のCO2排出量の信憑性の高さが不明"
    assert tax["P8"].categories == ("データ連携",)
    assert tax["P7"].categories == ("可視化", "データ連携")
    assert "監査機能による保証" in tax["P1"].solutions
    assert tax["other"].category == ""
    table = tax.table()
    assert list(table.columns) == ["id", "困りごと", "目指す姿", "解決策案", "対象区分"]


TAX_YAML = """
categories: [可視化, CO2削減]
codes:
  - id: P1
    label: 信憑性
    categories: [可視化]
{extra}
other: {{id: other, label: その他}}
"""


def test_member_may_add_a_code(tmp_path):
    path = tmp_path / "t.yaml"
    extra = "  - {id: M1_cost, label: 費用負担, categories: [CO2削減], solutions: 補助金}"
    path.write_text(TAX_YAML.format(extra=extra), encoding="utf-8")
    tax = tx.load_taxonomy(path)
    assert tax.ids == ["P1", "M1_cost", "other"]
    assert tax["M1_cost"].solutions == ("補助金",)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ("  - {id: P1, label: 重複, categories: [可視化]}", "重複"),
        ("  - {id: P9, label: 新, categories: [データ連携]}", "categories"),
        ("  - {id: P9, categories: [可視化]}", "label"),
        ("  - {id: 9x, label: x, categories: [可視化]}", "id"),
        ("  - {id: P9, label: x}", "categories"),
    ],
)
def test_bad_taxonomy_is_reported(tmp_path, extra, needle):
    path = tmp_path / "t.yaml"
    path.write_text(TAX_YAML.format(extra=extra), encoding="utf-8")
    with pytest.raises(tx.TaxonomyError) as info:
        tx.load_taxonomy(path)
    assert needle in str(info.value) and str(path) in str(info.value)


def test_unreadable_taxonomy(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("codes: [\n", encoding="utf-8")
    with pytest.raises(tx.TaxonomyError, match="YAML"):
        tx.load_taxonomy(path)
    with pytest.raises(CntfError, match="読めません"):
        tx.load_taxonomy(tmp_path / "missing.yaml")


# --- rule syntax --------------------------------------------------------------------------------


def catches(condition: str, answer: str, **variables) -> bool:
    node = tx.parse_condition(condition)
    return bool(node.eval(tx.Doc.of(answer, 1, variables), tx.RuleSet([])))


@pytest.mark.parametrize(
    ("condition", "answer", "expected"),
    [
        ("配賦", "配賦の方法が分からない", True),
        ("違う", "様式が違っていて困る", True),  # base form
        ("配賦 or 按分", "按分の基準", True),
        ("配賦 and 按分", "按分の基準", False),
        ("配賦 | 按分", "按分の基準", True),
        ("配賦 & 基準", "配賦の基準", True),
        ("not 配賦", "按分の基準", True),
        ("按分 and not 基準", "按分の基準", False),
        ("( 配賦 or 按分 ) and 基準", "按分の基準", True),
        ("配賦 or 按分 and 工程", "配賦の基準", True),  # and binds tighter than or
        ("( 配賦 or 按分 ) and 工程", "配賦の基準", False),
        ("一次データ", "一次データの活用率", True),  # word split by Sudachi → phrase
        ("取引先+様式", "取引先様式が違う", True),
        ("様式+取引先", "取引先様式が違う", False),
        ("near(様式-統一)", "統一された様式がない", True),
        ("seq(様式-統一)", "統一された様式がない", False),
        ("seq(統一-様式)", "統一された様式がない", True),
        ("near(様式-負担)[2]", "様式が顧客ごとに違い対応の負担が大きい", False),
        ("near(様式-負担)[8]", "様式が顧客ごとに違い対応の負担が大きい", True),
        ("near(様式-負担)[b8]", "様式が違う。負担が大きい", False),
        ("集計 >= 2", "集計に時間、集計は手作業", True),
        ("集計 >= 2", "集計に時間がかかる", False),
        ("集計 == 1", "集計に時間がかかる", True),
        ("'様式が'", "提出様式が違う", True),
        ("lc <= 5", "特になし", True),
        ("lw >= 5", "特になし", False),
        ("<>立場-->tier2 and 様式", "様式", True),
        ("<>立場-->tier1", "様式", False),
        ("ＣＯ２", "CO2の算定", True),  # NFKC on both sides
        ("tier2", "Tier2の仕入先", True),  # case-folded
    ],
)
def test_condition_semantics(condition, answer, expected):
    assert catches(condition, answer, 立場="tier2") is expected


def test_code_reference_and_file_layout():
    rules = tx.parse_rules(
        "# comment\n\n＊A 様式\n様式\n  or フォーマット\n\n*B\n<＊A 様式> and 違う\n",
        file="r.txt",
        codes=["A"],
    )
    assert [r.name for r in rules] == ["A 様式", "B"]
    assert rules.by_name["A 様式"].code == "A" and rules.by_name["B"].code is None
    assert rules.by_name["A 様式"].line == 3
    table = rules.apply(["フォーマットが違う", "様式"])
    assert table.to_dict("list") == {"A 様式": [True, True], "B": [True, False]}


@pytest.mark.parametrize(
    ("source", "line", "needle"),
    [
        ("＊A\n( 配賦 or 按分\n", 2, "閉じかっこ"),
        ("＊A\n配賦 )\n", 2, "「)」"),
        ("＊A\n配賦 and\n", 2, "途中で終わって"),
        ("＊A\nand 配賦\n", 2, "前に語が必要"),
        ("＊A\n配賦 按分\n", 2, "and / or"),
        ("配賦\n＊A\n按分\n", 1, "より前に条件"),
        ("＊A\n\n＊B\n按分\n", 1, "条件が空"),
        ("＊\n按分\n", 1, "コード名がありません"),
        ("＊A\n按分\n＊A\n配賦\n", 3, "重複"),
        ("＊A\n按分\n\n＊B\n配賦 or\n  <＊C>\n", 6, "＊C"),
        ("＊A\nnear(配賦)\n", 2, "2語以上"),
        ("＊A\n集計 >= たくさん\n", 2, "数値"),
        ("＊A\n<>立場\n", 2, "<>変数名-->値"),
        ("＊A\n取引先++様式\n", 2, "+ の両側"),
        ("＊A\n配賦\nor 'abc\n", 3, "読めない文字"),
    ],
)
def test_malformed_rules_name_file_and_line(source, line, needle):
    with pytest.raises(tx.CodingRuleError) as info:
        tx.parse_rules(source, file="rules.txt")
    message = str(info.value)
    assert needle in message
    assert "rules.txt" in message and f"{line}行目" in message
    assert "\n" not in message


def test_cyclic_reference_is_an_error():
    rules = tx.parse_rules("＊A\n<＊B>\n＊B\n<＊A>\n", file="c.txt")
    with pytest.raises(tx.CodingRuleError, match="循環"):
        rules.apply(["x"])


def test_missing_variable_is_an_error():
    rules = tx.parse_rules("＊A\n<>見出し-->上\n", file="v.txt")
    with pytest.raises(tx.CodingRuleError, match="見出し"):
        rules.apply(["x"])


def test_shipped_rules_parse_and_map_to_taxonomy():
    rules = tx.load_rules()
    assert [r.code for r in rules] == [f"P{i}" for i in range(1, 9)]


def test_rule_file_in_cp932(tmp_path):
    path = tmp_path / "r.cod"
    path.write_bytes("＊P1 信憑性\n根拠 or 検証\n".encode("cp932"))
    rules = tx.load_rules(path)
    assert rules.apply(["根拠がない"]).iloc[0, 0]
    with pytest.raises(tx.CodingRuleError, match="読めません"):
        tx.load_rules(tmp_path / "none.txt")


# The KH Coder yardstick (『こころ』, theme.cod) is in test_survey_coding.py.


# --- labelled set and classifier ---------------------------------------------------------------


def test_labelled_set_is_hand_written_and_covers_every_code():
    examples = tx.load_examples()
    assert len(examples) >= 200
    assert set(examples["pain_point"]) == set(tx.load_taxonomy().ids)
    assert (examples["source"] == "hand-written").all()
    assert examples["text"].is_unique
    assert examples["pain_point"].value_counts().min() >= 20


def test_labelled_set_does_not_reuse_generator_phrases():
    """Written apart from the sample generator's phrase bank, so the evaluation is not circular."""
    from cntf_workbench.survey import generate

    def grams(s: str) -> set[str]:
        return {s[i : i + 3] for i in range(len(s) - 2)}

    pairs = [pair for pairs in generate.PAIN_PHRASES.values() for pair in pairs]
    texts = tx.load_examples()["text"].tolist()
    for subject, complaint in pairs:
        for fragment in (subject, complaint):
            if len(fragment) >= 8:
                assert not any(fragment in t for t in texts), fragment
        sentence = grams(subject + complaint)
        closest = max(len(sentence & grams(t)) / len(sentence | grams(t)) for t in texts)
        assert closest < 0.3, subject + complaint


def test_bad_labels_are_reported(tmp_path):
    path = tmp_path / "l.csv"
    path.write_text("text,pain_point\n様式が違う,P7\n配賦,P99\n", encoding="utf-8")
    with pytest.raises(tx.TaxonomyError) as info:
        tx.load_examples(path)
    assert "P99" in str(info.value) and "データ2行目" in str(info.value)


@pytest.fixture(scope="module")
def evaluation():
    return tx.evaluate(seed=0)


def test_evaluation_is_on_a_held_out_split(evaluation):
    assert not set(evaluation.train_ids) & set(evaluation.test_ids)
    examples = tx.load_examples()
    assert len(evaluation.train_ids) + len(evaluation.test_ids) == len(examples)
    assert list(evaluation.predictions["example_id"]) == evaluation.test_ids
    # stratified: every code is in the held-out part
    assert set(evaluation.predictions["truth"]) == set(examples["pain_point"])


def test_metrics_are_recomputed_from_held_out_predictions(evaluation):
    p = evaluation.predictions
    m = evaluation.metrics
    assert m.loc["combined", "accuracy"] == pytest.approx(accuracy_score(p["truth"], p["combined"]))
    assert m.loc["model", "accuracy"] == pytest.approx(accuracy_score(p["truth"], p["model"]))
    labels = list(evaluation.confusion.index)
    assert m.loc["combined", "macro_f1"] == pytest.approx(
        f1_score(p["truth"], p["combined"], average="macro", labels=labels, zero_division=0)
    )
    conf = evaluation.confusion
    assert int(conf.to_numpy().sum()) == len(p)
    assert int(pd.Series(conf.to_numpy().diagonal()).sum()) == int(
        (p["truth"] == p["combined"]).sum()
    )


def test_classifier_beats_the_majority_baseline(evaluation):
    p = evaluation.predictions
    baseline = p["truth"].value_counts().iloc[0] / len(p)
    m = evaluation.metrics
    assert m.loc["model", "accuracy"] > 3 * baseline
    assert m.loc["combined", "accuracy"] >= 0.6
    assert m.loc["combined", "macro_f1"] >= 0.6


def test_categorize_columns_and_basis():
    coded = tx.categorize(["", "配賦の基準が決まらない", "人手が足りない", None])
    assert list(coded.columns) == [
        "text",
        "pain_point",
        "label",
        "category",
        "basis",
        "score",
        "rule_codes",
    ]
    assert coded.loc[0, "pain_point"] == "other" and coded.loc[0, "basis"] == "空欄"
    assert coded.loc[1, "pain_point"] == "P2" and coded.loc[1, "basis"].startswith("ルール: P2")
    assert coded.loc[1, "category"] == "可視化"
    assert coded.loc[2, "basis"].startswith("モデル")
    assert coded.loc[3, "pain_point"] == "other"


def test_categorize_against_the_generator_truth():
    """The synthetic sample's pain text was built from known codes: most are recovered."""
    from cntf_workbench.survey import generate

    export, truth = generate.generate_answers(n=200, seed=7)
    pain_header = next(c for c in export.columns if "困りごと" in c)
    coded = tx.categorize(export[pain_header].tolist())
    filled = export[pain_header].str.strip() != ""
    hits = [
        code in codes
        for code, codes, keep in zip(coded["pain_point"], truth["pain_codes"], filled, strict=True)
        if keep
    ]
    assert sum(hits) / len(hits) >= 0.6


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=80))
def test_categorize_always_returns_a_taxonomy_code(s):
    coded = tx.categorize([s])
    assert coded.loc[0, "pain_point"] in tx.load_taxonomy().ids
    assert 0.0 <= coded.loc[0, "score"] <= 1.0


WORDS = ["配賦", "按分", "様式", "集計", "違う", "データ連携"]
SENTENCES = [
    "配賦の方法が分からない",
    "按分と集計に手間がかかる",
    "様式が違っていて困る",
    "データ連携の仕組みがほしい",
    "特になし",
]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from(SENTENCES))
def test_boolean_laws_hold(a, b, sentence):
    """De Morgan, double negation and or ⊇ and, on real tokenised answers."""
    assert catches(f"not ( {a} or {b} )", sentence) == catches(f"not {a} and not {b}", sentence)
    assert catches(f"not ( {a} and {b} )", sentence) == catches(f"not {a} or not {b}", sentence)
    assert catches(f"not not {a}", sentence) == catches(a, sentence)
    assert catches(f"{a} or {b}", sentence) >= catches(f"{a} and {b}", sentence)
    assert catches(f"near({a}-{b})", sentence) <= catches(f"{a} and {b}", sentence) or a == b
    assert catches(f"seq({a}-{b})", sentence) <= catches(f"near({a}-{b})", sentence)


def test_member_code_with_its_own_rule(tmp_path):
    """A code a member adds (no labelled examples yet) is reached through its rule."""
    shipped = tx.load_taxonomy()
    path = tmp_path / "t.yaml"
    extra = "  - {id: M1, label: 費用負担, categories: [CO2削減], solutions: [補助金の活用]}"
    path.write_text(
        "categories: [可視化, CO2削減, データ連携]\ncodes:\n"
        + "".join(
            f"  - {{id: {p.id}, label: {p.label}, categories: [{', '.join(p.categories)}]}}\n"
            for p in shipped.codes.values()
            if p.id != "other"
        )
        + extra
        + "\nother: {id: other, label: その他}\n",
        encoding="utf-8",
    )
    tax = tx.load_taxonomy(path)
    rules = tx.parse_rules("＊M1 費用\n費用 or 補助金\n", codes=tax.ids)
    cat = tx.train(tx.load_examples(taxonomy=tax), tax, rules)
    coded = cat.categorize(["見える化の費用が高く補助金がほしい"])
    assert coded.loc[0, "pain_point"] == "M1" and coded.loc[0, "category"] == "CO2削減"
