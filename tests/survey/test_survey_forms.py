"""Forms from the codebook: printable HTML, Excel answer sheet (round trip), Google Apps Script."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from cntf_workbench.survey import forms
from cntf_workbench.survey.codebook import Codebook, load_codebook
from cntf_workbench.survey.generate import generate_export
from cntf_workbench.survey.io import load_responses
from cntf_workbench.survey.taxonomy import SURVEYS

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(
    NODE is None, reason="node (Node.js) が PATH にないため検査できません"
)


@pytest.fixture(scope="module")
def book():
    return load_codebook()


def _book(questions: list[dict]) -> Codebook:
    scale = [{"code": str(k), "label": f"L{k}"} for k in range(1, 6)]
    return Codebook.model_validate(
        {"name": "t", "title": "テスト", "likert5_scale": scale, "questions": questions}
    )


def _single(qid: str, codes: list[str], **extra) -> dict:
    options = [{"code": c, "label": c.upper()} for c in codes]
    return {"id": qid, "text": f"{qid}?", "type": "single", "options": options, **extra}


HOSTILE = "ご意見は\"</script><script>alert(1)</script>'\\ です\u2028"


# --- skip logic in words ------------------------------------------------------------------------


def test_skip_instructions_of_the_shipped_questionnaire(book):
    lines = forms.skip_instructions(book)
    assert lines["calc_status"] == [
        "Q5で「算出を検討・準備中」の方はQ7へ",
        "Q5で「算出していない」の方はQ9へ",
    ]
    assert lines["calc_motive"] == ["Q5で「算出を検討・準備中」の方は、次はQ9へ"]
    assert lines["share_status"] == ["Q9で「共有していない」の方はQ11へ"]
    assert lines["renewables"] == ["Q23で「導入していない」だけを選んだ方はQ25へ"]
    assert lines["only:calc_granularity"][0].startswith("※ Q5で「製品単位まで算出している」")


def test_skip_to_the_end():
    book = _book(
        [_single("a", ["y", "n"]), _single("b", ["x"], show_if={"question": "a", "any_of": ["y"]})]
    )
    assert forms.skip_instructions(book)["a"] == ["Q1で「N」の方は回答の最後へ（以上で終わりです）"]


# --- printable questionnaire --------------------------------------------------------------------


def test_html_has_every_question_and_the_skips(book):
    html = forms.questionnaire_html(book)
    for q in book.questions:
        assert q.text in html
    assert "Q5で「算出していない」の方はQ9へ" in html
    assert "@media print" in html and "@page" in html
    assert "<script" not in html and "default-src 'none'" in html
    # one in the instructions, one per required question
    assert html.count('class="req"') == 1 + sum(q.required for q in book.questions)


def test_html_escapes_codebook_text():
    book = _book([{"id": "t", "text": HOSTILE, "type": "text"}])
    html = forms.questionnaire_html(book)
    assert "<script>" not in html and "&lt;script&gt;" in html


# --- Excel answer sheet -------------------------------------------------------------------------


def test_answer_sheet_header_and_validations(book, tmp_path):
    path = forms.write_answer_sheet(tmp_path / "sheet.xlsx", book, rows=50)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == forms.SHEET_ANSWERS
    ws = wb[forms.SHEET_ANSWERS]
    header = [c.value for c in ws[1]]
    assert header == [forms.ID_HEADER, *[q.text for q in book.questions]]
    column_of = {
        q.id: ws.cell(row=1, column=j).column_letter for j, q in enumerate(book.questions, 2)
    }
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            found[rng.coord] = dv
    opts = wb[forms.SHEET_OPTIONS]
    for q in book.questions:
        dv = found.get(f"{column_of[q.id]}2:{column_of[q.id]}51")
        if q.type == "single":
            assert dv is not None and dv.type == "list", q.id
            ref = dv.formula1.split("!")[1].replace("$", "")
            labels = [c.value for row in opts[ref] for c in row]
            assert labels == [o.label for o in q.options], q.id
        elif q.type == "likert5":
            assert dv.type == "list" and dv.formula1 == '"1,2,3,4,5"', q.id
        elif q.type == "number":
            assert dv.type == "whole" and (dv.formula1, dv.formula2) == ("0", "100"), q.id
        else:
            assert dv is None, q.id
            assert ws[f"{column_of[q.id]}1"].comment is not None


def _fill(path, frame, ids=True):
    wb = load_workbook(path)
    ws = wb[forms.SHEET_ANSWERS]
    headers = [c.value for c in ws[1]]
    for i, record in enumerate(frame.to_dict("records"), start=2):
        if ids:
            ws.cell(row=i, column=1, value=f"M{i - 1:03d}")
        for j, h in enumerate(headers[1:], start=2):
            v = record[h]
            if v != "":
                ws.cell(row=i, column=j, value=int(v) if v.isdigit() else v)
    wb.save(path)
    return path


def test_filled_sheet_reads_back_like_the_export(book, tmp_path):
    frame = generate_export(25, seed=7, codebook=book)
    csv = tmp_path / "export.csv"
    frame.to_csv(csv, index=False)
    sheet = _fill(forms.write_answer_sheet(tmp_path / "s.xlsx", book), frame)
    from_sheet = load_responses(sheet, book)
    from_csv = load_responses(csv, book)
    assert from_sheet.ok, from_sheet.problem_lines()[:3]
    assert list(from_sheet.responses["respondent_id"])[:2] == ["M001", "M002"]
    left = from_sheet.responses.drop(columns="respondent_id")
    right = from_csv.responses.drop(columns="respondent_id")
    assert left.equals(right)


def test_a_wrong_cell_in_the_sheet_is_reported(book, tmp_path):
    frame = generate_export(6, seed=8, codebook=book)
    frame.loc[2, book["employees"].text] = "たくさん"
    sheet = _fill(forms.write_answer_sheet(tmp_path / "s.xlsx", book), frame)
    data = load_responses(sheet, book)
    assert list(data.problems["row"]) == [3]
    assert data.problems["question_id"].iloc[0] == "employees"


# --- Google Apps Script -------------------------------------------------------------------------

MOCK = r"""
var log = [];
function Item(kind) { this.kind = kind; this.choices = null; this.calls = {}; this.idx = log.length; log.push(this); }
["setTitle", "setHelpText", "setRequired", "setBounds", "setLabels", "setValidation",
 "setChoiceValues", "showOtherOption", "setGoToPage"].forEach(function (m) {
  Item.prototype[m] = function () { this.calls[m] = Array.prototype.slice.call(arguments); return this; };
});
Item.prototype.createChoice = function (value, nav) { return {value: value, nav: nav}; };
Item.prototype.setChoices = function (cs) { this.choices = cs; return this; };
var form = {};
["addMultipleChoiceItem", "addCheckboxItem", "addScaleItem", "addTextItem",
 "addParagraphTextItem", "addPageBreakItem", "addSectionHeaderItem"].forEach(function (m) {
  form[m] = function () { return new Item(m); };
});
["setDescription", "setProgressBar"].forEach(function (m) { form[m] = function () { return form; }; });
form.getEditUrl = function () { return "edit"; };
form.getPublishedUrl = function () { return "view"; };
var validation = {}; ["setHelpText", "requireNumberBetween", "requireWholeNumber", "requireNumber"]
  .forEach(function (m) { validation[m] = function () { return validation; }; });
validation.build = function () { return "validation"; };
var FormApp = {
  create: function (t) { form.title = t; return form; },
  createTextValidation: function () { return validation; },
  PageNavigationType: {SUBMIT: "SUBMIT"}
};
var Logger = {log: function () {}};
"""

DUMP = r"""
createForm();
console.log(JSON.stringify({title: form.title, items: log.map(function (it) {
  var c = it.calls, first = function (m) { return c[m] && c[m][0]; };
  var idx = function (nav) { return nav === "SUBMIT" ? -1 : nav.idx; };
  return {kind: it.kind, idx: it.idx, title: first("setTitle"), required: first("setRequired"),
          values: first("setChoiceValues"),
          choices: it.choices && it.choices.map(function (ch) { return [ch.value, idx(ch.nav)]; }),
          goTo: c.setGoToPage ? idx(c.setGoToPage[0]) : null,
          other: !!c.showOtherOption, bounds: c.setBounds || null};
})}));
"""


def _run(script: str, tmp_path) -> dict:
    js = tmp_path / "form.js"
    js.write_text(MOCK + script + DUMP, encoding="utf-8")
    out = subprocess.run([NODE, str(js)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@needs_node
def test_script_passes_node_syntax_check(book, tmp_path):
    js = tmp_path / "create_form.js"
    js.write_text(forms.apps_script(book), encoding="utf-8")
    out = subprocess.run([NODE, "--check", str(js)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


@needs_node
def test_script_creates_the_codebook_form(book, tmp_path):
    got = _run(forms.apps_script(book), tmp_path)
    assert got["title"] == book.title
    questions = [
        it for it in got["items"] if it["kind"] not in ("addPageBreakItem", "addSectionHeaderItem")
    ]
    assert [it["title"] for it in questions] == [q.text for q in book.questions]
    kinds = {
        "single": "addMultipleChoiceItem",
        "multi": "addCheckboxItem",
        "likert5": "addScaleItem",
        "number": "addTextItem",
        "text": "addParagraphTextItem",
    }
    plan = forms.form_plan(book)
    for it, q in zip(questions, book.questions, strict=True):
        assert it["kind"] == kinds[q.type], q.id
        assert it["required"] == (q.required and q.id not in plan.demoted), q.id
        if q.type in ("single", "multi"):
            labels = [c[0] for c in it["choices"]] if it["choices"] else it["values"]
            expected = [o.label for o in q.options if not (q.allow_other and o.code == "other")]
            assert labels == expected, q.id
            assert it["other"] == q.allow_other
        if q.type == "likert5":
            assert it["bounds"] == [1, 5]
    # branching: 算出していない skips the calculation questions
    status = next(it for it in questions if it["title"] == book["calc_status"].text)
    pages = {it["idx"]: it for it in got["items"]}
    nav = dict(status["choices"])
    after = [it for it in got["items"] if it["idx"] > nav["算出していない"]]
    first_question = next(it for it in after if it["kind"] != "addPageBreakItem")
    assert first_question["title"] == book["share_status"].text
    assert pages[nav["製品単位まで算出している"]]["kind"] == "addPageBreakItem"


@needs_node
def test_script_escapes_text(tmp_path):
    book = _book([{"id": "t", "text": HOSTILE, "type": "text"}])
    got = _run(forms.apps_script(book), tmp_path)
    assert got["items"][1]["title"] == HOSTILE


def test_exact_branching_needs_no_demotion():
    book = _book(
        [
            _single("a", ["p", "q", "r"]),
            _single("b", ["x"], show_if={"question": "a", "any_of": ["p"]}),
            _single("c", ["x"], show_if={"question": "a", "any_of": ["q"]}),
            _single("d", ["x"]),
        ]
    )
    plan = forms.form_plan(book)
    assert plan.demoted == {} and plan.notes == []
    pages = {qid: k for k, p in enumerate(plan.pages) for qid in p.questions}
    assert plan.choices["a"] == {"p": pages["b"], "q": pages["c"], "r": pages["d"]}
    assert plan.pages[pages["b"]].go_to == pages["d"]  # p skips c
    assert plan.pages[pages["c"]].go_to is None


def test_disagreeing_next_pages_demote_the_page():
    book = _book(
        [
            _single("a", ["p", "q", "r"]),
            _single("b", ["x"], show_if={"question": "a", "any_of": ["p", "q"]}),
            _single("c", ["x"], show_if={"question": "a", "any_of": ["p"]}),
            _single("d", ["x"]),
        ]
    )
    plan = forms.form_plan(book)
    assert set(plan.demoted) == {"c"}
    pages = {qid: k for k, p in enumerate(plan.pages) for qid in p.questions}
    assert plan.choices["a"]["r"] == pages["d"]  # the trigger still sends r past c


def test_interleaved_conditions_are_demoted_and_noted(book):
    plan = forms.form_plan(book)
    assert set(plan.demoted) == {"calc_method", "renewables_roi"}
    assert len(plan.notes) == 2 and all("任意回答" in n for n in plan.notes)


def test_write_forms_writes_three_files(book, tmp_path):
    paths = forms.write_forms(tmp_path / "out", SURVEYS / "questionnaire_2027.yaml")
    assert {p.name for p in paths.values()} == {
        "questionnaire.html",
        "answer_sheet.xlsx",
        "create_form.gs",
    }
    assert "PACT" in paths["html"].read_text(encoding="utf-8")


@needs_node
def test_script_branching_of_an_exact_plan(tmp_path):
    book = _book(
        [
            _single("a", ["p", "q", "r"]),
            _single("b", ["x"], show_if={"question": "a", "any_of": ["p"]}),
            _single("c", ["x"], show_if={"question": "a", "any_of": ["q"]}),
            _single("d", ["x"]),
        ]
    )
    got = _run(forms.apps_script(book), tmp_path)
    breaks = [it for it in got["items"] if it["kind"] == "addPageBreakItem"]
    assert len(breaks) == 3  # b, c, d each start a page
    a = next(it for it in got["items"] if it["title"] == "a?")
    assert dict(a["choices"]) == {
        "P": breaks[0]["idx"],
        "Q": breaks[1]["idx"],
        "R": breaks[2]["idx"],
    }
    assert breaks[0]["goTo"] == breaks[2]["idx"] and breaks[1]["goTo"] is None


# --- English (lang="en") -------------------------------------------------------------------------

JAPANESE_UI = ["必須", "記入", "お答え", "ください", "設問", "以上です", "の方", "回答の最後", "（"]


def _has_japanese(text: object) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in str(text))


def test_english_questionnaire_html(book):
    html = forms.questionnaire_html(book, lang="en")
    assert '<html lang="en">' in html
    assert f"<h1>{book.title_en}</h1>" in html
    for q in book.questions:
        assert q.text_en.replace("'", "&#39;") in html, q.id
    assert "Q5: if you answered “No”, go to Q9" in html
    assert "required</span>" in html
    body = html.split('<p class="note">That is all. Thank you.</p>')[0]  # before the source
    for phrase in JAPANESE_UI:
        assert phrase not in body, phrase
    assert not _has_japanese(body)
    assert forms.questionnaire_html(book) == forms.questionnaire_html(book, lang="ja")


def test_english_skip_instructions_mirror_the_japanese(book):
    ja, en = forms.skip_instructions(book), forms.skip_instructions(book, "en")
    assert {k: len(v) for k, v in ja.items()} == {k: len(v) for k, v in en.items()}
    assert en["only:calc_granularity"] == [
        "* Only if you answered “Yes, down to products” or “Yes, company or site level” in Q5"
    ]
    assert not any(_has_japanese(line) for lines in en.values() for line in lines)


def _english_sheet(book, data, path):
    """Fill an English answer sheet from tidy responses, with English labels."""
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    by_text = {q.text_en: q for q in book.questions}
    for i, record in enumerate(data.responses.to_dict("records"), start=2):
        ws.cell(row=i, column=1, value=f"E{i - 1:03d}")
        for j, h in enumerate(headers[1:], start=2):
            q = by_text[h]
            v = record[q.id]
            labels = q.label_of("en")
            if q.type == "single" and isinstance(v, str):
                ws.cell(row=i, column=j, value=labels[v])
            elif q.type == "multi" and v:
                ws.cell(row=i, column=j, value=", ".join(labels[c] for c in v))
            elif q.type in ("likert5", "number") and v == v and v is not None and str(v) != "<NA>":
                ws.cell(row=i, column=j, value=float(v))
            elif q.type == "text" and v:
                ws.cell(row=i, column=j, value=v)
    wb.save(path)
    return path


def test_english_answer_sheet_reads_back(book, tmp_path):
    path = forms.write_answer_sheet(tmp_path / "en.xlsx", book, rows=40, lang="en")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Answers", "Options", "How to fill in"]
    header = [c.value for c in wb["Answers"][1]]
    assert header == ["respondent_id", *[q.text_en for q in book.questions]]
    opts = [c.value for c in wb["Options"]["A"] if c.value is not None][1:]
    assert opts == [o.label_en for o in book.questions[0].options]
    for row in wb["How to fill in"].iter_rows(values_only=True):
        assert not any(_has_japanese(v) for v in row if v is not None and v != book.source)
    # filled with English labels, it reads back to the same codes as the Japanese export
    csv = tmp_path / "export.csv"
    generate_export(30, seed=11, codebook=book).to_csv(csv, index=False)
    japanese = load_responses(csv, book)
    english = load_responses(_english_sheet(book, japanese, path), book)
    assert english.ok, english.problem_lines()[:3]
    left = english.responses.drop(columns="respondent_id")
    right = japanese.responses.drop(columns="respondent_id")
    assert left.equals(right)


@needs_node
def test_english_script_creates_an_english_form(book, tmp_path):
    script = forms.apps_script(book, lang="en")
    got = _run(script, tmp_path)
    assert got["title"] == book.title_en
    questions = [
        it for it in got["items"] if it["kind"] not in ("addPageBreakItem", "addSectionHeaderItem")
    ]
    assert [it["title"] for it in questions] == [q.text_en for q in book.questions]
    status = next(it for it in questions if it["title"] == book["calc_status"].text_en)
    assert [c[0] for c in status["choices"]] == [o.label_en for o in book["calc_status"].options]
    comments = [line for line in script.splitlines() if line.lstrip().startswith(("*", "//"))]
    assert not any(_has_japanese(line) for line in comments), comments
    plan = forms.form_plan(book, "en")
    assert plan.demoted.keys() == forms.form_plan(book).demoted.keys()
    assert all(note.startswith("Q") and "Google Forms" in note for note in plan.notes)
