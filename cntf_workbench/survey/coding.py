"""KH Coder–compatible coding rules: read a ``.cod`` file, code documents, cross-tabulate.

A rule file is what KH Coder reads (cp932 or UTF-8): ``#`` lines are comments, a line starting
with ``＊`` (or ``*``) names a code, and the lines up to the next code are its condition. The
condition language is KH Coder's:

============================  ================================================================
``死ぬ``                      a word (base form; the surface also matches) — its count
``卒業+証書``                 a phrase: consecutive words
``near(先生-奥さん)[8]``      the words within 8 words of each other, either order (default 10)
``seq(先生-奥さん)[b9]``      in this order; ``[b]`` same sentence, ``[bn]`` same sentence and
                              within n words, ``[d]`` / ``[dn]`` same paragraph (the document)
``'先生と奥さん'``            a raw string (sentences containing it)
``死ぬ >= 2`` / ``== 2``      frequencies; ``+ - * /`` between counts (spaced)
``<>見出し1-->上＿先生と私``  an external variable (another column of the table) equals a value
``<＊見出し・上>``            another code of the same file
``lw`` / ``lc`` / ``No.``     length in words / characters, document number (1-based)
``ない-->形容詞B``            a part of speech (KH Coder's names, or SudachiPy's tags)
``死ぬ->連用タ接続``          a conjugation form (IPADIC names, or SudachiPy's forms)
``語=>表層``                  a word written with this surface
``and or not & | &! |! !``    ``&!`` is ``and not``, ``|!`` is ``or not``; parentheses group
============================  ================================================================

``not`` binds tighter than ``and``, ``and`` tighter than ``or``, comparisons tighter than ``not``
(as in the MySQL expression KH Coder builds). KH Coder tags with ChaSen/MeCab and IPADIC; here the
tokeniser is SudachiPy (core dictionary, split mode C), and the IPADIC part-of-speech and
conjugation names are mapped to SudachiPy's tags as well as they map (``docs/khcoder-mapping.md``
and :data:`KH_HINSHI`, :data:`IPA_CONJUGATIONS`). A rule the parser cannot read is a
:class:`CodingRuleError` naming the file, the line and the token.

:func:`code` applies a rule set to a table (one 0/1 column per code) and, with a grouping column,
gives the cross-tabulation and the chi-square of each code as KH Coder reports them (Pearson,
without continuity correction).

References
----------
Higuchi, K. KH Coder reference manual, section "コーディングルールの書き方" (https://khcoder.net/);
KH Coder's automatic test ``auto_test/data_input/theme.cod`` (repository ko-ichi-h/khcoder);
Works Applications, SudachiDict part-of-speech and conjugation tags.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from cntf_workbench.errors import CntfError
from cntf_workbench.survey import text as jtext

#: Window of ``near()`` / ``seq()`` when none is given [words] (KH Coder's default).
NEAR_WINDOW = 10


class CodingRuleError(CntfError):
    """A coding rule cannot be parsed or evaluated; names the rule file, its line and the token."""

    area = "コーディングルール"

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        token: str | None = None,
    ) -> None:
        self.token = token
        super().__init__(message, file=file, row=row, column=column)

    def location(self) -> str:  # rows of a rule file are its lines
        parts = []
        if self.file is not None:
            parts.append(f"ファイル {self.file}")
        if self.row is not None:
            parts.append(f"{self.row}行目")
        if self.column is not None:
            parts.append(f"コード「{self.column}」")
        if self.token is not None:
            parts.append(f"該当箇所「{self.token}」")
        return ", ".join(parts)


# ---------------------------------------------------------------------------------------------
# morphemes


class Morph(NamedTuple):
    """One morpheme with everything a rule may ask about.

    The first five fields are those of :class:`cntf_workbench.survey.text.Token`.

    Attributes
    ----------
    surface, base, pos, pos_detail, pos_sub : str
        As in ``Token`` (SudachiPy tags, levels 1–3).
    ctype : str
        Conjugation type (``五段-ナ行``; ``*`` when none).
    cform : str
        Conjugation form (``連用形-撥音便``; ``*`` when none).
    oov : bool
        Not in the dictionary (SudachiPy's out-of-vocabulary word).
    """

    surface: str
    base: str
    pos: str
    pos_detail: str
    pos_sub: str = "*"
    ctype: str = "*"
    cform: str = "*"
    oov: bool = False


@functools.lru_cache(maxsize=65_536)
def morphs(norm: str) -> tuple[Morph, ...]:
    """Tokenise normalised text as :func:`cntf_workbench.survey.text.tokenize` does, keeping
    conjugation type, form and the out-of-vocabulary flag.

    Parameters
    ----------
    norm : str
        NFKC-normalised text (:func:`cntf_workbench.survey.text.normalize`).

    Returns
    -------
    tuple of Morph
        White space left out.
    """
    tok, mode = jtext._tokenizer()
    out: list[Morph] = []
    for piece in jtext.split_for_sudachi(norm):
        for m in tok.tokenize(piece, mode):
            p = m.part_of_speech()
            if p[0] == "空白":
                continue
            out.append(
                Morph(m.surface(), m.dictionary_form(), p[0], p[1], p[2], p[4], p[5], m.is_oov())
            )
    return tuple(out)


_HIRAGANA = re.compile(r"^[ぁ-ん]+$")
_SENTENCE_END = re.compile(r"(?<=[。！？!?\n])")


def _is_te(m: Morph | None) -> bool:
    return m is not None and m.pos == "助詞" and m.pos_detail == "接続助詞" and m.surface in "てで"


def kh_hinshi(tokens: Sequence[Morph], i: int) -> str:
    """KH Coder's part of speech (品詞) of ``tokens[i]``, approximated from SudachiPy's tags.

    KH Coder derives its categories from ChaSen/MeCab IPADIC tags (``名詞-サ変接続`` → サ変名詞,
    an all-hiragana ``形容詞`` → 形容詞B …). The same categories are assigned here from
    SudachiPy's tags, in KH Coder's order (first match wins); ``docs/khcoder-mapping.md`` gives
    the table and what does not map (組織名 and the タグ categories are never assigned).

    Parameters
    ----------
    tokens : sequence of Morph
        The document's morphemes (the previous one is looked at).
    i : int
        Position.

    Returns
    -------
    str
        One of :data:`KH_HINSHI`.
    """
    t = tokens[i]
    prev = tokens[i - 1] if i > 0 else None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    hira = bool(_HIRAGANA.match(t.base))
    if t.oov:
        return "未知語"
    if t.pos == "名詞":
        if t.pos_detail == "固有名詞":
            return {"地名": "地名", "人名": "人名"}.get(t.pos_sub, "固有名詞")
        if t.pos_detail == "普通名詞":
            if t.pos_sub in ("サ変可能", "サ変形状詞可能"):
                return "サ変名詞"
            if t.pos_sub == "形状詞可能":
                return "形容動詞"
            if t.pos_sub == "副詞可能":
                return "副詞可能"
            if nxt is not None and nxt.pos == "形容詞" and nxt.base == "ない":  # 申し訳(ない)
                return "ナイ形容"
            if hira:
                return "名詞B"
            if len(t.base) == 1:
                return "名詞C"
            return "名詞"
        return "その他"  # 数詞, 助動詞語幹 (IPADIC 名詞-数, 名詞-特殊)
    if t.pos == "形状詞":
        return "その他" if t.pos_detail == "助動詞語幹" else "形容動詞"
    if t.pos == "助動詞":
        return "否定助動詞" if t.ctype in ("助動詞-ナイ", "助動詞-ヌ") else "その他"
    if t.pos == "感動詞":
        return "感動詞"
    if t.pos == "動詞":
        if t.pos_detail == "非自立可能" and _is_te(prev):  # 〜ている, 〜てしまう: 動詞-非自立
            return "その他"
        return "動詞B" if hira else "動詞"
    if t.pos == "接尾辞" and t.pos_detail == "形容詞的":  # 読みにくい: 形容詞-非自立
        return "形容詞（非自立）"
    if t.pos == "形容詞":
        if t.base == "ない" and prev is not None:
            after_adj = prev.pos == "形容詞" and prev.cform.startswith("連用形")
            after_stem = prev.pos == "名詞" and prev.pos_detail == "普通名詞"  # 申し訳ない
            if after_adj or after_stem or prev.pos in ("助動詞", "形状詞"):  # 高くない: 助動詞
                return "否定助動詞"
        if t.pos_detail == "非自立可能" and _is_te(prev):  # 〜てほしい, 〜てよい
            return "形容詞（非自立）"
        return "形容詞B" if hira else "形容詞"
    if t.pos == "副詞":
        return "副詞B" if hira else "副詞"
    return "その他"


#: KH Coder's part-of-speech names (``hinshi_chasen``, ``hinshi_mecab``), with how well each maps
#: to SudachiPy: ``approx`` (assigned from SudachiPy's tags, see :func:`kh_hinshi`) or ``none``
#: (no SudachiPy counterpart: never assigned, a rule that uses it codes nothing).
KH_HINSHI: dict[str, str] = {
    "地名": "approx",
    "人名": "approx",
    "組織名": "none",
    "固有名詞": "approx",
    "サ変名詞": "approx",
    "形容動詞": "approx",
    "ナイ形容": "approx",
    "名詞B": "approx",
    "名詞C": "approx",
    "否定助動詞": "approx",
    "名詞": "approx",
    "副詞可能": "approx",
    "未知語": "approx",
    "感動詞": "approx",
    "HTMLタグ": "none",
    "タグ": "none",
    "動詞B": "approx",
    "動詞": "approx",
    "形容詞（非自立）": "approx",
    "形容詞B": "approx",
    "形容詞": "approx",
    "副詞B": "approx",
    "副詞": "approx",
    "その他": "approx",
}

_FORM_RENYO = (
    "連用形-一般",
    "連用形-省略",
    "連用形-融合",
    "連用形-補助",
    "連用形-キ接続",
    "連用形-ト",
    "連用形-ニ",
)
_ADJ_LIKE = ("形容詞", "助動詞-ナイ", "助動詞-タイ", "助動詞-ラシイ")
_ONBIN = ("連用形-促音便", "連用形-撥音便", "連用形-イ音便", "連用形-イ音便+送り仮名省略")


def _forms(*forms: str, ctype: Callable[[str], bool] | None = None) -> Callable[[Morph], bool]:
    def match(m: Morph) -> bool:
        return m.cform in forms and (ctype is None or ctype(m.ctype))

    return match


def _adj_like(c: str) -> bool:
    return c in _ADJ_LIKE


#: IPADIC conjugation forms (活用形, as KH Coder writes them after ``->``) → a test on a SudachiPy
#: morpheme; ``None`` where SudachiPy has no counterpart (the rule codes nothing). Keys are
#: NFKC-normalised (``仮定縮約1``, ``命令e``). See ``docs/khcoder-mapping.md``.
IPA_CONJUGATIONS: dict[str, Callable[[Morph], bool] | None] = {
    "基本形": _forms("終止形-一般", "連体形-一般"),
    "現代基本形": _forms("終止形-一般", "連体形-一般"),
    "文語基本形": _forms("終止形-一般", "連体形-一般", ctype=lambda c: c.startswith("文語")),
    "音便基本形": _forms(
        "終止形-ウ音便",
        "終止形-撥音便",
        "終止形-促音便",
        "連体形-イ音便",
        "連体形-ウ音便",
        "連体形-撥音便",
    ),
    "基本形-促音便": _forms("終止形-促音便"),
    "未然形": _forms("未然形-一般", "未然形-サ", "未然形-セ", "未然形-撥音便", "未然形-補助"),
    "未然ウ接続": _forms("意志推量形"),
    "未然ヌ接続": _forms("未然形-セ"),
    "未然レル接続": _forms("未然形-サ"),
    "未然特殊": _forms("未然形-撥音便"),
    "連用形": _forms(*_FORM_RENYO, ctype=lambda c: not _adj_like(c)),
    "連用テ接続": _forms("連用形-一般", ctype=_adj_like),
    "連用タ接続": lambda m: (
        m.cform in _ONBIN or (m.cform == "連用形-ウ音便" and not _adj_like(m.ctype))
    ),
    "連用ゴザイ接続": _forms("連用形-ウ音便", ctype=_adj_like),
    "連用デ接続": None,
    "連用ニ接続": _forms("連用形-ニ"),
    "仮定形": _forms("仮定形-一般", "已然形-一般"),
    "仮定縮約1": _forms("仮定形-融合"),
    "仮定縮約2": _forms("仮定形-融合"),
    "命令e": _forms("命令形"),
    "命令i": _forms("命令形"),
    "命令ro": _forms("命令形"),
    "命令yo": _forms("命令形"),
    "体言接続": _forms("連体形-一般"),
    "体言接続特殊": _forms("連体形-撥音便", "連体形-省略"),
    "体言接続特殊2": None,
    "ガル接続": _forms("語幹-一般"),
}


@functools.lru_cache(maxsize=1)
def sudachi_tags() -> tuple[frozenset[str], frozenset[str]]:
    """Every part-of-speech tag (any level) and conjugation form of SudachiDict core.

    Returns
    -------
    (frozenset of str, frozenset of str)
        POS tags (``名詞``, ``普通名詞``, ``サ変可能`` …) and conjugation forms (``連用形-一般`` …).
    """
    from sudachipy import Dictionary

    every = list(Dictionary(dict="core").pos_matcher(lambda p: True))
    tags = frozenset(t for p in every for t in p[:4] if t != "*")
    forms = frozenset(p[5] for p in every if p[5] != "*")
    return tags, forms


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


@dataclass(frozen=True)
class PosSpec:
    """A part-of-speech restriction (``-->名``): KH Coder's category, or a SudachiPy tag path.

    Attributes
    ----------
    name : str
        As written.
    kh : bool
        ``True`` for one of :data:`KH_HINSHI` (compared with :func:`kh_hinshi`).
    path : tuple of str
        SudachiPy tags (``名詞-普通名詞`` → ``("名詞", "普通名詞")``): a prefix of the token's
        tags (``*`` matches any tag: ``名詞-*`` is every SudachiPy noun), or, with one element,
        a tag at any level.
    """

    name: str
    kh: bool
    path: tuple[str, ...] = ()

    def matches(self, tokens: Sequence[Morph], i: int) -> bool:
        if self.kh:
            return kh_hinshi(tokens, i) == _nfkc(self.name).replace("(", "（").replace(")", "）")
        t = tokens[i]
        tags = (t.pos, t.pos_detail, t.pos_sub)
        if len(self.path) == 1:
            return self.path[0] in tags
        return all(want in ("*", have) for want, have in zip(self.path, tags, strict=False))


@dataclass(frozen=True)
class FormSpec:
    """A conjugation restriction (``->活用形``): an IPADIC name or a SudachiPy form.

    Attributes
    ----------
    name : str
        As written.
    test : callable or None
        Test on a morpheme; ``None`` when the IPADIC form has no SudachiPy counterpart.
    """

    name: str
    test: Callable[[Morph], bool] | None

    def matches(self, tokens: Sequence[Morph], i: int) -> bool:
        return self.test is not None and self.test(tokens[i])


def _pos_spec(name: str) -> PosSpec | None:
    key = _nfkc(name).replace("(", "（").replace(")", "）")
    if key in KH_HINSHI:
        return PosSpec(name, True)
    tags, _ = sudachi_tags()
    path = tuple(p for p in _nfkc(name).split("-"))
    if all(p in tags or p == "*" for p in path) and path:
        return PosSpec(name, False, path)
    return None


def _form_spec(name: str) -> FormSpec | None:
    key = _nfkc(name)
    if key in IPA_CONJUGATIONS:
        return FormSpec(name, IPA_CONJUGATIONS[key])
    _, forms = sudachi_tags()
    if key in forms:
        return FormSpec(name, lambda m, k=key: m.cform == k)
    if any(f.split("-")[0] == key for f in forms):
        return FormSpec(name, lambda m, k=key: m.cform.split("-")[0] == k)
    return None


# ---------------------------------------------------------------------------------------------
# documents


@dataclass
class Doc:
    """One document (answer, paragraph) prepared for rule evaluation.

    Attributes
    ----------
    text : str
        NFKC-normalised text.
    tokens : tuple of Morph
    number : int
        1-based document number (``No.``).
    variables : mapping of str to str
        External variables (``<>name-->value``).
    """

    text: str
    tokens: tuple[Morph, ...]
    number: int = 1
    variables: Mapping[str, str] = field(default_factory=dict)
    _keys: list[set[str]] | None = None
    _index: dict[str, list[int]] | None = None
    _sentence: list[int] | None = None
    _sentences: list[str] | None = None

    @classmethod
    def of(cls, text: object, number: int = 1, variables: Mapping[str, str] | None = None) -> Doc:
        """Normalise and tokenise ``text``."""
        norm = jtext.normalize(text)
        return cls(norm, morphs(norm), number, dict(variables or {}))

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

    @property
    def sentences(self) -> list[str]:
        """The text cut into sentences (after ``。！？!?`` and new lines)."""
        if self._sentences is None:
            self._sentences = [s for s in _SENTENCE_END.split(self.text) if s]
        return self._sentences


# ---------------------------------------------------------------------------------------------
# condition tree


class Node:
    """A node of a parsed condition. ``eval`` gives a count (atoms) or a truth value."""

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


def _positions(doc: Doc, word: str) -> list[int]:
    """Start positions of ``word`` (a token, or the phrase it splits into) in ``doc``."""
    parts = _word_parts(word)
    if len(parts) == 1:
        return list(doc.index.get(parts[0], ()))
    keys = doc.keys
    return [
        i
        for i in doc.index.get(parts[0], ())
        if i + len(parts) <= len(keys)
        and all(parts[j] in keys[i + j] for j in range(1, len(parts)))
    ]


@dataclass
class Word(Node):
    """A word (``配賦``), optionally with part of speech, conjugation form or surface.

    Attributes
    ----------
    word : str
        Base form (or surface) as written.
    pos : PosSpec or str or None
        ``-->品詞``; a plain string is a SudachiPy tag (kept for old callers).
    form : FormSpec or None
        ``->活用形``.
    surface : str or None
        ``=>表層``.
    """

    word: str
    pos: PosSpec | str | None = None
    form: FormSpec | None = None
    surface: str | None = None

    def count(self, doc: Doc) -> int:
        """Occurrences in ``doc`` [words]."""
        hits = _positions(doc, self.word)
        if self.pos is None and self.form is None and self.surface is None:
            return len(hits)
        last = len(_word_parts(self.word)) - 1  # restrictions apply to the head (last) token
        pos = PosSpec(self.pos, False, (self.pos,)) if isinstance(self.pos, str) else self.pos
        surface = None if self.surface is None else jtext.normalize(self.surface)
        n = 0
        for i in hits:
            j = i + last
            if pos is not None and not pos.matches(doc.tokens, j):
                continue
            if self.form is not None and not self.form.matches(doc.tokens, j):
                continue
            if surface is not None and doc.tokens[j].surface != surface:
                continue
            n += 1
        return n

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
    """``near(A-B)[n]`` (either order) or ``seq(A-B)[n]`` (in order).

    Counted as KH Coder counts: the occurrences of the words are walked in text order; from
    each occurrence (not followed directly by another occurrence of the same word) the walk goes
    on until every word has been seen, each new word within ``window`` words of the previous new
    one (and in the same sentence for ``[b…]``; for ``seq`` the words must come in order). Each
    start from which every word is seen counts once.

    Attributes
    ----------
    words : tuple of str
    window : int
        Largest gap between successive words [words]; ``0`` for no limit.
    ordered : bool
        ``seq``.
    same_sentence : bool
        ``[b]`` / ``[bn]``.
    """

    words: tuple[str, ...]
    window: int = NEAR_WINDOW
    ordered: bool = False
    same_sentence: bool = False

    def count(self, doc: Doc) -> int:
        """Starts from which all the words are found [occurrences]."""
        hits = [_positions(doc, w) for w in self.words]
        if any(not h for h in hits):
            return 0
        wanted = list(dict.fromkeys(self.words))
        need = len(self.words)  # a word listed twice is never "all seen", as in KH Coder
        occ = sorted(
            {(p, wanted.index(w)) for w, h in zip(self.words, hits, strict=True) for p in h}
        )
        sentence = doc.sentence
        found = 0
        for n, (start, w0) in enumerate(occ):
            if self.ordered and w0 != 0:
                continue
            if n + 1 < len(occ) and occ[n + 1][1] == w0:
                continue
            seen: set[int] = set()
            last = start
            for pos, w in occ[n:]:
                if self.window > 0 and pos - last > self.window:
                    break
                if self.same_sentence and sentence[pos] != sentence[start]:
                    break
                if w in seen or (self.ordered and w != len(seen)):
                    continue
                seen.add(w)
                last = pos
                if len(seen) >= need:
                    found += 1
                    break
        return found

    def eval(self, doc: Doc, env: RuleSet) -> float:
        return float(self.count(doc))


@dataclass
class RawString(Node):
    """``'文字列'``: sentences of the normalised text that contain the string [sentences]."""

    value: str

    def eval(self, doc: Doc, env: RuleSet) -> float:
        needle = jtext.normalize(self.value)
        if not needle:
            return 0.0
        if needle in doc.text and not any(needle in s for s in doc.sentences):
            return 1.0  # the string spans a sentence end
        return float(sum(needle in s for s in doc.sentences))


@dataclass
class CodeRef(Node):
    """``<＊name>``: another code of the same rule set."""

    name: str
    line: int

    def eval(self, doc: Doc, env: RuleSet) -> bool:
        return env.matches(self.name, doc, _ref_line=self.line)


@dataclass
class Variable(Node):
    """``<>variable-->value``: an external variable of the document equals ``value``."""

    name: str
    value: str
    line: int

    def eval(self, doc: Doc, env: RuleSet) -> bool:
        if self.name not in doc.variables:
            raise CodingRuleError(
                f"外部変数「{self.name}」がありません（使える変数: {sorted(doc.variables)}）",
                file=env.file,
                row=self.line,
                token=f"<>{self.name}-->{self.value}",
            )
        return str(doc.variables[self.name]) == self.value


@dataclass
class Measure(Node):
    """``lw`` (tokens, punctuation included), ``lc`` (characters) or ``No.`` (document number)."""

    what: str

    def eval(self, doc: Doc, env: RuleSet) -> float:
        if self.what == "lw":
            return float(len(doc.tokens))
        if self.what == "lc":
            return float(len(doc.text))
        return float(doc.number)


@dataclass
class Number(Node):
    """A numeric literal."""

    value: float

    def eval(self, doc: Doc, env: RuleSet) -> float:
        return self.value


_ARITH = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b if b else 0.0,
}


@dataclass
class Arith(Node):
    """``A + B`` (``- * /``): arithmetic on counts (truth values count 0/1)."""

    left: Node
    op: str
    right: Node

    def eval(self, doc: Doc, env: RuleSet) -> float:
        return float(
            _ARITH[self.op](float(self.left.eval(doc, env)), float(self.right.eval(doc, env)))
        )


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
    """``count >= n`` and the other comparisons."""

    left: Node
    op: str
    right: Node

    def eval(self, doc: Doc, env: RuleSet) -> bool:
        return bool(
            _COMPARE[self.op](float(self.left.eval(doc, env)), float(self.right.eval(doc, env)))
        )


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


def walk(node: Node) -> Iterable[Node]:
    """Every node of a condition tree, ``node`` first."""
    yield node
    for attr in ("children",):
        for child in getattr(node, attr, ()):
            yield from walk(child)
    for attr in ("child", "left", "right"):
        child = getattr(node, attr, None)
        if isinstance(child, Node):
            yield from walk(child)


# ---------------------------------------------------------------------------------------------
# parser

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>'[^']*')
  | (?P<near>(?:near|seq)\([^()\s]*\)(?:\[[^\]\s]*\])?)
  | (?P<coderef><[＊*][^>]*>)
  | (?P<var><>[^\s()]+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<op>>=|<=|==|!=|=|>|<)
  | (?P<andnot>&!)
  | (?P<ornot>\|!)
  | (?P<amp>&)
  | (?P<bar>\|)
  | (?P<bang>!)
  | (?P<word>(?:-->|->|=>|[^\s()'&|<>=!])+)
    """,
    re.VERBOSE,
)
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_NEAR = re.compile(r"^(near|seq)\(([^()]*)\)(?:\[([^\]]*)\])?$")
_NEAR_OPTION = re.compile(r"^(?:(\d+)|([bd])(\d*))$")
_ARITH_WORDS = ("+", "-", "*", "/")


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
        Taxonomy id the rule codes into (the name's first word, when it is one of ``codes``).
    """

    name: str
    condition: Node
    line: int
    source: str
    code: str | None = None


Tok = tuple[str, str, int]


class _Parser:
    def __init__(self, tokens: list[Tok], file: str | None, name: str) -> None:
        self.tokens = tokens
        self.i = 0
        self.file = file
        self.name = name

    def error(self, message: str, line: int, token: str | None = None) -> CodingRuleError:
        return CodingRuleError(message, file=self.file, row=line, column=self.name, token=token)

    def peek(self) -> Tok | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def at(self, *kinds: str, words: tuple[str, ...] = ()) -> bool:
        tok = self.peek()
        if tok is None:
            return False
        return tok[0] in kinds or (tok[0] == "word" and tok[1].lower() in words)

    def parse(self) -> Node:
        node = self.parse_or()
        tok = self.peek()
        if tok is not None:
            raise self.error(f"「{tok[1]}」の前に and / or が必要です", tok[2], tok[1])
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.at("bar", "ornot", words=("or",)):
            kind = self.take()[0]
            children.append(self.parse_and(negate_first=kind == "ornot"))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self, negate_first: bool = False) -> Node:
        first = self.parse_not()
        children = [Not(first) if negate_first else first]
        while self.at("amp", "andnot", words=("and",)):
            kind = self.take()[0]
            operand = self.parse_not()
            children.append(Not(operand) if kind == "andnot" else operand)
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_not(self) -> Node:
        if self.at("bang", words=("not",)):
            self.take()
            return Not(self.parse_not())
        return self.parse_compare()

    def parse_compare(self) -> Node:
        left = self.parse_sum()
        tok = self.peek()
        if tok is not None and tok[0] == "op":
            self.take()
            right = self.peek()
            if (
                right is None
                or right[0] != "word"
                or not (_NUMBER.match(right[1]) or right[1] in ("lw", "lc", "No."))
            ):
                shown = right[1] if right is not None else tok[1]
                raise self.error(f"比較「{tok[1]}」の右側には数値が必要です", tok[2], shown)
            self.take()
            rnode: Node = (
                Measure(right[1]) if right[1] in ("lw", "lc", "No.") else Number(float(right[1]))
            )
            return Compare(left, tok[1], rnode)
        return left

    def parse_sum(self) -> Node:
        node = self.parse_product()
        while self.at(words=("+", "-")):
            op = self.take()[1]
            node = Arith(node, op, self.parse_product())
        return node

    def parse_product(self) -> Node:
        node = self.parse_atom()
        while self.at(words=("*", "/")):
            op = self.take()[1]
            node = Arith(node, op, self.parse_atom())
        return node

    def parse_atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            last = self.tokens[-1] if self.tokens else ("", "", 0)
            raise self.error(
                "条件が途中で終わっています（and / or / not の後に語が必要）", last[2], last[1]
            )
        kind, value, line = self.take()
        if kind == "lparen":
            node = self.parse_or()
            close = self.peek()
            if close is None or close[0] != "rparen":
                raise self.error("閉じかっこ「)」がありません", line, "(")
            self.take()
            return node
        if kind == "rparen":
            raise self.error("対応する開きかっこのない「)」があります", line, ")")
        if kind in ("op", "amp", "bar", "andnot", "ornot") or (
            kind == "word" and (value.lower() in ("and", "or") or value in _ARITH_WORDS)
        ):
            raise self.error(f"「{value}」の前に語が必要です", line, value)
        if kind == "string":
            return RawString(value[1:-1])
        if kind == "coderef":
            return CodeRef(value[2:-1].strip(), line)
        if kind == "var":
            body = value[2:]
            if "-->" not in body or not all(body.split("-->", 1)):
                raise self.error(f"外部変数は <>変数名-->値 の形で書きます: {value}", line, value)
            name, val = body.split("-->", 1)
            return Variable(name, val, line)
        if kind == "near":
            return self.near(value, line)
        return self.word(value, line)

    def near(self, value: str, line: int) -> Node:
        m = _NEAR.match(value)
        if m is None:
            raise self.error(f"near/seq の書き方が不正です: {value}", line, value)
        parts = tuple(p for p in m.group(2).split("-") if p)
        if len(parts) < 2:
            raise self.error(f"{m.group(1)}() には「-」でつないだ2語以上が必要です", line, value)
        window, same_sentence = NEAR_WINDOW, False
        if m.group(3) is not None:
            opt = _NEAR_OPTION.match(m.group(3))
            if opt is None:
                raise self.error(
                    f"near/seq の [ ] の中は 数値、b、b数値、d、d数値 のどれかです: [{m.group(3)}]",
                    line,
                    value,
                )
            if opt.group(1):
                window = int(opt.group(1))
            else:
                same_sentence = opt.group(2) == "b"  # d: the paragraph, i.e. the document
                if opt.group(3):
                    window = int(opt.group(3))
        return Near(parts, window, m.group(1) == "seq", same_sentence)

    def word(self, value: str, line: int) -> Node:
        if value in ("lw", "lc", "No."):
            return Measure(value)
        if _NUMBER.match(value):
            return Number(float(value))
        if value.startswith(("near(", "seq(")):
            raise self.error(f"near/seq の書き方が不正です: {value}", line, value)
        if "+" in value:
            parts = tuple(value.split("+"))
            if any(not p for p in parts):
                raise self.error(f"フレーズ「{value}」の + の両側に語が必要です", line, value)
            return Phrase(parts)
        word, pos, form, surface = value, None, None, None
        if "=>" in word:
            word, surface = word.split("=>", 1)
            if not surface:
                raise self.error(
                    f"表層形の指定「{value}」は 語=>表層形 の形で書きます", line, value
                )
        if "-->" in word:
            word, pos_name = word.split("-->", 1)
            if "->" in pos_name:
                pos_name, form = pos_name.split("->", 1)
            if not pos_name:
                raise self.error(f"品詞指定「{value}」は 語-->品詞 の形で書きます", line, value)
            pos = _pos_spec(pos_name)
            if pos is None:
                raise self.error(
                    f"品詞「{pos_name}」は KH Coder の品詞名でも SudachiPy の品詞でもありません"
                    "（docs/khcoder-mapping.md）",
                    line,
                    value,
                )
        elif "->" in word:
            word, form = word.split("->", 1)
        form_spec = None
        if form is not None:
            form_spec = _form_spec(form) if form else None
            if form_spec is None:
                raise self.error(
                    f"活用形「{form}」は IPADIC の活用形名でも SudachiPy の活用形でもありません"
                    "（docs/khcoder-mapping.md）",
                    line,
                    value,
                )
        if not word:
            raise self.error(f"「{value}」に語がありません", line, value)
        return Word(word, pos, form_spec, surface)


def _tokens(source: str, file: str | None, name: str, first_line: int) -> list[Tok]:
    tokens: list[Tok] = []
    for offset, line in enumerate(source.split("\n")):
        lineno = first_line + offset
        line = line.replace("形容詞(非自立)", "形容詞（非自立）")
        pos = 0
        while pos < len(line):
            m = _TOKEN.match(line, pos)
            if m is None:
                raise CodingRuleError(
                    f"読めない文字「{line[pos]}」があります（{pos + 1}文字目）",
                    file=file,
                    row=lineno,
                    column=name or None,
                    token=line[pos : pos + 10],
                )
            kind = m.lastgroup or "space"
            if kind != "space":
                tokens.append((kind, m.group(), lineno))
            pos = m.end()
    return tokens


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
        On any syntax error, naming file, line and token.
    """
    tokens = _tokens(source, file, name, first_line)
    if not tokens:
        raise CodingRuleError("条件が空です", file=file, row=first_line, column=name or None)
    return _Parser(tokens, file, name).parse()


# ---------------------------------------------------------------------------------------------
# rule sets


class RuleSet:
    """A parsed rule file: codes by name, evaluated on documents.

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

    @property
    def names(self) -> list[str]:
        """Code names in file order."""
        return [r.name for r in self.rules]

    def matches(self, name: str, doc: Doc, _ref_line: int | None = None) -> bool:
        """True when the code ``name`` applies to ``doc``."""
        rule = self.by_name.get(name)
        if rule is None:
            raise CodingRuleError(
                f"参照されたコード「＊{name}」がありません",
                file=self.file,
                row=_ref_line,
                token=f"<＊{name}>",
            )
        if name in self._stack:
            raise CodingRuleError(
                f"コードの参照が循環しています: {' → '.join([*self._stack, name])}",
                file=self.file,
                row=rule.line,
                column=name,
            )
        self._stack.append(name)
        try:
            return bool(rule.condition.eval(doc, self))
        finally:
            self._stack.pop()

    def variables(self) -> dict[str, int]:
        """External variables the rules use (``<>name-->…``), with the first line using each."""
        out: dict[str, int] = {}
        for rule in self.rules:
            for node in walk(rule.condition):
                if isinstance(node, Variable):
                    out.setdefault(node.name, node.line)
        return out

    def notes(self) -> list[str]:
        """Japanese notes on atoms that map only approximately (or not at all) to SudachiPy."""
        out = []
        for rule in self.rules:
            for node in walk(rule.condition):
                if not isinstance(node, Word):
                    continue
                if isinstance(node.pos, PosSpec) and node.pos.kh:
                    quality = KH_HINSHI[_nfkc(node.pos.name).replace("(", "（").replace(")", "）")]
                    how = "対応がなく0件" if quality == "none" else "近似"
                    out.append(f"＊{rule.name}: 品詞「{node.pos.name}」は SudachiPy の品詞で{how}")
                if node.form is not None:
                    how = "対応がなく0件" if node.form.test is None else "近似"
                    out.append(f"＊{rule.name}: 活用形「{node.form.name}」は SudachiPy で{how}")
        return list(dict.fromkeys(out))

    def apply(
        self,
        texts: Iterable[object],
        variables: pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        """Code every document with every rule.

        Parameters
        ----------
        texts : iterable of object
            Documents (answers, paragraphs); document ``i`` has number ``No. = i + 1``.
        variables : pandas.DataFrame, optional
            External variables, one row per document (for ``<>name-->value``).

        Returns
        -------
        pandas.DataFrame
            One boolean column per code name, one row per document.
        """
        texts = list(texts)
        records = variables.astype(str).to_dict("records") if variables is not None else None
        rows = []
        for i, t in enumerate(texts):
            doc = Doc.of(t, i + 1, None if records is None else records[i])
            rows.append([self.matches(r.name, doc) for r in self.rules])
        return pd.DataFrame(rows, columns=self.names, dtype=bool)


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
        reference to an unknown code, or any syntax error — with file, line and token.
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

    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for lineno, raw in enumerate(lines, start=1):
        line = raw.lstrip("\ufeff")
        stripped = line.strip()
        if stripped.startswith("#"):
            body.append("")
            continue
        if stripped.startswith(("＊", "*")):
            flush()
            name = stripped[1:].strip()
            if not name:
                raise CodingRuleError(
                    "「＊」の後にコード名がありません", file=file, row=lineno, token=stripped
                )
            if any(r.name == name for r in rules) or (current and current[0] == name):
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
                    "最初の「＊コード名」の行より前に条件があります",
                    file=file,
                    row=lineno,
                    token=stripped[:20],
                )
            continue
        body.append(line)
    flush()
    ruleset = RuleSet(rules, file)
    for rule in rules:
        for node in walk(rule.condition):
            if isinstance(node, CodeRef) and node.name not in ruleset.by_name:
                raise CodingRuleError(
                    f"参照されたコード「＊{node.name}」がありません",
                    file=file,
                    row=node.line,
                    column=rule.name,
                    token=f"<＊{node.name}>",
                )
    return ruleset


def read_rule_file(path: str | Path) -> str:
    """A rule file's text: UTF-8 (with or without BOM), or cp932 as KH Coder writes it.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    str

    Raises
    ------
    CodingRuleError
        Unreadable file or neither encoding.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CodingRuleError(f"ファイルを読めません: {exc.strerror}", file=path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise CodingRuleError("文字コードが UTF-8 でも cp932 でもありません", file=path) from None


def load_rules(path: str | Path, codes: Iterable[str] | None = None) -> RuleSet:
    """Read and parse a KH Coder rule file (``.cod``; UTF-8 or cp932).

    Parameters
    ----------
    path : str or Path
    codes : iterable of str, optional
        Taxonomy ids rules may code into (see :func:`parse_rules`).

    Returns
    -------
    RuleSet
    """
    return parse_rules(read_rule_file(path), file=str(path), codes=codes)


# ---------------------------------------------------------------------------------------------
# coding a table


def chi_square(table: pd.DataFrame) -> float:
    """Pearson's chi-square of a contingency table, without continuity correction.

    Rows or columns whose total is zero are left out (as they carry no information).

    Parameters
    ----------
    table : pandas.DataFrame
        Counts [documents].

    Returns
    -------
    float
        The statistic [-]; NaN when fewer than two rows or two columns are left.
    """
    obs = np.asarray(table, dtype=float)
    obs = obs[obs.sum(axis=1) > 0][:, obs.sum(axis=0) > 0]
    if obs.shape[0] < 2 or obs.shape[1] < 2:
        return math.nan
    expected = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / obs.sum()
    return float(((obs - expected) ** 2 / expected).sum())


@dataclass(frozen=True)
class CodingResult:
    """A table coded with a rule set.

    Attributes
    ----------
    coded : pandas.DataFrame
        Every input column, then one 0/1 column per code (named as in the rules; a code whose
        name is already an input column gets ``（コード）`` appended).
    codes : pandas.DataFrame
        The 0/1 columns alone, named exactly as the codes [-].
    counts : pandas.Series
        Documents coded, per code [documents].
    crosstab : pandas.DataFrame or None
        With a grouping column: documents coded per code (rows) and group (columns), groups in
        order of first appearance, blank groups left out [documents].
    chi2 : pandas.Series or None
        Pearson chi-square of each code's 2 × k table (coded / not coded × group) [-].
    p_value : pandas.Series or None
        Its p-value, with k − 1 degrees of freedom [-].
    group_sizes : pandas.Series or None
        Documents per group [documents].
    """

    coded: pd.DataFrame
    codes: pd.DataFrame
    counts: pd.Series
    crosstab: pd.DataFrame | None = None
    chi2: pd.Series | None = None
    p_value: pd.Series | None = None
    group_sizes: pd.Series | None = None

    def summary(self) -> dict:
        """``counts`` {code: n}; with groups ``crosstab`` {code: {group: n}} and ``chi2``
        {code: value or None}, ``p_value``, ``group_sizes``, and ``documents``."""
        out: dict = {
            "documents": len(self.codes),
            "counts": {k: int(v) for k, v in self.counts.items()},
        }
        if self.crosstab is not None and self.chi2 is not None and self.p_value is not None:
            out["crosstab"] = {
                code: {str(g): int(n) for g, n in row.items()}
                for code, row in self.crosstab.iterrows()
            }
            out["chi2"] = {
                k: None if math.isnan(v) else round(float(v), 6) for k, v in self.chi2.items()
            }
            out["p_value"] = {
                k: None if math.isnan(v) else float(v) for k, v in self.p_value.items()
            }
            assert self.group_sizes is not None
            out["group_sizes"] = {str(g): int(n) for g, n in self.group_sizes.items()}
        return out


def code(
    frame: pd.DataFrame,
    rules: RuleSet,
    column: str,
    by: str | None = None,
    *,
    file: str | Path | None = None,
) -> CodingResult:
    """Code the text column of a table with a rule set.

    Parameters
    ----------
    frame : pandas.DataFrame
        One document per row; every column is an external variable for ``<>name-->value``; the
        row number (1-based) is ``No.``.
    rules : RuleSet
    column : str
        The text column.
    by : str, optional
        Grouping column for the cross-tabulation and chi-square.
    file : str or Path, optional
        The table's file, for messages.

    Returns
    -------
    CodingResult

    Raises
    ------
    CodingRuleError
        A column or an external variable the rules use is not in the table.
    """
    for name in (column, by):
        if name is not None and name not in frame.columns:
            raise CodingRuleError(
                f"列「{name}」がありません（列: {', '.join(map(str, frame.columns[:8]))} …）",
                file=file,
                column=name,
            )
    for name, line in rules.variables().items():
        if name not in frame.columns:
            raise CodingRuleError(
                f"外部変数「{name}」が表の列にありません（列: {', '.join(map(str, frame.columns[:8]))} …）",
                file=rules.file,
                row=line,
                token=f"<>{name}",
            )
    hits = rules.apply(frame[column].tolist(), variables=frame.reset_index(drop=True))
    codes = hits.astype(int)
    codes.index = frame.index
    coded = frame.copy()
    for name in codes.columns:
        target = name if name not in frame.columns else f"{name}（コード）"
        coded[target] = codes[name].to_numpy()
    counts = codes.sum().astype(int)
    if by is None:
        return CodingResult(coded, codes, counts)
    groups = frame[by].fillna("").astype(str).str.strip()
    keep = groups != ""
    order = list(dict.fromkeys(groups[keep]))
    sizes = groups[keep].value_counts().reindex(order)
    cross = codes[keep].groupby(groups[keep]).sum().reindex(order).T
    cross.columns.name = by
    from scipy.stats import chi2 as chi2_dist

    stats, pvals = {}, {}
    for name in codes.columns:
        table = pd.DataFrame([cross.loc[name], sizes - cross.loc[name]])
        stat = chi_square(table)
        stats[name] = stat
        dof = (table.sum(axis=0) > 0).sum() - 1
        pvals[name] = math.nan if math.isnan(stat) else float(chi2_dist.sf(stat, dof))
    return CodingResult(
        coded,
        codes,
        counts,
        cross.astype(int),
        pd.Series(stats, dtype=float),
        pd.Series(pvals, dtype=float),
        sizes.astype(int),
    )


def _chi2_reference(value: object) -> float:
    text = str(value).strip().rstrip("*")
    try:
        return float(text)
    except ValueError:
        return math.nan


#: Verdicts of :func:`compare_khcoder`.
VERDICTS = ("一致", "不一致", "許容内", "許容外", "参考")


def compare_khcoder(result: CodingResult, expected: pd.DataFrame) -> pd.DataFrame:
    """Set this engine's counts and chi-squares beside KH Coder's reference figures.

    Parameters
    ----------
    result : CodingResult
        From :func:`code`, with the grouping KH Coder used (``by="見出し1"`` for 『こころ』).
    expected : pandas.DataFrame
        KH Coder's figures, one row per code: ``code``, ``paragraphs`` [documents], a column
        whose name starts with ``chi2`` (``7.697*`` as KH Coder prints it), ``kind`` and
        ``tolerance`` (relative [-], ``0`` for exact, or ``report only``) — the format of
        ``expected_paragraph_counts.csv`` in KH Coder's test data.

    Returns
    -------
    pandas.DataFrame
        One row per code of ``expected``: ``コード``, ``種類`` (kind), ``許容差`` (tolerance class:
        ``exact`` / ``5%`` / ``15%`` / ``参考``), ``KH Coder`` and ``本ツール`` [documents],
        ``相対差`` [-], ``χ²（KH Coder）`` and ``χ²（本ツール）`` [-], ``判定`` (one of
        :data:`VERDICTS`: exact codes 一致 when count and chi-square (3 decimals) agree,
        others 許容内 when within the tolerance, report-only codes 参考).
    """
    chi_col = next((c for c in expected.columns if str(c).startswith("chi2")), None)
    rows = []
    for _, e in expected.iterrows():
        name = str(e["code"])
        ref = int(e["paragraphs"])
        ours = int(result.counts[name]) if name in result.counts.index else 0
        rel = (ours - ref) / ref if ref else (0.0 if ours == 0 else math.inf)
        chi_ref = _chi2_reference(e[chi_col]) if chi_col is not None else math.nan
        chi_ours = (
            float(result.chi2[name])
            if result.chi2 is not None and name in result.chi2.index
            else math.nan
        )
        tol = str(e["tolerance"]).strip()
        if tol == "report only":
            cls, verdict = "参考", "参考"
        elif float(tol) == 0:
            cls = "exact"
            same_chi = (math.isnan(chi_ref) and math.isnan(chi_ours)) or (
                not math.isnan(chi_ours) and round(chi_ours, 3) == round(chi_ref, 3)
            )
            verdict = "一致" if ours == ref and same_chi else "不一致"
        else:
            cls = f"{float(tol):.0%}"
            verdict = "許容内" if abs(rel) <= float(tol) + 1e-12 else "許容外"
        rows.append((name, e.get("kind", ""), cls, ref, ours, rel, chi_ref, chi_ours, verdict))
    return pd.DataFrame(
        rows,
        columns=[
            "コード",
            "種類",
            "許容差",
            "KH Coder",
            "本ツール",
            "相対差",
            "χ²（KH Coder）",
            "χ²（本ツール）",
            "判定",
        ],
    )


def significance(p: float) -> str:
    """KH Coder's marks: ``**`` for p < .01, ``*`` for p < .05, else ``""``."""
    if math.isnan(p):
        return ""
    return "**" if p < 0.01 else "*" if p < 0.05 else ""


__all__ = [
    "IPA_CONJUGATIONS",
    "KH_HINSHI",
    "NEAR_WINDOW",
    "VERDICTS",
    "And",
    "Arith",
    "CodeRef",
    "CodingResult",
    "CodingRuleError",
    "Compare",
    "Doc",
    "FormSpec",
    "Measure",
    "Morph",
    "Near",
    "Node",
    "Not",
    "Number",
    "Or",
    "Phrase",
    "PosSpec",
    "RawString",
    "Rule",
    "RuleSet",
    "Variable",
    "Word",
    "chi_square",
    "code",
    "compare_khcoder",
    "kh_hinshi",
    "load_rules",
    "morphs",
    "parse_condition",
    "parse_rules",
    "read_rule_file",
    "significance",
    "sudachi_tags",
    "walk",
]
