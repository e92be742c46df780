"""Forms from the codebook: a printable questionnaire, an Excel answer sheet, a Google Form script.

One codebook (``surveys/questionnaire.yaml``) gives every way a member can answer:

- ``questionnaire_html``: a print-friendly HTML questionnaire in Japanese, for answers on paper,
  with the skip logic written out (「Q5で「算出していない」の方はQ9へ」);
- ``write_answer_sheet``: an Excel workbook for offline answers, one row per respondent and one
  column per question, headed by the question text exactly as a Google Forms export is, so that
  ``io.load_responses`` (and ``cntf survey validate``) reads it back like an export; single-choice
  and Likert columns carry drop-down lists (data validation), number columns a range check;
- ``apps_script``: a Google Apps Script that creates the same Google Form (titles, types,
  options, required flags, and sections for the skip logic), so the WG does not re-type it.

Google Forms branches only at the end of a section and only on a single-choice (radio) item, so
a skip rule is made into sections where it can be exactly (``form_plan``). Where it cannot (the
trigger is multi-select, or respondents who reach a section would need different next sections,
e.g. Q6 asked for {A, B}, Q7 for {A, B, C}, Q8 for {A, B} again), the question is asked of
everyone who reaches it, made optional, and its help text says who should answer; the plan lists
these cases (``FormPlan.notes``) and the script repeats them in a comment.

Languages: every form can be written in English (``lang="en"``): the codebook's ``title_en``,
``text_en`` and ``label_en`` and the messages of :mod:`cntf_workbench.survey.i18n`. An English
answer sheet (headers ``text_en``, lists of ``label_en``) and the export of an English Google
Form read back with ``io.load_responses`` like the Japanese ones. Japanese is the default.

Every text is escaped: the HTML by jinja2 autoescape (with a content security policy that
forbids scripts), the script by JSON string literals, the workbook by openpyxl (strings, never
formulas).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from cntf_workbench.survey import i18n
from cntf_workbench.survey.codebook import Codebook, Question, SurveyError, load_codebook
from cntf_workbench.survey.i18n import t

#: First column of the answer sheet (read by ``io`` as the respondent id).
ID_HEADER = "回答者ID"
#: Sheet names of the answer workbook (the answers come first: ``io`` reads the first sheet).
SHEET_ANSWERS = "回答"
SHEET_OPTIONS = "選択肢"
SHEET_HELP = "記入方法"
#: Rows prepared with drop-down lists in the answer sheet [respondents].
DEFAULT_ROWS = 300


def _book(codebook: Codebook | str | Path | None) -> Codebook:
    return codebook if isinstance(codebook, Codebook) else load_codebook(codebook)


def question_numbers(book: Codebook) -> dict[str, int]:
    """Question id → number shown on the forms (Q1, Q2 … in codebook order)."""
    return {q.id: k for k, q in enumerate(book.questions, start=1)}


def _quoted(labels: list[str], lang: str = "ja") -> str:
    return i18n.quoted(labels, lang)


# --- skip logic in words -----------------------------------------------------------------------


def _asked(q: Question, trigger: Question, case: str | None) -> bool:
    """Is ``q`` asked of a respondent whose answer to ``trigger`` is ``case``?

    ``case`` is an option code (single trigger) or None: a multi trigger's respondent who ticked
    none of the codes that open the dependent questions.
    """
    if q.show_if is None or q.show_if.question != trigger.id:
        return True
    if case is None:
        return False
    return case in q.show_if.any_of


def skip_instructions(book: Codebook, lang: str = "ja") -> dict[str, list[str]]:
    """The skip logic in words, by the question after which each instruction is printed.

    Parameters
    ----------
    book : Codebook
    lang : {"ja", "en"}
        Language of the lines (English: ``Q5: if you answered “No”, go to Q9``).

    Returns
    -------
    dict
        Question id → Japanese lines such as 「Q5で「算出していない」の方はQ9へ」 (printed under
        that question), and, for each conditional question, 「※ Q5で「…」と答えた方のみ」
        under the key ``"only:" + id``.
    """
    num = question_numbers(book)
    ids = book.ids
    out: dict[str, list[str]] = {}
    triggers = list(dict.fromkeys(q.show_if.question for q in book.questions if q.show_if))
    for tid in triggers:
        trig = book[tid]
        ti = ids.index(tid)
        labels = trig.label_of(lang)
        if trig.type == "multi":
            opening = {
                c
                for q in book.questions
                if q.show_if and q.show_if.question == tid
                for c in q.show_if.any_of
            }
            rest = [o.code for o in trig.options if o.code not in opening]
            cases: list[str | None] = [None]
            who = {
                None: (
                    t("skip.multi_rest", lang, labels=_quoted([labels[c] for c in rest], lang))
                    if rest
                    else t(
                        "skip.multi_none",
                        lang,
                        labels=_quoted([labels[c] for c in sorted(opening)], lang),
                    )
                )
            }
        else:
            cases = [o.code for o in trig.options]
            who = {}
        jumps: dict[tuple[int, int], list[str | None]] = {}
        for case in cases:
            asked = [i for i in range(ti + 1, len(ids)) if _asked(book[ids[i]], trig, case)]
            prev = ti
            for i in [*asked, len(ids)]:
                if i != prev + 1:
                    jumps.setdefault((prev, i), []).append(case)
                prev = i
                if i >= len(ids):
                    break
        for (at, to), group in sorted(jumps.items(), key=lambda kv: kv[0]):
            if trig.type == "multi":
                person = who[None]
            else:
                shown = _quoted([labels[str(c)] for c in group], lang)
                person = t("skip.single", lang, labels=shown)
            where = t("skip.to", lang, n=to + 1) if to < len(ids) else t("skip.to_end", lang)
            then = "" if at == ti else t("skip.then", lang)
            out.setdefault(ids[at], []).append(
                t("skip.line", lang, trigger=num[tid], person=person, then=then, where=where)
            )
    for q in book.questions:
        if q.show_if is not None:
            trig = book[q.show_if.question]
            labels = trig.label_of(lang)
            key = "skip.only_multi" if trig.type == "multi" else "skip.only_single"
            shown = _quoted([labels[c] for c in q.show_if.any_of], lang)
            out[f"only:{q.id}"] = [t(key, lang, trigger=num[trig.id], shown=shown)]
    return out


# --- printable HTML ----------------------------------------------------------------------------

_HTML = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{{ title }}</title>
<style>
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "IPAexGothic", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif;
       font-size: 10.5pt; line-height: 1.55; color: #000; max-width: 46em; margin: 1.5em auto; }
h1 { font-size: 15pt; border-bottom: 2px solid #000; padding-bottom: 4px; }
h2 { font-size: 12pt; background: #eee; padding: 2px 6px; margin-top: 1.4em;
     break-after: avoid; page-break-after: avoid; }
.q { margin: 0.9em 0; break-inside: avoid; page-break-inside: avoid; }
.qt { font-weight: bold; }
.req { font-size: 85%; border: 1px solid #000; padding: 0 3px; margin-left: 4px; }
.how { font-size: 88%; color: #333; }
.only { font-size: 90%; margin: 0 0 2px 0; }
ul.opts { list-style: none; padding-left: 1.2em; margin: 0.3em 0; }
ul.opts li { margin: 1px 0; }
.mark { display: inline-block; width: 1.4em; }
.skip { font-weight: bold; margin: 0.3em 0 0 1.2em; }
.skip::before { content: "→ "; }
table.scale { border-collapse: collapse; margin: 0.3em 0 0 1.2em; font-size: 90%; }
table.scale td { border: 1px solid #000; padding: 3px 6px; text-align: center; width: 6.5em; }
.box { border: 1px solid #000; min-height: 6em; margin: 0.3em 0 0 1.2em; }
.line { display: inline-block; border-bottom: 1px solid #000; min-width: 8em; }
.note { font-size: 90%; }
@media print { body { margin: 0; max-width: none; } .noprint { display: none; } }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="note">{{ intro }}</p>
<p class="note">{{ howto }}</p>
{% for block in blocks %}
<h2>{{ block.title }}</h2>
{% for item in block.entries %}
<div class="q" id="{{ item.q.id }}">
{% for line in item.only %}<p class="only">{{ line }}</p>{% endfor %}
<div class="qt">Q{{ item.n }}. {{ item.text }}{% if item.q.required %}<span class="req">{{ required }}</span>{% endif %}</div>
<div class="how">{{ item.how }}</div>
{% if item.q.type in ("single", "multi") %}
<ul class="opts">
{% for o in item.q.options %}<li><span class="mark">{{ item.mark }}</span>{{ o.label_in(lang) }}{% if item.q.allow_other and o.code == "other" %}{{ paren_open }}<span class="line"></span>{{ paren_close }}{% endif %}</li>
{% endfor %}</ul>
{% elif item.q.type == "likert5" %}
<table class="scale"><tr>{% for o in item.q.options %}<td>{{ o.code }}</td>{% endfor %}</tr>
<tr>{% for o in item.q.options %}<td>{{ o.label_in(lang) }}</td>{% endfor %}</tr></table>
{% elif item.q.type == "number" %}
<p style="margin-left:1.2em"><span class="line"></span> {{ item.unit }}</p>
{% else %}
<div class="box"></div>
{% endif %}
{% for line in item.skips %}<p class="skip">{{ line }}</p>{% endfor %}
</div>
{% endfor %}
{% endfor %}
<p class="note">{{ end }}</p>
<p class="note">{{ footer }}</p>
</body>
</html>
"""

_UNITS = ("group",)


def _unit(unit: str | None, lang: str) -> str:
    return t(f"form.unit.{unit}", lang) if unit in _UNITS else (unit or "")


def _how(q: Question, lang: str = "ja") -> str:
    if q.type in ("single", "multi", "likert5"):
        return t(f"form.how.{q.type}", lang)
    if q.type == "number":
        parts = []
        if q.min is not None or q.max is not None:
            low = "" if q.min is None else f"{q.min:g}"
            high = "" if q.max is None else f"{q.max:g}"
            parts.append(t("form.how.range", lang, low=low, high=high))
        if q.integer:
            parts.append(t("form.how.integer", lang))
        if parts:
            return t("form.how.number", lang, parts=i18n.join(parts, lang, "clause"))
        return t("form.how.number_plain", lang)
    return t("form.how.text", lang)


def questionnaire_html(codebook: Codebook | str | Path | None = None, lang: str = "ja") -> str:
    """The printable questionnaire (HTML, print-friendly), Japanese or English.

    Parameters
    ----------
    codebook : Codebook or path, optional
        The shipped questionnaire when omitted.
    lang : {"ja", "en"}
        Language of the page (``"en"``: the codebook's English texts and labels).

    Returns
    -------
    str
        A self-contained HTML page (no scripts; A4 print style sheet): sections, numbered
        questions with their marks (○ single, □ multi, 1–5 scale, a line for numbers, a box for
        free text), 必須 flags, and the skip logic written out (``skip_instructions``).
    """
    import jinja2
    from markupsafe import Markup

    lang = i18n.check_lang(lang)
    book = _book(codebook)
    num = question_numbers(book)
    skips = skip_instructions(book, lang)
    titles = {s.id: s.title_in(lang) for s in book.sections}
    blocks: list[dict] = []
    for q in book.questions:
        title = titles.get(q.section, q.section) or t("form.section", lang)
        if not blocks or blocks[-1]["section"] != q.section:
            blocks.append({"section": q.section, "title": title, "entries": []})
        blocks[-1]["entries"].append(
            {
                "q": q,
                "n": num[q.id],
                "text": q.text_in(lang),
                "how": _how(q, lang),
                "mark": "○" if q.type == "single" else "□",
                "unit": _unit(q.unit, lang),
                "skips": skips.get(q.id, []),
                "only": skips.get(f"only:{q.id}", []),
            }
        )
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    version = t("form.version", lang, version=book.version) if book.version else ""
    return env.from_string(_HTML).render(
        lang=lang,
        title=book.title_in(lang),
        blocks=blocks,
        intro=t("form.intro", lang),
        howto=Markup(t("form.howto", lang)),  # a fixed text of ours with one <span>
        required=t("form.required", lang),
        paren_open="（" if lang == "ja" else " (",
        paren_close="）" if lang == "ja" else ")",
        end=t("form.end", lang),
        footer=t("form.footer", lang, name=book.name, version=version, source=book.source),
    )


# --- Excel answer sheet ------------------------------------------------------------------------


def write_answer_sheet(
    path: str | Path,
    codebook: Codebook | str | Path | None = None,
    rows: int = DEFAULT_ROWS,
    lang: str = "ja",
) -> Path:
    """Write the Excel answer sheet for offline answers.

    Sheet 「回答」 (first, so ``io`` reads it): row 1 = ``回答者ID`` and the question texts (the
    headers of a forms export), one row per respondent below. Single-choice columns get a
    drop-down list of the option labels (kept on sheet 「選択肢」), Likert columns a list 1–5,
    number columns a range check, all on ``rows`` rows; multi-select and free-text headers
    carry a comment on how to fill them in (multi: the labels or codes joined with 「, 」).
    Sheet 「記入方法」 lists the questions, options, codes and skip logic.

    Parameters
    ----------
    path : str or Path
        Target ``.xlsx`` file.
    codebook : Codebook or path, optional
    rows : int
        Respondent rows prepared with validation [-].
    lang : {"ja", "en"}
        ``"en"``: sheets 「Answers」「Options」「How to fill in」, header ``respondent_id`` and
        the English question texts, lists of English labels (read back by ``io`` all the same).

    Returns
    -------
    Path
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    lang = i18n.check_lang(lang)
    book = _book(codebook)
    if rows < 1:
        raise SurveyError(f"回答シートの行数は1以上が必要です（{rows}）")
    sheet_answers, sheet_options = t("sheet.answers", lang), t("sheet.options", lang)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_answers
    opts = wb.create_sheet(sheet_options)
    helpsheet = wb.create_sheet(t("sheet.help", lang))
    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE3F0")
    wrap = Alignment(wrap_text=True, vertical="top")
    num = question_numbers(book)
    skips = skip_instructions(book, lang)
    last = rows + 1

    ws.cell(row=1, column=1, value=t("xlsx.id", lang))
    ws.column_dimensions["A"].width = 12
    opt_col = 0
    for j, q in enumerate(book.questions, start=2):
        letter = get_column_letter(j)
        cell = ws.cell(row=1, column=j, value=q.text_in(lang))
        ws.column_dimensions[letter].width = 24 if q.type != "text" else 40
        target = f"{letter}2:{letter}{last}"
        note = f"Q{num[q.id]} ({q.id})" + (t("xlsx.required", lang) if q.required else "")
        note += "".join("\n" + line for line in skips.get(f"only:{q.id}", []))
        if q.type == "single":
            opt_col += 1
            col = get_column_letter(opt_col)
            opts.cell(row=1, column=opt_col, value=q.id)
            for i, o in enumerate(q.options, start=2):
                opts.cell(row=i, column=opt_col, value=o.label_in(lang))
            end = len(q.options) + 1
            dv = DataValidation(
                type="list",
                formula1=f"'{sheet_options}'!${col}$2:${col}${end}",
                allow_blank=True,
                showErrorMessage=not q.allow_other,
                errorTitle=t("xlsx.not_option.title", lang),
                error=t("xlsx.not_option", lang),
                promptTitle=f"Q{num[q.id]}"[:32],
                prompt=t("xlsx.pick_one", lang),
            )
        elif q.type == "likert5":
            dv = DataValidation(
                type="list",
                formula1='"1,2,3,4,5"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=t("xlsx.likert.title", lang),
                error=t("xlsx.likert", lang),
                promptTitle=f"Q{num[q.id]}"[:32],
                prompt=" / ".join(f"{o.code}={o.label_in(lang)}" for o in q.options)[:250],
            )
        elif q.type == "number":
            low = -1e12 if q.min is None else q.min
            high = 1e12 if q.max is None else q.max
            dv = DataValidation(
                type="whole" if q.integer else "decimal",
                operator="between",
                formula1=f"{int(low) if q.integer else low:g}",
                formula2=f"{int(high) if q.integer else high:g}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=t("xlsx.number.title", lang),
                error=t(
                    "xlsx.number",
                    lang,
                    low=low,
                    high=high,
                    what=t("xlsx.whole" if q.integer else "xlsx.decimal", lang),
                ),
            )
        else:
            dv = None
            if q.type == "multi":
                if lang == "ja":
                    listed = "、".join(f"{o.label}（{o.code}）" for o in q.options)
                else:
                    listed = "; ".join(f"{o.label_in(lang)} ({o.code})" for o in q.options)
                note += t("xlsx.multi_note", lang, listed=listed)
            else:
                note += t("xlsx.text_note", lang)
        if dv is not None:
            dv.add(target)
            ws.add_data_validation(dv)
        cell.comment = Comment(note[:2000], "cntf-workbench")
        cell.comment.width, cell.comment.height = 320, 160
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = head_font, head_fill, wrap
    ws.row_dimensions[1].height = 72
    ws.freeze_panes = "B2"
    opts.sheet_state = "visible"

    helpsheet.append([book.title_in(lang)])
    helpsheet.append([t("xlsx.help1", lang)])
    helpsheet.append([t("xlsx.help2", lang)])
    helpsheet.append([])
    helpsheet.append(
        [
            t(f"xlsx.help.{k}", lang) if k != "id" else "id"
            for k in ("number", "id", "question", "type", "required", "options", "skips")
        ]
    )
    for q in book.questions:
        helpsheet.append(
            [
                f"Q{num[q.id]}",
                q.id,
                q.text_in(lang),
                q.type,
                t("xlsx.help.required", lang) if q.required else "",
                " / ".join(f"{o.code}: {o.label_in(lang)}" for o in q.options),
                " ".join(skips.get(q.id, []) + skips.get(f"only:{q.id}", [])),
            ]
        )
    for letter, width in zip("ABCDEFG", (6, 18, 50, 8, 6, 60, 50), strict=True):
        helpsheet.column_dimensions[letter].width = width
    for row in helpsheet.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = wrap
    for cell in helpsheet[5]:
        cell.font, cell.fill = head_font, head_fill
    target = Path(path)
    wb.save(target)
    return target


# --- Google Apps Script ------------------------------------------------------------------------


@dataclass
class Page:
    """A section (page) of the Google Form.

    Attributes
    ----------
    title : str
    questions : list of str
        Question ids on the page.
    condition : (str, frozenset of str) or None
        Trigger question id and the option codes that open the page (None: everyone).
    go_to : int or None
        Index of the next page when it is not simply the following one (``-1``: submit).
    origin : (str, frozenset of str) or None
        The condition of a page that had to be asked of everyone reaching it (demoted); the
        trigger still sends the other options past it.
    """

    title: str
    questions: list[str] = field(default_factory=list)
    condition: tuple[str, frozenset[str]] | None = None
    go_to: int | None = None
    origin: tuple[str, frozenset[str]] | None = None


@dataclass
class FormPlan:
    """How the codebook becomes a Google Form: pages, branching, and what could not be exact.

    Attributes
    ----------
    pages : list of Page
    choices : dict
        Trigger id → option code → page index (``-1``: submit) for branching items.
    demoted : dict
        Question id → Japanese help text, for questions asked of everyone reaching them
        (optional) because the skip rule cannot be made into sections.
    notes : list of str
        Japanese, one line per demoted question.
    """

    pages: list[Page]
    choices: dict[str, dict[str, int]]
    demoted: dict[str, str]
    notes: list[str]


def form_plan(codebook: Codebook | str | Path | None = None, lang: str = "ja") -> FormPlan:
    """Plan the sections of the Google Form so that its branching follows the skip logic.

    A question is *branchable* when its ``show_if`` trigger is an unconditional single-choice
    question and every question between the two is unconditional or depends on the same
    trigger. Consecutive branchable questions with the same condition form a page; the trigger
    sends each option to the first page its respondents should see, and every conditional page
    goes on to the first page all its respondents should see next. When the respondents of a
    page would need different next pages, the earliest page on which they disagree is asked of
    all of them (demoted). Other conditional questions are demoted too.

    ``lang`` is the language of page titles, help texts and notes (the plan is the same).
    """
    lang = i18n.check_lang(lang)
    book = _book(codebook)
    ids = book.ids
    num = question_numbers(book)
    titles = {s.id: s.title_in(lang) for s in book.sections}
    skips = skip_instructions(book, lang)

    def branchable(q: Question) -> bool:
        if q.show_if is None:
            return False
        trig = book[q.show_if.question]
        if trig.type != "single" or trig.show_if is not None:
            return False
        between = book.questions[ids.index(trig.id) + 1 : ids.index(q.id)]
        return all(b.show_if is None or b.show_if.question == trig.id for b in between)

    pages: list[Page] = []
    demoted: dict[str, str] = {}
    prev_cond: object = "start"
    prev_section: str | None = None
    for q in book.questions:
        cond = (
            (q.show_if.question, frozenset(q.show_if.any_of))
            if q.show_if is not None and branchable(q)
            else None
        )
        if q.show_if is not None and cond is None:
            demoted[q.id] = skips[f"only:{q.id}"][0]
        new_section = q.section != prev_section
        if not pages or new_section or cond != prev_cond:
            title = titles.get(q.section, q.section) or book.title_in(lang)
            if not new_section and pages:
                title += t("gs.continued", lang)
            pages.append(Page(title, [], cond))
        pages[-1].questions.append(q.id)
        prev_cond, prev_section = cond, q.section

    page_of = {qid: k for k, p in enumerate(pages) for qid in p.questions}
    choices: dict[str, dict[str, int]] = {}
    triggers = list(dict.fromkeys(p.condition[0] for p in pages if p.condition))
    for tid in triggers:
        trig = book[tid]
        start = page_of[tid]

        def visits(code: str, k: int, tid: str = tid) -> bool:
            c = pages[k].condition
            return c is None or c[0] != tid or code in c[1]

        def next_after(code: str, k: int, tid: str = tid) -> int:
            return next((x for x in range(k + 1, len(pages)) if visits(code, x, tid)), -1)

        while True:
            conditional = [
                k
                for k in range(start + 1, len(pages))
                if pages[k].condition is not None and pages[k].condition[0] == tid
            ]
            end = max(conditional) + 1 if conditional else start + 1
            conflict = None
            for k in range(start + 1, end):
                nexts = {next_after(o.code, k) for o in trig.options if visits(o.code, k)}
                if len(nexts) > 1:
                    conflict = min(x for x in nexts if x >= 0)
                    break
            if conflict is None:
                break
            # the respondents of page k disagree on what comes next: ask that page of all
            for qid in pages[conflict].questions:
                demoted[qid] = skips[f"only:{qid}"][0]
            pages[conflict].origin = pages[conflict].condition
            pages[conflict].condition = None

        def first_page(code: str, tid: str = tid, start: int = start) -> int:
            for x in range(start + 1, len(pages)):
                c = pages[x].condition or pages[x].origin
                if c is None or c[0] != tid or code in c[1]:
                    return x
            return -1

        choices[tid] = {o.code: first_page(o.code) for o in trig.options}
        for k in range(start + 1, end):
            reach = [o.code for o in trig.options if visits(o.code, k)]
            if reach:
                nxt = next_after(reach[0], k)
                if nxt != k + 1:
                    pages[k].go_to = nxt
    mark = t("skip.mark", lang)
    notes = [
        t("gs.demoted", lang, n=num[qid], qid=qid, text=text.removeprefix(mark))
        for qid, text in demoted.items()
    ]
    return FormPlan(pages, choices, demoted, notes)


def _js(value: object) -> str:
    """A JavaScript literal (JSON: quotes, backslashes, U+2028 and control characters escaped)."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def apps_script(codebook: Codebook | str | Path | None = None, lang: str = "ja") -> str:
    """A Google Apps Script (JavaScript) that creates the Google Form of the codebook.

    Item titles are the question texts (so the form's export matches the codebook), single →
    multiple-choice item, multi → checkbox item, likert5 → 1–5 scale with the end labels,
    number → text item with a number validation, text → paragraph item; ``allow_other`` shows
    Google's 「その他」 field. Skip logic: sections and "go to section" as ``form_plan`` says.
    ``lang="en"``: an English form (``text_en``, ``label_en``; its export reads back with
    ``io.load_responses``) and English comments.

    Returns
    -------
    str
        The script; run ``createForm()`` in the Apps Script editor. It cannot be run outside
        Google; it is plain ECMAScript (``node --check`` accepts it).
    """
    lang = i18n.check_lang(lang)
    book = _book(codebook)
    plan = form_plan(book, lang)
    num = question_numbers(book)
    title = book.title_in(lang)
    lines = [
        "/**",
        t("gs.header", lang, title=title),
        t("gs.generated", lang, name=book.name, version=book.version or "-"),
        t("gs.no_edit", lang),
        t("gs.usage", lang),
    ]
    for note in plan.notes:
        lines.append(t("gs.note", lang, note=note))
    lines += [" */", "", "function createForm() {"]
    lines.append(f"  var form = FormApp.create({_js(title)});")
    description = t("gs.description", lang, title=title, source=book.source)
    description = description if book.source else title
    lines.append(f"  form.setDescription({_js(description)});")
    lines.append("  form.setProgressBar(true);")
    lines.append("  var items = {};")
    lines.append("  var pages = [];")
    for k, page in enumerate(plan.pages):
        lines.append("")
        if k == 0:
            lines.append(f"  form.addSectionHeaderItem().setTitle({_js(page.title)});")
            lines.append("  pages.push(null);")
        else:
            help_text = ""
            if page.condition is not None:
                help_text = plan_help(book, page, lang)
            call = f"form.addPageBreakItem().setTitle({_js(page.title)})"
            if help_text:
                call += f".setHelpText({_js(help_text)})"
            lines.append(f"  pages.push({call});")
        for qid in page.questions:
            lines.extend(_item_lines(book[qid], num[qid], plan, qid in plan.choices, lang))
    if plan.choices or any(p.go_to is not None for p in plan.pages):
        lines.append("")
        lines.append(t("gs.branching", lang))
    for tid, targets in plan.choices.items():
        q = book[tid]
        entries = []
        for o in q.options:
            page = targets[o.code]
            nav = "FormApp.PageNavigationType.SUBMIT" if page < 0 else f"pages[{page}]"
            entries.append(f"    items.{tid}.createChoice({_js(o.label_in(lang))}, {nav})")
        lines.append(f"  items.{tid}.setChoices([")
        lines.append(",\n".join(entries))
        lines.append("  ]);")
    for k, page in enumerate(plan.pages):
        if page.go_to is None:
            continue
        nav = "FormApp.PageNavigationType.SUBMIT" if page.go_to < 0 else f"pages[{page.go_to}]"
        method = "setGoToPage"
        lines.append(f"  pages[{k}].{method}({nav});")
    lines += [
        "",
        f"  Logger.log({_js(t('gs.edit_url', lang))} + form.getEditUrl());",
        f"  Logger.log({_js(t('gs.answer_url', lang))} + form.getPublishedUrl());",
        "  return form;",
        "}",
        "",
    ]
    return "\n".join(lines)


def plan_help(book: Codebook, page: Page, lang: str = "ja") -> str:
    """Help text of a conditional page: who answers it (Japanese by default)."""
    if page.condition is None:
        return ""
    first = page.questions[0]
    line = skip_instructions(book, lang)[f"only:{first}"][0]
    return line.removeprefix(t("skip.mark", lang))


def _item_lines(q: Question, n: int, plan: FormPlan, trigger: bool, lang: str = "ja") -> list[str]:
    required = q.required and q.id not in plan.demoted
    help_parts = [f"Q{n}"]
    if q.id in plan.demoted:
        help_parts.append(plan.demoted[q.id])
    if q.type == "multi":
        help_parts.append(t("gs.multi_help", lang))
    help_text = t("sep.help", lang).join(help_parts)
    out = [f"  // Q{n} {q.id} ({q.type}{t('gs.required', lang) if required else ''})"]
    make = {
        "single": "addMultipleChoiceItem",
        "multi": "addCheckboxItem",
        "likert5": "addScaleItem",
        "number": "addTextItem",
        "text": "addParagraphTextItem",
    }[q.type]
    out.append(
        f"  items.{q.id} = form.{make}().setTitle({_js(q.text_in(lang))})"
        f".setHelpText({_js(help_text)}).setRequired({'true' if required else 'false'});"
    )
    if q.type in ("single", "multi"):
        labels = [o.label_in(lang) for o in q.options if not (q.allow_other and o.code == "other")]
        if not trigger:
            out.append(f"  items.{q.id}.setChoiceValues({_js(labels)});")
        if q.allow_other:
            out.append(f"  items.{q.id}.showOtherOption(true);")
    elif q.type == "likert5":
        low, high = q.options[0].label_in(lang), q.options[-1].label_in(lang)
        out.append(f"  items.{q.id}.setBounds(1, 5).setLabels({_js(low)}, {_js(high)});")
    elif q.type == "number":
        kind = t("xlsx.whole" if q.integer else "xlsx.decimal", lang)
        if q.min is not None and q.max is not None:
            rule = f"requireNumberBetween({q.min:g}, {q.max:g})"
            what = t("gs.between", lang, low=q.min, high=q.max, what=kind)
        elif q.integer:
            rule, what = "requireWholeNumber()", kind
        else:
            rule, what = "requireNumber()", kind
        out.append(
            f"  items.{q.id}.setValidation(FormApp.createTextValidation()"
            f".setHelpText({_js(t('gs.number', lang, what=what))}).{rule}.build());"
        )
    return out


# --- all forms at once -------------------------------------------------------------------------


def write_forms(
    directory: str | Path,
    codebook: Codebook | str | Path | None = None,
    rows: int = DEFAULT_ROWS,
    lang: str = "ja",
) -> dict[str, Path]:
    """Write the three forms of a codebook into ``directory`` (created if missing), in ``lang``.

    Returns
    -------
    dict
        ``html`` (``questionnaire.html``), ``xlsx`` (``answer_sheet.xlsx``), ``gs``
        (``create_form.gs``) → path written.
    """
    book = _book(codebook)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    html = out / "questionnaire.html"
    html.write_text(questionnaire_html(book, lang), encoding="utf-8")
    xlsx = write_answer_sheet(out / "answer_sheet.xlsx", book, rows=rows, lang=lang)
    gs = out / "create_form.gs"
    gs.write_text(apps_script(book, lang), encoding="utf-8")
    return {"html": html, "xlsx": xlsx, "gs": gs}


__all__ = [
    "DEFAULT_ROWS",
    "ID_HEADER",
    "SHEET_ANSWERS",
    "SHEET_HELP",
    "SHEET_OPTIONS",
    "FormPlan",
    "Page",
    "apps_script",
    "form_plan",
    "plan_help",
    "question_numbers",
    "questionnaire_html",
    "skip_instructions",
    "write_answer_sheet",
    "write_forms",
]
