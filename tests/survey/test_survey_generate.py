"""The synthetic export: Google Forms shape, determinism, the committed samples, correlations,
and a later wave with stated shifts."""

import numpy as np
import pandas as pd
import pytest

from cntf_workbench.resources import data_root
from cntf_workbench.survey.codebook import SurveyError, load_codebook
from cntf_workbench.survey.generate import (
    PAIN_PHRASES,
    WaveSpec,
    generate_answers,
    generate_export,
    generate_wave,
    load_wave_spec,
    pain_sentence,
    write_export,
)
from cntf_workbench.survey.io import load_responses


@pytest.fixture(scope="module")
def book():
    return load_codebook()


@pytest.fixture(scope="module")
def big(book, tmp_path_factory):
    path = tmp_path_factory.mktemp("gen") / "big.csv"
    write_export(generate_export(1500, seed=4, codebook=book), path)
    return load_responses(path, book)


def test_google_forms_shape(book):
    frame = generate_export(10, seed=1, codebook=book)
    assert list(frame.columns) == ["タイムスタンプ", *[q.text for q in book.questions]]
    stamps = pd.to_datetime(frame["タイムスタンプ"], format="%Y/%m/%d %H:%M:%S")
    assert stamps.is_monotonic_increasing
    multi = frame[book["tier_sharing_issues"].text]
    assert any(", " in v for v in multi)


def test_same_seed_same_file(book, tmp_path):
    a = write_export(generate_export(30, seed=5, codebook=book), tmp_path / "a.csv")
    b = write_export(generate_export(30, seed=5, codebook=book), tmp_path / "b.csv")
    c = write_export(generate_export(30, seed=6, codebook=book), tmp_path / "c.csv")
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_committed_sample_is_the_generator_output(book, tmp_path):
    """surveys/sample_responses.csv == `cntf survey generate --n 120 --seed 1`."""
    fresh = write_export(generate_export(120, seed=1, codebook=book), tmp_path / "s.csv")
    assert (data_root("surveys") / "sample_responses.csv").read_bytes() == fresh.read_bytes()


def test_generated_exports_validate_clean(big):
    assert big.ok and len(big.responses) == 1500


def test_size_and_tier_drive_calculation_maturity(big):
    r = big.responses
    product = r["calc_status"] == "product"
    assert product[r["employees"] == "gt1000"].mean() > 0.6
    assert product[r["employees"] == "le50"].mean() < 0.1
    assert (
        product[r["chain_position"] == "tier1"].mean()
        > product[r["chain_position"] == "tier3"].mean()
    )


def test_tier2_in_several_groups_feel_the_format_burden(big):
    r = big.responses
    multi = (r["chain_position"] == "tier2") & (r["n_groups"] >= 2)
    assert r.loc[multi, "format_burden"].mean() > r.loc[~multi, "format_burden"].mean() + 0.8
    assert np.corrcoef(r["format_burden"].astype(float), r["std_need"].astype(float))[0, 1] > 0.2


def test_free_text_is_varied_and_japanese(big):
    pains = big.responses["pain_text"]
    answered = pains[pains != ""]
    assert 0.75 < len(answered) / len(pains) < 0.95
    assert answered.nunique() > 200
    assert all(any("\u3040" <= ch <= "\u30ff" for ch in t) for t in answered.head(50))


def test_truth_matches_the_phrase_bank(book):
    frame, truth = generate_answers(50, seed=2, codebook=book)
    text = frame[book["pain_text"].text]
    for cell, codes in zip(text, truth["pain_codes"], strict=True):
        for code in codes:
            assert any(subject in cell for subject, _ in PAIN_PHRASES[code])
    assert set(PAIN_PHRASES) == {f"P{i}" for i in range(1, 9)} | {"other"}


def test_pain_sentence_ends_a_sentence():
    rng = np.random.default_rng(0)
    for code in PAIN_PHRASES:
        sentence = pain_sentence(rng, code)
        assert sentence.endswith("。") and "。。" not in sentence


def test_n_must_be_positive(book):
    with pytest.raises(SurveyError):
        generate_export(0, seed=1, codebook=book)


# --- a later wave with stated shifts ------------------------------------------------------------


SPEC = data_root("surveys") / "wave_shifts_2027.yaml"


@pytest.fixture(scope="module")
def later_book():
    return load_codebook(data_root("surveys") / "questionnaire_2027.yaml")


def test_committed_second_wave_is_the_generator_output(tmp_path):
    """surveys/sample_responses_2027.csv == `cntf survey generate --shifts … --n 140 --seed 2`."""
    fresh = write_export(generate_wave(SPEC, n=140, seed=2)[0], tmp_path / "w.csv")
    committed = data_root("surveys") / "sample_responses_2027.csv"
    assert committed.read_bytes() == fresh.read_bytes()


def test_wave_is_in_the_later_codebook_and_validates_clean(later_book, tmp_path):
    frame, truth = generate_wave(SPEC, n=300, seed=11)
    assert list(frame.columns) == ["タイムスタンプ", *[q.text for q in later_book.questions]]
    assert frame["タイムスタンプ"].iloc[0].startswith("2027/10")
    data = load_responses(write_export(frame, tmp_path / "w.csv"), later_book)
    assert data.ok, data.problem_lines()[:5]
    r = data.responses
    assert not r["calc_method"].isin(["tool", "solution"]).any()
    assert r["viz_tools"].map(len).gt(0).all()
    assert r["pact_exchange"].notna().all()
    assert len(truth) == 300


def _no_shift_spec(spec: WaveSpec) -> WaveSpec:
    return spec.model_copy(update={"shifts": []})


def test_shifts_move_what_they_say(later_book, tmp_path):
    spec = load_wave_spec(SPEC)
    n, seed = 1500, 21
    shifted = load_responses(
        write_export(generate_wave(spec, n=n, seed=seed)[0], tmp_path / "a.csv"), later_book
    ).responses
    plain = load_responses(
        write_export(generate_wave(_no_shift_spec(spec), n=n, seed=seed)[0], tmp_path / "b.csv"),
        later_book,
    ).responses

    def s3(r):
        return r["scope_range"].map(lambda t: "s3_c1" in t).mean()

    assert s3(shifted) > s3(plain) + 0.15
    assert (shifted["calc_status"] == "planning").mean() < 0.75 * (
        plain["calc_status"] == "planning"
    ).mean()
    tier2 = shifted["chain_position"] == "tier2"
    assert (
        shifted.loc[tier2, "format_burden"].mean()
        < plain.loc[plain["chain_position"] == "tier2", "format_burden"].mean() - 0.8
    )
    others = shifted["chain_position"] != "tier2"
    assert (
        abs(
            shifted.loc[others, "format_burden"].mean()
            - plain.loc[plain["chain_position"] != "tier2", "format_burden"].mean()
        )
        < 0.1
    )  # the Tier 2 shift stays in its group (same respondents, same seed)


def test_pain_shifts_change_the_truth():
    spec = load_wave_spec(SPEC)
    _, shifted = generate_wave(spec, n=800, seed=5)
    _, plain = generate_wave(_no_shift_spec(spec), n=800, seed=5)

    def share(truth, code):
        return truth["pain_codes"].map(lambda c: code in c).mean()

    assert share(shifted, "P8") > share(plain, "P8") + 0.15
    assert share(shifted, "P7") < 0.5 * share(plain, "P7")


def test_same_seed_same_wave():
    a = generate_wave(SPEC, n=40, seed=3)[0]
    b = generate_wave(SPEC, n=40, seed=3)[0]
    c = generate_wave(SPEC, n=40, seed=4)[0]
    assert a.equals(b) and not a.equals(c)


@pytest.mark.parametrize(
    ("shift", "match"),
    [
        ({"question": "nope", "option": "x", "add": 0.1}, "nope"),
        ({"question": "scope_range", "option": "s3_other", "add": 0.1}, "s3_other"),
        ({"question": "calc_status", "step": 1, "share": 0.2}, "likert5"),
        ({"pain": "P99", "add": 0.1}, "P99"),
        (
            {
                "question": "calc_status",
                "from": ["none"],
                "to": "company",
                "share": 0.2,
                "where": {"chain_position": ["tier9"]},
            },
            "tier9",
        ),
    ],
    ids=["unknown-question", "old-code", "wrong-kind", "unknown-pain", "bad-group"],
)
def test_bad_shift_named_error(tmp_path, shift, match):
    import yaml

    raw = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    raw["shifts"] = [shift]
    raw["codebook"] = str(SPEC.parent / "questionnaire_2027.yaml")
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SurveyError, match=match) as info:
        generate_wave(path, n=5, seed=1)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    "text",
    ["shifts: [", "- a\n- b\n", "name: x\nshifts: [{question: q, add: 2.0, option: o}]\n"],
    ids=["not-yaml", "not-a-mapping", "probability-above-1"],
)
def test_unreadable_spec(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SurveyError):
        load_wave_spec(path)
    with pytest.raises(SurveyError, match="見つかりません"):
        load_wave_spec(tmp_path / "none.yaml")
