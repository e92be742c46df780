"""Pain-point taxonomy, KH Coder–style coding rules and the combined free-text classifier.

Three parts:

- :func:`load_taxonomy` reads ``surveys/taxonomy.yaml``: the seminar's pain points (困りごと)
  P1–P8 with target state (目指す姿), proposed solutions (解決策案) and categories (可視化 /
  CO2削減 / データ連携), plus ``other``. Members may add codes; the loader checks them.
- :func:`parse_rules` reads a coding-rule file in KH Coder's syntax (``＊code`` lines, then a
  condition over words with ``and`` / ``or`` / ``not`` / ``&`` / ``|``, parentheses, phrases
  ``A+B``, ``near(A-B)[n]``, ``seq(A-B)[n]``, counts ``word >= 2``, raw strings ``'…'``, other
  codes ``<＊name>``, external variables ``<>var-->value``, lengths ``lw`` / ``lc`` and the
  document number ``No.``). Every syntax error names the rule file and line.
- :func:`categorize` codes answers into the taxonomy: a rule whose name starts with a taxonomy
  id (``＊P1 信憑性``) decides when it fires; otherwise a scikit-learn classifier (TF-IDF over
  SudachiPy words and character 2–3-grams, logistic regression) trained on the hand-written
  labelled set ``surveys/labelled_examples.csv`` decides when its probability reaches a
  threshold; otherwise the answer is ``other``. :func:`evaluate` measures this on a held-out
  split (accuracy, macro-F1, confusion matrix).

Matching follows KH Coder: a word matches a token whose base form (or surface) equals it. A word
that SudachiPy itself splits into several tokens (``一次データ`` → ``一 次 データ``) is matched as
the phrase of those tokens, so rule writers can write words as they read them.

References
----------
Higuchi, K. KH Coder reference manual, section "コーディングルールの書き方",
https://khcoder.net/ (rule syntax; the test rule file ``auto_test/data_input/theme.cod``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cntf_workbench.errors import CntfError
from cntf_workbench.survey import text as jtext

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


class CodingRuleError(CntfError):
    """A coding rule cannot be parsed or evaluated; names the rule file and its line."""

    area = "コーディングルール"

    def location(self) -> str:  # rows of a rule file are its lines
        parts = []
        if self.file is not None:
            parts.append(f"ファイル {self.file}")
        if self.row is not None:
            parts.append(f"{self.row}行目")
        if self.column is not None:
            parts.append(f"コード「{self.column}」")
        return ", ".join(parts)


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
    """

    id: str
    label: str
    target_state: str
    solutions: tuple[str, ...]
    categories: tuple[str, ...]

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

    @property
    def ids(self) -> list[str]:
        """Code ids, ``other`` last."""
        return list(self.codes)

    def __getitem__(self, code: str) -> PainPoint:
        return self.codes[code]

    def table(self) -> pd.DataFrame:
        """The seminar's 困りごと table: ``id``, ``困りごと``, ``目指す姿``, ``解決策案``, ``対象区分``."""
        return pd.DataFrame(
            [
                (p.id, p.label, p.target_state, "; ".join(p.solutions), "・".join(p.categories))
                for p in self.codes.values()
            ],
            columns=["id", "困りごと", "目指す姿", "解決策案", "対象区分"],
        )


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
        codes[code] = PainPoint(
            code,
            label,
            str(entry.get("target_state") or ""),
            tuple(str(s) for s in solutions),
            cats,
        )
    if "other" not in codes:
        raise TaxonomyError("コード other（その他）が必要です", file=path)
    codes["other"] = codes.pop("other")
    return Taxonomy(categories, codes, str(raw.get("source") or ""))


# ---------------------------------------------------------------------------------------------
# coding rules: syntax tree


@dataclass
class Doc:
    """One answer prepared for rule evaluation.

    Attributes
    ----------
    text : str
        NFKC-normalised answer.
    tokens : tuple of Token
    number : int
        1-based document number (``No.``).
    variables : mapping of str to str
        External variables (``<>name-->value``).
    """

    text: str
    tokens: tuple[jtext.Token, ...]
    number: int = 1
    variables: Mapping[str, str] = field(default_factory=dict)
    _keys: list[set[str]] | None = None
    _index: dict[str, list[int]] | None = None
    _sentence: list[int] | None = None

    @classmethod
    def of(cls, text: object, number: int = 1, variables: Mapping[str, str] | None = None) -> Doc:
        """Normalise and tokenise ``text``."""
        norm = jtext.normalize(text)
        return cls(norm, tuple(jtext.tokenize(norm)), number, dict(variables or {}))

    @property
    def keys(self) -> list[set[str]]:
        """Per token: the forms a rule word may match (surface, base, case-folded)."""
        if self._keys is None:
            self._keys = [
                {t.surface, t.base, t.surface.casefold(), t.base.casefold()} for t in self.tokens
            ]
        return self._keys

    @property
    def index(self) -> dict[str, list[int]]:
        """Token positions by every form in :attr:`keys`."""
        if self._index is None:
            index: dict[str, list[int]] = {}
            for i, forms in enumerate(self.keys):
                for f in forms:
                    index.setdefault(f, []).append(i)
            self._index = index
        return self._index

    @property
    def sentence(self) -> list[int]:
        """Per token: 0-based sentence number."""
        if self._sentence is None:
            n, out = 0, []
            for t in self.tokens:
                out.append(n)
                if t.pos == "補助記号" and t.surface in "。！？!?":
                    n += 1
            self._sentence = out
        return self._sentence


class Node:
    """A node of a parsed condition."""

    def eval(self, doc: Doc, env: RuleSet) -> bool | float:  # pragma: no cover - abstract
        raise NotImplementedError


@functools.lru_cache(maxsize=4096)
def _word_parts(word: str) -> tuple[str, ...]:
    """A rule word as the token forms SudachiPy splits it into (case-folded)."""
    norm = jtext.normalize(word)
    toks = jtext.tokenize(norm)
    if len(toks) <= 1:
        return (norm.casefold(),)
    return tuple(t.surface.casefold() for t in toks)


def _positions(doc: Doc, word: str, pos: str | None = None) -> list[int]:
    """Start positions of ``word`` (a token, or the phrase it splits into) in ``doc``."""
    parts = _word_parts(word)
    keys = doc.keys
    out = []
    for i in doc.index.get(parts[0], ()):
        if i + len(parts) <= len(keys) and all(
            parts[j] in keys[i + j] for j in range(1, len(parts))
        ):
            if pos is None or pos in (doc.tokens[i].pos, doc.tokens[i].pos_detail):
                out.append(i)
    return out


@dataclass
class Word(Node):
    """A word (``配賦``), optionally with a part of speech (``配賦-->名詞``)."""

    word: str
    pos: str | None = None

    def count(self, doc: Doc) -> int:
        if self.pos is None:
            parts = _word_parts(self.word)
            if len(parts) == 1:  # fast path: one token
                return len(doc.index.get(parts[0], ()))
        return len(_positions(doc, self.word, self.pos))

    def eval(self, doc: Doc, env: RuleSet) -> float:
        return float(self.count(doc))


@dataclass
class Phrase(Node):
    """Consecutive words ``A+B+C``."""

    words: tuple[str, ...]

    def count(self, doc: Doc) -> int:
        """Occurrences: word by word, or as the compound SudachiPy makes of the joined words."""
        split: list[str] = []
        for w in self.words:
            split.extend(_word_parts(w))
        joined = list(_word_parts("".join(self.words)))
        keys = doc.keys

        def occurrences(parts: list[str]) -> int:
            return sum(
                i + len(parts) <= len(keys)
                and all(parts[j] in keys[i + j] for j in range(len(parts)))
                for i in doc.index.get(parts[0], ())
            )

        return max(occurrences(split), occurrences(joined) if joined != split else 0)

    def eval(self, doc: Doc, env: RuleSet) -> float:
        return float(self.count(doc))


@dataclass
class Near(Node):
    """``near(A-B)[n]`` (either order) or ``seq(A-B)[n]`` (in order), within ``n`` words."""

    words: tuple[str, ...]
    window: int = 10
    ordered: bool = False
    same_sentence: bool = False

    def eval(self, doc: Doc, env: RuleSet) -> bool:
        hits = [_positions(doc, w) for w in self.words]
        if any(not h for h in hits):
            return False
        first = hits[0]
        for i in first:
            prev = i
            ok = True
            for h in hits[1:]:
                cands = [
                    j
                    for j in h
                    if j != prev
                    and abs(j - i) <= self.window
                    and (not self.ordered or j > prev)
                    and (not self.same_sentence or doc.sentence[j] == doc.sentence[i])
                ]
                if not cands:
                    ok = False
                    break
                prev = min(cands) if self.ordered else cands[0]
            if ok:
                return True
        return False


@dataclass
class RawString(Node):
    """``'文字列'``: a substring of the normalised answer."""

    value: str

    def eval(self, doc: Doc, env: RuleSet) -> float:
        return float(doc.text.count(jtext.normalize(self.value))) if self.value else 0.0


@dataclass
class CodeRef(Node):
    """``<＊name>``: another code of the same rule set."""

    name: str
    line: int

    def eval(self, doc: Doc, env: RuleSet) -> bool:
        return env.matches(self.name, doc, _ref_line=self.line)


@dataclass
class Variable(Node):
    """``<>variable-->value``: an external variable of the answer equals ``value``."""

    name: str
    value: str
    line: int

    def eval(self, doc: Doc, env: RuleSet) -> bool:
        if self.name not in doc.variables:
            raise CodingRuleError(
                f"外部変数「{self.name}」がありません（使える変数: {sorted(doc.variables)}）",
                file=env.file,
                row=self.line,
            )
        return str(doc.variables[self.name]) == self.value


@dataclass
class Measure(Node):
    """``lw`` (tokens, punctuation included), ``lc`` (characters) or ``No.`` (document number)."""

    what: str

    def eval(self, doc: Doc, env: RuleSet) -> float:
        if self.what == "lw":  # every token, punctuation included, as KH Coder counts
            return float(len(doc.tokens))
        if self.what == "lc":  # characters of the normalised text
            return float(len(doc.text))
        return float(doc.number)


@dataclass
class Number(Node):
    value: float

    def eval(self, doc: Doc, env: RuleSet) -> float:
        return self.value


_COMPARE = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}


@dataclass
class Compare(Node):
    left: Node
    op: str
    right: Node

    def eval(self, doc: Doc, env: RuleSet) -> bool:
        return bool(_COMPARE[self.op](float(self.left.eval(doc, env)), self.right.eval(doc, env)))


@dataclass
class Not(Node):
    child: Node

    def eval(self, doc: Doc, env: RuleSet) -> bool:
        return not self.child.eval(doc, env)


@dataclass
class And(Node):
    children: tuple[Node, ...]

    def eval(self, doc: Doc, env: RuleSet) -> bool:
        return all(c.eval(doc, env) for c in self.children)


@dataclass
class Or(Node):
    children: tuple[Node, ...]

    def eval(self, doc: Doc, env: RuleSet) -> bool:
        return any(c.eval(doc, env) for c in self.children)


# ---------------------------------------------------------------------------------------------
# coding rules: parser

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>'[^']*')
  | (?P<near>(?:near|seq)\([^()\s]*\)(?:\[b?\d+\])?)
  | (?P<coderef><[＊*][^>]*>)
  | (?P<var><>[^\s()]+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<op>>=|<=|==|!=|=|>|<)
  | (?P<amp>&)
  | (?P<bar>\|)
  | (?P<word>(?:-->|->|[^\s()'&|<>=!])+)
    """,
    re.VERBOSE,
)
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Rule:
    """One code of a rule file.

    Attributes
    ----------
    name : str
        Code name after ``＊``.
    condition : Node
    line : int
        Line of the ``＊`` line in the rule file (1-based).
    source : str
        The condition as written.
    code : str or None
        Taxonomy id the rule codes into (the name's first word, when it is a taxonomy id).
    """

    name: str
    condition: Node
    line: int
    source: str
    code: str | None = None


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int]], file: str | None, name: str) -> None:
        self.tokens = tokens
        self.i = 0
        self.file = file
        self.name = name

    def error(self, message: str, line: int) -> CodingRuleError:
        return CodingRuleError(message, file=self.file, row=line, column=self.name)

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def is_kw(self, *words: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "word" and tok[1].lower() in words

    def parse(self) -> Node:
        node = self.parse_or()
        tok = self.peek()
        if tok is not None:
            raise self.error(f"「{tok[1]}」の前に and / or が必要です", tok[2])
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.is_kw("or") or (self.peek() and self.peek()[0] == "bar"):
            self.take()
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node:
        children = [self.parse_not()]
        while self.is_kw("and") or (self.peek() and self.peek()[0] == "amp"):
            self.take()
            children.append(self.parse_not())
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_not(self) -> Node:
        if self.is_kw("not"):
            self.take()
            return Not(self.parse_not())
        return self.parse_compare()

    def parse_compare(self) -> Node:
        left = self.parse_atom()
        tok = self.peek()
        if tok is not None and tok[0] == "op":
            self.take()
            right = self.peek()
            if right is None or right[0] != "word" or not _NUMBER.match(right[1]):
                raise self.error(f"比較「{tok[1]}」の右側には数値が必要です", tok[2])
            self.take()
            return Compare(left, tok[1], Number(float(right[1])))
        return left

    def parse_atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            last = self.tokens[-1][2] if self.tokens else 0
            raise self.error("条件が途中で終わっています（and / or / not の後に語が必要）", last)
        kind, value, line = self.take()
        if kind == "lparen":
            node = self.parse_or()
            close = self.peek()
            if close is None or close[0] != "rparen":
                raise self.error("閉じかっこ「)」がありません", line)
            self.take()
            return node
        if kind == "rparen":
            raise self.error("対応する開きかっこのない「)」があります", line)
        if kind in ("op", "amp", "bar") or (kind == "word" and value.lower() in ("and", "or")):
            raise self.error(f"「{value}」の前に語が必要です", line)
        if kind == "string":
            return RawString(value[1:-1])
        if kind == "coderef":
            return CodeRef(value[2:-1].strip(), line)
        if kind == "var":
            body = value[2:]
            if "-->" not in body:
                raise self.error(f"外部変数は <>変数名-->値 の形で書きます: {value}", line)
            name, val = body.split("-->", 1)
            return Variable(name, val, line)
        if kind == "near":
            m = re.match(r"^(near|seq)\(([^()]*)\)(?:\[(b?)(\d+)\])?$", value)
            if m is None:
                raise self.error(f"near/seq の書き方が不正です: {value}", line)
            parts = tuple(p for p in m.group(2).split("-") if p)
            if len(parts) < 2:
                raise self.error(f"{m.group(1)}() には「-」でつないだ2語以上が必要です", line)
            window = int(m.group(4)) if m.group(4) else 10
            return Near(parts, window, m.group(1) == "seq", bool(m.group(3)))
        # word
        if value in ("lw", "lc", "No."):
            return Measure(value)
        if _NUMBER.match(value):
            return Number(float(value))
        if value.startswith(("near(", "seq(")):
            raise self.error(f"near/seq の書き方が不正です: {value}", line)
        if "+" in value:
            parts = tuple(p for p in value.split("+"))
            if any(not p for p in parts):
                raise self.error(f"フレーズ「{value}」の + の両側に語が必要です", line)
            return Phrase(parts)
        if "-->" in value:
            word, pos = value.split("-->", 1)
            if not word or not pos:
                raise self.error(f"品詞指定「{value}」は 語-->品詞 の形で書きます", line)
            return Word(word, pos)
        if "->" in value:
            word = value.split("->", 1)[0]
            return Word(word)  # conjugation forms (IPADIC) are not distinguished
        return Word(value)


def parse_condition(
    source: str, *, file: str | None = None, name: str = "", first_line: int = 1
) -> Node:
    """Parse one condition (the lines under a ``＊`` line).

    Parameters
    ----------
    source : str
        The condition; may span lines.
    file : str, optional
        Rule file, for error messages.
    name : str
        Code name, for error messages.
    first_line : int
        Line number of the first line of ``source`` in the file.

    Returns
    -------
    Node

    Raises
    ------
    CodingRuleError
        On any syntax error, naming file and line.
    """
    tokens: list[tuple[str, str, int]] = []
    for offset, line in enumerate(source.split("\n")):
        lineno = first_line + offset
        pos = 0
        while pos < len(line):
            m = _TOKEN.match(line, pos)
            if m is None:
                raise CodingRuleError(
                    f"読めない文字「{line[pos]}」があります（{pos + 1}文字目）",
                    file=file,
                    row=lineno,
                    column=name or None,
                )
            kind = m.lastgroup
            if kind != "space":
                tokens.append((kind, m.group(), lineno))
            pos = m.end()
    if not tokens:
        raise CodingRuleError("条件が空です", file=file, row=first_line, column=name or None)
    return _Parser(tokens, file, name).parse()


class RuleSet:
    """A parsed rule file: codes by name, evaluated on answers.

    Parameters
    ----------
    rules : sequence of Rule
    file : str, optional
        The rule file (for messages).
    """

    def __init__(self, rules: Sequence[Rule], file: str | None = None) -> None:
        self.rules = list(rules)
        self.by_name = {r.name: r for r in self.rules}
        self.file = file
        self._stack: list[str] = []

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def matches(self, name: str, doc: Doc, _ref_line: int | None = None) -> bool:
        """True when the code ``name`` applies to ``doc``."""
        rule = self.by_name.get(name)
        if rule is None:
            raise CodingRuleError(
                f"参照されたコード「＊{name}」がありません", file=self.file, row=_ref_line
            )
        if name in self._stack:
            raise CodingRuleError(
                f"コードの参照が循環しています: {' → '.join([*self._stack, name])}",
                file=self.file,
                row=rule.line,
            )
        self._stack.append(name)
        try:
            return bool(rule.condition.eval(doc, self))
        finally:
            self._stack.pop()

    def apply(
        self,
        texts: Iterable[object],
        variables: pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        """Code every answer with every rule.

        Parameters
        ----------
        texts : iterable of object
            Answers.
        variables : pandas.DataFrame, optional
            External variables, one row per answer (for ``<>name-->value``).

        Returns
        -------
        pandas.DataFrame
            One boolean column per code name, one row per answer.
        """
        texts = list(texts)
        records = variables.to_dict("records") if variables is not None else None
        rows = []
        for i, t in enumerate(texts):
            doc = Doc.of(t, i + 1, None if records is None else records[i])
            rows.append([self.matches(r.name, doc) for r in self.rules])
        return pd.DataFrame(rows, columns=[r.name for r in self.rules], dtype=bool)


def parse_rules(
    source: str, *, file: str | None = None, codes: Iterable[str] | None = None
) -> RuleSet:
    """Parse a rule file's text.

    ``#`` starts a comment line; a line starting with ``＊`` (or ``*``) names a code; the lines
    up to the next code are its condition.

    Parameters
    ----------
    source : str
        The rule file's text.
    file : str, optional
        Its name, for messages.
    codes : iterable of str, optional
        Taxonomy ids; a rule whose name starts with one (``P1``, ``P1 信憑性``, ``P1_…``,
        ``P1：…``) codes into it.

    Returns
    -------
    RuleSet

    Raises
    ------
    CodingRuleError
        Condition before the first code, empty or duplicate code name, empty condition, a
        reference to an unknown code, or any syntax error — with file and line.
    """
    ids = sorted(codes or (), key=len, reverse=True)
    rules: list[Rule] = []
    current: tuple[str, int] | None = None
    body: list[str] = []
    body_line = 0

    def flush() -> None:
        if current is None:
            return
        name, line = current
        text = "\n".join(body).strip("\n")
        if not text.strip():
            raise CodingRuleError("条件が空です", file=file, row=line, column=name)
        start = body_line + next(i for i, b in enumerate(body) if b.strip())
        cond = parse_condition(text, file=file, name=name, first_line=start)
        code = next(
            (c for c in ids if name == c or re.match(rf"^{re.escape(c)}[\s_・:：.\-]", name)),
            None,
        )
        rules.append(Rule(name, cond, line, text.strip(), code))

    for lineno, raw in enumerate(source.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.lstrip("\ufeff")
        stripped = line.strip()
        if stripped.startswith("#"):
            body.append("")
            continue
        if stripped.startswith(("＊", "*")):
            flush()
            name = jtext.normalize(stripped[1:]).strip() if stripped[1:].strip() else ""
            name = stripped[1:].strip()
            if not name:
                raise CodingRuleError("「＊」の後にコード名がありません", file=file, row=lineno)
            if any(r.name == name for r in rules):
                raise CodingRuleError(
                    f"コード名「{name}」が重複しています", file=file, row=lineno, column=name
                )
            current = (name, lineno)
            body = []
            body_line = lineno + 1
            continue
        if current is None:
            if stripped:
                raise CodingRuleError(
                    "最初の「＊コード名」の行より前に条件があります", file=file, row=lineno
                )
            continue
        body.append(line)
    flush()
    ruleset = RuleSet(rules, file)
    for rule in rules:
        for ref in _refs(rule.condition):
            if ref.name not in ruleset.by_name:
                raise CodingRuleError(
                    f"参照されたコード「＊{ref.name}」がありません",
                    file=file,
                    row=ref.line,
                    column=rule.name,
                )
    return ruleset


def _refs(node: Node) -> list[CodeRef]:
    if isinstance(node, CodeRef):
        return [node]
    if isinstance(node, And | Or):
        return [r for c in node.children for r in _refs(c)]
    if isinstance(node, Not):
        return _refs(node.child)
    if isinstance(node, Compare):
        return _refs(node.left)
    return []


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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CodingRuleError(f"ファイルを読めません: {exc.strerror}", file=path) from None
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            source = data.decode("cp932")
        except UnicodeDecodeError:
            raise CodingRuleError(
                "文字コードが UTF-8 でも cp932 でもありません", file=path
            ) from None
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
                out.append((t, "other", "空欄", 0.0, ""))
                continue
            p = proba[row_of[i]]
            doc = Doc.of(t, i + 1)
            fired = [r for r in mapped if self.rules.matches(r.name, doc)]
            codes = list(dict.fromkeys(r.code for r in fired))
            if codes:
                best = max(codes, key=lambda c: p[classes.index(c)] if c in classes else -1)
                rule = next(r for r in fired if r.code == best)
                score = float(p[classes.index(best)]) if best in classes else float("nan")
                out.append((t, best, f"ルール: {rule.name}", score, ",".join(codes)))
                continue
            k = int(np.argmax(p))
            code, score = classes[k], float(p[k])
            if code != "other" and score >= self.threshold:
                out.append((t, code, f"モデル: p={score:.2f}", score, ""))
            elif code == "other":
                out.append((t, "other", f"モデル: p={score:.2f}", score, ""))
            else:
                out.append(
                    (t, "other", f"モデル: {code} p={score:.2f} < {self.threshold}", score, "")
                )
        table = pd.DataFrame(out, columns=["text", "pain_point", "basis", "score", "rule_codes"])
        table.insert(2, "label", table["pain_point"].map(lambda c: self.taxonomy[c].label))
        table.insert(3, "category", table["pain_point"].map(lambda c: self.taxonomy[c].category))
        return table


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
    "Categorizer",
    "CodingRuleError",
    "Doc",
    "Evaluation",
    "PainPoint",
    "Rule",
    "RuleSet",
    "Taxonomy",
    "TaxonomyError",
    "categorize",
    "default_categorizer",
    "evaluate",
    "load_examples",
    "load_rules",
    "load_taxonomy",
    "parse_condition",
    "parse_rules",
    "train",
]
