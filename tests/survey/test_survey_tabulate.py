"""Tabulation: counts and shares, cross-tabs with tests, Likert summaries, and small-cell
suppression that never lets a hidden cell be recomputed from the published totals."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg, stats

from cntf_workbench.survey import tabulate as tab
from cntf_workbench.survey.codebook import SurveyError, load_codebook
from cntf_workbench.survey.generate import generate_export, write_export
from cntf_workbench.survey.io import load_responses


@pytest.fixture(scope="module")
def book():
    return load_codebook()


@pytest.fixture(scope="module")
def data(book, tmp_path_factory):
    path = tmp_path_factory.mktemp("tab") / "s.csv"
    write_export(generate_export(300, seed=11, codebook=book), path)
    return load_responses(path, book)


# --- an independent check of recoverability -------------------------------------------------------


def _constraint_matrix(shape, additive_rows=True):
    """Rows = published linear relations of a table with a total row and column (last)."""
    r, c = shape
    rows = []
    if additive_rows:
        for i in range(r):
            v = np.zeros((r, c))
            v[i, : c - 1] = 1
            v[i, c - 1] = -1
            rows.append(v.ravel())
    for j in range(c):
        v = np.zeros((r, c))
        v[: r - 1, j] = 1
        v[r - 1, j] = -1
        rows.append(v.ravel())
    return np.array(rows)


def _recoverable(mask, additive_rows=True):
    """Hidden cells fixed by the relations: zero in every null-space vector of the hidden part."""
    a = _constraint_matrix(mask.shape, additive_rows)[:, mask.ravel()]
    if a.size == 0:
        return np.zeros(int(mask.sum()), dtype=bool)
    null = linalg.null_space(a)
    if null.size == 0:
        return np.ones(int(mask.sum()), dtype=bool)
    return np.all(np.abs(null) < 1e-9, axis=1)


def _with_margins(body):
    frame = pd.DataFrame(body)
    frame["計"] = frame.sum(axis=1)
    frame.loc["計"] = frame.sum(axis=0)
    return frame.astype(int)


tables = st.integers(2, 5).flatmap(
    lambda r: st.integers(2, 5).flatmap(
        lambda c: st.lists(
            st.lists(st.integers(0, 14), min_size=c, max_size=c), min_size=r, max_size=r
        )
    )
)


@settings(max_examples=150, deadline=None)
@given(tables, st.integers(1, 8))
def test_suppression_hides_every_small_cell_and_none_is_recoverable(body, threshold):
    counts = _with_margins(body)
    sup = tab.suppress(counts, threshold=threshold)
    values = counts.to_numpy()
    mask = sup.mask.to_numpy()
    small = (values > 0) & (values < threshold)
    assert (mask | ~small).all(), "a small cell is published"
    assert not _recoverable(mask).any(), "a hidden cell can be recomputed from the totals"
    shown = sup.display().to_numpy()
    assert all(shown[mask] == tab.HIDDEN)
    assert (shown[~mask] == values[~mask]).all()
    bounds = tab.hidden_bounds(values, mask)
    assert all(high - low >= 1 - 1e-9 for low, high in bounds.values()), "pinned by counts >= 0"
    for (i, j), (low, high) in bounds.items():
        assert low - 1e-9 <= values[i, j] <= high + 1e-9


@settings(max_examples=80, deadline=None)
@given(tables, st.integers(2, 8))
def test_suppression_of_non_additive_rows(body, threshold):
    counts = _with_margins(body)
    sup = tab.suppress(counts, threshold=threshold, additive_rows=False)
    mask = sup.mask.to_numpy()
    assert not _recoverable(mask, additive_rows=False).any()


def test_single_small_cell_gets_a_complement():
    counts = _with_margins([[10, 3, 12], [8, 9, 20]])
    sup = tab.suppress(counts, threshold=5)
    mask = sup.mask.to_numpy()
    assert mask[0, 1] and sup.primary.to_numpy().sum() == 1
    assert mask[0].sum() >= 2 and mask[:, 1].sum() >= 2  # row and column each hide two
    assert sup.n_hidden == 4  # a rectangle: the cheapest complement


def test_bounds_of_a_single_hidden_cell_collapse():
    counts = _with_margins([[10, 3], [8, 9]])
    mask = np.zeros(counts.shape, dtype=bool)
    mask[0, 1] = True
    assert tab.hidden_bounds(counts.to_numpy(), mask) == {(0, 1): (3.0, 3.0)}


def test_nothing_small_nothing_hidden():
    sup = tab.suppress(_with_margins([[10, 0], [7, 9]]), threshold=5)
    assert sup.n_hidden == 0


def test_negative_counts_rejected():
    with pytest.raises(SurveyError):
        tab.suppress(pd.DataFrame([[1, -1]]), threshold=5)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=2, max_size=8), st.integers(2, 7))
def test_frequency_suppression_not_recoverable_from_total(counts, threshold):
    total = sum(counts)
    table = pd.DataFrame(
        {
            "code": list("abcdefgh"[: len(counts)]),
            "label": list("ABCDEFGH"[: len(counts)]),
            "count": counts,
        }
    )
    table["share"] = table["count"] / total if total else 0.0
    table.attrs["n_answered"] = total
    out = tab.suppress_frequencies(table, threshold=threshold)
    hidden = (out["count"] == tab.HIDDEN).to_numpy()
    small = np.array([0 < c < threshold for c in counts])
    assert (hidden | ~small).all()
    if total >= threshold:  # the total is published: one hidden cell alone would be total - rest
        assert hidden.sum() != 1


# --- counts and shares ----------------------------------------------------------------------------


def test_frequencies_single(data, book):
    f = tab.frequencies(data, "chain_position")
    assert f["code"].tolist() == [o.code for o in book["chain_position"].options]
    assert f["count"].sum() == f.attrs["n_answered"] == 300
    assert f["share"].sum() == pytest.approx(1.0)
    by_hand = data.responses["chain_position"].value_counts()
    assert f.set_index("code")["count"].to_dict() == {c: int(by_hand.get(c, 0)) for c in f["code"]}


def test_frequencies_multi_counts_ticks(data):
    f = tab.multi_counts(data, "initiatives")
    ticked = pd.Series([c for t in data.responses["initiatives"] for c in t]).value_counts()
    assert dict(zip(f["code"], f["count"], strict=True)) == {
        c: int(ticked.get(c, 0)) for c in f["code"]
    }
    assert f["count"].is_monotonic_decreasing


def test_frequencies_skip_base_is_who_was_asked(data):
    f = tab.frequencies(data, "calc_granularity")
    asked = data.responses["calc_status"].isin(["product", "company"]).sum()
    assert f.attrs["n_answered"] == asked
    assert f.attrs["n_missing"] == 300 - asked


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["1", "2", "3", "4", "5", None]), min_size=1, max_size=60))
def test_shares_sum_to_one(values):
    book = load_codebook()
    responses = pd.DataFrame(
        {"need_linkage": pd.array([None if v is None else int(v) for v in values], dtype="Int64")}
    )
    f = tab.frequencies(responses, "need_linkage", book)
    answered = sum(v is not None for v in values)
    assert f["count"].sum() == answered
    if answered:
        assert f["share"].sum() == pytest.approx(1.0)
        s = tab.likert_summary(responses, ["need_linkage"], book).iloc[0]
        assert sum(s[f"share_{k}"] for k in range(1, 6)) == pytest.approx(1.0)
        assert s["top2"] + s["bottom2"] <= 1.0 + 1e-12


def test_likert_summary_by_hand(data):
    s = tab.likert_summary(data)
    v = data.responses["need_linkage"].dropna().astype(int)
    assert s.loc["need_linkage", "mean"] == pytest.approx(v.mean())
    assert s.loc["need_linkage", "top2"] == pytest.approx((v >= 4).mean())
    assert set(s.index) == {q.id for q in data.codebook.by_type("likert5")}


def test_wrong_question_type(data):
    with pytest.raises(SurveyError, match="pain_text"):
        tab.frequencies(data, "pain_text")
    with pytest.raises(SurveyError, match="nope"):
        tab.frequencies(data, "nope")
    with pytest.raises(SurveyError):
        tab.crosstab(data, "employees", "employees")


# --- cross-tabs -----------------------------------------------------------------------------------


def test_crosstab_margins_and_chi_square(data):
    ct = tab.crosstab(data, "calc_status", "employees")
    body = ct.counts.drop(index="計", columns="計")
    assert (ct.counts["計"].drop("計") == body.sum(axis=1)).all()
    assert ct.counts.loc["計", "計"] == 300
    assert (ct.shares.sum(axis=1) - 1).abs().max() < 1e-12
    chi2, p, dof, _ = stats.chi2_contingency(body.to_numpy(), correction=False)
    assert ct.test.dof == dof
    assert ct.test.cramers_v == pytest.approx(np.sqrt(chi2 / (300 * (min(body.shape) - 1))))
    if ct.test.method == "chi-square":
        assert ct.test.p_value == pytest.approx(p)
    assert ct.test.p_value < 0.001  # size drives maturity in the generator


def test_crosstab_multi_uses_group_size(data):
    ct = tab.crosstab(data, "initiatives", "employees")
    sizes = data.responses["employees"].value_counts()
    labels = {o.code: o.label for o in data.codebook["employees"].options}
    for code, n in sizes.items():
        assert ct.counts.loc[labels[code], "計"] == n
    assert ct.test is None and ct.notes


def test_fisher_for_small_2x2():
    result = tab.independence_test(np.array([[3, 1], [1, 3]]))
    assert result.method == "fisher-exact"
    assert result.p_value == pytest.approx(stats.fisher_exact([[3, 1], [1, 3]])[1])


def test_monte_carlo_for_sparse_rxc():
    table = np.array([[8, 1, 0], [0, 7, 1], [1, 0, 6]])
    result = tab.independence_test(table, seed=1)
    assert result.method == "monte-carlo"
    assert 0 < result.p_value < 0.01
    again = tab.independence_test(table, seed=1)
    assert again.p_value == result.p_value


def test_cramers_v_bounds():
    assert tab.independence_test(np.array([[20, 0], [0, 20]])).cramers_v == pytest.approx(1.0)
    assert tab.independence_test(np.array([[10, 10], [10, 10]])).cramers_v == pytest.approx(0.0)
    assert tab.independence_test(np.array([[5, 5]])) is None


def test_crosstab_suppression_and_shares_display(data):
    ct = tab.crosstab(data, "format_burden", "chain_position", threshold=5)
    shown = ct.shares_display()
    assert (shown.to_numpy() == tab.HIDDEN).sum() == ct.suppressed.mask.drop(
        index="計", columns="計"
    ).to_numpy().sum()
    ct0 = tab.crosstab(data, "format_burden", "chain_position", threshold=1)
    assert ct0.suppressed.n_hidden == 0


def test_tier2_in_several_groups_feel_the_format_burden(data):
    r = data.responses
    multi = (r["chain_position"] == "tier2") & (r["n_groups"] >= 2)
    assert r.loc[multi, "format_burden"].mean() > r.loc[~multi, "format_burden"].mean() + 0.5


# --- charts and the widget (front-ends on these tables) ---------------------------------------------


def test_charts_render_japanese(data, tmp_path):
    import warnings

    import matplotlib.pyplot as plt

    from cntf_workbench.survey import charts

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for fig in (
            charts.likert_chart(data),
            charts.likert_by_group(data, "need_linkage", "chain_position"),
            charts.option_bars(data, "scope_range"),
            charts.crosstab_chart(tab.crosstab(data, "calc_status", "employees"), data.codebook),
            charts.crosstab_chart(tab.crosstab(data, "initiatives", "employees"), data.codebook),
        ):
            fig.savefig(tmp_path / "c.png")
            plt.close(fig)
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_widget_redraws_on_change(data):
    from cntf_workbench.widgets.survey import survey_explorer

    w = survey_explorer(data, draw=False)
    first = w.view
    w.question.value = "calc_status"
    w.breakdown.value = "employees"
    assert w.view.question_id == "calc_status" and w.view.by == "employees"
    assert w.view is not first and w.view.crosstab is not None
    w.threshold.value = 1
    assert w.view.crosstab.suppressed.n_hidden == 0
    w.breakdown.value = ""
    assert w.view.crosstab is None and w.view.frequencies is not None


def test_charts_in_english(data, tmp_path):
    import matplotlib.pyplot as plt

    from cntf_workbench.survey import charts

    def japanese(text: str) -> bool:
        return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)

    for fig in (
        charts.likert_chart(data, lang="en"),
        charts.likert_by_group(data, "need_linkage", "chain_position", lang="en"),
        charts.option_bars(data, "scope_range", lang="en"),
    ):
        ax = fig.axes[0]
        texts = [lab.get_text() for lab in ax.get_yticklabels()]
        texts += [ax.get_xlabel(), ax.get_title()]
        texts += [x.get_text() for legend in fig.legends for x in legend.get_texts()]
        assert texts and not any(japanese(x) for x in texts), texts
        fig.savefig(tmp_path / "c.png")
        plt.close(fig)
    ja = charts.likert_chart(data)
    assert ja.axes[0].get_title() == "5段階評価の回答（中央は「どちらともいえない」の中点）"
    plt.close(ja)
