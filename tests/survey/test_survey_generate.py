"""The synthetic export: Google Forms shape, determinism, the committed sample, correlations."""

import numpy as np
import pandas as pd
import pytest

from cntf_workbench.resources import data_root
from cntf_workbench.survey.codebook import SurveyError, load_codebook
from cntf_workbench.survey.generate import (
    PAIN_PHRASES,
    generate_answers,
    generate_export,
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
