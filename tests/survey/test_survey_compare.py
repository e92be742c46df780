"""Wave-to-wave comparison: alignment of codebook versions, tests, effect sizes, suppression."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from cntf_workbench.survey import compare as cp
from cntf_workbench.survey.codebook import Codebook, load_codebook
from cntf_workbench.survey.io import SurveyData, load_responses
from cntf_workbench.survey.taxonomy import SURVEYS

OLD = SURVEYS / "sample_responses.csv"
NEW = SURVEYS / "sample_responses_2027.csv"


@pytest.fixture(scope="module")
def books():
    return load_codebook(), load_codebook(SURVEYS / "questionnaire_2027.yaml")


@pytest.fixture(scope="module")
def waves(books):
    return load_responses(OLD, books[0]), load_responses(NEW, books[1])


@pytest.fixture(scope="module")
def result(waves):
    return cp.compare_waves(*waves)


def _book(questions: list[dict], **extra) -> Codebook:
    scale = [{"code": str(k), "label": f"L{k}"} for k in range(1, 6)]
    return Codebook.model_validate(
        {"name": "t", "title": "t", "likert5_scale": scale, "questions": questions, **extra}
    )


def _data(book: Codebook, rows: dict[str, list]) -> SurveyData:
    n = len(next(iter(rows.values())))
    frame = pd.DataFrame({"respondent_id": [str(i) for i in range(n)], **rows})
    return SurveyData(frame, pd.DataFrame(), SURVEYS, book)


# --- alignment ----------------------------------------------------------------------------------


def test_same_codebook_aligns_everything_but_free_text(books):
    al = cp.align(books[0])
    table = al.table().set_index("question")
    assert set(table["status"]) == {"aligned", "not_compared"}
    assert set(table.index[table["status"] == "not_compared"]) == {"pain_text", "expect_text"}


def test_rename_merge_split_type_change_and_new(books):
    al = cp.align(*books)
    status = al.table().set_index("question")["status"]
    assert status["calc_method"] == "aligned"
    assert status["scope_range"] == "coarsened"
    assert status["viz_tools"] == "not_aligned"
    assert status["pact_exchange"] == "new"
    merged = {c.code: c.old_codes for c in al["calc_method"].categories}
    assert merged["software"] == ("tool", "solution")
    renamed = {c.code: c.old_codes for c in al["initiatives"].categories}
    assert renamed["gx_league"] == ("gx",)
    split = next(c for c in al["scope_range"].categories if len(c.new_codes) > 1)
    assert split.old_codes == ("s3_other",) and split.new_codes == ("s3_c4", "s3_c_other")
    assert "型が変わりました" in al["viz_tools"].reason


def test_unmapped_options_are_reported_not_guessed():
    old = _book(
        [
            {
                "id": "a",
                "text": "A?",
                "type": "single",
                "options": [{"code": "x", "label": "X"}, {"code": "y", "label": "Y"}],
            },
            {
                "id": "m",
                "text": "M?",
                "type": "multi",
                "options": [{"code": "p", "label": "P"}, {"code": "q", "label": "Q"}],
            },
        ]
    )
    new = _book(
        [
            {
                "id": "a",
                "text": "A?",
                "type": "single",
                "options": [{"code": "x", "label": "X"}, {"code": "z", "label": "Z"}],
            },
            {
                "id": "m",
                "text": "M?",
                "type": "multi",
                "options": [{"code": "p", "label": "P"}, {"code": "r", "label": "R"}],
            },
        ]
    )
    al = cp.align(old, new)
    assert al["a"].status == "not_aligned" and "y" in al["a"].reason
    # multi: the common option is still compared, the others are listed
    assert al["m"].status == "aligned"
    assert [c.code for c in al["m"].categories] == ["p"]
    assert "前回のみ q" in al["m"].reason and "今回のみ r" in al["m"].reason


def test_dropped_question_is_listed(books):
    old, new = books
    trimmed = new.model_copy(
        update={"questions": [q for q in new.questions if q.id != "cn_department"]}
    )
    al = cp.align(old, trimmed)
    assert al["cn_department"].status == "dropped"


# --- the tests themselves -----------------------------------------------------------------------


def test_proportion_test_matches_the_formula():
    test, z, p = cp.proportion_test(30, 100, 45, 100)
    pooled = 75 / 200
    z_hand = (0.45 - 0.30) / math.sqrt(pooled * (1 - pooled) * (2 / 100))
    assert test == "two-proportion" and z == pytest.approx(z_hand)
    assert p == pytest.approx(2 * stats.norm.sf(z_hand))
    assert cp.proportion_test(1, 20, 6, 20)[0] == "fisher-exact"


def test_holm_by_hand():
    adjusted = cp.adjust_p([0.01, 0.04, 0.03, np.nan])
    assert adjusted[:3] == pytest.approx([0.03, 0.06, 0.06])
    assert np.isnan(adjusted[3])
    assert cp.adjust_p([0.5, 0.9], "holm").max() <= 1.0


def test_rank_biserial_extremes():
    assert cp.rank_test(np.array([1, 1, 2]), np.array([4, 5, 5]))[2] == pytest.approx(1.0)
    assert cp.rank_test(np.array([4, 5, 5]), np.array([1, 1, 2]))[2] == pytest.approx(-1.0)


def test_stated_shifts_are_found(result):
    sig = result.significant()
    found = {(r.question, r.option) for r in sig.itertuples()}
    assert ("scope_range", "s3_c1") in found
    assert ("calc_status", "") in found
    assert ("format_burden", "") in found
    s3 = result.results.set_index(["question", "option"]).loc[("scope_range", "s3_c1")]
    assert s3["change"] > 15 and s3["effect"] > 0.3
    assert s3["p_value"] >= s3["p_raw"]  # corrected


def test_split_option_is_compared_at_the_old_level(result, waves):
    old, new = waves
    row = result.shares.set_index(["question", "category"]).loc[("scope_range", "s3_c4+s3_c_other")]
    by_hand_old = old.responses["scope_range"].map(lambda t: "s3_other" in t).mean()
    by_hand_new = new.responses["scope_range"].map(lambda t: bool({"s3_c4", "s3_c_other"} & set(t)))
    assert row["share_old"] == pytest.approx(by_hand_old)
    assert row["share_new"] == pytest.approx(by_hand_new.mean())


def test_records_have_the_json_keys(result):
    records = result.to_records()
    assert records and all(
        {"question", "test", "p_value", "effect", "n_old", "n_new"} <= set(r) for r in records
    )
    import json

    json.dumps(records)  # serialisable (no NaN, no numpy types)


def test_small_cells_are_hidden(result):
    shown = result.shares_display()
    hidden = result.shares[result.shares["hidden"]]
    assert len(hidden) > 0
    assert (shown.loc[hidden.index, "count_old"] == "x").all()
    small = result.shares[
        ((result.shares["count_old"] > 0) & (result.shares["count_old"] < 5))
        | ((result.shares["count_new"] > 0) & (result.shares["count_new"] < 5))
    ]
    assert small["hidden"].all()


def test_a_small_wave_is_not_compared(waves):
    old, new = waves
    tiny = SurveyData(new.responses.head(3), new.problems, new.source, new.codebook)
    res = cp.compare_waves(old, tiny)
    assert res.results.empty
    assert res.skipped["reason"].str.contains("未満").all()


def test_groups_find_the_tier2_shift(waves):
    res = cp.compare_by_group(*waves, by="chain_position", questions=["format_burden"])
    tier2 = res.results.set_index("group").loc["tier2"]
    assert tier2["significant"] and tier2["effect"] < 0
    assert set(res.results["by"]) == {"chain_position"}


def test_bad_arguments(waves):
    with pytest.raises(cp.SurveyError):
        cp.compare_waves(*waves, alpha=1.5)
    with pytest.raises(cp.SurveyError):
        cp.compare_waves(*waves, correction="bonferroni-ish")
    with pytest.raises(cp.SurveyError):
        cp.compare_by_group(*waves, by="viz_tools")


def test_charts_render_japanese(result, tmp_path):
    import warnings

    import matplotlib.pyplot as plt

    for fig in (cp.shift_chart(result), cp.wave_chart(result, "calc_status")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.savefig(tmp_path / "c.png")
        plt.close(fig)
        assert not [w for w in caught if "Glyph" in str(w.message)]


# --- properties ---------------------------------------------------------------------------------

CODES = ["a", "b", "c"]
BOOK = _book(
    [
        {
            "id": "s",
            "text": "S?",
            "type": "single",
            "options": [{"code": c, "label": c.upper()} for c in CODES],
        },
        {
            "id": "m",
            "text": "M?",
            "type": "multi",
            "options": [{"code": c, "label": c.upper()} for c in CODES],
        },
        {"id": "k", "text": "K?", "type": "likert5"},
    ]
)


@st.composite
def wave(draw, n_min=5, n_max=40):
    n = draw(st.integers(n_min, n_max))
    single = draw(st.lists(st.sampled_from(CODES), min_size=n, max_size=n))
    multi = draw(
        st.lists(
            st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True),
            min_size=n,
            max_size=n,
        )
    )
    likert = draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
    return _data(
        BOOK,
        {
            "s": single,
            "m": [tuple(c for c in CODES if c in t) for t in multi],
            "k": pd.array(likert, dtype="Int64"),
        },
    )


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(wave())
def test_identical_waves_show_no_change(data):
    res = cp.compare_waves(data, data, threshold=1)
    assert len(res.results) == 1 + len(CODES) + 1
    assert (res.results["p_value"] >= 0.05).all()
    assert not res.results["significant"].any()
    assert np.allclose(res.results["effect"].astype(float), 0.0)
    assert np.allclose(res.shares["change"], 0.0)


@FAST
@given(wave(), wave())
def test_effects_are_antisymmetric_when_the_waves_are_swapped(a, b):
    ab = cp.compare_waves(a, b, threshold=1).results.set_index(["question", "option"])
    ba = cp.compare_waves(b, a, threshold=1).results.set_index(["question", "option"])
    signed = ab["effect_measure"] != "cramers_v"
    assert np.allclose(ab.loc[signed, "effect"], -ba.loc[signed, "effect"])
    assert np.allclose(ab.loc[~signed, "effect"], ba.loc[~signed, "effect"])
    exact = ab["test"] != "monte-carlo"  # the permutation draws depend on the row order
    assert np.allclose(ab.loc[exact, "p_value"], ba.loc[exact, "p_value"], atol=1e-9)
    assert ((ab["p_value"] >= 0) & (ab["p_value"] <= 1)).all()


# --- English (lang="en") -------------------------------------------------------------------------


def _has_japanese(text: object) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in str(text))


def test_english_summary_lines(result):
    ja, en = result.summary_ja(), result.summary("en")
    assert len(ja) == len(en) > 0
    assert result.summary("ja") == ja
    assert not any(_has_japanese(line) for line in en)
    s3 = next(line for line in en if line.startswith("scope_range “Scope 3 category 1”"))
    assert "2026 → 2027" in s3 and "two-proportion z-test" in s3 and "Cohen's h" in s3
    assert result.wave_labels("en") == ("2026", "2027")
    assert result.wave_labels() == ("2026年", "2027年")


def test_english_records_keep_the_keys_and_the_numbers(result):
    ja, en = result.to_records(), result.to_records("en")
    assert [set(r) for r in ja] == [set(r) for r in en]
    for a, b in zip(ja, en, strict=True):
        assert {k: v for k, v in a.items() if k not in ("label", "text")} == {
            k: v for k, v in b.items() if k not in ("label", "text")
        }
        assert not _has_japanese(b["label"]) and not _has_japanese(b["text"]), b
    s3 = next(r for r in en if r["question"] == "scope_range" and r["option"] == "s3_c1")
    assert s3["label"] == "Scope 3 category 1"


def test_english_group_labels(waves):
    res = cp.compare_by_group(*waves, by="chain_position", questions=["format_burden"])
    rows = res.to_records("en")
    assert {r["group_label"] for r in rows} >= {"Tier 2"}
    assert any(line.startswith("[Tier 2] format_burden") for line in res.summary("en"))


def test_english_alignment_reasons(result):
    ja, en = result.alignment.table(), result.alignment.table("en")
    assert "status_ja" in ja.columns and "status_en" in en.columns
    assert list(ja["status"]) == list(en["status"])
    assert (en["reason"].astype(bool) == ja["reason"].astype(bool)).all()
    assert not en["reason"].map(_has_japanese).any()
    assert not en["status_en"].map(_has_japanese).any()
    split = en.set_index("question").loc["scope_range", "reason"]
    assert "Split: s3_other → s3_c4, s3_c_other" in split


def test_english_alignment_of_unmapped_options():
    old = _book(
        [
            {
                "id": "a",
                "text": "A",
                "type": "single",
                "options": [{"code": "x", "label": "X"}, {"code": "y", "label": "Y"}],
            }
        ]
    )
    new = _book(
        [
            {
                "id": "a",
                "text": "A",
                "type": "single",
                "options": [{"code": "x", "label": "X"}, {"code": "z", "label": "Z"}],
            }
        ]
    )
    qa = cp.align(old, new)["a"]
    assert qa.status == "not_aligned"
    assert "対応先がありません" in qa.reason
    assert qa.reason_in("en").startswith("Previous options ['y'] have no successor")


def test_english_charts_render(result, tmp_path):
    import warnings

    import matplotlib.pyplot as plt

    for fig in (cp.shift_chart(result, lang="en"), cp.wave_chart(result, "calc_status", lang="en")):
        texts = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
        texts += [ax.get_xlabel() for ax in fig.axes] + [ax.get_title() for ax in fig.axes]
        assert texts and not any(_has_japanese(x) for x in texts), texts
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.savefig(tmp_path / "c.png")
        plt.close(fig)
        assert not [w for w in caught if "Glyph" in str(w.message)]
