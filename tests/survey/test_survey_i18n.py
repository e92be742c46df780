"""Languages of the survey outputs: the catalogue, the English of the codebooks and taxonomy."""

from __future__ import annotations

import string

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cntf_workbench.survey import i18n
from cntf_workbench.survey.codebook import load_codebook
from cntf_workbench.survey.taxonomy import (
    SURVEYS,
    TaxonomyError,
    load_taxonomy,
    localize_coded,
)

CODEBOOKS = ["questionnaire.yaml", "questionnaire_2027.yaml"]


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# --- the catalogue ------------------------------------------------------------------------------


def test_every_message_has_both_languages():
    for key, texts in i18n.MESSAGES.items():
        assert set(texts) == set(i18n.LANGS), key
        if not key.startswith("sep."):  # separators may be empty in Japanese
            assert all(texts[lang].strip() for lang in i18n.LANGS), key


def test_both_languages_take_the_same_fields():
    # the Japanese problem line has always shown the message without the kind
    english_only = {"cli.problem.line": {"kind"}}
    for key, texts in i18n.MESSAGES.items():
        extra = english_only.get(key, set())
        assert _fields(texts["ja"]) | extra == _fields(texts["en"]), key


def test_english_messages_are_english():
    # the English side never falls back to Japanese (except quoting a term on purpose)
    allowed = {"cli.code.renamed"}  # names the Japanese column suffix 「（コード）」 literally
    for key, texts in i18n.MESSAGES.items():
        if key not in allowed:
            assert not _japanese(texts["en"]), (key, texts["en"])


def test_t_fills_in_and_rejects_unknown_languages():
    assert i18n.t("chart.pains.title", "en", n=12) == "Respondents by pain point (12 respondents)"
    assert i18n.t("chart.pains.title", n=12) == "困りごと別の回答者数（回答者 12 人）"
    with pytest.raises(i18n.LanguageError, match="fr"):
        i18n.t("total", "fr")
    assert i18n.check_lang(i18n.Lang.en) == "en"


@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=5))
def test_quoted_keeps_every_label_in_order(labels):
    for lang in i18n.LANGS:
        out = i18n.quoted(labels, lang)
        position = 0
        for label in labels:
            found = out.find(i18n.quote(label, lang), position)
            assert found >= 0
            position = found + 1


@given(st.text(max_size=10), st.text(max_size=10))
def test_pick_falls_back_to_japanese(ja, en):
    assert i18n.pick(ja, en, "ja") == ja
    assert i18n.pick(ja, en, "en") == (en or ja)


# --- English of the data files ----------------------------------------------------------------


@pytest.mark.parametrize("name", CODEBOOKS)
def test_every_codebook_text_has_english(name):
    book = load_codebook(SURVEYS / name)
    assert book.title_en and not _japanese(book.title_en)
    for s in book.sections:
        assert s.title_en and not _japanese(s.title_en), s.id
    for o in book.likert5_scale:
        assert o.label_en, o.code
    for q in book.questions:
        assert q.text_en and not _japanese(q.text_en), q.id
        for o in q.options:
            assert o.label_en and not _japanese(o.label_en), (q.id, o.code)
        if q.continues is not None and q.continues.note:
            assert q.continues.note_en and not _japanese(q.continues.note_en), q.id


@pytest.mark.parametrize("name", CODEBOOKS)
def test_english_option_labels_are_unique_within_a_question(name):
    for q in load_codebook(SURVEYS / name).questions:
        labels = [o.label_en for o in q.options]
        assert len(set(labels)) == len(labels), q.id


def test_every_taxonomy_code_and_category_has_english():
    tax = load_taxonomy()
    assert set(tax.categories_en) == set(tax.categories)
    assert tax.categories_en == {
        "可視化": "Visualisation",
        "CO2削減": "CO2 reduction",
        "データ連携": "Data sharing",
    }
    for p in tax.codes.values():
        assert p.label_en and not _japanese(p.label_en), p.id
        if p.id != "other":
            assert p.target_state_en and not _japanese(p.target_state_en), p.id
        assert len(p.solutions_en) == len(p.solutions), p.id
        assert not any(_japanese(s) for s in p.solutions_en), p.id


def test_japanese_of_the_taxonomy_is_unchanged():
    tax = load_taxonomy()
    assert tax["P8"].label == "Tier2を含むCO2排出量データ流通"
    assert tax["P1"].solutions == ("製品機種別のルール制定への対応", "監査機能による保証")
    assert tax.localized("ja") is tax


def test_localized_taxonomy():
    en = load_taxonomy().localized("en")
    assert en.ids == load_taxonomy().ids
    assert en["P8"].label == "Flow of CO2 emission data including Tier 2"
    assert en["P7"].categories == ("Visualisation", "Data sharing")
    assert en.categories == ("Visualisation", "CO2 reduction", "Data sharing")
    table = load_taxonomy().table("en")
    assert list(table.columns) == [
        "id",
        "Pain point",
        "Target state",
        "Proposed solutions",
        "Category",
    ]
    assert list(load_taxonomy().table().columns) == [
        "id",
        "困りごと",
        "目指す姿",
        "解決策案",
        "対象区分",
    ]


def _write(tmp_path, raw: dict):
    path = tmp_path / "tax.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_taxonomy_without_english_still_loads_and_falls_back(tmp_path):
    raw = yaml.safe_load((SURVEYS / "taxonomy.yaml").read_text(encoding="utf-8"))
    raw.pop("categories_en")
    for entry in [*raw["codes"], raw["other"]]:
        for key in ("label_en", "target_state_en", "solutions_en"):
            entry.pop(key, None)
    tax = load_taxonomy(_write(tmp_path, raw))
    en = tax.localized("en")
    assert en["P1"].label == tax["P1"].label  # Japanese where there is no English
    assert en.categories == tax.categories


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda raw: raw["codes"][0].update(solutions_en=["only one"]), "solutions_en"),
        (lambda raw: raw.update(categories_en={"見える化": "Visibility"}), "categories_en"),
        (lambda raw: raw.update(categories_en=["Visualisation"]), "categories_en"),
    ],
)
def test_bad_english_fields_are_named(tmp_path, change, needle):
    raw = yaml.safe_load((SURVEYS / "taxonomy.yaml").read_text(encoding="utf-8"))
    change(raw)
    with pytest.raises(TaxonomyError, match=needle):
        load_taxonomy(_write(tmp_path, raw))


def test_localize_coded_translates_labels_and_basis_not_answers():
    import pandas as pd

    tax = load_taxonomy()
    coded = pd.DataFrame(
        {
            "text": ["Tier2のデータが来ない", "", "わからない"],
            "pain_point": ["P8", "other", "other"],
            "label": [tax["P8"].label, tax["other"].label, tax["other"].label],
            "category": ["データ連携", "", ""],
            "basis": ["ルール: P8 Tier2を含むデータ流通", "空欄", "モデル: P3 p=0.20 < 0.25"],
        }
    )
    en = localize_coded(coded, tax, "en")
    assert list(en["text"]) == list(coded["text"])
    assert en["label"].iloc[0] == "Flow of CO2 emission data including Tier 2"
    assert list(en["category"]) == ["Data sharing", "", ""]
    assert list(en["basis"]) == [
        "rule: P8 Tier2を含むデータ流通",
        "blank",
        "model: P3 p=0.20 < 0.25",
    ]
    assert localize_coded(coded, tax, "ja") is coded


def test_english_answers_read_back_as_codes():
    book = load_codebook()
    q = book["calc_status"]
    assert q.code_of()["Yes, company or site level"] == "company"
    assert q.code_of()[q.options[0].label] == q.options[0].code
    assert q.label_of("en")["none"] == "No"
    assert q.text_in("en") == "Do you calculate your CO2 emissions?"
    assert q.text_in("ja") == q.text
