"""Counts, shares, cross-tabs with tests, Likert summaries, and small-cell suppression.

All functions take the tidy ``responses`` table of ``io.load_responses`` (or a ``SurveyData``)
and the codebook, and return tables labelled in Japanese (option labels), in codebook order.

Small-cell suppression (秘匿): a published count between 1 and ``threshold - 1`` could point at a
single member, so it is hidden (shown as ``x``, as in Japanese official statistics). Because row
and column totals are published too, hiding one cell is not enough (total minus the others gives
it back): ``suppress`` adds complementary suppressions until no hidden cell is a linear function of
the published figures (checked exactly, with the rank of the constraint system).

References
----------
Cramér, H. (1946). *Mathematical Methods of Statistics*, §21.9 (Cramér's V).
Hundepool, A. et al. (2012). *Statistical Disclosure Control*, Wiley, §5.2 (primary and
secondary cell suppression).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import linalg, optimize, stats

from cntf_workbench.survey.codebook import Codebook, Question, SurveyError
from cntf_workbench.survey.io import SurveyData

#: Default small-cell threshold [respondents]: counts 1 … THRESHOLD-1 are hidden.
DEFAULT_THRESHOLD = 5
#: Marker of a hidden cell (as in e-Stat tables).
HIDDEN = "x"
TOTAL = "計"
#: Monte Carlo permutations for an exact-style test of an R×C table with small cells.
N_PERMUTATIONS = 4000


def _unpack(
    data: SurveyData | pd.DataFrame, codebook: Codebook | None
) -> tuple[pd.DataFrame, Codebook]:
    if isinstance(data, SurveyData):
        return data.responses, codebook or data.codebook
    if codebook is None:
        raise SurveyError("集計にはコードブックが必要です（codebook= を渡してください）")
    return data, codebook


def _question(book: Codebook, qid: str, types: tuple[str, ...]) -> Question:
    try:
        q = book[qid]
    except KeyError:
        raise SurveyError(f"設問 {qid} はコードブックにありません") from None
    if q.type not in types:
        raise SurveyError(f"設問 {qid} は {q.type} 型です（集計できるのは {', '.join(types)}）")
    return q


def _options(q: Question) -> list[tuple[str, str]]:
    return [(o.code, o.label) for o in q.options]


def _indicator(responses: pd.DataFrame, q: Question) -> pd.DataFrame:
    """0/1 table: one column per option code, one row per respondent (NA row = no answer)."""
    col = responses[q.id]
    codes = [c for c, _ in _options(q)]
    if q.type == "multi":
        answered = col.map(lambda t: isinstance(t, tuple) and len(t) > 0).to_numpy(dtype=bool)
        mat = np.array(
            [
                [c in t for c in codes] if isinstance(t, tuple) else [False] * len(codes)
                for t in col
            ],
            dtype=float,
        ).reshape(len(col), len(codes))
    else:
        values = col.astype(object).map(lambda v: None if v is pd.NA or v is None else str(v))
        answered = values.notna().to_numpy(dtype=bool)
        mat = np.array([[v == c for c in codes] for v in values], dtype=float).reshape(
            len(col), len(codes)
        )
    frame = pd.DataFrame(mat, columns=codes, index=responses.index)
    frame[~answered] = np.nan
    return frame


def frequencies(
    data: SurveyData | pd.DataFrame, question_id: str, codebook: Codebook | None = None
) -> pd.DataFrame:
    """Counts and shares of one single, multi or likert5 question.

    Parameters
    ----------
    data : SurveyData or pandas.DataFrame
        The loader's result, or its ``responses`` table (then ``codebook`` is needed).
    question_id : str
    codebook : Codebook, optional

    Returns
    -------
    pandas.DataFrame
        One row per option in codebook order: ``code``, ``label``, ``count`` [respondents],
        ``share`` [-] of the respondents who answered (for single and likert5 the shares sum
        to 1; for multi each is the share who ticked it). Attributes ``attrs["n_answered"]``
        and ``attrs["n_missing"]`` [respondents].
    """
    responses, book = _unpack(data, codebook)
    q = _question(book, question_id, ("single", "multi", "likert5"))
    ind = _indicator(responses, q)
    answered = int(ind.notna().all(axis=1).sum())
    counts = ind.sum(axis=0, skipna=True).astype(int)
    out = pd.DataFrame(
        {
            "code": [c for c, _ in _options(q)],
            "label": [lab for _, lab in _options(q)],
            "count": counts.to_numpy(),
        }
    )
    out["share"] = out["count"] / answered if answered else 0.0
    out.attrs.update(
        {"question_id": q.id, "n_answered": answered, "n_missing": len(responses) - answered}
    )
    return out


def multi_counts(
    data: SurveyData | pd.DataFrame, question_id: str, codebook: Codebook | None = None
) -> pd.DataFrame:
    """Counts of a multi-select question, most ticked first (``frequencies`` sorted)."""
    responses, book = _unpack(data, codebook)
    _question(book, question_id, ("multi",))
    table = frequencies(responses, question_id, book)
    return table.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def likert_summary(
    data: SurveyData | pd.DataFrame,
    question_ids: list[str] | None = None,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """One row per likert5 question: n, mean, median, shares of 1–5, top-2 and bottom-2 boxes.

    Returns
    -------
    pandas.DataFrame
        Index ``question_id``; columns ``text``, ``n`` [respondents], ``mean`` [1–5],
        ``median``, ``share_1`` … ``share_5`` [-] (sum to 1), ``top2`` (4 or 5) [-],
        ``bottom2`` (1 or 2) [-].
    """
    responses, book = _unpack(data, codebook)
    ids = question_ids or [q.id for q in book.by_type("likert5")]
    rows = []
    for qid in ids:
        q = _question(book, qid, ("likert5",))
        values = pd.array(responses[qid], dtype="Int64").dropna().to_numpy(dtype=int)
        n = len(values)
        counts = np.bincount(values, minlength=6)[1:6]
        shares = counts / n if n else np.zeros(5)
        rows.append(
            {
                "question_id": qid,
                "text": q.text,
                "n": n,
                "mean": float(values.mean()) if n else np.nan,
                "median": float(np.median(values)) if n else np.nan,
                **{f"share_{k}": float(shares[k - 1]) for k in range(1, 6)},
                "top2": float(shares[3] + shares[4]),
                "bottom2": float(shares[0] + shares[1]),
            }
        )
    return pd.DataFrame(rows).set_index("question_id")


# --- cross-tabs and tests ------------------------------------------------------------------------


@dataclass(frozen=True)
class TestResult:
    """Independence test of a cross-tab.

    Attributes
    ----------
    method : str
        ``"chi-square"``, ``"fisher-exact"`` (2×2 with an expected count below 5) or
        ``"monte-carlo"`` (R×C with small expected counts: permutation p-value of the
        chi-square statistic, ``N_PERMUTATIONS`` draws, seeded).
    statistic : float
        Chi-square statistic [-] (for Fisher: the odds ratio).
    p_value : float
    dof : int
    cramers_v : float
        Cramér's V [0–1] from the chi-square statistic (no bias correction).
    min_expected : float
        Smallest expected count [respondents].
    n : int
        Respondents in the table.
    """

    method: str
    statistic: float
    p_value: float
    dof: int
    cramers_v: float
    min_expected: float
    n: int

    @property
    def method_ja(self) -> str:
        """Japanese name of the test."""
        return {
            "chi-square": "カイ二乗検定",
            "fisher-exact": "フィッシャーの正確確率検定",
            "monte-carlo": "モンテカルロ並べ替え検定（カイ二乗統計量）",
        }[self.method]

    def summary_ja(self) -> str:
        """One line in Japanese."""
        return (
            f"{self.method_ja}: p = {self.p_value:.3g}, クラメールの V = {self.cramers_v:.2f}"
            f"（n = {self.n}, 最小期待度数 {self.min_expected:.1f}）"
        )


def independence_test(table: pd.DataFrame | np.ndarray, seed: int = 0) -> TestResult | None:
    """Chi-square, Fisher exact (2×2) or Monte Carlo test of a contingency table.

    Parameters
    ----------
    table : pandas.DataFrame or numpy.ndarray
        Counts [respondents], without margins. Empty rows and columns are dropped.
    seed : int
        Seed of the permutation test.

    Returns
    -------
    TestResult or None
        None when fewer than 2 non-empty rows or columns remain.
    """
    obs = np.asarray(table, dtype=float)
    obs = obs[obs.sum(axis=1) > 0][:, obs.sum(axis=0) > 0]
    if obs.ndim != 2 or min(obs.shape) < 2:
        return None
    n = int(obs.sum())
    chi2, p, dof, expected = stats.chi2_contingency(obs, correction=False)
    k = min(obs.shape) - 1
    v = float(np.sqrt(chi2 / (n * k))) if n and k else 0.0
    small = float((expected < 5).mean())
    method = "chi-square"
    statistic = float(chi2)
    if expected.min() < 5 and obs.shape == (2, 2):
        odds, p = stats.fisher_exact(obs.astype(int))
        method, statistic = "fisher-exact", float(odds)
    elif small > 0.2:
        p = _permutation_p(obs, float(chi2), seed)
        method = "monte-carlo"
    return TestResult(method, statistic, float(p), int(dof), v, float(expected.min()), n)


def _permutation_p(obs: np.ndarray, chi2: float, seed: int) -> float:
    rows = np.repeat(np.arange(obs.shape[0]), obs.sum(axis=1).astype(int))
    cols = np.concatenate(
        [np.repeat(np.arange(obs.shape[1]), obs[i].astype(int)) for i in range(obs.shape[0])]
    )
    r, c = obs.shape
    expected = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / obs.sum()
    rng = np.random.default_rng(seed)
    hits = 0
    batch = 500
    for start in range(0, N_PERMUTATIONS, batch):
        m = min(batch, N_PERMUTATIONS - start)
        perm = np.argsort(rng.random((m, len(cols))), axis=1)
        shuffled = cols[perm]
        idx = rows[None, :] * c + shuffled
        counts = np.stack([np.bincount(ix, minlength=r * c) for ix in idx]).reshape(m, r, c)
        stat = ((counts - expected) ** 2 / expected).sum(axis=(1, 2))
        hits += int((stat >= chi2 - 1e-9).sum())
    return (hits + 1) / (N_PERMUTATIONS + 1)


@dataclass
class CrossTab:
    """A cross-tab of one question by one profile variable.

    Attributes
    ----------
    question_id, by : str
    counts : pandas.DataFrame
        Rows = categories of ``by`` (labels), columns = options of the question (labels)
        [respondents], with a ``計`` row and column (for multi: respondents per group, not the
        sum of ticks).
    shares : pandas.DataFrame
        Row shares [-] (each group's distribution over the options; for multi the share of the
        group who ticked each option).
    test : TestResult or None
        Independence test (single/likert5 only; a multi question has no single test).
    suppressed : Suppressed
        ``counts`` with small cells hidden.
    """

    question_id: str
    by: str
    counts: pd.DataFrame
    shares: pd.DataFrame
    test: TestResult | None
    suppressed: Suppressed
    notes: list[str] = field(default_factory=list)

    def shares_display(self) -> pd.DataFrame:
        """Row shares [%] rounded to 0.1, with the suppressed cells shown as ``x``."""
        body = (self.shares * 100).round(1).astype(object)
        mask = self.suppressed.mask.loc[body.index, body.columns]
        return body.mask(mask, HIDDEN)


def crosstab(
    data: SurveyData | pd.DataFrame,
    question_id: str,
    by: str,
    codebook: Codebook | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> CrossTab:
    """Cross-tab of ``question_id`` by the profile question ``by``, with a test and suppression.

    Parameters
    ----------
    data : SurveyData or pandas.DataFrame
    question_id : str
        A single, multi or likert5 question.
    by : str
        A single question (e.g. ``chain_position``, ``employees``).
    codebook : Codebook, optional
    threshold : int
        Small-cell threshold [respondents] (counts 1 … threshold-1 are hidden).

    Returns
    -------
    CrossTab
    """
    responses, book = _unpack(data, codebook)
    q = _question(book, question_id, ("single", "multi", "likert5"))
    g = _question(book, by, ("single", "likert5"))
    if q.id == g.id:
        raise SurveyError(f"設問 {q.id} を自分自身でクロス集計することはできません")
    ind = _indicator(responses, q)
    groups = _indicator(responses, g)
    ok = ind.notna().all(axis=1) & groups.notna().all(axis=1)
    ind, groups = ind[ok], groups[ok]
    counts_np = groups.to_numpy().T @ ind.to_numpy()
    row_labels = [lab for _, lab in _options(g)]
    col_labels = [lab for _, lab in _options(q)]
    counts = pd.DataFrame(counts_np.astype(int), index=row_labels, columns=col_labels)
    group_n = groups.sum(axis=0).astype(int).to_numpy()
    counts = counts[group_n > 0]
    group_n = group_n[group_n > 0]
    if q.type == "multi":
        row_total = pd.Series(group_n, index=counts.index)
        shares = counts.div(row_total.replace(0, np.nan), axis=0).fillna(0.0)
        test = None
        notes = ["複数選択の設問: 各選択肢は「その群で選んだ人の割合」（合計は100%になりません）"]
    else:
        row_total = counts.sum(axis=1)
        shares = counts.div(row_total.replace(0, np.nan), axis=0).fillna(0.0)
        test = independence_test(counts)
        notes = []
    with_margins = counts.copy()
    with_margins[TOTAL] = row_total
    col_total = counts.sum(axis=0)
    col_total[TOTAL] = int(row_total.sum())
    with_margins.loc[TOTAL] = col_total
    with_margins = with_margins.astype(int)
    additive = q.type != "multi"
    sup = suppress(with_margins, threshold=threshold, additive_rows=additive)
    return CrossTab(q.id, g.id, with_margins, shares, test, sup, notes)


# --- small-cell suppression ----------------------------------------------------------------------


@dataclass
class Suppressed:
    """A count table with small cells hidden.

    Attributes
    ----------
    counts : pandas.DataFrame
        The original counts (with margins when ``margins``) [respondents]. Never publish this.
    mask : pandas.DataFrame of bool
        True where the cell is hidden.
    primary : pandas.DataFrame of bool
        True where the cell is small itself (1 … threshold-1); ``mask & ~primary`` are the
        complementary suppressions.
    threshold : int
    """

    counts: pd.DataFrame
    mask: pd.DataFrame
    primary: pd.DataFrame
    threshold: int

    def display(self) -> pd.DataFrame:
        """The publishable table: counts, with ``x`` in hidden cells (object dtype)."""
        return self.counts.astype(object).mask(self.mask, HIDDEN)

    @property
    def n_hidden(self) -> int:
        """Hidden cells [-]."""
        return int(self.mask.to_numpy().sum())


def _constraints(
    shape: tuple[int, int], row_total: bool, col_total: bool, additive_rows: bool
) -> list[list[tuple[int, int]]]:
    """Linear constraints of a table: each a list of cells whose sum equals its last cell."""
    r, c = shape
    body_r = r - 1 if col_total else r
    body_c = c - 1 if row_total else c
    cons: list[list[tuple[int, int]]] = []
    if row_total and additive_rows:
        for i in range(r):  # each row (and the total row) adds up to its row total
            cons.append([(i, j) for j in range(body_c)] + [(i, c - 1)])
    if col_total:
        for j in range(c):  # each column (and the row-total column) adds up to its column total
            cons.append([(i, j) for i in range(body_r)] + [(r - 1, j)])
    return cons


def determined_cells(
    mask: np.ndarray,
    row_total: bool = True,
    col_total: bool = True,
    additive_rows: bool = True,
) -> np.ndarray:
    """Which hidden cells can be computed exactly from the published cells and the totals.

    Parameters
    ----------
    mask : numpy.ndarray of bool
        Hidden cells.
    row_total : bool
        The last column holds the row totals.
    col_total : bool
        The last row holds the column totals.
    additive_rows : bool
        Rows add up to the row total (False for multi-select tables, whose row total is the
        group size, not the sum of ticks).

    Returns
    -------
    numpy.ndarray of bool
        True for a hidden cell whose value is a linear function of the published figures: its
        coordinate is zero in every vector of the null space of the constraints restricted to
        the hidden cells (so no change of the hidden cells that keeps all totals can move it).
    """
    mask = np.asarray(mask, dtype=bool)
    hidden = [tuple(int(x) for x in cell) for cell in np.argwhere(mask)]
    out = np.zeros_like(mask)
    if not hidden:
        return out
    index = {cell: k for k, cell in enumerate(hidden)}
    rows = []
    for con in _constraints(mask.shape, row_total, col_total, additive_rows):
        vec = np.zeros(len(hidden))
        for cell in con[:-1]:
            if cell in index:
                vec[index[cell]] += 1.0
        if con[-1] in index:
            vec[index[con[-1]]] -= 1.0
        if vec.any():
            rows.append(vec)
    if not rows:
        return out
    null = linalg.null_space(np.array(rows))
    if null.size == 0:  # full column rank: every hidden cell is fixed
        fixed = np.ones(len(hidden), dtype=bool)
    else:
        fixed = np.all(np.abs(null) < 1e-9, axis=1)
    for cell, k in index.items():
        out[cell] = fixed[k]
    return out


def hidden_bounds(
    values: np.ndarray,
    mask: np.ndarray,
    row_total: bool = True,
    col_total: bool = True,
    additive_rows: bool = True,
) -> dict[tuple[int, int], tuple[float, float]]:
    """The range an attacker can narrow each hidden cell to, from the totals and counts >= 0.

    Parameters
    ----------
    values : numpy.ndarray
        The true counts [respondents] (the published ones are what the attacker sees).
    mask : numpy.ndarray of bool
        Hidden cells.
    row_total, col_total, additive_rows : bool
        As in ``determined_cells``.

    Returns
    -------
    dict
        (row, column) of each hidden cell → (lowest, highest) value [respondents] consistent
        with the published cells, the totals and non-negative counts (linear programme,
        ``scipy.optimize.linprog``). A cell with lowest == highest is disclosed.
    """
    values = np.asarray(values, dtype=float)
    mask = np.asarray(mask, dtype=bool)
    hidden = [tuple(int(x) for x in cell) for cell in np.argwhere(mask)]
    if not hidden:
        return {}
    index = {cell: k for k, cell in enumerate(hidden)}
    a_eq, b_eq = [], []
    for con in _constraints(mask.shape, row_total, col_total, additive_rows):
        vec = np.zeros(len(hidden))
        rhs = 0.0
        for cell, sign in [(cell, 1.0) for cell in con[:-1]] + [(con[-1], -1.0)]:
            if cell in index:
                vec[index[cell]] += sign
            else:
                rhs -= sign * values[cell]
        if vec.any():
            a_eq.append(vec)
            b_eq.append(rhs)
    out: dict[tuple[int, int], tuple[float, float]] = {}
    for cell, k in index.items():
        if not a_eq:
            out[cell] = (0.0, np.inf)
            continue
        goal = np.zeros(len(hidden))
        goal[k] = 1.0
        low = optimize.linprog(goal, A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None))
        high = optimize.linprog(-goal, A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None))
        top = np.inf if high.status == 3 else -float(high.fun)
        out[cell] = (float(low.fun), top)
    return out


def suppress(
    counts: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    row_total: bool = True,
    col_total: bool = True,
    additive_rows: bool = True,
) -> Suppressed:
    """Hide small cells and add complementary suppressions so none can be recomputed.

    Parameters
    ----------
    counts : pandas.DataFrame
        Non-negative integer counts [respondents], totals included as described below (as
        ``crosstab`` builds them).
    threshold : int
        Counts 1 … threshold-1 are hidden (primary suppression); 0 is published. ``threshold
        <= 1`` hides nothing.
    row_total : bool
        The last column holds the row totals.
    col_total : bool
        The last row holds the column totals.
    additive_rows : bool
        Rows add up to their total (False for multi-select cross-tabs).

    Returns
    -------
    Suppressed

    Notes
    -----
    Secondary cells are chosen greedily: while some hidden cell is determined by the published
    figures (``determined_cells``), hide the published cell in the row or column of a determined
    cell that leaves the fewest determined cells (ties: inner cells before totals, positive
    counts before zeros, small before large). Every step hides one more cell, so it stops; in
    the worst case everything is hidden. A pass then publishes again every complementary cell
    that is not needed, and an audit with ``hidden_bounds`` hides more where non-negative counts
    would pin a hidden cell to one value (two hidden cells summing to 0).
    """
    values = counts.to_numpy()
    if (values < 0).any():
        raise SurveyError("度数に負の値があります（秘匿処理には0以上の度数が必要です）")
    primary = (values > 0) & (values < threshold)
    mask = primary.copy()
    r, c = values.shape

    def score(cell: tuple[int, int]) -> tuple[int, int, int, float]:
        ii, jj = cell
        margin = (row_total and jj == c - 1) or (col_total and ii == r - 1)
        mask[cell] = True  # look ahead: how many cells stay recoverable with this one hidden
        left = int(determined_cells(mask, row_total, col_total, additive_rows).sum())
        mask[cell] = False
        return (left, int(margin), int(values[ii, jj] == 0), float(values[ii, jj]))

    def close_linear_gaps() -> None:
        while True:
            det = determined_cells(mask, row_total, col_total, additive_rows)
            if not det.any():
                return
            near: set[tuple[int, int]] = set()
            for i, j in np.argwhere(det):
                near.update((int(i), jj) for jj in range(c))
                near.update((ii, int(j)) for ii in range(r))
            candidates = sorted(cell for cell in near if not mask[cell])
            if not candidates:
                candidates = [tuple(int(x) for x in cell) for cell in np.argwhere(~mask)]
            if not candidates:
                return
            mask[min(candidates, key=score)] = True

    def exposed() -> list[tuple[int, int]]:
        bounds = hidden_bounds(values, mask, row_total, col_total, additive_rows)
        return [cell for cell, (low, high) in bounds.items() if high - low < 0.5]

    close_linear_gaps()
    # prune: publish again every complementary cell that is not needed (largest first)
    secondary = [tuple(int(x) for x in cell) for cell in np.argwhere(mask & ~primary)]
    for cell in sorted(secondary, key=lambda x: -float(values[x])):
        mask[cell] = False
        if determined_cells(mask, row_total, col_total, additive_rows).any() or exposed():
            mask[cell] = True
    # audit: non-negativity can pin a cell that no linear combination fixes (a + b = 0)
    for _ in range(r * c):
        pinned = exposed()
        if not pinned:
            break
        i, j = pinned[0]
        near_cells = [(i, jj) for jj in range(c)] + [(ii, j) for ii in range(r)]
        candidates = [cell for cell in near_cells if not mask[cell]] or [
            tuple(int(x) for x in cell) for cell in np.argwhere(~mask)
        ]
        if not candidates:
            break
        mask[max(candidates, key=lambda x: float(values[x]))] = True
        close_linear_gaps()

    def frame(m: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(m, index=counts.index, columns=counts.columns)

    return Suppressed(counts.copy(), frame(mask), frame(primary), int(threshold))


def suppress_frequencies(table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """``frequencies`` output with small counts (and a complement) hidden as ``x``.

    For single and likert5 questions the total (``attrs["n_answered"]``) is published, so a
    single hidden count would be recoverable and a second one is hidden with it. Multi-select
    counts do not add up to a total and are hidden only where small.

    Returns
    -------
    pandas.DataFrame
        ``table`` with ``count`` and ``share`` as objects, ``x`` where hidden.
    """
    counts = table["count"].to_numpy().astype(int)
    multi = bool(table["share"].sum() > 1.0 + 1e-9)
    if multi:
        mask = (counts > 0) & (counts < threshold)
    else:
        total = int(table.attrs.get("n_answered", counts.sum()))
        full = pd.DataFrame({"count": [*counts.tolist(), total]})
        sup = suppress(full, threshold=threshold, row_total=False, col_total=True)
        mask = sup.mask["count"].to_numpy()[:-1]
    out = table.copy().astype({"count": object, "share": object})
    out.loc[mask, ["count", "share"]] = HIDDEN
    return out


__all__ = [
    "DEFAULT_THRESHOLD",
    "HIDDEN",
    "CrossTab",
    "Suppressed",
    "TestResult",
    "crosstab",
    "determined_cells",
    "frequencies",
    "hidden_bounds",
    "independence_test",
    "likert_summary",
    "multi_counts",
    "suppress",
    "suppress_frequencies",
]
