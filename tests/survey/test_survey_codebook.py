"""The shipped questionnaire codebook, its checks, and the Frictionless schema derived from it."""

import json

import pytest

from cntf_workbench.resources import data_root
from cntf_workbench.survey.codebook import (
    SurveyError,
    load_codebook,
    normalize_text,
    table_schema,
)

SURVEYS = data_root("surveys")


@pytest.fixture(scope="module")
def book():
    return load_codebook()


def test_interface_ids_and_types(book):
    expected = {
        "employees": "single",
        "industry": "single",
        "chain_position": "single",
        "n_groups": "number",
        "pain_text": "text",
        "expect_text": "text",
        "need_linkage": "likert5",
    }
    for qid, qtype in expected.items():
        assert book[qid].type == qtype
    assert book.profile_ids() == ["employees", "industry", "chain_position", "n_groups"]


def test_chain_positions_are_the_issues(book):
    assert [o.code for o in book["chain_position"].options] == [
        "final_maker",
        "tier1",
        "tier2",
        "tier3",
        "logistics",
        "other",
    ]


def test_every_topic_of_the_draft_is_asked(book):
    """seminar-data.md §7: each topic has at least one question."""
    sections = {q.section for q in book.questions}
    assert sections == {s.id for s in book.sections}
    ids = set(book.ids)
    for topic in (
        {"calc_status", "calc_granularity", "calc_motive"},  # 算出の取組み・粒度・動機
        {"share_status", "share_granularity"},  # 取引先との共有・粒度
        {"format_burden", "std_need"},  # 複数系列の Tier2・標準化ニーズ
        {"tier_sharing", "tier_sharing_issues"},  # 1次と3次の間の共有方法・課題
        {"need_linkage", "need_visualization"},  # CIOF 的な連携・可視化ニーズ
        {"initiatives", "scope_range"},  # SBT/RE100/CDP、スコープ範囲
        {"need_reliability", "need_certification"},  # 信頼性・第三者証明
        {"viz_tool", "calc_method"},  # 可視化ツール・算出方法
        {"saving_measures", "renewables", "renewables_roi", "cn_department"},  # 省エネ・再エネ
    ):
        assert topic <= ids


def test_likert_questions_get_the_scale(book):
    for q in book.by_type("likert5"):
        assert [o.code for o in q.options] == ["1", "2", "3", "4", "5"]


def test_skip_logic_points_back(book):
    for q in book.questions:
        if q.show_if:
            assert book.ids.index(q.show_if.question) < book.ids.index(q.id)


def test_an_option_contains_a_comma(book):
    assert any("," in o.label for q in book.by_type("multi") for o in q.options)


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda t: t.replace("id: industry", "id: employees"), "duplicate question ids"),
        (lambda t: t.replace("type: likert5", "type: likert7", 1), "questions"),
        (lambda t: t.replace("question: calc_status", "question: nope", 1), "show_if"),
        (lambda t: t.replace("any_of: [product, company]", "any_of: [maybe]", 1), "show_if"),
        (lambda t: t + "\n  - {id: x\n", "YAML"),
        (lambda t: "- just\n- a list\n", "辞書"),
    ],
    ids=["dup-id", "bad-type", "show-if-target", "show-if-code", "not-yaml", "not-a-mapping"],
)
def test_bad_codebook_named_error(tmp_path, mutate, match):
    text = (SURVEYS / "questionnaire.yaml").read_text(encoding="utf-8")
    path = tmp_path / "bad.yaml"
    path.write_text(mutate(text), encoding="utf-8")
    with pytest.raises(SurveyError, match=match) as info:
        load_codebook(path)
    assert str(path) in str(info.value)


def test_missing_codebook(tmp_path):
    with pytest.raises(SurveyError, match="見つかりません"):
        load_codebook(tmp_path / "none.yaml")


def test_normalize_text_folds_cp932_and_width():
    assert normalize_text("51〜300人") == normalize_text("51～300人") == "51~300人"
    assert normalize_text("  Ｓｃｏｐｅ　１ ") == "Scope 1"


def test_schema_of_the_export_matches_the_sample(book):
    schema = table_schema(book, header="text")
    header = (SURVEYS / "sample_responses.csv").read_text(encoding="utf-8").splitlines()[0]
    import csv

    names = next(csv.reader([header]))
    assert [f["name"] for f in schema["fields"]] == names
    employees = next(f for f in schema["fields"] if f.get("questionId") == "employees")
    assert employees["constraints"]["enum"][0] == "50人以下"
    likert = next(f for f in schema["fields"] if f.get("questionId") == "need_linkage")
    assert likert["type"] == "integer" and likert["constraints"]["maximum"] == 5


def test_schema_of_the_tidy_table(book):
    schema = table_schema(book, header="id")
    assert schema["primaryKey"] == ["respondent_id"]
    assert [f["name"] for f in schema["fields"]] == ["respondent_id", *book.ids]
    with pytest.raises(ValueError):
        table_schema(book, header="nope")


def test_datapackage_carries_the_derived_schema_and_says_synthetic(book):
    package = json.loads((SURVEYS / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    sample = resources["sample_responses"]
    assert sample["path"] == "sample_responses.csv"
    assert "synthetic" in sample["description"].lower() and "合成" in sample["title"]
    assert sample["schema"] == table_schema(book, header="text")
    for r in package["resources"]:
        assert (SURVEYS / r["path"]).is_file(), r["path"]


def test_survey_layer_uses_neither_cfp_nor_exchange():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import cntf_workbench.survey.codebook, cntf_workbench.survey.io\n"
        "import cntf_workbench.survey.generate, cntf_workbench.survey.tabulate\n"
        "import cntf_workbench.survey.charts\n"
        "bad = [m for m in sys.modules if m.startswith(('cntf_workbench.cfp', 'cntf_workbench.exchange'))]\n"
        "print(bad)\n"
        "assert not bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- versions -----------------------------------------------------------------------------------


def test_shipped_codebook_has_no_version_links(book):
    assert book.wave == "2026" and book.previous is None
    assert all(q.continues is None and q.previous_id == q.id for q in book.questions)


def test_second_wave_names_its_predecessor():
    from cntf_workbench.survey.codebook import previous_codebook

    later = load_codebook(SURVEYS / "questionnaire_2027.yaml")
    before = previous_codebook(later)
    assert later.wave == "2027" and before is not None and before.wave == "2026"
    assert later["viz_tools"].previous_id == "viz_tool"
    assert later["pact_exchange"].previous_id is None
    assert later["scope_range"].continues.targets("s3_other") == ["s3_c4", "s3_c_other"]
    assert later["calc_method"].continues.targets("tool") == ["software"]
    assert later["calc_method"].continues.targets("outsource") == []  # unchanged: same code


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (
            lambda t: t.replace(
                "options: {tool: software, solution: software}", "options: {tool: nope}"
            ),
            "unknown codes",
        ),
        (
            lambda t: t.replace(
                "options: {gx: gx_league}", "options: {gx: gx_league}\n      dropped: [gx]"
            ),
            "mapped and dropped",
        ),
        (lambda t: t.replace("id: viz_tool\n", "id: Viz-Tool\n"), "continues"),
    ],
    ids=["unknown-target", "mapped-and-dropped", "bad-id"],
)
def test_bad_version_info_named_error(tmp_path, mutate, match):
    text = (SURVEYS / "questionnaire_2027.yaml").read_text(encoding="utf-8")
    changed = mutate(text)
    assert changed != text
    path = tmp_path / "bad.yaml"
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(SurveyError, match=match):
        load_codebook(path)


def test_missing_previous_codebook_is_named(tmp_path):
    from cntf_workbench.survey.codebook import previous_codebook

    text = (SURVEYS / "questionnaire_2027.yaml").read_text(encoding="utf-8")
    path = tmp_path / "later.yaml"
    path.write_text(text, encoding="utf-8")  # questionnaire.yaml is not beside it
    with pytest.raises(SurveyError, match="見つかりません") as info:
        previous_codebook(load_codebook(path))
    assert "questionnaire.yaml" in str(info.value)


def test_second_wave_sample_carries_its_schema():
    later = load_codebook(SURVEYS / "questionnaire_2027.yaml")
    package = json.loads((SURVEYS / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "sample_responses_2027")
    assert resource["synthetic"] and resource["schema"] == table_schema(later, header="text")
