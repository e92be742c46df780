"""Japanese free text: normalisation, tokenisation, word frequency, KWIC, co-occurrence.

Text is normalised with Unicode NFKC (full-width ``ＣＯ２`` → ``CO2``, half-width kana → full
width) and split into words with SudachiPy and its core dictionary in split mode C, the longest
unit, so that compounds a participant reads as one word stay whole (``排出量``, ``データ連携``,
``見える化``, ``サプライチェーン``). Each token carries its surface, its dictionary (base) form and
its part of speech, so that coding rules can match ``違う`` whether an answer wrote ``違い`` or
``違って``.

SudachiPy refuses input longer than 49,149 bytes; :func:`tokenize` splits longer text at
sentence ends (or, failing that, at a byte boundary) before tokenising.

References
----------
Works Applications, SudachiPy and SudachiDict (core), https://github.com/WorksApplications/sudachi.rs
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import networkx as nx
import pandas as pd

#: SudachiPy's input limit [bytes] (UTF-8).
MAX_BYTES = 49_149

#: Parts of speech (first level, SudachiDict naming) counted as content words.
CONTENT_POS = ("名詞", "動詞", "形容詞", "形状詞", "副詞")

#: Base forms left out of frequency tables and networks (function-like content words).
STOPWORDS = frozenset(
    {
        "する",
        "なる",
        "ある",
        "いる",
        "れる",
        "られる",
        "こと",
        "もの",
        "ため",
        "よう",
        "これ",
        "それ",
        "ところ",
        "とき",
        "いう",
        "できる",
        "思う",
        "ない",
        "くる",
        "いく",
        "おる",
        "やる",
        "方",
    }
)

_SENTENCE_END = re.compile(r"(?<=[。！？!?\n])")


class Token(NamedTuple):
    """One word of a tokenised text.

    Attributes
    ----------
    surface : str
        The word as written (after NFKC).
    base : str
        Dictionary form (``違っ`` → ``違う``).
    pos : str
        First-level part of speech (``名詞``, ``動詞`` …).
    pos_detail : str
        Second-level part of speech (``普通名詞``, ``固有名詞`` …).
    pos_sub : str
        Third level (``人名``, ``地名``, ``一般`` …; ``*`` when none).
    """

    surface: str
    base: str
    pos: str
    pos_detail: str
    pos_sub: str = "*"

    @property
    def is_content(self) -> bool:
        """True for nouns, verbs, adjectives, adverbs, not in :data:`STOPWORDS`."""
        return self.pos in CONTENT_POS and self.base not in STOPWORDS and self.pos_detail != "数詞"


def normalize(text: object) -> str:
    """NFKC-normalise a free-text answer; missing values become ``""``.

    Parameters
    ----------
    text : object
        An answer (``str``, ``None`` or ``NaN``).

    Returns
    -------
    str
        The normalised text with surrounding white space removed.
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


@functools.lru_cache(maxsize=1)
def _tokenizer():
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C), SplitMode.C


def split_for_sudachi(text: str, max_bytes: int = MAX_BYTES) -> list[str]:
    """Split ``text`` into pieces of at most ``max_bytes`` UTF-8 bytes.

    Pieces end at sentence ends (``。！？`` or a new line) where possible, otherwise at a
    character boundary.

    Parameters
    ----------
    text : str
    max_bytes : int
        Largest piece [bytes].

    Returns
    -------
    list of str
        Pieces whose concatenation is ``text``.
    """
    if len(text.encode("utf-8")) <= max_bytes:
        return [text] if text else []
    pieces: list[str] = []
    current = ""
    current_bytes = 0
    for sentence in _SENTENCE_END.split(text):
        for chunk in _hard_split(sentence, max_bytes):
            size = len(chunk.encode("utf-8"))
            if current_bytes + size > max_bytes and current:
                pieces.append(current)
                current, current_bytes = "", 0
            current += chunk
            current_bytes += size
    if current:
        pieces.append(current)
    return pieces


def _hard_split(text: str, max_bytes: int) -> list[str]:
    out: list[str] = []
    current = ""
    size = 0
    for ch in text:
        n = len(ch.encode("utf-8"))
        if size + n > max_bytes:
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    if current:
        out.append(current)
    return out


def tokenize(text: object) -> list[Token]:
    """Normalise and tokenise one answer with SudachiPy (core dictionary, split mode C).

    Parameters
    ----------
    text : object
        The answer; see :func:`normalize`.

    Returns
    -------
    list of Token
        Every morpheme, white space left out.
    """
    return list(_tokens(normalize(text)))


@functools.lru_cache(maxsize=65_536)
def _tokens(norm: str) -> tuple[Token, ...]:
    tok, mode = _tokenizer()
    out: list[Token] = []
    for piece in split_for_sudachi(norm):
        for m in tok.tokenize(piece, mode):
            pos = m.part_of_speech()
            if pos[0] == "空白":
                continue
            out.append(Token(m.surface(), m.dictionary_form(), pos[0], pos[1], pos[2]))
    return tuple(out)


def words(text: object, content_only: bool = True) -> list[str]:
    """Base forms of the words of one answer.

    Parameters
    ----------
    text : object
        The answer.
    content_only : bool
        Keep only content words (see :attr:`Token.is_content`).

    Returns
    -------
    list of str
    """
    return [t.base for t in tokenize(text) if t.is_content or not content_only]


def word_frequency(texts: Iterable[object], top: int | None = 50) -> pd.DataFrame:
    """Content-word frequency over answers.

    Parameters
    ----------
    texts : iterable of object
        Answers.
    top : int, optional
        Keep the ``top`` most frequent words (all when ``None``).

    Returns
    -------
    pandas.DataFrame
        Columns ``word`` (base form), ``pos``, ``count`` [occurrences] and ``documents``
        [answers containing the word], sorted by ``count`` descending then ``word``.
    """
    count: Counter[tuple[str, str]] = Counter()
    docs: Counter[tuple[str, str]] = Counter()
    for text in texts:
        keys = [(t.base, t.pos) for t in tokenize(text) if t.is_content]
        count.update(keys)
        docs.update(set(keys))
    table = pd.DataFrame(
        [(w, p, c, docs[(w, p)]) for (w, p), c in count.items()],
        columns=["word", "pos", "count", "documents"],
    )
    table = table.sort_values(["count", "word"], ascending=[False, True], ignore_index=True)
    return table if top is None else table.head(top)


def kwic(texts: Sequence[object], keyword: str, width: int = 15) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``keyword`` with the text either side.

    The keyword matches a token's surface or base form (so ``違う`` finds ``違い``), or, when it
    is not one token, the normalised text as a substring.

    Parameters
    ----------
    texts : sequence of object
        Answers; their position is reported as ``answer``.
    keyword : str
        Word to look for (NFKC-normalised).
    width : int
        Characters of context either side [characters].

    Returns
    -------
    pandas.DataFrame
        Columns ``answer`` (0-based position in ``texts``), ``left``, ``keyword``, ``right``.
    """
    key = normalize(keyword)
    rows = []
    for i, text in enumerate(texts):
        norm = normalize(text)
        pos = 0
        spans = []
        for t in tokenize(norm):
            start = norm.find(t.surface, pos)
            if start < 0:
                continue
            pos = start + len(t.surface)
            if key in (t.surface, t.base):
                spans.append((start, pos))
        if not spans and key:
            start = norm.find(key)
            while start >= 0:
                spans.append((start, start + len(key)))
                start = norm.find(key, start + len(key))
        for a, b in spans:
            rows.append((i, norm[max(0, a - width) : a], norm[a:b], norm[b : b + width]))
    return pd.DataFrame(rows, columns=["answer", "left", "keyword", "right"])


def cooccurrence(texts: Iterable[object], min_count: int = 2, top_edges: int = 60) -> nx.Graph:
    """Co-occurrence network of content words (KH Coder's 共起ネットワーク).

    Two words are linked when they appear in the same answer; the link weight is the Jaccard
    coefficient of their answer sets, as in KH Coder.

    Parameters
    ----------
    texts : iterable of object
        Answers.
    min_count : int
        Leave out words found in fewer answers [answers].
    top_edges : int
        Keep the strongest links [links].

    Returns
    -------
    networkx.Graph
        Nodes are base forms with attribute ``documents`` [answers]; edges have ``jaccard`` [-]
        and ``documents`` (answers with both) [answers].
    """
    doc_sets = [frozenset(t.base for t in tokenize(text) if t.is_content) for text in texts]
    df: Counter[str] = Counter()
    for d in doc_sets:
        df.update(d)
    keep = {w for w, c in df.items() if c >= min_count}
    pair: Counter[tuple[str, str]] = Counter()
    for d in doc_sets:
        pair.update(itertools.combinations(sorted(d & keep), 2))
    edges = []
    for (a, b), both in pair.items():
        jac = both / (df[a] + df[b] - both)
        edges.append((jac, both, a, b))
    edges.sort(key=lambda e: (-e[0], -e[1], e[2], e[3]))
    graph = nx.Graph()
    for jac, both, a, b in edges[:top_edges]:
        graph.add_node(a, documents=df[a])
        graph.add_node(b, documents=df[b])
        graph.add_edge(a, b, jaccard=jac, documents=both)
    return graph


def draw_network(graph: nx.Graph, title: str = "共起ネットワーク", ax=None):
    """Draw a co-occurrence network with Japanese labels (node size ∝ answers).

    Parameters
    ----------
    graph : networkx.Graph
        Output of :func:`cooccurrence`.
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from cntf_workbench import fonts

    fonts.setup("white")
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 7))
    else:
        fig = ax.figure
    if graph.number_of_nodes():
        layout = _component_layout(graph)
        top = max(graph.nodes[n]["documents"] for n in graph.nodes)
        sizes = [120 + 600 * graph.nodes[n]["documents"] / top for n in graph.nodes]
        widths = [0.5 + 4 * graph.edges[e]["jaccard"] for e in graph.edges]
        nx.draw_networkx_edges(graph, layout, ax=ax, width=widths, edge_color="gray", alpha=0.6)
        nx.draw_networkx_nodes(graph, layout, ax=ax, node_size=sizes, node_color="#a6cee3")
        nx.draw_networkx_labels(graph, layout, ax=ax, font_family=fonts.FONT, font_size=8)
    ax.set_title(title)
    ax.axis("off")
    fig.tight_layout()
    return fig


def _component_layout(graph: nx.Graph) -> dict:
    """Each connected component in its own cell of a grid (spring layout inside), so that
    disconnected groups of words do not pile up in the middle."""
    comps = sorted(nx.connected_components(graph), key=lambda c: (-len(c), sorted(c)))
    cols = max(1, int(len(comps) ** 0.5 + 0.999))
    layout = {}
    for k, comp in enumerate(comps):
        sub = graph.subgraph(comp)
        if len(comp) <= 2:
            local = nx.circular_layout(sub)
        else:
            local = nx.spring_layout(sub, seed=1, weight="jaccard", k=1.2 / len(comp) ** 0.5)
        cx, cy = 3.0 * (k % cols), -3.0 * (k // cols)
        for node, (x, y) in local.items():
            layout[node] = (cx + 1.1 * x, cy + 1.1 * y)
    return layout


__all__ = [
    "MAX_BYTES",
    "Token",
    "cooccurrence",
    "draw_network",
    "kwic",
    "normalize",
    "split_for_sudachi",
    "tokenize",
    "word_frequency",
    "words",
]
