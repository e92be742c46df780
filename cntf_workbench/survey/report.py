"""The categorised issue report (課題レポート): HTML, XLSX, PPTX and CSV.

From validated responses (:class:`cntf_workbench.survey.io.SurveyData`), the free-text answers
are coded into the pain-point taxonomy (:func:`cntf_workbench.survey.taxonomy.categorize`) and
summarised, for each category and pain point, as:

- respondents raising it and their share, broken down by position in the chain and by size,
  with small cells hidden (``x``) and complementary cells hidden so that none can be recomputed
  (:func:`cntf_workbench.survey.tabulate.suppress`);
- representative quotes, de-identified (:func:`deidentify`: e-mail, phone, URL, person and
  company names replaced by placeholders);
- the target state (目指す姿) and proposed solutions (解決策案) of the taxonomy;
- related quantitative answers: the share agreeing (4–5 on the five-point scale) with the
  need questions, e.g. ``need_linkage`` (企業間データ連携の必要性), overall and among the
  respondents raising each pain point.

When the previous wave is given (``build_report(data, previous=old_data)``), the report gains
the section 「前回調査からの変化」 (:func:`build_changes`): the questions that moved
(:func:`cntf_workbench.survey.compare.compare_waves`), in which groups they moved
(:func:`~cntf_workbench.survey.compare.compare_by_group`), and which pain points grew or shrank
(share of respondents raising each, two-proportion tests with Holm's correction); without it
the report is as before.

Languages: ``build_report(data, lang="en")`` builds the whole report in English (headings, table
headers, chart labels, notes, the change section) from the codebook's and the taxonomy's English
labels and the messages of :mod:`cntf_workbench.survey.i18n`; Japanese is the default and is
unchanged. Respondents' answers are quoted as written (Japanese), and the English report says so.

Outputs are safe to open: the HTML is rendered by jinja2 with autoescape, carries a content
security policy that forbids scripts, and embeds charts as base64 PNG; XLSX cells are written as
strings (never formulas) and CSV cells starting with ``= + - @`` (or a tab / carriage return)
get a leading apostrophe, the OWASP recommendation against formula injection.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cntf_workbench.errors import CntfError
from cntf_workbench.survey import i18n, tabulate
from cntf_workbench.survey import text as jtext
from cntf_workbench.survey.i18n import t
from cntf_workbench.survey.taxonomy import (
    Categorizer,
    Taxonomy,
    default_categorizer,
    localize_coded,
)

#: Free-text questions coded by default (困りごと, 期待).
TEXT_COLUMNS = ("pain_text", "expect_text")
#: Likert questions reported as "share agreeing" (4 or 5 on the five-point scale).
NEED_COLUMNS = (
    "need_linkage",
    "need_visualization",
    "need_reliability",
    "need_certification",
    "std_need",
)
#: Short Japanese labels of the need questions (column headers of the issue table; English:
#: :func:`need_label` with ``lang="en"``).
NEED_LABELS = {q: t(f"need.{q}") for q in NEED_COLUMNS}
#: Quotes shown per pain point.
N_QUOTES = 3
#: Longest quote shown [characters]; longer answers are cut with ``…``.
QUOTE_CHARS = 200
#: Placeholders of de-identified text.
PLACEHOLDERS = {
    "email": "[メール]",
    "url": "[URL]",
    "phone": "[電話番号]",
    "person": "[人名]",
    "company": "[企業名]",
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"'、。）)]+|www\.[^\s<>\"'、。）)]+", re.IGNORECASE)
_PHONE = re.compile(
    r"(?<!\d)(?:\+81[\s\-]?\d{1,4}|0\d{1,4})[\s\-(]?\d{1,4}[\s\-)]?\d{3,4}(?!\d)"
    r"|(?<!\d)0[5-9]0\d{8}(?!\d)|(?<!\d)0\d{9}(?!\d)"
)
_NAME_CHARS = r"[A-Za-z0-9&ァ-ヶー一-龥々・]"
_COMPANY = re.compile(
    rf"(?:株式会社|有限会社|合同会社|合資会社|\(株\)|\(有\)){_NAME_CHARS}+"
    rf"|{_NAME_CHARS}+?(?:株式会社|有限会社|合同会社|合資会社|\(株\)|\(有\))"
)
_COMPANY_SUFFIX = ("社", "株式会社", "工業", "製作所", "グループ", "ホールディングス", "(株)")
_HONORIFIC = ("さん", "様", "氏", "殿", "部長", "課長", "社長", "係長", "主任", "くん", "君")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ReportError(CntfError):
    """The responses cannot be turned into a report (missing free-text column …)."""

    area = "レポート"


# ---------------------------------------------------------------------------------------------
# safety helpers


def deidentify(text: object) -> str:
    """Remove e-mail addresses, URLs, phone numbers, person and company names.

    Parameters
    ----------
    text : object
        An answer.

    Returns
    -------
    str
        NFKC-normalised text with placeholders (:data:`PLACEHOLDERS`) in place of what could
        identify a person or a firm. Person names are SudachiPy's ``固有名詞 人名`` and words
        before an honorific (さん, 様, 部長 …); company names are words with a legal-form marker
        (株式会社 …) and proper nouns before 社 / 工業 / 製作所.
    """
    s = jtext.normalize(text)
    if not s:
        return s
    s = _EMAIL.sub(PLACEHOLDERS["email"], s)
    s = _URL.sub(PLACEHOLDERS["url"], s)
    s = _PHONE.sub(PLACEHOLDERS["phone"], s)
    s = _COMPANY.sub(PLACEHOLDERS["company"], s)
    tokens = jtext.tokenize(s)
    out: list[str] = []
    cursor = 0
    for i, tok in enumerate(tokens):
        start = s.find(tok.surface, cursor)
        if start < 0:  # not found verbatim (should not happen after NFKC): keep as is
            continue
        out.append(s[cursor:start])
        cursor = start + len(tok.surface)
        nxt = tokens[i + 1].surface if i + 1 < len(tokens) else ""
        proper = tok.pos == "名詞" and tok.pos_detail == "固有名詞" and tok.pos_sub != "地名"
        if proper and tok.pos_sub == "人名":
            out.append(PLACEHOLDERS["person"])
        elif proper and (nxt.startswith(_COMPANY_SUFFIX) or nxt == "社"):
            out.append(PLACEHOLDERS["company"])
        elif proper and nxt in _HONORIFIC:
            out.append(PLACEHOLDERS["person"])
        else:
            out.append(tok.surface)
    out.append(s[cursor:])
    result = "".join(out)
    for ph in PLACEHOLDERS.values():  # 山田 太郎 → one placeholder, not two
        while ph + ph in result:
            result = result.replace(ph + ph, ph)
    return result


def cell_text(value: object) -> object:
    """A value made safe for CSV: text starting with ``= + - @`` gets a leading ``'``.

    Parameters
    ----------
    value : object

    Returns
    -------
    object
        Numbers unchanged; strings that a spreadsheet would run as a formula prefixed with
        ``'`` (shown as text by Excel and LibreOffice).
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as UTF-8 (with BOM, for Excel) CSV with formula-safe text cells.

    Parameters
    ----------
    frame : pandas.DataFrame
    path : str or Path

    Returns
    -------
    Path
    """
    path = Path(path)
    out = frame.copy()
    out.columns = [cell_text(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(cell_text)
    out.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def need_label(question: str, lang: str = "ja") -> str:
    """Short label of a need question (:data:`NEED_COLUMNS`) in ``lang``; others as they are."""
    return t(f"need.{question}", lang) if question in NEED_COLUMNS else question


def _quote(text: str) -> str:
    s = deidentify(text)
    return s if len(s) <= QUOTE_CHARS else s[: QUOTE_CHARS - 1] + "…"


# ---------------------------------------------------------------------------------------------
# the report tables


@dataclass
class IssueReport:
    """Everything the report shows, as tables.

    Attributes
    ----------
    taxonomy : Taxonomy
    n_respondents : int
        Respondents in the responses [respondents].
    coded : pandas.DataFrame
        One row per non-empty free-text answer: ``respondent_id``, ``question``, ``text``
        (de-identified), ``pain_point``, ``label``, ``category``, ``basis``, ``score`` [-].
    issues : pandas.DataFrame
        The seminar's 困りごと table, one row per code: ``id``, ``困りごと``, ``目指す姿``,
        ``解決策案``, ``対象区分``, ``回答者数`` [respondents] (raising it in the first text
        question, 困りごと), ``割合`` [-] (share of all respondents), ``代表的な回答``
        (de-identified quotes joined by new lines), ``他の設問での言及`` [respondents] (coded
        in the other text questions, e.g. 期待), and one ``…（賛成率）`` column per need question
        (:data:`NEED_LABELS`) [-]: the share agreeing (4–5) among those raising it. Small
        counts are ``x``.
    categories : pandas.DataFrame
        ``対象区分``, ``回答者数`` [respondents], ``割合`` [-].
    by_tier, by_size : pandas.DataFrame
        Respondents raising each pain point by chain position / by size band, with a ``計``
        column; small and complementary cells ``x``.
    needs : pandas.DataFrame
        Need questions: ``question_id``, ``設問``, ``回答数`` [respondents], ``賛成（4・5）`` [-].
    quotes : dict of str to list of str
        De-identified quotes by pain point.
    threshold : int
        Small-cell threshold [respondents].
    lang : {"ja", "en"}
        Language of the headers and labels (the column names above are the Japanese ones;
        ``"en"`` uses the English names of :mod:`cntf_workbench.survey.i18n`, ``col.*``).
    """

    taxonomy: Taxonomy
    n_respondents: int
    coded: pd.DataFrame
    issues: pd.DataFrame
    categories: pd.DataFrame
    by_tier: pd.DataFrame
    by_size: pd.DataFrame
    needs: pd.DataFrame
    quotes: dict[str, list[str]] = field(default_factory=dict)
    threshold: int = tabulate.DEFAULT_THRESHOLD
    title: str = t("report.title")
    changes: ChangeSection | None = None
    lang: str = "ja"

    def col(self, key: str) -> str:
        """The name of column ``key`` (``pain``, ``respondents``, ``share`` …) in the report's
        language."""
        return t(f"col.{key}", self.lang)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Sheet name → table, in report order."""
        lang = self.lang
        tables = {
            t("sheet.issues", lang): self.issues,
            t("sheet.categories", lang): self.categories,
            t("sheet.tier", lang): self.by_tier,
            t("sheet.size", lang): self.by_size,
            t("sheet.needs", lang): self.needs,
            t("sheet.coded", lang): self.coded,
        }
        if self.changes is not None:
            tables.update(self.changes.tables())
        return tables


def _hide(count: int, threshold: int) -> object:
    return tabulate.HIDDEN if 0 < count < threshold else count


def _share(count: int, n: int, threshold: int) -> object:
    if 0 < count < threshold:
        return tabulate.HIDDEN
    return round(count / n, 4) if n else 0.0


def _breakdown(
    raised: pd.DataFrame,
    profile: pd.Series,
    labels: dict[str, str],
    threshold: int,
    lang: str = "ja",
) -> pd.DataFrame:
    """Respondents raising each code by a profile variable, suppressed."""
    groups = [g for g in labels if (profile == g).any()]
    counts = pd.DataFrame(
        {labels[g]: raised[profile.to_numpy() == g].sum(axis=0) for g in groups},
        index=raised.columns,
    ).astype(int)
    counts[t("total", lang)] = raised.sum(axis=0).astype(int)
    sup = tabulate.suppress(
        counts, threshold=threshold, row_total=True, col_total=False, additive_rows=True
    )
    shown = sup.display()
    shown.index.name = t("col.pain", lang)
    return shown.reset_index()


def build_report(
    data: object,
    categorizer: Categorizer | None = None,
    columns: Sequence[str] = TEXT_COLUMNS,
    threshold: int = tabulate.DEFAULT_THRESHOLD,
    progress: bool = False,
    previous: object | None = None,
    lang: str = "ja",
) -> IssueReport:
    """Code the free text and build every table of the report.

    Parameters
    ----------
    data : SurveyData
        Validated responses (``load_responses``); uses ``responses`` and ``codebook``.
    categorizer : Categorizer, optional
        Defaults to the shipped rules and classifier.
    columns : sequence of str
        Free-text question ids to code.
    threshold : int
        Counts below it are hidden [respondents].
    progress : bool
        Show a progress bar while coding.
    previous : SurveyData, optional
        The previous wave (loaded with its own codebook): adds the section 「前回調査からの変化」
        (``IssueReport.changes``, see :func:`build_changes`).
    lang : {"ja", "en"}
        Language of every header and label (``"en"``: the codebook's ``text_en`` /
        ``label_en`` and the taxonomy's English fields; quotes stay as written).

    Returns
    -------
    IssueReport

    Raises
    ------
    ReportError
        None of ``columns`` is in the responses.
    """
    lang = i18n.check_lang(lang)
    cat = categorizer or default_categorizer()
    tax = cat.taxonomy
    shown_tax = tax.localized(lang)

    def c(key: str) -> str:
        return t(f"col.{key}", lang)

    resp: pd.DataFrame = data.responses
    book = data.codebook
    present = [c for c in columns if c in resp.columns]
    if not present:
        raise ReportError(
            f"自由記述の設問 {list(columns)} が回答にありません（列: {list(resp.columns)[:8]} …）",
            file=getattr(data, "source", None),
        )
    # one row per respondent (a duplicate id, if the loader kept one, counts once)
    resp = resp[~resp["respondent_id"].astype(str).duplicated()].reset_index(drop=True)
    n = len(resp)
    parts = []
    for col in present:
        texts = resp[col].fillna("").astype(str)
        keep = texts.map(jtext.normalize) != ""
        coded = cat.categorize(texts[keep].tolist(), progress=progress)
        coded.insert(0, "question", col)
        coded.insert(0, "respondent_id", resp.loc[keep, "respondent_id"].astype(str).tolist())
        coded["raw"] = texts[keep].tolist()
        parts.append(coded)
    coded = pd.concat(parts, ignore_index=True)
    ids = tax.ids
    index = pd.Index(resp["respondent_id"].astype(str))
    raised = pd.DataFrame(False, index=index, columns=ids)  # from the pain-point question
    mentioned = pd.DataFrame(False, index=index, columns=ids)  # from the other questions
    for rid, q, code in zip(
        coded["respondent_id"], coded["question"], coded["pain_point"], strict=True
    ):
        (raised if q == present[0] else mentioned).at[rid, code] = True

    agree: dict[str, pd.Series] = {}
    for q in NEED_COLUMNS:
        if q in resp.columns:
            values = pd.to_numeric(resp[q], errors="coerce")
            agree[q] = pd.Series((values >= 4).where(values.notna()).to_numpy(), index=raised.index)

    quotes: dict[str, list[str]] = {}
    rows = []
    pains = coded[coded["question"] == present[0]]
    for code in ids:
        p = shown_tax[code]
        k = int(raised[code].sum())
        chosen = pains[pains["pain_point"] == code].sort_values("score", ascending=False)
        qs = list(dict.fromkeys(_quote(x) for x in chosen["raw"].head(N_QUOTES * 2)))[:N_QUOTES]
        quotes[code] = qs if k >= threshold else []
        row = {
            "id": code,
            c("pain"): p.label,
            c("target"): p.target_state,
            c("solutions"): "\n".join(p.solutions),
            c("category"): i18n.join(p.categories, lang),
            c("respondents"): _hide(k, threshold),
            c("share"): _share(k, n, threshold),
            c("quotes"): "\n".join(quotes[code]),
        }
        if len(present) > 1:
            row[c("other_mentions")] = _hide(int(mentioned[code].sum()), threshold)
        for q, s in agree.items():
            sub = s[raised[code].to_numpy()].dropna()
            row[need_label(q, lang) + c("agree_suffix")] = (
                tabulate.HIDDEN if len(sub) < threshold else round(float(sub.mean()), 4)
            )
        rows.append(row)
    issues = pd.DataFrame(rows)

    cat_rows = []
    for category, name in zip(tax.categories, shown_tax.categories, strict=True):
        codes = [code for code in ids if category in tax[code].categories]
        k = int(raised[codes].any(axis=1).sum()) if codes else 0
        cat_rows.append(
            {
                c("category"): name,
                c("respondents"): _hide(k, threshold),
                c("share"): _share(k, n, threshold),
            }
        )
    categories = pd.DataFrame(cat_rows)

    def profile(qid: str) -> tuple[pd.Series, dict[str, str]]:
        if qid not in resp.columns:
            return pd.Series([""] * n, index=raised.index), {"": t("unknown", lang)}
        values = resp[qid].astype("string").fillna("").to_numpy()
        try:
            labels = dict(book[qid].label_of(lang))
        except (KeyError, AttributeError):
            labels = {}
        labels = {**labels, **{v: v for v in pd.unique(values) if v not in labels}}
        labels = {k: (t("no_answer", lang) if k == "" else v) for k, v in labels.items()}
        return pd.Series(values, index=raised.index), labels

    tier, tier_labels = profile("chain_position")
    size, size_labels = profile("employees")
    raised_labelled = raised.copy()
    raised_labelled.columns = [f"{x} {shown_tax[x].label}" for x in ids]
    by_tier = _breakdown(raised_labelled, tier, tier_labels, threshold, lang)
    by_size = _breakdown(raised_labelled, size, size_labels, threshold, lang)

    need_rows = []
    for q, s in agree.items():
        answered = int(s.notna().sum())
        need_rows.append(
            {
                "question_id": q,
                c("question"): _question_text(book, q, lang),
                c("answers"): answered,
                c("agree45"): (
                    tabulate.HIDDEN if answered < threshold else round(float(s.dropna().mean()), 4)
                ),
            }
        )
    needs = pd.DataFrame(
        need_rows, columns=["question_id", c("question"), c("answers"), c("agree45")]
    )

    shown = coded.copy()
    shown["text"] = shown["raw"].map(deidentify)
    shown = localize_coded(shown.drop(columns=["raw", "rule_codes"]), tax, lang)
    report = IssueReport(
        tax,
        n,
        shown,
        issues,
        categories,
        by_tier,
        by_size,
        needs,
        quotes,
        threshold,
        title=t("report.title", lang),
        lang=lang,
    )
    if previous is not None:
        before = build_report(previous, cat, columns, threshold, progress)
        report.changes = build_changes(report, before, data, previous, threshold, lang=lang)
    return report


def _question_text(book: object, qid: str, lang: str = "ja") -> str:
    try:
        return str(book[qid].text_in(lang))
    except (KeyError, AttributeError, TypeError):
        return qid


# ---------------------------------------------------------------------------------------------
# 前回調査からの変化 (the previous wave)


@dataclass
class ChangeSection:
    """The section 「前回調査からの変化」 of a report.

    Attributes
    ----------
    old_label, new_label : str
        Names of the waves (e.g. 2026年, 2027年).
    n_old, n_new : int
        Respondents [respondents].
    moved : pandas.DataFrame
        Significant changes: ``設問``, ``選択肢``, ``前回``, ``今回`` [-] (share; Likert: 4–5),
        ``変化（ポイント）`` [percentage points], ``検定``, ``p値``, ``効果量``, ``説明``.
    by_group : pandas.DataFrame
        The moved questions within each group (``group_by`` questions), significant rows only
        (Benjamini–Hochberg over all group tests): ``内訳``, ``群`` and the columns of ``moved``.
    pains : pandas.DataFrame
        One row per pain point: ``id``, ``困りごと``, ``前回 回答者数``, ``前回 割合``,
        ``今回 回答者数``, ``今回 割合`` [respondents, -], ``変化（ポイント）``, ``p値（Holm）``,
        ``判定`` (増加 / 減少 / 有意な変化なし); counts below the threshold are ``x``.
    not_compared : pandas.DataFrame
        Questions not compared: ``設問``, ``状態``, ``理由``.
    lines : list of str
        The section's summary in the report's language, one line per finding.
    comparison : WaveComparison
    lang : {"ja", "en"}
        Language of the headers and lines (English column names: ``col.*`` of
        :mod:`cntf_workbench.survey.i18n`).
    """

    old_label: str
    new_label: str
    n_old: int
    n_new: int
    moved: pd.DataFrame
    by_group: pd.DataFrame
    pains: pd.DataFrame
    not_compared: pd.DataFrame
    lines: list[str]
    comparison: object = None
    lang: str = "ja"

    def tables(self) -> dict[str, pd.DataFrame]:
        """Sheet name → table."""
        lang = self.lang
        return {
            t("sheet.moved", lang): self.moved,
            t("sheet.by_group", lang): self.by_group,
            t("sheet.pains", lang): self.pains,
            t("sheet.not_compared", lang): self.not_compared,
        }


def _moved_rows(comparison, frame: pd.DataFrame, lang: str = "ja") -> list[dict]:
    from cntf_workbench.survey.compare import effect_name, method_name

    def c(key: str) -> str:
        return t(f"col.{key}", lang)

    rows = []
    for raw in frame.to_dict("records"):
        r = comparison.localized(raw, lang)
        move = comparison.largest_move(raw) if r["type"] == "single" else None
        if move is not None:
            move = comparison.localized(move, lang)
        if r["option"]:
            label = r["label"]
        elif r["type"] == "likert5":
            label = t("changes.top2", lang)
        else:
            label = move["label"] if move else t("changes.whole", lang)
        old = r["share_old"] if move is None else move["share_old"]
        new = r["share_new"] if move is None else move["share_new"]
        effect = effect_name(r["effect_measure"], lang) if r["effect_measure"] else ""
        row = {
            c("question"): r["question"],
            c("option"): label,
            c("old"): round(float(old), 4) if old == old else "",
            c("new"): round(float(new), 4) if new == new else "",
            c("change"): round(float((new - old) * 100), 1) if old == old else "",
            c("test"): method_name(r["test"], lang),
            c("p"): float(f"{r['p_value']:.3g}"),
            c("effect"): f"{effect} {r['effect']:.2f}",
            c("explanation"): comparison.line(raw, lang),
        }
        if "group_label" in r:
            row = {c("by"): r["by"], c("group"): r["group_label"], **row}
        rows.append(row)
    return rows


def _raised_counts(report: IssueReport) -> pd.Series:
    """Respondents raising each pain point in the first free-text question [respondents]."""
    coded = report.coded
    first = coded["question"].iloc[0] if len(coded) else ""
    pains = coded[coded["question"] == first]
    counts = pains.groupby("pain_point")["respondent_id"].nunique()
    return counts.reindex(report.taxonomy.ids, fill_value=0).astype(int)


def build_changes(
    current: IssueReport,
    previous: IssueReport,
    current_data: object,
    previous_data: object,
    threshold: int = tabulate.DEFAULT_THRESHOLD,
    alpha: float = 0.05,
    group_by: Sequence[str] = ("chain_position", "employees"),
    lang: str | None = None,
) -> ChangeSection:
    """Build 「前回調査からの変化」: what moved, for which groups, which pain points grew or shrank.

    Parameters
    ----------
    current, previous : IssueReport
        The reports of this and the previous wave (same categorizer).
    current_data, previous_data : SurveyData
        The validated responses of both waves (each with its own codebook).
    threshold : int
        Small-cell threshold [respondents].
    alpha : float
        Significance level [-].
    group_by : sequence of str
        Profile questions to break the moved questions down by (skipped when not aligned).
    lang : {"ja", "en"}, optional
        Default: the language of ``current``.

    Returns
    -------
    ChangeSection
    """
    from cntf_workbench.survey import compare as cp

    lang = i18n.check_lang(lang or current.lang)

    def c(key: str) -> str:
        return t(f"col.{key}", lang)

    comparison = cp.compare_waves(previous_data, current_data, alpha=alpha, threshold=threshold)
    sig = comparison.significant()
    moved = pd.DataFrame(_moved_rows(comparison, sig, lang))
    moved_q = list(dict.fromkeys(sig["question"]))
    group_rows, lines = [], [comparison.line(r, lang) for r in sig.to_dict("records")]
    for by in group_by:
        try:
            grouped = cp.compare_by_group(
                previous_data,
                current_data,
                by,
                comparison.alignment,
                alpha,
                threshold,
                questions=moved_q,
            )
        except cp.SurveyError:
            continue
        gsig = grouped.significant()
        group_rows.extend(_moved_rows(grouped, gsig, lang))
        lines.extend(grouped.line(r, lang) for r in gsig.to_dict("records"))
    by_group = pd.DataFrame(group_rows)

    c_old, c_new = _raised_counts(previous), _raised_counts(current)
    n_old, n_new = previous.n_respondents, current.n_respondents
    raw = [
        cp.proportion_test(int(c_old[k]), n_old, int(c_new[k]), n_new)[2]
        for k in current.taxonomy.ids
    ]
    adjusted = cp.adjust_p(raw, "holm")
    pain_rows = []
    tax = current.taxonomy.localized(lang)
    for k, p in zip(current.taxonomy.ids, adjusted, strict=True):
        a, b = int(c_old[k]), int(c_new[k])
        hidden = 0 < a < threshold or 0 < b < threshold
        change = (b / n_new - a / n_old) * 100
        verdict = t("verdict.none", lang)
        if p < alpha:
            verdict = t("verdict.up" if change > 0 else "verdict.down", lang)
            key = "changes.pain_line_hidden" if hidden else "changes.pain_line"
            values = {"a": a / n_old * 100, "b": b / n_new * 100} if not hidden else {}
            lines.append(t(key, lang, code=k, label=tax[k].label, verdict=verdict, p=p, **values))
        pain_rows.append(
            {
                "id": k,
                c("pain"): tax[k].label,
                c("old_respondents"): _hide(a, threshold),
                c("old_share"): _share(a, n_old, threshold),
                c("new_respondents"): _hide(b, threshold),
                c("new_share"): _share(b, n_new, threshold),
                c("change"): tabulate.HIDDEN if hidden else round(change, 1),
                c("p_holm"): float(f"{p:.3g}"),
                c("verdict"): verdict,
            }
        )
    table = comparison.alignment.table(lang)
    off = table[~table["status"].isin(["aligned"])]
    status = "status_ja" if lang == "ja" else "status_en"
    not_compared = pd.DataFrame(
        {c("question"): off["question"], c("status"): off[status], c("reason"): off["reason"]}
    ).reset_index(drop=True)
    old_label, new_label = comparison.wave_labels(lang)
    return ChangeSection(
        old_label,
        new_label,
        n_old,
        n_new,
        moved,
        by_group,
        pd.DataFrame(pain_rows),
        not_compared,
        lines,
        comparison,
        lang,
    )


_CHANGES_HTML = """<h2>{{ m("changes.h") }}</h2>
<p>{{ m("changes.intro", old=c.old_label, n_old=c.n_old, new=c.new_label, n_new=c.n_new,
        alpha=alpha) }}</p>
<ul>{% for line in c.lines %}<li>{{ line }}</li>{% endfor %}</ul>
{% if not c.lines %}<p>{{ m("changes.none") }}</p>{% endif %}
<img alt="{{ m("changes.h") }}" src="data:image/png;base64,{{ chart }}">
<h3>{{ m("changes.h.moved") }}</h3>
{{ table(c.moved) }}
<h3>{{ m("changes.h.by_group") }}</h3>
{{ table(c.by_group) }}
<h3>{{ m("changes.h.pains") }}</h3>
{{ table(c.pains) }}
<h3>{{ m("changes.h.not_compared") }}</h3>
{{ table(c.not_compared) }}
"""


def changes_html(changes: ChangeSection) -> str:
    """The section 「前回調査からの変化」 as an HTML fragment (escaped; chart embedded)."""
    import jinja2
    from markupsafe import Markup

    from cntf_workbench.survey.compare import shift_chart

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    table_tpl = env.from_string(_TABLE)

    lang = changes.lang

    def table(frame: pd.DataFrame) -> Markup:
        if frame.empty:
            return Markup("<p class='note'>") + t("report.none", lang) + Markup("</p>")
        return Markup(table_tpl.render(frame=frame, cell=_change_cell))

    return env.from_string(_CHANGES_HTML).render(
        c=changes,
        alpha=f"{changes.comparison.alpha:g}",
        chart=_png(shift_chart(changes.comparison, lang=lang)),
        table=table,
        m=lambda key, **kw: t(key, lang, **kw),
    )


def _change_cell(value: object) -> str:
    if isinstance(value, float) and abs(value) <= 1 and value != 0:
        return f"{value:.3g}"
    return str(value)


# ---------------------------------------------------------------------------------------------
# charts


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def pain_chart(report: IssueReport):
    """Horizontal bars: respondents raising each pain point (hidden counts left out)."""
    import matplotlib.pyplot as plt

    from cntf_workbench import fonts

    fonts.setup()
    lang, count = report.lang, report.col("respondents")
    table = report.issues[report.issues[count] != tabulate.HIDDEN]
    labels = [f"{i} {x}" for i, x in zip(table["id"], table[report.col("pain")], strict=True)]
    if lang == "en":  # long English labels: wrap at words
        import textwrap

        labels = [textwrap.fill(x, 48) for x in labels]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(labels) + 1.2))
    values = table[count].astype(int).to_numpy()
    ax.barh(labels, values, color="#4c72b0")
    for y, v in enumerate(values):
        ax.text(v, y, f" {v}", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(t("chart.pains.xlabel", lang))
    ax.set_title(t("chart.pains.title", lang, n=report.n_respondents))
    fig.tight_layout()
    return fig


def category_chart(report: IssueReport):
    """Bars: share of respondents raising a pain point of each category."""
    import matplotlib.pyplot as plt

    from cntf_workbench import fonts

    fonts.setup()
    lang, share = report.lang, report.col("share")
    table = report.categories[report.categories[share] != tabulate.HIDDEN]
    fig, ax = plt.subplots(figsize=(6, 3.2))
    shares = table[share].astype(float).to_numpy() * 100
    colours = ["#55a868", "#c44e52", "#8172b2"][: len(table)]
    ax.bar(table[report.col("category")], shares, color=colours)
    for x, v in enumerate(shares):
        ax.text(x, v, f"{v:.0f}%", ha="center", va="bottom")
    ax.set_ylabel(t("chart.categories.ylabel", lang))
    ax.set_title(t("chart.categories.title", lang))
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------
# writers

_HTML = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>{{ report.title }}</title>
<style>
body { font-family: "IPAexGothic", "Hiragino Sans", "Meiryo", sans-serif; margin: 2em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #999; padding: 4px 8px; vertical-align: top; }
th { background: #eef; }
td.quote { white-space: pre-wrap; font-size: 90%; }
.note { color: #555; font-size: 90%; }
</style>
</head>
<body>
<h1>{{ report.title }}</h1>
<p>{{ m("report.intro", n=report.n_respondents, questions=questions,
        threshold=report.threshold, hidden=hidden) }}</p>
<h2>{{ m("report.h.categories") }}</h2>
<img alt="{{ m("report.alt.categories") }}" src="data:image/png;base64,{{ category_png }}">
{{ table(report.categories) }}
<h2>{{ m("report.h.pains") }}</h2>
<img alt="{{ m("report.alt.pains") }}" src="data:image/png;base64,{{ pain_png }}">
<table>
<tr><th>id</th><th>{{ col.pain }}</th><th>{{ col.target }}</th><th>{{ col.solutions }}</th><th>{{ col.category }}</th>
<th>{{ col.respondents }}</th><th>{{ col.share }}</th><th>{{ col.quotes }}</th>
{% for c in need_columns %}<th>{{ c }}</th>{% endfor %}</tr>
{% for row in issues %}
<tr><td>{{ row.id }}</td><td>{{ row[col.pain] }}</td><td>{{ row[col.target] }}</td>
<td class="quote">{{ row[col.solutions] }}</td><td>{{ row[col.category] }}</td>
<td>{{ row[col.respondents] }}</td><td>{{ pct(row[col.share]) }}</td>
<td class="quote"{{ quote_lang }}>{{ row[col.quotes] }}</td>
{% for c in need_columns %}<td>{{ pct(row[c]) }}</td>{% endfor %}</tr>
{% endfor %}
</table>
<h2>{{ m("report.h.tier") }}</h2>
{{ table(report.by_tier) }}
<h2>{{ m("report.h.size") }}</h2>
{{ table(report.by_size) }}
<h2>{{ m("report.h.needs") }}</h2>
<p class="note">{{ m("report.note.agree") }}</p>
{{ table(report.needs) }}
<p class="note">{{ m("report.note.basis") }}</p>
</body>
</html>
"""

_TABLE = """<table><tr>{% for c in frame.columns %}<th>{{ c }}</th>{% endfor %}</tr>
{% for row in frame.itertuples(index=False) %}<tr>{% for v in row %}<td>{{ cell(v) }}</td>{% endfor %}</tr>
{% endfor %}</table>"""


def _pct(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{100 * float(value):.1f}%"
    return str(value)


def _cell(value: object) -> str:
    """Shares (floats) as percentages, everything else as text."""
    if isinstance(value, float):
        return _pct(value)
    return str(value)


_ISSUE_KEYS = ("pain", "target", "solutions", "category", "respondents", "share", "quotes")


def write_html(report: IssueReport, path: str | Path) -> Path:
    """Write a self-contained HTML report (charts embedded; every text escaped).

    Parameters
    ----------
    report : IssueReport
    path : str or Path

    Returns
    -------
    Path
    """
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    table_tpl = env.from_string(_TABLE)

    def table(frame: pd.DataFrame) -> Markup:
        return Markup(table_tpl.render(frame=frame, cell=_cell))

    lang = report.lang
    suffix = report.col("agree_suffix")
    html = env.from_string(_HTML).render(
        report=report,
        lang=lang,
        m=lambda key, **kw: t(key, lang, **kw),
        col={k: report.col(k) for k in _ISSUE_KEYS},
        quote_lang=Markup(' lang="ja"') if lang != "ja" else "",
        questions=i18n.t("sep.questions", lang).join(dict.fromkeys(report.coded["question"])),
        hidden=tabulate.HIDDEN,
        issues=report.issues.to_dict("records"),
        need_columns=[c for c in report.issues.columns if str(c).endswith(suffix)],
        pain_png=_png(pain_chart(report)),
        category_png=_png(category_chart(report)),
        table=table,
        pct=_pct,
    )
    if report.changes is not None:
        html = html.replace("</body>", changes_html(report.changes) + "</body>")
    path = Path(path)
    path.write_text(html, encoding="utf-8")
    return path


def write_xlsx(report: IssueReport, path: str | Path) -> Path:
    """Write the report as XLSX: one sheet per table, every text cell a string (never a formula).

    Parameters
    ----------
    report : IssueReport
    path : str or Path

    Returns
    -------
    Path
    """
    import xlsxwriter

    path = Path(path)
    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    head = book.add_format({"bold": True, "bg_color": "#DDE3F0", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    pct = book.add_format({"num_format": "0.0%", "valign": "top", "border": 1})
    wide = {report.col("quotes"), "text", report.col("solutions")}
    medium = {report.col("pain"), report.col("target"), report.col("question")}
    for name, frame in report.tables().items():
        sheet = book.add_worksheet(name)
        for j, col in enumerate(frame.columns):
            sheet.write_string(0, j, str(col), head)
            width = 50 if col in wide else 14
            if col in medium:
                width = 30
            sheet.set_column(j, j, width)
        for i, row in enumerate(frame.itertuples(index=False), start=1):
            for j, v in enumerate(row):
                col = frame.columns[j]
                if isinstance(v, bool) or v is None or (isinstance(v, float) and v != v):
                    sheet.write_string(i, j, "" if v is None or v != v else str(v), wrap)
                elif isinstance(v, int | float):
                    fmt = pct if _is_share(str(col), report.lang) else wrap
                    sheet.write_number(i, j, float(v), fmt)
                else:
                    sheet.write_string(i, j, str(v), wrap)
        sheet.freeze_panes(1, 0)
    book.close()
    return path


def _is_share(column: str, lang: str) -> bool:
    """Is ``column`` a share (written as a percentage in XLSX)?"""
    if lang == "ja":
        return "割合" in column or "賛成" in column
    names = {t(f"col.{k}", lang) for k in ("share", "old_share", "new_share", "agree45")}
    return column in names or column.endswith(t("col.agree_suffix", lang))


def write_pptx(report: IssueReport, path: str | Path) -> Path:
    """Write an editable PowerPoint deck with native charts (python-pptx).

    Slides: title; respondents by pain point (bar chart); share by category (column chart); one
    slide per pain point with its target state, solutions, count and quotes.

    Parameters
    ----------
    report : IssueReport
    path : str or Path

    Returns
    -------
    Path
    """
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Inches, Pt

    lang, col = report.lang, report.col
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    title = prs.slides.add_slide(prs.slide_layouts[0])
    title.shapes.title.text = report.title
    title.placeholders[1].text = t(
        "pptx.subtitle",
        lang,
        n=report.n_respondents,
        threshold=report.threshold,
        hidden=tabulate.HIDDEN,
    )

    def chart_slide(heading: str, cats: list[str], values: list[float], kind, name: str) -> None:
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        slide.shapes.title.text = heading
        data = CategoryChartData()
        data.categories = cats
        data.add_series(name, values)
        chart = slide.shapes.add_chart(
            kind, Inches(0.7), Inches(1.5), Inches(12), Inches(5.6), data
        ).chart
        chart.has_legend = False
        plot = chart.plots[0]
        plot.has_data_labels = True
        chart.category_axis.tick_labels.font.size = Pt(11)

    shown = report.issues[report.issues[col("respondents")] != tabulate.HIDDEN]
    chart_slide(
        t("pptx.pains", lang),
        [f"{i} {x}" for i, x in zip(shown["id"], shown[col("pain")], strict=True)],
        [float(v) for v in shown[col("respondents")]],
        XL_CHART_TYPE.BAR_CLUSTERED,
        t("pptx.pains.series", lang),
    )
    cats = report.categories[report.categories[col("share")] != tabulate.HIDDEN]
    chart_slide(
        t("pptx.categories", lang),
        list(cats[col("category")]),
        [float(v) for v in cats[col("share")]],
        XL_CHART_TYPE.COLUMN_CLUSTERED,
        t("pptx.categories.series", lang),
    )
    suffix = col("agree_suffix")
    dash = t("dash", lang)
    for row in report.issues.to_dict("records"):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = f"{row['id']} {row[col('pain')]}"
        body = slide.placeholders[1].text_frame
        share = _pct(row[col("share")])
        solutions = row[col("solutions")].replace("\n", " / ") or dash
        lines = [
            t(
                "pptx.line.count",
                lang,
                count=row[col("respondents")],
                share=share,
                category=row[col("category")] or dash,
            ),
            t("pptx.line.target", lang, text=row[col("target")] or dash),
            t("pptx.line.solutions", lang, text=solutions),
        ]
        needs = [
            f"{c.removesuffix(suffix)} {_pct(v)}" for c, v in row.items() if str(c).endswith(suffix)
        ]
        if needs:
            lines.append(t("pptx.line.needs", lang, text=" / ".join(needs)))
        quotes = report.quotes.get(row["id"], [])
        if quotes and lang != "ja":
            lines.append(t("pptx.quotes_note", lang))
        lines += [i18n.quote(q, "ja") for q in quotes]
        body.text = lines[0]
        for line in lines[1:]:
            body.add_paragraph().text = line
        body.word_wrap = True
        body.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # PowerPoint shrinks long quotes
        for p in body.paragraphs:
            for r in p.runs:
                r.font.size = Pt(14)
    if report.changes is not None:
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = t("changes.h", lang)
        body = slide.placeholders[1].text_frame
        lines = report.changes.lines[:10] or [t("changes.none_short", lang)]
        body.text = lines[0]
        for line in lines[1:]:
            body.add_paragraph().text = line
        body.word_wrap = True
        body.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        for p in body.paragraphs:
            for r in p.runs:
                r.font.size = Pt(12)
    path = Path(path)
    prs.save(str(path))
    return path


def write_report(
    report: IssueReport, directory: str | Path, progress: bool = False
) -> dict[str, Path]:
    """Write HTML, XLSX, PPTX and the coded answers as CSV into ``directory``.

    Parameters
    ----------
    report : IssueReport
    directory : str or Path
        Created if missing.
    progress : bool
        Show a progress bar over the files.

    Returns
    -------
    dict
        ``html``, ``xlsx``, ``pptx``, ``csv`` → path written.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    steps = [
        ("html", lambda: write_html(report, out / "issue_report.html")),
        ("xlsx", lambda: write_xlsx(report, out / "issue_report.xlsx")),
        ("pptx", lambda: write_pptx(report, out / "issue_report.pptx")),
        ("csv", lambda: safe_csv(report.coded, out / "coded_answers.csv")),
    ]
    iterator = steps
    if progress:
        from tqdm.auto import tqdm

        lang = report.lang
        iterator = tqdm(
            steps, desc=t("report.progress", lang), unit=t("report.progress_unit", lang)
        )
    return {name: write() for name, write in iterator}


__all__ = [
    "ChangeSection",
    "IssueReport",
    "ReportError",
    "build_changes",
    "build_report",
    "category_chart",
    "cell_text",
    "changes_html",
    "deidentify",
    "need_label",
    "pain_chart",
    "safe_csv",
    "write_html",
    "write_pptx",
    "write_report",
    "write_xlsx",
]
