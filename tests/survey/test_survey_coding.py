"""KH Coder–compatible coding rules: syntax, counting, errors, tables, chi-square, the yardstick."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency

from cntf_workbench.survey import coding as cd
from cntf_workbench.survey import taxonomy as tx

KHCODER = Path(__file__).resolve().parents[3] / "shared" / "khcoder"
HAVE_KHCODER = all(
    (KHCODER / f).exists() for f in ("theme.cod", "paragraphs.csv", "expected_paragraph_counts.csv")
)


def value(condition: str, answer: str, number: int = 1, **variables) -> float:
    node = cd.parse_condition(condition)
    return float(node.eval(cd.Doc.of(answer, number, variables), cd.RuleSet([])))


def catches(condition: str, answer: str, **variables) -> bool:
    return bool(value(condition, answer, **variables))


# --- the engine moved, the old names still work ------------------------------------------------


def test_taxonomy_reexports_the_engine():
    for name in ("Doc", "RuleSet", "Rule", "CodingRuleError", "parse_condition", "parse_rules"):
        assert getattr(tx, name) is getattr(cd, name)
    assert tx.Word is cd.Word and tx.Near is cd.Near and tx._Parser is cd._Parser


def test_doc_tokens_keep_token_fields_and_add_conjugation():
    doc = cd.Doc.of("彼は死んだ")
    shinn = next(t for t in doc.tokens if t.base == "死ぬ")
    assert (shinn.surface, shinn.pos, shinn.pos_detail) == ("死ん", "動詞", "一般")
    assert shinn.ctype == "五段-ナ行" and shinn.cform == "連用形-撥音便" and not shinn.oov


# --- the whole syntax ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "answer", "expected"),
    [
        ("先生 &! 奥さん", "先生が来た", True),
        ("先生 &! 奥さん", "先生と奥さん", False),
        ("奥さん |! 先生", "誰もいない", True),
        ("奥さん |! 先生", "先生がいる", False),
        ("! 先生", "誰もいない", True),
        ("先生 + 奥さん >= 2", "先生と奥さん", True),
        ("先生 + 奥さん >= 3", "先生と奥さん", False),
        ("先生 * 2 == 2", "先生が来た", True),
        ("先生 - 奥さん == 0", "先生と奥さん", True),
        ("near(先生-奥さん)[b]", "先生が来た。奥さんも来た", False),
        ("near(先生-奥さん)[b]", "先生と奥さんが来た", True),
        ("near(先生-奥さん)[d]", "先生が来た。奥さんも来た", True),
        ("near(先生-奥さん)[0]", "先生" + "、あ" * 20 + "奥さん", True),  # 0: no word limit
        ("near(先生-奥さん)", "先生" + "、あ" * 20 + "奥さん", False),  # default 10 words
        ("near(先生-奥さん)[b0]", "先生" + "、あ" * 20 + "奥さん", True),
        ("死ぬ-->動詞", "彼は死んだ", True),
        ("死ぬ-->名詞", "彼は死んだ", False),
        ("死ぬ->連用タ接続", "彼は死んだ", True),
        ("死ぬ->連用タ接続", "彼は死ぬ", False),
        ("死ぬ->基本形", "彼は死ぬ", True),
        ("死ぬ->連用形-撥音便", "彼は死んだ", True),  # a SudachiPy form
        ("死ぬ->終止形", "彼は死ぬ", True),  # a SudachiPy form prefix
        ("死ぬ-->動詞-一般", "死ぬ", True),  # a SudachiPy tag path
        ("ない-->形容詞B", "金がない", True),
        ("ない-->形容詞B", "知らない", False),
        ("ない-->否定助動詞", "知らない", True),
        ("ない-->否定助動詞", "高くない", True),  # IPADIC: 助動詞 after an adjective
        ("ない-->形容詞B->連用タ接続", "金がなかった", True),
        ("東京-->地名", "東京に行く", True),
        ("東京-->名詞-*", "東京に行く", True),  # every SudachiPy noun
        ("東京-->名詞", "東京に行く", False),  # KH Coder's 名詞 (普通名詞 一般) wins
        ("先生-->名詞", "先生に聞く", True),
        ("勉強-->サ変名詞", "毎日勉強する", True),
        ("にくい-->形容詞（非自立）", "読みにくい", True),
        ("にくい-->形容詞(非自立)", "読みにくい", True),  # ASCII parentheses too
        ("違う=>違っ", "違っている", True),
        ("違う=>違い", "違っている", False),
        ("'先生'", "先生が来た", True),
        ("lw == 3", "先生が来た", False),
    ],
)
def test_condition_semantics(condition, answer, expected):
    assert catches(condition, answer) is expected


def test_document_number():
    assert value("No. == 3", "x", number=3) == 1.0
    assert value("No. == 3", "x", number=2) == 0.0


def test_counts_follow_khcoder():
    # raw string: the sentences that contain it
    assert value("'先生'", "先生が来た。先生が帰った。奥さんが来た。") == 2
    # a word: every occurrence
    assert value("先生", "先生と先生") == 2
    # near: each start from which both words are found (KH Coder's walk)
    assert value("near(先生-奥さん)", "先生と奥さん、先生と奥さん") == 3
    assert value("seq(奥さん-先生)", "先生と奥さん、先生と奥さん") == 1
    assert value("near(先生-先生)", "先生と先生") == 0  # a word twice is never "both"
    assert value("near(先生-奥さん) >= 2", "先生と奥さん、先生と奥さん") == 1


def test_khcoder_pos_categories():
    doc = cd.Doc.of("東京の先生は毎日勉強していない。金がない。")
    cats = {t.surface: cd.kh_hinshi(doc.tokens, i) for i, t in enumerate(doc.tokens)}
    assert cats["東京"] == "地名"
    assert cats["先生"] == "名詞"
    assert cats["勉強"] == "サ変名詞"
    assert cats["。"] == "その他"
    nai = [cd.kh_hinshi(doc.tokens, i) for i, t in enumerate(doc.tokens) if t.base == "ない"]
    assert nai == ["否定助動詞", "形容詞B"]
    assert set(cd.KH_HINSHI) >= set(cats.values())


@pytest.mark.parametrize(
    ("source", "line", "token"),
    [
        ("＊A\n死ぬ-->形容詞Z\n", 2, "死ぬ-->形容詞Z"),
        ("＊A\n死ぬ->連用Z\n", 2, "死ぬ->連用Z"),
        ("＊A\n先生 or\n  near(先生-奥さん)[x]\n", 3, "near(先生-奥さん)[x]"),
        ("＊A\n+ 先生\n", 2, "+"),
        ("＊A\n死ぬ=>\n", 2, "死ぬ=>"),
        ("＊A\n先生 &\n", 2, "&"),
        ("＊A\n先生 奥さん\n", 2, "奥さん"),
        ("＊A\n( 先生 or 奥さん\n", 2, "("),
        ("＊A\n先生 >= たくさん\n", 2, "たくさん"),
        ("＊A\n<＊B>\n", 2, "<＊B>"),
    ],
)
def test_errors_name_file_line_and_token(source, line, token):
    with pytest.raises(cd.CodingRuleError) as info:
        cd.parse_rules(source, file="rules.cod")
    message = str(info.value)
    assert "rules.cod" in message and f"{line}行目" in message
    assert f"該当箇所「{token}」" in message
    assert "\n" not in message


def test_khcoder_file_layout(tmp_path):
    """cp932, ＊ and * code lines, # comments, conditions across lines, CRLF."""
    text = (
        "#------------#\r\n#   抽出語   #\r\n\r\n＊先生\r\n先生\r\n\r\n"
        "*二人\r\n   ( 先生\r\nand 奥さん )\r\n\r\n＊参照\r\n<＊二人> &! 'K'\r\n"
    )
    path = tmp_path / "theme.cod"
    path.write_bytes(text.encode("cp932"))
    rules = cd.load_rules(path)
    assert rules.names == ["先生", "二人", "参照"]
    assert rules.by_name["二人"].line == 7
    table = rules.apply(["先生と奥さん", "先生とK", "奥さん"])
    assert table.to_dict("list") == {
        "先生": [True, True, False],
        "二人": [True, False, False],
        "参照": [True, False, False],
    }


def test_notes_name_approximate_atoms():
    rules = cd.parse_rules("＊A\nない-->形容詞B->連用タ接続\n＊B\n会社-->組織名\n＊C\n先生\n")
    notes = rules.notes()
    assert any("形容詞B" in n and "近似" in n for n in notes)
    assert any("連用タ接続" in n for n in notes)
    assert any("組織名" in n and "0件" in n for n in notes)
    assert not any("＊C" in n for n in notes)


# --- properties ---------------------------------------------------------------------------------

WORDS = ["先生", "奥さん", "死ぬ", "ない", "様式", "違う"]
SENTENCES = [
    "先生と奥さんが来た",
    "私は死ぬ気はない",
    "様式が違っていて困る。先生に聞いた",
    "奥さんは何も言わなかった",
    "特になし",
]
ATOMS = [*WORDS, "near(先生-奥さん)", "seq(先生-奥さん)[b]", "'先生'", "lw >= 5", "先生 >= 2"]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(ATOMS), st.sampled_from(ATOMS), st.sampled_from(SENTENCES))
def test_boolean_laws(a, b, sentence):
    """or ⊇ each side, not not A == A, De Morgan, &! == and not, |! == or not."""
    assert catches(f"{a} or {b}", sentence) >= catches(a, sentence)
    assert catches(f"{a} and {b}", sentence) <= catches(a, sentence)
    assert catches(f"not not {a}", sentence) == catches(a, sentence)
    assert catches(f"not ( {a} or {b} )", sentence) == catches(f"not {a} and not {b}", sentence)
    assert catches(f"not ( {a} and {b} )", sentence) == catches(f"not {a} or not {b}", sentence)
    assert catches(f"{a} &! {b}", sentence) == catches(f"{a} and not {b}", sentence)
    assert catches(f"{a} |! {b}", sentence) == catches(f"{a} or not {b}", sentence)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from(SENTENCES))
def test_seq_within_near_within_and(a, b, sentence):
    assert catches(f"seq({a}-{b})", sentence) <= catches(f"near({a}-{b})", sentence)
    assert catches(f"near({a}-{b})", sentence) <= catches(f"{a} and {b}", sentence)
    assert catches(f"near({a}-{b})[b]", sentence) <= catches(f"near({a}-{b})", sentence)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4, unique=True))
def test_cp932_and_utf8_files_code_alike(tmp_path_factory, words):
    body = "＊コード\n" + "\nor ".join(words) + "\n＊近接\nnear(先生-奥さん)[b5]\n"
    folder = tmp_path_factory.mktemp("rules")
    (folder / "a.cod").write_bytes(body.encode("cp932"))
    (folder / "b.cod").write_bytes(body.encode("utf-8-sig"))
    a = cd.load_rules(folder / "a.cod").apply(SENTENCES)
    b = cd.load_rules(folder / "b.cod").apply(SENTENCES)
    pd.testing.assert_frame_equal(a, b)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=1, max_value=60), min_size=2, max_size=5),
        min_size=2,
        max_size=4,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1)
)
def test_chi_square_is_pearson_without_correction(rows):
    table = pd.DataFrame(rows)
    expected = chi2_contingency(np.array(rows), correction=False)[0]
    assert cd.chi_square(table) == pytest.approx(expected, rel=1e-9)


def test_chi_square_by_hand_and_degenerate():
    # 2 × 2: a = 10, b = 20, c = 30, d = 40; N (ad − bc)² / (row and column totals)
    by_hand = 100 * (10 * 40 - 20 * 30) ** 2 / (30 * 70 * 40 * 60)
    assert cd.chi_square(pd.DataFrame([[10, 20], [30, 40]])) == pytest.approx(by_hand)
    assert math.isnan(cd.chi_square(pd.DataFrame([[0, 0], [5, 7]])))  # a code nobody has


# --- coding a table -----------------------------------------------------------------------------


def test_code_a_table():
    frame = pd.DataFrame(
        {
            "id": ["1", "2", "3", "4"],
            "立場": ["tier1", "tier2", "tier1", ""],
            "text": ["先生と奥さん", "先生", "奥さんだけ", "先生"],
        }
    )
    rules = cd.parse_rules("＊先生\n先生\n＊id\n<>立場-->tier1\n＊番号\nNo. >= 3\n", file="r.cod")
    result = cd.code(frame, rules, "text", by="立場")
    assert list(result.coded.columns) == ["id", "立場", "text", "先生", "id（コード）", "番号"]
    assert result.codes["先生"].tolist() == [1, 1, 0, 1]
    assert result.counts.to_dict() == {"先生": 3, "id": 2, "番号": 2}
    assert list(result.crosstab.columns) == ["tier1", "tier2"]  # blank group left out
    assert result.crosstab.loc["先生"].to_dict() == {"tier1": 1, "tier2": 1}
    table = pd.DataFrame([[1, 1], [1, 0]])
    assert result.chi2["先生"] == pytest.approx(cd.chi_square(table))
    summary = result.summary()
    assert summary["counts"]["先生"] == 3 and summary["crosstab"]["id"] == {"tier1": 2, "tier2": 0}
    assert set(summary) >= {"counts", "crosstab", "chi2", "documents"}


def test_code_reports_missing_columns():
    frame = pd.DataFrame({"text": ["先生"]})
    rules = cd.parse_rules("＊A\n<>見出し-->上\n", file="v.cod")
    with pytest.raises(cd.CodingRuleError) as info:
        cd.code(frame, rules, "text")
    assert "見出し" in str(info.value) and "v.cod" in str(info.value) and "2行目" in str(info.value)
    with pytest.raises(cd.CodingRuleError, match="回答"):
        cd.code(frame, cd.parse_rules("＊A\n先生\n"), "回答")


# --- KH Coder's own test as the yardstick ------------------------------------------------------


@pytest.fixture(scope="module")
def khcoder_comparison():
    rules = cd.load_rules(KHCODER / "theme.cod")
    para = pd.read_csv(KHCODER / "paragraphs.csv", dtype=str, keep_default_na=False)
    expected = pd.read_csv(KHCODER / "expected_paragraph_counts.csv")
    result = cd.code(para, rules, "text", by="見出し1")
    return rules, result, cd.compare_khcoder(result, expected)


@pytest.mark.skipif(not HAVE_KHCODER, reason="../shared/khcoder (KH Coder test data) absent")
def test_khcoder_yardstick(khcoder_comparison):
    """『こころ』 with theme.cod by 見出し1: exact codes and their chi-square equal KH Coder's,
    word codes within 5 %, phrase/near/seq/length codes within 15 %; POS codes reported."""
    rules, result, table = khcoder_comparison
    assert len(rules) == 34 and len(table) == 34
    by_class = table.groupby("許容差")["判定"].apply(list).to_dict()
    assert by_class["exact"] == ["一致"] * 10
    assert by_class["5%"] == ["許容内"] * 12
    assert by_class["15%"] == ["許容内"] * 9
    assert by_class["参考"] == ["参考"] * 3
    exact = table[table["許容差"] == "exact"]
    assert (exact["KH Coder"] == exact["本ツール"]).all()
    assert (exact["χ²（KH Coder）"] == exact["χ²（本ツール）"].round(3)).all()
    # the crosstab columns are KH Coder's groups, in document order
    assert list(result.crosstab.columns) == ["上＿先生と私", "中＿両親と私", "下＿先生と遺書"]


KH_ATOM_OK = (
    r"^(and|or|not|&|\||&!|\|!|\(|\)|>=|<=|==|>|<|\+|-|\*|/|\d+)$"  # KH Coder's delimiters
    r"|^(near|seq)\([^()\s]+\)(\[[bd]?\d*\])?$"  # near / seq
    r"|^[^()\s]+$"  # words, phrases, <>var-->value, <＊code>, 'string'
)


def test_shipped_rules_are_a_khcoder_rule_file():
    """KH Coder reads '#' comments and '＊' code lines at column 0, and splits conditions on
    spaces only: every space-separated piece of the shipped file must be one KH Coder atom."""
    import re

    text = tx.RULES_PATH.read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith(("#", "＊")):
            continue
        assert not line.lstrip().startswith(("#", "＊", "*")), f"{n}: indented comment/code line"
        for piece in line.replace("\u3000", " ").split():
            assert re.match(KH_ATOM_OK, piece), f"{n}行目「{piece}」"
    assert len(cd.load_rules(tx.RULES_PATH)) == len(tx.load_rules())
