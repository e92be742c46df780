"""Pain-point taxonomy, KH Coder–style coding rules and the combined free-text classifier.

Three parts:

- :func:`load_taxonomy` reads ``surveys/taxonomy.yaml``: the seminar's pain points (困りごと)
  P1–P8 with target state (目指す姿), proposed solutions (解決策案) and categories (可視化 /
  CO2削減 / データ連携), plus ``other``. Members may add codes; the loader checks them.
  Optional English fields (``label_en``, ``target_state_en``, ``solutions_en`` per code and a
  ``categories_en`` map) give the English reports (:meth:`Taxonomy.localized`); a file without
  them reads as before and its English outputs fall back to the Japanese.
- :func:`load_rules` reads a coding-rule file in KH Coder's syntax with the engine of
  :mod:`cntf_workbench.survey.coding` (``＊code`` lines, then a condition over words with
  ``and`` / ``or`` / ``not``, phrases, ``near``/``seq``, counts, raw strings, other codes,
  external variables, lengths, parts of speech …). Every syntax error names the rule file, line
  and token. The engine's names (``Doc``, ``RuleSet``, ``parse_rules`` …) are re-exported here.
- :func:`categorize` codes answers into the taxonomy: a rule whose name starts with a taxonomy
  id (``＊P1 信憑性``) decides when it fires; otherwise a scikit-learn classifier (TF-IDF over
  SudachiPy words and character 2–3-grams, logistic regression) trained on the hand-written
  labelled set ``surveys/labelled_examples.csv`` decides when its probability reaches a
  threshold; otherwise the answer is ``other``. :func:`evaluate` measures this on a held-out
  split (accuracy, macro-F1, confusion matrix).

References
----------
Higuchi, K. KH Coder reference manual, section "コーディングルールの書き方",
https://khcoder.net/ (rule syntax; the test rule file ``auto_test/data_input/theme.cod``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cntf_workbench.errors import CntfError
from cntf_workbench.survey import i18n
from cntf_workbench.survey import text as jtext
from cntf_workbench.survey.coding import (
    And,
    CodeRef,
    CodingRuleError,
    Compare,
    Doc,
    Measure,
    Near,
    Node,
    Not,
    Number,
    Or,
    Phrase,
    RawString,
    Rule,
    RuleSet,
    Variable,
    Word,
    _Parser,  # noqa: F401  (kept importable from here)
    parse_condition,
    parse_rules,
    read_rule_file,
)

SURVEYS = Path(__file__).resolve().parents[2] / "surveys"
TAXONOMY_PATH = SURVEYS / "taxonomy.yaml"
RULES_PATH = SURVEYS / "coding_rules.txt"
EXAMPLES_PATH = SURVEYS / "labelled_examples.csv"

#: Probability the classifier must reach before its code is used instead of ``other`` [-].
#: Chosen on the labelled set (assumed: a judgement, not a measured constant).
MODEL_THRESHOLD = 0.25

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class TaxonomyError(CntfError):
    """The taxonomy file is not valid (missing field, duplicate id, unknown category …)."""

    area = "分類体系"


# ---------------------------------------------------------------------------------------------
# taxonomy


@dataclass(frozen=True)
class PainPoint:
    """One code of the taxonomy.

    Attributes
    ----------
    id : str
        ``P1`` … ``P8``, ``other`` or a member's own code.
    label : str
        困りごと (pain point), Japanese.
    target_state : str
        目指す姿.
    solutions : tuple of str
        解決策案.
    categories : tuple of str
        対象区分 (subset of the taxonomy's categories).
    label_en, target_state_en : str
        English label and target state (``""`` when the file has none).
    solutions_en : tuple of str
        English solutions, one per ``solutions`` entry (``()`` when the file has none).
    """

    id: str
    label: str
    target_state: str
    solutions: tuple[str, ...]
    categories: tuple[str, ...]
    label_en: str = ""
    target_state_en: str = ""
    solutions_en: tuple[str, ...] = ()

    @property
    def category(self) -> str:
        """Categories joined with ``・`` (``""`` for ``other``)."""
        return "・".join(self.categories)


@dataclass(frozen=True)
class Taxonomy:
    """The pain-point taxonomy.

    Attributes
    ----------
    categories : tuple of str
        対象区分, in report order.
    codes : dict of str to PainPoint
        Pain points in file order, ``other`` last.
    source : str
        Where the codes come from.
    """

    categories: tuple[str, ...]
    codes: dict[str, PainPoint]
    source: str = ""
    categories_en: dict[str, str] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        """Code ids, ``other`` last."""
        return list(self.codes)

    def __getitem__(self, code: str) -> PainPoint:
        return self.codes[code]

    def table(self, lang: str = "ja") -> pd.DataFrame:
        """The seminar's 困りごと table: ``id``, ``困りごと``, ``目指す姿``, ``解決策案``, ``対象区分``
        (``lang="en"``: English headers and texts)."""
        tax = self.localized(lang)
        return pd.DataFrame(
            [
                (
                    p.id,
                    p.label,
                    p.target_state,
                    "; ".join(p.solutions),
                    i18n.join(p.categories, lang),
                )
                for p in tax.codes.values()
            ],
            columns=["id", *(i18n.t(f"col.{k}", lang) for k in _TABLE_KEYS)],
        )

    def category_name(self, category: str, lang: str = "ja") -> str:
        """A category (対象区分) in ``lang`` (``categories_en``; the Japanese when missing)."""
        return i18n.pick(category, self.categories_en.get(category), lang)

    def localized(self, lang: str = "ja") -> Taxonomy:
        """The taxonomy with its texts in ``lang``.

        ``"ja"`` returns the taxonomy itself. ``"en"`` returns a copy whose ``label``,
        ``target_state``, ``solutions`` and category names are the English ones (each falls
        back to the Japanese where the file has no English); ids are unchanged.
        """
        if i18n.check_lang(lang) == "ja":
            return self
        codes = {
            k: PainPoint(
                p.id,
                i18n.pick(p.label, p.label_en, lang),
                i18n.pick(p.target_state, p.target_state_en, lang),
                i18n.pick_all(p.solutions, p.solutions_en, lang),
                tuple(self.category_name(c, lang) for c in p.categories),
                p.label_en,
                p.target_state_en,
                p.solutions_en,
            )
            for k, p in self.codes.items()
        }
        cats = tuple(self.category_name(c, lang) for c in self.categories)
        return Taxonomy(cats, codes, self.source, dict(self.categories_en))


_TABLE_KEYS = ("pain", "target", "solutions", "category")


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and check a taxonomy YAML file.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to the shipped ``surveys/taxonomy.yaml``.

    Returns
    -------
    Taxonomy

    Raises
    ------
    TaxonomyError
        Unreadable YAML, a missing field, a duplicate or malformed id, or a category that is not
        in ``categories``.
    """
    path = Path(path) if path is not None else TAXONOMY_PATH
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TaxonomyError(f"ファイルを読めません: {exc.strerror}", file=path) from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise TaxonomyError(
            "YAML として読めません", file=path, row=None if line is None else line + 1
        ) from None
    if not isinstance(raw, dict) or "codes" not in raw or "categories" not in raw:
        raise TaxonomyError("categories と codes の2項目が必要です", file=path)
    categories = tuple(str(c) for c in raw["categories"] or ())
    if not categories:
        raise TaxonomyError("categories が空です", file=path)
    entries = list(raw["codes"] or ())
    other = raw.get("other") or {"id": "other", "label": "その他"}
    codes: dict[str, PainPoint] = {}
    for i, entry in enumerate([*entries, other], start=1):
        if not isinstance(entry, dict):
            raise TaxonomyError(f"{i}番目のコードが項目の辞書ではありません", file=path)
        code = str(entry.get("id", "")).strip()
        if not _ID.match(code):
            raise TaxonomyError(
                f"{i}番目のコードの id「{code}」が不正です（英字で始まる英数字と _）",
                file=path,
                column="id",
            )
        if code in codes:
            raise TaxonomyError(f"id「{code}」が重複しています", file=path, column="id")
        label = str(entry.get("label") or "").strip()
        if not label:
            raise TaxonomyError(f"コード {code} に label（困りごと）がありません", file=path)
        cats = tuple(str(c) for c in entry.get("categories") or ())
        unknown = [c for c in cats if c not in categories]
        if unknown:
            raise TaxonomyError(
                f"コード {code} の区分 {unknown} は categories {list(categories)} にありません",
                file=path,
                column="categories",
            )
        if code != "other" and not cats:
            raise TaxonomyError(f"コード {code} に categories（対象区分）がありません", file=path)
        solutions = entry.get("solutions") or ()
        if isinstance(solutions, str):
            solutions = [solutions]
        solutions_en = entry.get("solutions_en") or ()
        if isinstance(solutions_en, str):
            solutions_en = [solutions_en]
        if solutions_en and len(solutions_en) != len(solutions):
            raise TaxonomyError(
                f"コード {code} の solutions_en（{len(solutions_en)} 件）は solutions"
                f"（{len(solutions)} 件）と同じ数が必要です",
                file=path,
                column="solutions_en",
            )
        codes[code] = PainPoint(
            code,
            label,
            str(entry.get("target_state") or ""),
            tuple(str(s) for s in solutions),
            cats,
            str(entry.get("label_en") or "").strip(),
            str(entry.get("target_state_en") or "").strip(),
            tuple(str(s) for s in solutions_en),
        )
    if "other" not in codes:
        raise TaxonomyError("コード other（その他）が必要です", file=path)
    codes["other"] = codes.pop("other")
    names_en = raw.get("categories_en") or {}
    if not isinstance(names_en, dict):
        raise TaxonomyError(
            "categories_en は 区分 → 英語名 の辞書です", file=path, column="categories_en"
        )
    unknown = [c for c in names_en if str(c) not in categories]
    if unknown:
        raise TaxonomyError(
            f"categories_en の区分 {unknown} は categories {list(categories)} にありません",
            file=path,
            column="categories_en",
        )
    names = {str(k): str(v) for k, v in names_en.items() if v}
    return Taxonomy(categories, codes, str(raw.get("source") or ""), names)


# ---------------------------------------------------------------------------------------------
# coding rules (the engine is cntf_workbench.survey.coding)


def load_rules(path: str | Path | None = None, taxonomy: Taxonomy | None = None) -> RuleSet:
    """Read a coding-rule file (UTF-8, or cp932 as KH Coder writes it).

    Parameters
    ----------
    path : str or Path, optional
        Defaults to the shipped ``surveys/coding_rules.txt``.
    taxonomy : Taxonomy, optional
        Codes rules may code into (default: the shipped taxonomy).

    Returns
    -------
    RuleSet
    """
    path = Path(path) if path is not None else RULES_PATH
    source = read_rule_file(path)
    taxonomy = taxonomy or load_taxonomy()
    return parse_rules(source, file=str(path), codes=taxonomy.ids)


# ---------------------------------------------------------------------------------------------
# classifier


def _word_analyzer(text: str) -> list[str]:
    return [t.base for t in jtext.tokenize(text) if t.pos != "補助記号"]


def build_model():
    """An untrained pipeline: TF-IDF (words + character 2–3-grams) → logistic regression.

    Returns
    -------
    sklearn.pipeline.Pipeline
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer=_word_analyzer, sublinear_tf=True)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True, min_df=1
                ),
            ),
        ]
    )
    return Pipeline(
        [
            ("features", features),
            ("clf", LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced")),
        ]
    )


def load_examples(path: str | Path | None = None, taxonomy: Taxonomy | None = None) -> pd.DataFrame:
    """Read the labelled set.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``surveys/labelled_examples.csv`` (hand-written, see its ``source`` column).
    taxonomy : Taxonomy, optional
        Labels must be its ids.

    Returns
    -------
    pandas.DataFrame
        Columns ``example_id``, ``text`` (NFKC-normalised), ``pain_point``, ``source``.

    Raises
    ------
    TaxonomyError
        Missing columns, empty text or a label that is not a taxonomy id.
    """
    path = Path(path) if path is not None else EXAMPLES_PATH
    taxonomy = taxonomy or load_taxonomy()
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise TaxonomyError(f"ラベル付き例を読めません: {exc}", file=path) from None
    for col in ("text", "pain_point"):
        if col not in table.columns:
            raise TaxonomyError(f"列「{col}」がありません", file=path, column=col)
    for i, (t, code) in enumerate(zip(table["text"], table["pain_point"], strict=True), 1):
        if not t.strip():
            raise TaxonomyError("回答文が空です", file=path, row=i, column="text")
        if code not in taxonomy.codes:
            raise TaxonomyError(
                f"ラベル「{code}」は分類体系のコードではありません（{taxonomy.ids}）",
                file=path,
                row=i,
                column="pain_point",
            )
    table["text"] = table["text"].map(jtext.normalize)
    return table


@dataclass
class Categorizer:
    """Rules + classifier, ready to code answers.

    Attributes
    ----------
    taxonomy : Taxonomy
    rules : RuleSet
    model : sklearn Pipeline
        Trained on the labelled set (or its training split).
    threshold : float
        Probability the model must reach [-].
    """

    taxonomy: Taxonomy
    rules: RuleSet
    model: object
    threshold: float = MODEL_THRESHOLD

    def categorize(self, texts: Iterable[object], progress: bool = False) -> pd.DataFrame:
        """Code answers into the taxonomy.

        Parameters
        ----------
        texts : iterable of object
            Answers (missing values allowed).
        progress : bool
            Show a tqdm progress bar.

        Returns
        -------
        pandas.DataFrame
            One row per answer, same order: ``text`` (normalised), ``pain_point`` (taxonomy id),
            ``label`` (困りごと), ``category`` (対象区分 joined with ``・``), ``basis``
            (``ルール: name``, ``モデル: p=0.71``, or why it is ``other``), ``score`` (model
            probability of the chosen code [-]) and ``rule_codes`` (every code a rule found,
            joined with ``,``).
        """
        norm = [jtext.normalize(t) for t in texts]
        mapped = [r for r in self.rules if r.code is not None]
        classes = list(self.model.classes_)
        nonempty = [i for i, t in enumerate(norm) if t]
        proba = (
            self.model.predict_proba([norm[i] for i in nonempty])
            if nonempty
            else np.zeros((0, len(classes)))
        )
        row_of = {i: k for k, i in enumerate(nonempty)}
        iterator: Iterable[int] = range(len(norm))
        if progress:
            from tqdm.auto import tqdm

            iterator = tqdm(iterator, desc="分類", unit="件")
        out = []
        for i in iterator:
            t = norm[i]
            if not t:
                out.append((t, "other", i18n.t("basis.blank"), 0.0, ""))
                continue
            p = proba[row_of[i]]
            doc = Doc.of(t, i + 1)
            fired = [r for r in mapped if self.rules.matches(r.name, doc)]
            codes = list(dict.fromkeys(r.code for r in fired))
            if codes:
                best = max(codes, key=lambda c: p[classes.index(c)] if c in classes else -1)
                rule = next(r for r in fired if r.code == best)
                score = float(p[classes.index(best)]) if best in classes else float("nan")
                out.append((t, best, i18n.t("basis.rule", name=rule.name), score, ",".join(codes)))
                continue
            k = int(np.argmax(p))
            code, score = classes[k], float(p[k])
            if code != "other" and score >= self.threshold:
                out.append((t, code, _model_basis(f"p={score:.2f}"), score, ""))
            elif code == "other":
                out.append((t, "other", _model_basis(f"p={score:.2f}"), score, ""))
            else:
                detail = f"{code} p={score:.2f} < {self.threshold}"
                out.append((t, "other", _model_basis(detail), score, ""))
        table = pd.DataFrame(out, columns=["text", "pain_point", "basis", "score", "rule_codes"])
        table.insert(2, "label", table["pain_point"].map(lambda c: self.taxonomy[c].label))
        table.insert(3, "category", table["pain_point"].map(lambda c: self.taxonomy[c].category))
        return table


def _model_basis(detail: str) -> str:
    return i18n.t("basis.model", detail=detail)


def localize_coded(coded: pd.DataFrame, taxonomy: Taxonomy, lang: str = "ja") -> pd.DataFrame:
    """The output of :meth:`Categorizer.categorize` with its labels in ``lang``.

    Parameters
    ----------
    coded : pandas.DataFrame
        With ``pain_point`` and any of ``label``, ``category``, ``basis``.
    taxonomy : Taxonomy
    lang : {"ja", "en"}

    Returns
    -------
    pandas.DataFrame
        A copy: ``label`` and ``category`` from the taxonomy's texts in ``lang``, the fixed
        words of ``basis`` (ルール / モデル / 空欄) translated; rule names and the answers
        themselves stay as they are. ``"ja"`` returns ``coded`` unchanged.
    """
    if i18n.check_lang(lang) == "ja":
        return coded
    tax = taxonomy.localized(lang)
    out = coded.copy()
    codes = out["pain_point"].astype(str)
    if "label" in out.columns:
        out["label"] = codes.map(lambda c: tax[c].label if c in tax.codes else c)
    if "category" in out.columns:
        out["category"] = codes.map(
            lambda c: i18n.join(tax[c].categories, lang) if c in tax.codes else ""
        )
    if "basis" in out.columns:
        out["basis"] = out["basis"].map(lambda b: _basis_in(str(b), lang))
    return out


def _basis_in(basis: str, lang: str) -> str:
    if basis == i18n.t("basis.blank"):
        return i18n.t("basis.blank", lang)
    for key, field_name in (("basis.rule", "name"), ("basis.model", "detail")):
        prefix = i18n.t(key, **{field_name: ""})
        if basis.startswith(prefix):
            return i18n.t(key, lang, **{field_name: basis.removeprefix(prefix)})
    return basis


def train(
    examples: pd.DataFrame | None = None,
    taxonomy: Taxonomy | None = None,
    rules: RuleSet | None = None,
    threshold: float | None = None,
) -> Categorizer:
    """Train the classifier on labelled answers and pair it with the rules.

    Parameters
    ----------
    examples : pandas.DataFrame, optional
        Columns ``text`` and ``pain_point``; defaults to :func:`load_examples`.
    taxonomy : Taxonomy, optional
    rules : RuleSet, optional
        Defaults to :func:`load_rules`.
    threshold : float, optional
        Defaults to :data:`MODEL_THRESHOLD` [-].

    Returns
    -------
    Categorizer
    """
    taxonomy = taxonomy or load_taxonomy()
    examples = load_examples(taxonomy=taxonomy) if examples is None else examples
    rules = load_rules(taxonomy=taxonomy) if rules is None else rules
    model = build_model()
    model.fit(examples["text"].map(jtext.normalize).tolist(), examples["pain_point"].tolist())
    return Categorizer(taxonomy, rules, model, MODEL_THRESHOLD if threshold is None else threshold)


@functools.lru_cache(maxsize=1)
def default_categorizer() -> Categorizer:
    """The shipped taxonomy, rules and labelled set, trained once per process."""
    return train()


def categorize(
    texts: Iterable[object],
    categorizer: Categorizer | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Code answers into the pain-point taxonomy (rules first, then the classifier).

    Parameters
    ----------
    texts : iterable of object
        Free-text answers.
    categorizer : Categorizer, optional
        Defaults to :func:`default_categorizer` (shipped taxonomy, rules and labelled set).
    progress : bool
        Show a progress bar.

    Returns
    -------
    pandas.DataFrame
        See :meth:`Categorizer.categorize`: ``text``, ``pain_point``, ``label``, ``category``,
        ``basis``, ``score`` [-], ``rule_codes``.
    """
    return (categorizer or default_categorizer()).categorize(texts, progress=progress)


@dataclass(frozen=True)
class Evaluation:
    """Held-out evaluation of the classifier and of rules + classifier.

    Attributes
    ----------
    train_ids, test_ids : list of str
        ``example_id`` of the training and held-out answers (disjoint).
    predictions : pandas.DataFrame
        Held-out answers: ``example_id``, ``text``, ``truth``, ``model`` (classifier alone),
        ``combined`` (rules + classifier), ``basis``.
    metrics : pandas.DataFrame
        Index ``model`` / ``combined`` / ``rules_only``; columns ``accuracy`` [-],
        ``macro_f1`` [-], ``n`` [answers].
    confusion : pandas.DataFrame
        Confusion matrix of ``combined`` (rows: truth, columns: prediction) [answers].
    """

    train_ids: list[str]
    test_ids: list[str]
    predictions: pd.DataFrame
    metrics: pd.DataFrame
    confusion: pd.DataFrame


def evaluate(
    examples: pd.DataFrame | None = None,
    taxonomy: Taxonomy | None = None,
    rules: RuleSet | None = None,
    test_size: float = 0.3,
    seed: int = 0,
    threshold: float | None = None,
) -> Evaluation:
    """Train on a stratified split of the labelled set and score the held-out part.

    Parameters
    ----------
    examples : pandas.DataFrame, optional
        Labelled answers (``example_id``, ``text``, ``pain_point``).
    taxonomy : Taxonomy, optional
    rules : RuleSet, optional
    test_size : float
        Held-out share [-].
    seed : int
        Split seed.
    threshold : float, optional
        See :data:`MODEL_THRESHOLD` [-].

    Returns
    -------
    Evaluation
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
    from sklearn.model_selection import train_test_split

    taxonomy = taxonomy or load_taxonomy()
    examples = load_examples(taxonomy=taxonomy) if examples is None else examples.copy()
    if "example_id" not in examples.columns:
        examples["example_id"] = [f"L{i:03d}" for i in range(1, len(examples) + 1)]
    rules = load_rules(taxonomy=taxonomy) if rules is None else rules
    train_df, test_df = train_test_split(
        examples, test_size=test_size, random_state=seed, stratify=examples["pain_point"]
    )
    cat = train(train_df, taxonomy, rules, threshold)
    truth = test_df["pain_point"].tolist()
    model_pred = cat.model.predict(test_df["text"].tolist()).tolist()
    combined = cat.categorize(test_df["text"].tolist())
    rules_only = [c.split(",")[0] if c else "other" for c in combined["rule_codes"].tolist()]
    labels = [c for c in taxonomy.ids if c in set(truth) | set(combined["pain_point"])]
    metrics = pd.DataFrame(
        {
            name: {
                "accuracy": accuracy_score(truth, pred),
                "macro_f1": f1_score(truth, pred, average="macro", labels=labels, zero_division=0),
                "n": len(truth),
            }
            for name, pred in (
                ("model", model_pred),
                ("combined", combined["pain_point"].tolist()),
                ("rules_only", rules_only),
            )
        }
    ).T
    metrics["n"] = metrics["n"].astype(int)
    conf = pd.DataFrame(
        confusion_matrix(truth, combined["pain_point"], labels=labels),
        index=pd.Index(labels, name="正解"),
        columns=pd.Index(labels, name="予測"),
    )
    preds = pd.DataFrame(
        {
            "example_id": test_df["example_id"].tolist(),
            "text": test_df["text"].tolist(),
            "truth": truth,
            "model": model_pred,
            "combined": combined["pain_point"].tolist(),
            "basis": combined["basis"].tolist(),
        }
    )
    return Evaluation(
        train_df["example_id"].tolist(), test_df["example_id"].tolist(), preds, metrics, conf
    )


__all__ = [
    "And",
    "Categorizer",
    "CodeRef",
    "CodingRuleError",
    "Compare",
    "Doc",
    "Evaluation",
    "Measure",
    "Near",
    "Node",
    "Not",
    "Number",
    "Or",
    "PainPoint",
    "Phrase",
    "RawString",
    "Rule",
    "RuleSet",
    "Taxonomy",
    "TaxonomyError",
    "Variable",
    "Word",
    "categorize",
    "default_categorizer",
    "evaluate",
    "load_examples",
    "load_rules",
    "load_taxonomy",
    "localize_coded",
    "parse_condition",
    "parse_rules",
    "read_rule_file",
    "train",
]
