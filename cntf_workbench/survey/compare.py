"""Wave-to-wave comparison (経年比較): align two codebooks, then test every aligned question.

Two waves of the questionnaire (e.g. 2026 and 2027) are **independent samples** (a repeated
cross-section: the members who answer differ from year to year), so each aligned question is
tested with a two-sample test suited to its type:

- ``single``: the 2 × K table wave × option, chi-square, or Fisher's exact test (2 × 2) / a
  Monte Carlo permutation test when expected counts are small (``tabulate.independence_test``);
  effect size Cramér's V [0–1] (unsigned: the same when the waves are swapped);
- ``multi``: one 2 × 2 test per option (ticked or not × wave): the two-proportion z-test
  (pooled), Fisher's exact test when an expected count is below 5; the p-values of one question
  are corrected for multiple testing (Holm by default, Benjamini–Hochberg on request); effect
  size Cohen's h = 2 asin √p_new − 2 asin √p_old [-] (signed: new minus old);
- ``likert5`` and ``number``: the Mann–Whitney U test; effect size the rank-biserial correlation
  r = 2 U_new / (n_old n_new) − 1 [−1…1] (signed: positive when the new wave answers higher).

Alignment (``align``): question ids are stable across years; a question of the new codebook
continues the old question of the same id unless its ``continues`` says otherwise, and its
options map old → new by code or by ``continues.options`` (rename, merge, split). Options are
grouped into **common categories** (connected parts of the old–new mapping): a rename or a merge
is compared as one category; a **split** (one old option became several) is compared at the
coarser, old level (the old option against the union of its parts), status ``coarsened``. A
question is reported as not aligned, never guessed, when its type changed, an old option has no
successor, or (single choice) a new option has no predecessor; new questions and free text are
listed, not tested.

Small cells: the published share table hides counts 1 … threshold-1 (``x``) and, for single and
Likert questions whose wave totals are published, complementary cells
(``tabulate.suppress``); a question (or group) with fewer than ``threshold`` answers in either
wave is not compared.

Languages: the results are tables of codes; every text meant for a reader (the summary lines,
labels, alignment reasons, chart labels) exists in Japanese (default) and English
(``lang="en"``: the codebooks' ``text_en`` / ``label_en`` / ``note_en`` and the messages of
:mod:`cntf_workbench.survey.i18n`).

References
----------
Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed., §6.2
(effect size h for proportions).
Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scand. J. Statist.*
6, 65–70.
Kerby, D. S. (2014). The simple difference formula: an approach to teaching nonparametric
correlation. *Comprehensive Psychology* 3 (rank-biserial correlation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cntf_workbench.survey import i18n, tabulate
from cntf_workbench.survey.codebook import Codebook, Question, SurveyError
from cntf_workbench.survey.io import SurveyData

#: Significance level [-] used when none is given.
DEFAULT_ALPHA = 0.05
STATUSES = ("aligned", "coarsened", "not_aligned", "new", "dropped", "not_compared")
TESTS = ("chi-square", "fisher-exact", "monte-carlo", "two-proportion", "mann-whitney", "none")
EFFECTS = ("cramers_v", "cohens_h", "rank_biserial")
#: Alignment statuses and their Japanese / English names (messages ``status.*``).
STATUS_JA: dict[str, str] = {k: i18n.t(f"status.{k}", "ja") for k in STATUSES}
STATUS_EN: dict[str, str] = {k: i18n.t(f"status.{k}", "en") for k in STATUSES}
#: Tests and their Japanese / English names (messages ``test.*``).
TEST_JA: dict[str, str] = {k: i18n.t(f"test.{k}", "ja") for k in TESTS}
TEST_EN: dict[str, str] = {k: i18n.t(f"test.{k}", "en") for k in TESTS}
#: Effect sizes and their Japanese / English names (messages ``effect.*``).
EFFECT_JA: dict[str, str] = {k: i18n.t(f"effect.{k}", "ja") for k in EFFECTS}
EFFECT_EN: dict[str, str] = {k: i18n.t(f"effect.{k}", "en") for k in EFFECTS}


def method_name(test: str, lang: str = "ja") -> str:
    """The name of a test (``chi-square`` …) in ``lang``; unknown ids as they are."""
    return i18n.t(f"test.{test}", lang) if test in TESTS else str(test)


def effect_name(measure: str, lang: str = "ja") -> str:
    """The name of an effect size (``cohens_h`` …) in ``lang``; unknown ids as they are."""
    return i18n.t(f"effect.{measure}", lang) if measure in EFFECTS else str(measure)


RESULT_COLUMNS = [
    "question",
    "option",
    "label",
    "text",
    "type",
    "test",
    "statistic",
    "p_raw",
    "p_value",
    "significant",
    "effect",
    "effect_measure",
    "n_old",
    "n_new",
    "share_old",
    "share_new",
    "change",
    "mean_old",
    "mean_new",
]
SHARE_COLUMNS = [
    "question",
    "category",
    "label",
    "count_old",
    "n_old",
    "share_old",
    "count_new",
    "n_new",
    "share_new",
    "change",
    "hidden",
]


# --- alignment -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    """A common category of two waves: old option codes and new option codes that mean the same.

    Attributes
    ----------
    code : str
        Key of the category (its new codes joined with ``+``).
    label : str
        Label shown (the new label; for a split, the old label).
    old_codes, new_codes : tuple of str
    label_en : str
        ``label`` in English (``""`` when the codebooks have none).
    """

    code: str
    label: str
    old_codes: tuple[str, ...]
    new_codes: tuple[str, ...]
    label_en: str = ""

    def label_in(self, lang: str = "ja") -> str:
        """The label in ``lang``."""
        return i18n.pick(self.label, self.label_en, lang)


@dataclass(frozen=True)
class QuestionAlignment:
    """How one question of the new wave lines up with the old wave.

    Attributes
    ----------
    question : str
        Id in the new codebook (the old id for a dropped question).
    old_question : str or None
    type : str
    status : str
        See ``STATUS_JA``.
    reason : str
        Japanese: what changed or why it cannot be aligned.
    categories : tuple of Category
        Common categories (single, multi, likert5); empty for number.
    reason_en : str
        ``reason`` in English.
    """

    question: str
    old_question: str | None
    type: str
    status: str
    reason: str = ""
    categories: tuple[Category, ...] = ()
    reason_en: str = ""

    @property
    def comparable(self) -> bool:
        """True when the question is tested."""
        return self.status in ("aligned", "coarsened")

    def reason_in(self, lang: str = "ja") -> str:
        """``reason`` in ``lang``."""
        return i18n.pick(self.reason, self.reason_en, lang)

    def category(self, code: str) -> Category | None:
        """The common category with key ``code`` (None when there is none)."""
        return next((c for c in self.categories if c.code == code), None)


@dataclass
class Alignment:
    """The alignment of two codebooks (``align``)."""

    old: Codebook
    new: Codebook
    questions: list[QuestionAlignment]

    def __getitem__(self, question_id: str) -> QuestionAlignment:
        for qa in self.questions:
            if qa.question == question_id:
                return qa
        raise KeyError(question_id)

    def comparable(self) -> list[QuestionAlignment]:
        """The questions that are tested, in the new codebook's order."""
        return [qa for qa in self.questions if qa.comparable]

    def table(self, lang: str = "ja") -> pd.DataFrame:
        """One row per question: ``question``, ``old_question``, ``type``, ``status``,
        ``status_ja``, ``reason``, ``categories`` [-] (number of common categories).

        ``lang="en"``: ``status_en`` in place of ``status_ja`` and ``reason`` in English.
        """
        name = "status_ja" if i18n.check_lang(lang) == "ja" else "status_en"
        return pd.DataFrame(
            [
                {
                    "question": qa.question,
                    "old_question": qa.old_question or "",
                    "type": qa.type,
                    "status": qa.status,
                    name: i18n.t(f"status.{qa.status}", lang),
                    "reason": qa.reason_in(lang),
                    "categories": len(qa.categories),
                }
                for qa in self.questions
            ]
        )


def _components(edges: list[tuple[str, str]], nodes: list[str]) -> list[list[str]]:
    parent = {n: n for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    for n in nodes:
        groups.setdefault(find(n), []).append(n)
    return list(groups.values())


def _qa(
    q: str, old: str | None, qtype: str, status: str, reason: dict[str, str] | None = None, cats=()
) -> QuestionAlignment:
    """A QuestionAlignment with its reason in both languages (``reason``: lang → text)."""
    reason = reason or {}
    return QuestionAlignment(
        q, old, qtype, status, reason.get("ja", ""), tuple(cats), reason.get("en", "")
    )


def _joined(parts: list[dict[str, str]], kind: str = "sentence") -> dict[str, str]:
    return {lang: i18n.join((p[lang] for p in parts), lang, kind) for lang in i18n.LANGS}


def _note(cont) -> dict[str, str]:
    return {lang: cont.note_in(lang) for lang in i18n.LANGS}


def _align_options(q: Question, oq: Question) -> QuestionAlignment:
    cont = q.continues
    new_codes = [o.code for o in q.options]
    old_codes = [o.code for o in oq.options]
    new_label = {lang: q.label_of(lang) for lang in i18n.LANGS}
    old_label = {lang: oq.label_of(lang) for lang in i18n.LANGS}
    edges: list[tuple[str, str]] = []
    orphans_old, dropped = [], []
    for c in old_codes:
        targets = cont.targets(c) if cont is not None else []
        if cont is not None and c in cont.dropped:
            dropped.append(c)
        elif targets:
            edges.extend(("o:" + c, "n:" + t) for t in targets)
        elif c in new_codes:
            edges.append(("o:" + c, "n:" + c))
        else:
            orphans_old.append(c)
    reached = {b[2:] for _, b in edges}
    orphans_new = [c for c in new_codes if c not in reached]
    stale = sorted(set(cont.options) - set(old_codes)) if cont is not None else []
    if stale:
        why = i18n.both("align.stale", stale=stale, old=oq.id)
        return _qa(q.id, oq.id, q.type, "not_aligned", why)
    if orphans_old and q.type == "single":
        why = i18n.both("align.orphans_old", codes=orphans_old)
        return _qa(q.id, oq.id, q.type, "not_aligned", why)
    if (orphans_new or dropped) and q.type == "single":
        what = []
        if orphans_new:
            what.append(i18n.both("align.orphans_new", codes=orphans_new))
        if dropped:
            what.append(i18n.both("align.dropped_options", codes=dropped))
        why = _joined(what, "clause")
        why = {lang: why[lang] + i18n.t("align.single_note", lang) for lang in i18n.LANGS}
        return _qa(q.id, oq.id, q.type, "not_aligned", why)
    nodes = ["o:" + c for c in old_codes if c not in orphans_old and c not in dropped]
    nodes += ["n:" + c for c in new_codes if c in reached]
    categories, notes, split = [], [], False

    def codes(values, lang: str) -> str:
        return i18n.t("align.code_sep", lang).join(values)

    for comp in _components(edges, nodes):
        olds = tuple(c[2:] for c in comp if c.startswith("o:"))
        news = tuple(c[2:] for c in comp if c.startswith("n:"))
        olds = tuple(c for c in old_codes if c in olds)
        news = tuple(c for c in new_codes if c in news)
        if len(news) > 1:
            split = True
            label = {lang: " / ".join(old_label[lang][c] for c in olds) for lang in i18n.LANGS}
            notes.append(
                {
                    lang: i18n.t(
                        "align.split",
                        lang,
                        olds=codes(olds, lang),
                        news=codes(news, lang),
                        label=label[lang],
                    )
                    for lang in i18n.LANGS
                }
            )
        else:
            label = {lang: new_label[lang][news[0]] for lang in i18n.LANGS}
            if len(olds) > 1:
                notes.append(
                    {
                        lang: i18n.t("align.merge", lang, olds=codes(olds, lang), new=news[0])
                        for lang in i18n.LANGS
                    }
                )
            elif olds[0] != news[0]:
                notes.append(i18n.both("align.recode", old=olds[0], new=news[0]))
        label_en = label["en"] if label["en"] != label["ja"] else ""
        categories.append(Category("+".join(news), label["ja"], olds, news, label_en))
    categories.sort(key=lambda cat: new_codes.index(cat.new_codes[0]))
    if orphans_old or orphans_new or dropped:
        items = [
            {lang: i18n.t("align.old_only", lang, code=c) for lang in i18n.LANGS}
            for c in orphans_old + dropped
        ] + [
            {lang: i18n.t("align.new_only", lang, code=c) for lang in i18n.LANGS}
            for c in orphans_new
        ]
        listed = _joined(items, "clause")
        notes.append(
            {lang: i18n.t("align.excluded", lang, items=listed[lang]) for lang in i18n.LANGS}
        )
    if cont is not None and cont.note:
        notes.insert(0, _note(cont))
    status = "coarsened" if split else "aligned"
    if not categories:
        return _qa(q.id, oq.id, q.type, "not_aligned", i18n.both("align.no_common"))
    return _qa(q.id, oq.id, q.type, status, _joined(notes), categories)


def align(old: Codebook, new: Codebook | None = None) -> Alignment:
    """Line up the questions and options of two codebooks.

    Parameters
    ----------
    old : Codebook
        The previous wave's codebook.
    new : Codebook, optional
        The current wave's codebook (default: the same as ``old``).

    Returns
    -------
    Alignment
        One ``QuestionAlignment`` per question of ``new`` (in its order), then one per old
        question no new question continues (``dropped``).
    """
    new = new if new is not None else old
    old_ids = set(old.ids)
    out: list[QuestionAlignment] = []
    used: set[str] = set()
    for q in new.questions:
        prev = q.previous_id
        if prev is None:
            why = _note(q.continues) if q.continues and q.continues.note else None
            out.append(_qa(q.id, None, q.type, "new", why or i18n.both("align.new_question")))
            continue
        if prev not in old_ids:
            if q.continues is not None and q.continues.id:
                why = i18n.both("align.bad_continues", prev=prev)
                out.append(_qa(q.id, None, q.type, "not_aligned", why))
            else:
                out.append(_qa(q.id, None, q.type, "new", i18n.both("align.not_in_previous")))
            continue
        used.add(prev)
        oq = old[prev]
        if oq.type != q.type:
            has_note = q.continues is not None and q.continues.note
            why = {
                lang: i18n.t(
                    "align.type_changed",
                    lang,
                    note=(q.continues.note_in(lang) + i18n.t("sep.sentence", lang))
                    if has_note
                    else "",
                    old=oq.type,
                    new=q.type,
                )
                for lang in i18n.LANGS
            }
            out.append(_qa(q.id, prev, q.type, "not_aligned", why))
        elif q.type == "text":
            out.append(_qa(q.id, prev, q.type, "not_compared", i18n.both("align.free_text")))
        elif q.type == "number":
            out.append(_qa(q.id, prev, q.type, "aligned"))
        elif q.type == "likert5":
            cats = tuple(
                Category(o.code, o.label, (o.code,), (o.code,), o.label_en) for o in q.options
            )
            out.append(_qa(q.id, prev, q.type, "aligned", None, cats))
        else:
            out.append(_align_options(q, oq))
    for oq in old.questions:
        if oq.id not in used:
            why = i18n.both("align.dropped_question")
            out.append(_qa(oq.id, oq.id, oq.type, "dropped", why))
    return Alignment(old, new, out)


# --- projecting answers onto the common categories ------------------------------------------------


def _category_matrix(column: pd.Series, qa: QuestionAlignment, side: str) -> np.ndarray:
    """0/1 matrix respondents × categories; NaN rows for respondents without an answer."""
    codes = [cat.old_codes if side == "old" else cat.new_codes for cat in qa.categories]
    out = np.full((len(column), len(codes)), np.nan)
    for i, v in enumerate(column):
        if qa.type == "multi":
            if not isinstance(v, tuple) or not v:
                continue
            ticked = set(v)
        else:
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                continue
            ticked = {str(v)}
        row = [bool(ticked & set(c)) for c in codes]
        if qa.type != "multi" and not any(row):
            continue  # an answer outside the common categories (cannot happen when aligned)
        out[i] = row
    return out


def _values(column: pd.Series) -> np.ndarray:
    values = pd.to_numeric(pd.Series(column, dtype=object), errors="coerce").to_numpy(dtype=float)
    return values[~np.isnan(values)]


# --- tests -----------------------------------------------------------------------------------------


def adjust_p(p_values: np.ndarray | list[float], method: str = "holm") -> np.ndarray:
    """Correct p-values for multiple testing.

    Parameters
    ----------
    p_values : array of float
        Raw p-values [-]; NaN entries are kept as NaN and not counted.
    method : {"holm", "bh", "none"}
        Holm's step-down (family-wise error), Benjamini–Hochberg (false discovery rate), none.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values [-], at most 1, in the input order.
    """
    p = np.asarray(p_values, dtype=float)
    out = p.copy()
    ok = ~np.isnan(p)
    if method == "none" or ok.sum() == 0:
        return out
    q = p[ok]
    m = len(q)
    if method == "holm":
        order = np.argsort(q, kind="stable")
        adjusted = np.maximum.accumulate((m - np.arange(m)) * q[order])
        res = np.empty(m)
        res[order] = np.minimum(adjusted, 1.0)
    elif method == "bh":
        res = stats.false_discovery_control(q, method="bh")
    else:
        raise SurveyError(f"多重比較の補正「{method}」には対応していません（holm, bh, none）")
    out[ok] = res
    return out


def proportion_test(x_old: int, n_old: int, x_new: int, n_new: int) -> tuple[str, float, float]:
    """Two-proportion test of ``x_old / n_old`` against ``x_new / n_new``.

    Parameters
    ----------
    x_old, x_new : int
        Respondents with the property [respondents].
    n_old, n_new : int
        Respondents answering [respondents], both > 0.

    Returns
    -------
    (str, float, float)
        Test (``"two-proportion"``: pooled z-test, or ``"fisher-exact"`` when an expected
        count is below 5), statistic (z, or the odds ratio), two-sided p-value [-].
    """
    table = np.array([[x_old, n_old - x_old], [x_new, n_new - x_new]], dtype=float)
    pooled = (x_old + x_new) / (n_old + n_new)
    expected = np.outer([n_old, n_new], [pooled, 1 - pooled])
    if expected.min() < 5:
        if pooled in (0.0, 1.0):
            return "fisher-exact", 1.0, 1.0
        odds, p = stats.fisher_exact(table.astype(int))
        return "fisher-exact", float(odds), float(min(p, 1.0))
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_old + 1 / n_new))
    z = (x_new / n_new - x_old / n_old) / se
    return "two-proportion", float(z), float(min(2 * stats.norm.sf(abs(z)), 1.0))


def cohens_h(p_old: float, p_new: float) -> float:
    """Cohen's h = 2 asin √p_new − 2 asin √p_old [-] (signed; 0.2 small, 0.5 medium)."""
    return float(2 * math.asin(math.sqrt(p_new)) - 2 * math.asin(math.sqrt(p_old)))


def rank_test(old: np.ndarray, new: np.ndarray) -> tuple[float, float, float]:
    """Mann–Whitney U test of two independent samples, with the rank-biserial correlation.

    Returns
    -------
    (float, float, float)
        U of the new sample [-], two-sided p-value [-], rank-biserial r = 2U/(n_old n_new) − 1
        [−1…1] (positive: the new wave is higher).
    """
    n1, n2 = len(old), len(new)
    both = np.concatenate([old, new])
    if np.ptp(both) == 0:
        return n1 * n2 / 2, 1.0, 0.0
    res = stats.mannwhitneyu(new, old, alternative="two-sided")
    u = float(res.statistic)
    return u, float(min(res.pvalue, 1.0)), 2 * u / (n1 * n2) - 1


# --- the comparison --------------------------------------------------------------------------------


@dataclass
class WaveComparison:
    """Result of ``compare_waves``.

    Attributes
    ----------
    results : pandas.DataFrame
        One row per tested question (single, likert5, number) or per option of a multi
        question: ``question``, ``option`` (category code; ``""`` for a whole question),
        ``label``, ``text``, ``type``, ``test`` (see ``TEST_JA``), ``statistic``, ``p_raw``
        (uncorrected) and ``p_value`` [-] (for multi: corrected within the question, see
        ``correction``), ``significant`` (``p_value < alpha``), ``effect`` and
        ``effect_measure`` (see ``EFFECT_JA``), ``n_old``, ``n_new`` [respondents answering],
        ``share_old``, ``share_new`` [-] (multi: share ticking; likert5: top-2 share),
        ``change`` [percentage points], ``mean_old``, ``mean_new`` (likert5, number).
        With ``compare_by_group`` also ``by``, ``group``, ``group_label``.
    shares : pandas.DataFrame
        Shares per common category and wave (``SHARE_COLUMNS``), counts [respondents], shares
        [-], change [percentage points]; ``hidden`` marks suppressed rows (see
        ``shares_display``).
    alignment : Alignment
    alpha : float
    threshold : int
        Small-cell threshold [respondents].
    correction : str
    skipped : pandas.DataFrame
        Questions (or groups) not compared and why: ``question``, ``reason``.
    old_label, new_label : str
        Names of the waves (codebook ``wave``, else 前回 / 今回).
    """

    results: pd.DataFrame
    shares: pd.DataFrame
    alignment: Alignment
    alpha: float = DEFAULT_ALPHA
    threshold: int = tabulate.DEFAULT_THRESHOLD
    correction: str = "holm"
    skipped: pd.DataFrame = field(default_factory=pd.DataFrame)
    old_label: str = "前回"
    new_label: str = "今回"

    def significant(self) -> pd.DataFrame:
        """The rows of ``results`` with ``p_value < alpha``, largest effect first."""
        sig = self.results[self.results["significant"]]
        return sig.reindex(sig["effect"].abs().sort_values(ascending=False).index)

    def shares_display(self) -> pd.DataFrame:
        """``shares`` for publication: shares and change in % (0.1), ``x`` where hidden."""
        out = self.shares.drop(columns="hidden").astype(object)
        for col in ("share_old", "share_new"):
            out[col] = (self.shares[col] * 100).round(1).astype(object)
        out["change"] = self.shares["change"].round(1).astype(object)
        mask = self.shares["hidden"].to_numpy(dtype=bool)
        out.loc[mask, ["count_old", "share_old", "count_new", "share_new", "change"]] = (
            tabulate.HIDDEN
        )
        return out

    def to_records(self, lang: str = "ja") -> list[dict[str, Any]]:
        """``results`` as JSON-ready dicts (``question``, ``test``, ``p_value``, ``effect``,
        ``n_old``, ``n_new`` and the other columns; NaN → None).

        ``lang="en"``: the same keys, with ``label``, ``text`` and ``group_label`` in English.
        """
        records = []
        for row in self.localized_rows(self.results, lang):
            clean: dict[str, Any] = {}
            for k, v in row.items():
                if isinstance(v, float | np.floating) and math.isnan(v):
                    clean[k] = None
                elif isinstance(v, np.bool_ | bool):
                    clean[k] = bool(v)
                elif isinstance(v, np.integer):
                    clean[k] = int(v)
                elif isinstance(v, np.floating):
                    clean[k] = float(v)
                else:
                    clean[k] = v
            records.append(clean)
        return records

    def summary_ja(self, limit: int | None = None) -> list[str]:
        """One Japanese line per significant change, largest effect first."""
        return self.summary("ja", limit)

    def summary(self, lang: str = "ja", limit: int | None = None) -> list[str]:
        """One line in ``lang`` per significant change, largest effect first."""
        sig = self.significant()
        rows = sig.head(limit) if limit else sig
        return [self.line(row, lang) for row in rows.to_dict("records")]

    def wave_labels(self, lang: str = "ja") -> tuple[str, str]:
        """Names of the previous and the current wave in ``lang`` (``2026年`` / ``2026``)."""
        if i18n.check_lang(lang) == "ja":
            return self.old_label, self.new_label
        return (
            _wave_label(self.alignment.old, i18n.t("wave.old", lang), lang),
            _wave_label(self.alignment.new, i18n.t("wave.new", lang), lang),
        )

    def label_in(self, question: str, code: object, lang: str = "ja") -> str | None:
        """The label of common category ``code`` of ``question`` in ``lang`` (None if unknown)."""
        try:
            cat = self.alignment[question].category(str(code))
        except KeyError:
            return None
        return None if cat is None else cat.label_in(lang)

    def localized(self, row: dict[str, Any], lang: str = "ja") -> dict[str, Any]:
        """A row of ``results`` (or ``shares``) with ``label``, ``text``, ``group_label`` in
        ``lang`` (codes and numbers unchanged; ``"ja"`` returns the row as it is)."""
        if i18n.check_lang(lang) == "ja":
            return row
        out = dict(row)
        q = row.get("question")
        try:
            text = self.alignment.new[q].text_in(lang)
        except (KeyError, TypeError):
            text = None
        if text is not None and "text" in out:
            out["text"] = text
        code = row.get("option", row.get("category", ""))
        if code:
            label = self.label_in(q, code, lang)
            if label is not None:
                out["label"] = label
        elif text is not None and "label" in out:
            out["label"] = text
        if row.get("by") and row.get("group") is not None:
            group = self.label_in(row["by"], row["group"], lang)
            if group is not None:
                out["group_label"] = group
        return out

    def localized_rows(self, frame: pd.DataFrame, lang: str = "ja") -> list[dict[str, Any]]:
        """``frame.to_dict("records")`` with every row :meth:`localized`."""
        return [self.localized(r, lang) for r in frame.to_dict("records")]

    def largest_move(self, row: dict[str, Any]) -> dict[str, Any] | None:
        """The published category of a single question (and group) whose share moved most."""
        table = self.shares[(self.shares["question"] == row["question"]) & ~self.shares["hidden"]]
        if "group" in table.columns and row.get("group") is not None:
            table = table[table["group"] == row["group"]]
        if table.empty:
            return None
        return table.loc[table["change"].abs().idxmax()].to_dict()

    def line(self, row: dict[str, Any], lang: str = "ja") -> str:
        """A result row as one line in ``lang`` (what moved, by how much, the test)."""
        move = self.largest_move(row) if row["type"] == "single" else None
        if move is not None:
            move = self.localized(move, lang)
        old, new = self.wave_labels(lang)
        return change_line(self.localized(row, lang), old, new, move, lang)


def change_line(
    row: dict[str, Any],
    old_label: str = "前回",
    new_label: str = "今回",
    move: dict[str, Any] | None = None,
    lang: str = "ja",
) -> str:
    """A result row as one line (what moved, by how much, the test), Japanese by default.

    ``move`` (a row of ``WaveComparison.shares``) names the category of a single-choice
    question that moved most. Labels are taken from ``row`` and ``move`` as they are (see
    :meth:`WaveComparison.localized` for English labels).
    """
    group = i18n.t("cl.group", lang, label=row["group_label"]) if row.get("group_label") else ""
    if row.get("option"):
        what = i18n.t("cl.what_option", lang, question=row["question"], label=row["label"])
    else:
        what = f"{row['question']}"
    if row["type"] in ("likert5", "number"):
        moved = i18n.t("cl.mean", lang, a=row["mean_old"], b=row["mean_new"])
        if row["type"] == "likert5":
            moved += i18n.t("cl.top2", lang, a=row["share_old"] * 100, b=row["share_new"] * 100)
    elif row["type"] == "multi":
        moved = i18n.t(
            "cl.multi", lang, a=row["share_old"] * 100, b=row["share_new"] * 100, c=row["change"]
        )
    elif move is not None:
        moved = i18n.t(
            "cl.dist_move",
            lang,
            label=move["label"],
            a=move["share_old"] * 100,
            b=move["share_new"] * 100,
        )
    else:
        moved = i18n.t("cl.dist", lang)
    sign = "+.2f" if row["effect_measure"] != "cramers_v" else ".2f"
    return i18n.t(
        "cl.line",
        lang,
        group=group,
        what=what,
        old=old_label,
        new=new_label,
        moved=moved,
        test=method_name(row["test"], lang),
        p=row["p_value"],
        effect=effect_name(row["effect_measure"], lang),
        value=format(row["effect"], sign),
        n_old=row["n_old"],
        n_new=row["n_new"],
    )


def _wave_label(book: Codebook, default: str, lang: str = "ja") -> str:
    if book.wave.isdigit():
        return i18n.t("wave.year", lang, wave=book.wave)
    return book.wave or default


def _row(qa: QuestionAlignment, q: Question, **values: Any) -> dict[str, Any]:
    base = {c: np.nan for c in RESULT_COLUMNS}
    base.update({"question": qa.question, "option": "", "label": q.text, "text": q.text})
    base["type"] = qa.type
    base.update(values)
    return base


def _compare_question(
    qa: QuestionAlignment,
    q: Question,
    old_col: pd.Series,
    new_col: pd.Series,
    threshold: int,
    correction: str,
    seed: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """Result rows, share rows, and a reason when the question is skipped."""
    if qa.type == "number":
        a, b = _values(old_col), _values(new_col)
        if min(len(a), len(b)) < max(threshold, 1):
            return [], [], f"回答数が {threshold} 未満（{len(a)} / {len(b)}）"
        u, p, r = rank_test(a, b)
        row = _row(qa, q, test="mann-whitney", statistic=u, p_raw=p, p_value=p, effect=r)
        row.update(effect_measure="rank_biserial", n_old=len(a), n_new=len(b))
        row.update(mean_old=float(a.mean()), mean_new=float(b.mean()))
        return [row], [], ""
    mo = _category_matrix(old_col, qa, "old")
    mn = _category_matrix(new_col, qa, "new")
    mo, mn = mo[~np.isnan(mo).any(axis=1)], mn[~np.isnan(mn).any(axis=1)]
    n_old, n_new = len(mo), len(mn)
    if min(n_old, n_new) < max(threshold, 1):
        return [], [], f"回答数が {threshold} 未満（{n_old} / {n_new}）"
    c_old, c_new = mo.sum(axis=0).astype(int), mn.sum(axis=0).astype(int)
    s_old, s_new = c_old / n_old, c_new / n_new
    # shares, suppressed
    hidden_old = (c_old > 0) & (c_old < threshold)
    hidden_new = (c_new > 0) & (c_new < threshold)
    if qa.type != "multi" and (hidden_old.any() or hidden_new.any()):
        # wave totals are published: hide complementary cells too
        counts = pd.DataFrame(
            [[*c_old, n_old], [*c_new, n_new]],
            columns=[*(cat.code for cat in qa.categories), tabulate.TOTAL],
        )
        sup = tabulate.suppress(counts, threshold, row_total=True, col_total=False)
        hidden_old = sup.mask.iloc[0, :-1].to_numpy(dtype=bool)
        hidden_new = sup.mask.iloc[1, :-1].to_numpy(dtype=bool)
    share_rows = [
        {
            "question": qa.question,
            "category": cat.code,
            "label": cat.label,
            "count_old": int(c_old[k]),
            "n_old": n_old,
            "share_old": float(s_old[k]),
            "count_new": int(c_new[k]),
            "n_new": n_new,
            "share_new": float(s_new[k]),
            "change": float((s_new[k] - s_old[k]) * 100),
            "hidden": bool(hidden_old[k] or hidden_new[k]),
        }
        for k, cat in enumerate(qa.categories)
    ]
    rows: list[dict[str, Any]] = []
    if qa.type == "multi":
        for k, cat in enumerate(qa.categories):
            test, stat, p = proportion_test(int(c_old[k]), n_old, int(c_new[k]), n_new)
            rows.append(
                _row(
                    qa,
                    q,
                    option=cat.code,
                    label=cat.label,
                    test=test,
                    statistic=stat,
                    p_raw=p,
                    effect=cohens_h(float(s_old[k]), float(s_new[k])),
                    effect_measure="cohens_h",
                    n_old=n_old,
                    n_new=n_new,
                    share_old=float(s_old[k]),
                    share_new=float(s_new[k]),
                    change=float((s_new[k] - s_old[k]) * 100),
                )
            )
        adjusted = adjust_p([r["p_raw"] for r in rows], correction)
        for r, p in zip(rows, adjusted, strict=True):
            r["p_value"] = float(p)
    elif qa.type == "likert5":
        a, b = _values(old_col), _values(new_col)
        u, p, r = rank_test(a, b)
        top_old, top_new = float((a >= 4).mean()), float((b >= 4).mean())
        row = _row(qa, q, test="mann-whitney", statistic=u, p_raw=p, p_value=p, effect=r)
        row.update(effect_measure="rank_biserial", n_old=n_old, n_new=n_new)
        row.update(share_old=top_old, share_new=top_new, change=(top_new - top_old) * 100)
        row.update(mean_old=float(a.mean()), mean_new=float(b.mean()))
        rows.append(row)
    else:
        result = tabulate.independence_test(np.vstack([c_old, c_new]), seed=seed)
        if result is None:
            test, stat, p, v = "none", 0.0, 1.0, 0.0
        else:
            test, stat, p, v = result.method, result.statistic, result.p_value, result.cramers_v
        rows.append(
            _row(
                qa,
                q,
                test=test,
                statistic=stat,
                p_raw=p,
                p_value=p,
                effect=v,
                effect_measure="cramers_v",
                n_old=n_old,
                n_new=n_new,
            )
        )
    return rows, share_rows, ""


def compare_waves(
    old: SurveyData,
    new: SurveyData,
    alignment: Alignment | None = None,
    alpha: float = DEFAULT_ALPHA,
    threshold: int = tabulate.DEFAULT_THRESHOLD,
    correction: str = "holm",
    seed: int = 0,
    questions: list[str] | None = None,
) -> WaveComparison:
    """Compare two waves question by question.

    Parameters
    ----------
    old, new : SurveyData
        Validated responses of the previous and the current wave (``load_responses`` with each
        wave's codebook).
    alignment : Alignment, optional
        Default ``align(old.codebook, new.codebook)``.
    alpha : float
        Significance level [-].
    threshold : int
        Small-cell threshold [respondents]; also the least number of answers per wave for a
        question to be compared.
    correction : {"holm", "bh", "none"}
        Multiple-testing correction of the options of a multi question.
    seed : int
        Seed of the Monte Carlo test (small single-choice tables).
    questions : list of str, optional
        Only these question ids (of the new codebook).

    Returns
    -------
    WaveComparison
    """
    if not 0 < alpha < 1:
        raise SurveyError(f"有意水準 alpha は0と1の間です（{alpha}）")
    if correction not in ("holm", "bh", "none"):
        raise SurveyError(f"多重比較の補正「{correction}」には対応していません（holm, bh, none）")
    al = alignment if alignment is not None else align(old.codebook, new.codebook)
    results, shares, skipped = [], [], []
    for qa in al.comparable():
        if questions is not None and qa.question not in questions:
            continue
        q = al.new[qa.question]
        if qa.question not in new.responses.columns or qa.old_question not in old.responses:
            skipped.append({"question": qa.question, "reason": "回答の表に列がありません"})
            continue
        rows, share_rows, why = _compare_question(
            qa,
            q,
            old.responses[qa.old_question],
            new.responses[qa.question],
            threshold,
            correction,
            seed,
        )
        if why:
            skipped.append({"question": qa.question, "reason": why})
        results.extend(rows)
        shares.extend(share_rows)
    table = pd.DataFrame(results, columns=RESULT_COLUMNS)
    table["significant"] = (table["p_value"] < alpha).astype(bool)
    for col in ("n_old", "n_new"):
        table[col] = table[col].astype(int)
    return WaveComparison(
        results=table,
        shares=pd.DataFrame(shares, columns=SHARE_COLUMNS),
        alignment=al,
        alpha=alpha,
        threshold=threshold,
        correction=correction,
        skipped=pd.DataFrame(skipped, columns=["question", "reason"]),
        old_label=_wave_label(al.old, "前回"),
        new_label=_wave_label(al.new, "今回"),
    )


def compare_by_group(
    old: SurveyData,
    new: SurveyData,
    by: str = "chain_position",
    alignment: Alignment | None = None,
    alpha: float = DEFAULT_ALPHA,
    threshold: int = tabulate.DEFAULT_THRESHOLD,
    correction: str = "holm",
    seed: int = 0,
    questions: list[str] | None = None,
    group_correction: str = "bh",
) -> WaveComparison:
    """``compare_waves`` within each group of a profile question (e.g. chain position).

    A group with fewer than ``threshold`` respondents in either wave is not compared (listed
    in ``skipped``). Every test of every group is one family: ``p_value`` is ``p_raw``
    corrected across all of them with ``group_correction`` (many groups × many questions would
    otherwise turn up chance findings).

    Parameters
    ----------
    by : str
        A single-choice question aligned in both waves.
    group_correction : {"bh", "holm", "none"}
        Correction across all group tests (default Benjamini–Hochberg, false discovery rate).

    Returns
    -------
    WaveComparison
        ``results`` and ``shares`` with ``by``, ``group`` (category code) and ``group_label``.
    """
    al = alignment if alignment is not None else align(old.codebook, new.codebook)
    try:
        ga = al[by]
    except KeyError:
        raise SurveyError(f"内訳の設問 {by} は今回のコードブックにありません") from None
    if ga.type != "single" or not ga.comparable:
        raise SurveyError(f"内訳の設問 {by} は両回で対応づけられた単一選択ではありません")
    mo = _category_matrix(old.responses[ga.old_question], ga, "old")
    mn = _category_matrix(new.responses[ga.question], ga, "new")
    parts, share_parts, skipped = [], [], []
    for k, cat in enumerate(ga.categories):
        in_old, in_new = mo[:, k] == 1, mn[:, k] == 1
        if min(in_old.sum(), in_new.sum()) < threshold:
            skipped.append(
                {"question": f"{by}={cat.code}", "reason": f"群の回答者が {threshold} 人未満"}
            )
            continue
        sub_old = SurveyData(
            old.responses[in_old].reset_index(drop=True), old.problems, old.source, old.codebook
        )
        sub_new = SurveyData(
            new.responses[in_new].reset_index(drop=True), new.problems, new.source, new.codebook
        )
        wanted = [qa.question for qa in al.comparable() if qa.question != by]
        if questions is not None:
            wanted = [w for w in wanted if w in questions]
        part = compare_waves(sub_old, sub_new, al, alpha, threshold, "none", seed, wanted)
        for frame in (part.results, part.shares):
            frame.insert(0, "group_label", cat.label)
            frame.insert(0, "group", cat.code)
            frame.insert(0, "by", by)
        parts.append(part.results)
        share_parts.append(part.shares)
        skipped.extend(
            {"question": f"{by}={cat.code}: {r.question}", "reason": r.reason}
            for r in part.skipped.itertuples(index=False)
        )
    extra = ["by", "group", "group_label"]
    results = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=extra + RESULT_COLUMNS)
    )
    if len(results):
        results["p_value"] = adjust_p(results["p_raw"].to_numpy(dtype=float), group_correction)
        results["significant"] = (results["p_value"] < alpha).astype(bool)
    shares = (
        pd.concat(share_parts, ignore_index=True)
        if share_parts
        else pd.DataFrame(columns=extra + SHARE_COLUMNS)
    )
    return WaveComparison(
        results=results,
        shares=shares,
        alignment=al,
        alpha=alpha,
        threshold=threshold,
        correction=correction,
        skipped=pd.DataFrame(skipped, columns=["question", "reason"]),
        old_label=_wave_label(al.old, "前回"),
        new_label=_wave_label(al.new, "今回"),
    )


# --- charts ------------------------------------------------------------------------------------------


def shift_chart(comparison: WaveComparison, top: int = 15, ax=None, lang: str = "ja"):
    """Horizontal bars of the change in share [percentage points] per option.

    Rows: the options of multi questions and the categories of single questions, the top-2
    share of Likert questions; the ``top`` largest absolute changes, significant ones in colour
    (the others grey). Suppressed rows are not drawn.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from cntf_workbench import fonts

    fonts.setup()
    res = comparison.results
    sig = {(r.question, r.option) for r in res.itertuples() if r.significant}
    sig_q = {r.question for r in res.itertuples() if r.significant and r.option == ""}
    rows = []
    for r in comparison.shares.itertuples():
        if r.hidden:
            continue
        qtype = comparison.alignment[r.question].type
        if qtype == "likert5":
            continue
        significant = (r.question, r.category) in sig or r.question in sig_q
        label = comparison.label_in(r.question, r.category, lang) or r.label
        rows.append((f"{r.question}: {label}", r.change, significant))
    top2 = i18n.t("changes.top2", lang)
    for r in res.itertuples():
        if r.type == "likert5":
            rows.append((f"{r.question}: {top2}", r.change, bool(r.significant)))
    rows.sort(key=lambda t: -abs(t[1]))
    rows = rows[:top][::-1]
    fig, ax = (
        plt.subplots(figsize=(9, 0.38 * max(len(rows), 1) + 1.6))
        if ax is None
        else (
            ax.figure,
            ax,
        )
    )
    colours = ["#c44e52" if s and c > 0 else "#4c72b0" if s else "#bbbbbb" for _, c, s in rows]
    ax.barh([lab[:40] for lab, _, _ in rows], [c for _, c, _ in rows], color=colours)
    for y, (_, c, _) in enumerate(rows):
        ax.text(c, y, f" {c:+.1f}", va="center", ha="left" if c >= 0 else "right", fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.margins(x=0.15)
    old, new = comparison.wave_labels(lang)
    ax.set_xlabel(
        i18n.t("chart.shift.xlabel", lang, old=old, new=new, alpha=f"{comparison.alpha:g}")
    )
    ax.set_title(i18n.t("chart.shift.title", lang), fontsize=10)
    fig.tight_layout()
    return fig


def wave_chart(comparison: WaveComparison, question_id: str, ax=None, lang: str = "ja"):
    """Grouped bars: share per category in the old and the new wave [%] for one question."""
    import matplotlib.pyplot as plt

    from cntf_workbench import fonts

    fonts.setup()
    table = comparison.shares[comparison.shares["question"] == question_id]
    if "group" in table.columns:
        raise SurveyError("wave_chart は全体の比較（compare_waves の結果）に使います")
    if table.empty:
        raise SurveyError(f"設問 {question_id} は比較されていません")
    shown = table[~table["hidden"]]
    fig, ax = (
        plt.subplots(figsize=(9, 0.55 * max(len(shown), 1) + 1.8))
        if ax is None
        else (
            ax.figure,
            ax,
        )
    )
    y = np.arange(len(shown))
    old, new = comparison.wave_labels(lang)
    ax.barh(y - 0.2, shown["share_old"] * 100, height=0.4, label=old, color="#9fb7d9")
    ax.barh(y + 0.2, shown["share_new"] * 100, height=0.4, label=new, color="#2b5d9b")
    labels = [
        comparison.label_in(question_id, code, lang) or lab
        for code, lab in zip(shown["category"], shown["label"], strict=True)
    ]
    ax.set_yticks(y, [str(lab)[:30] for lab in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(i18n.t("chart.wave.xlabel", lang))
    q = comparison.alignment.new[question_id]
    rows = comparison.results[comparison.results["question"] == question_id]
    title = q.text_in(lang)
    if len(rows) == 1:
        r = rows.iloc[0]
        title += f"\n{method_name(r['test'], lang)}: p = {r['p_value']:.3g}"
    hidden = len(table) - len(shown)
    if hidden:
        title += i18n.t("chart.wave.hidden", lang, threshold=comparison.threshold, n=hidden)
    ax.set_title(title, fontsize=9)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


__all__ = [
    "DEFAULT_ALPHA",
    "EFFECTS",
    "EFFECT_EN",
    "EFFECT_JA",
    "RESULT_COLUMNS",
    "SHARE_COLUMNS",
    "STATUSES",
    "STATUS_EN",
    "STATUS_JA",
    "TESTS",
    "TEST_EN",
    "TEST_JA",
    "Alignment",
    "Category",
    "QuestionAlignment",
    "WaveComparison",
    "adjust_p",
    "align",
    "change_line",
    "cohens_h",
    "compare_by_group",
    "compare_waves",
    "effect_name",
    "method_name",
    "proportion_test",
    "rank_test",
    "shift_chart",
    "wave_chart",
]
