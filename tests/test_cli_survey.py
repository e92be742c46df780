"""`cntf survey generate|validate|form|compare`: exit codes 0 / 1 / 2, one Japanese line per problem."""

import json
import shutil
import subprocess
from pathlib import Path

import typer
from typer.testing import CliRunner

from cntf_workbench.cli_survey import survey_app
from cntf_workbench.resources import data_root
from cntf_workbench.survey.generate import generate_export, inject_problems, write_export

runner = CliRunner()
app = typer.Typer()
app.add_typer(survey_app, name="survey")


def run(*args):
    return runner.invoke(app, ["survey", *map(str, args)])


def test_generate_writes_the_sample(tmp_path):
    out = tmp_path / "s.csv"
    result = run("generate", "--n", 120, "--seed", 1, "-o", out)
    assert result.exit_code == 0, result.output
    assert "120" in result.output and "架空" in result.output
    assert out.read_bytes() == (data_root("surveys") / "sample_responses.csv").read_bytes()


def test_generate_cp932_then_validate(tmp_path):
    out = tmp_path / "sjis.csv"
    assert run("generate", "--n", 15, "--seed", 2, "--encoding", "cp932", "-o", out).exit_code == 0
    result = run("validate", out)
    assert result.exit_code == 0, result.output
    assert "cp932" in result.output


def test_generate_rejects_bad_encoding_and_bad_target(tmp_path):
    assert run("generate", "--encoding", "latin-9", "-o", tmp_path / "x.csv").exit_code == 2
    result = run("generate", "-o", tmp_path / "no" / "such" / "dir.csv")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_validate_clean_exits_0():
    result = run("validate", data_root("surveys") / "sample_responses.csv")
    assert result.exit_code == 0, result.output
    assert "有効 120 件、問題 0 件" in result.output


def test_validate_problems_exit_1_one_line_each(tmp_path):
    messy, expected = inject_problems(generate_export(20, seed=3))
    path = write_export(messy, tmp_path / "messy.csv")
    before = path.read_bytes()
    result = run("validate", path)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == len(expected) + 1
    for line, row in zip(lines, expected["row"], strict=False):
        assert line.startswith(f"行 {row}, 列「")
    assert "問題 6 件" in lines[-1]
    assert path.read_bytes() == before


def test_validate_strict_exit_1(tmp_path):
    messy, _ = inject_problems(generate_export(20, seed=3))
    path = write_export(messy, tmp_path / "messy.csv")
    result = run("validate", "--strict", path)
    assert result.exit_code == 1
    assert "データ3行目" in result.output and "全6件" in result.output


def test_validate_unreadable_exit_2_one_line(tmp_path):
    for name, content in [
        ("empty.csv", b""),
        ("binary.csv", b"\x00\x01\x02"),
        ("other.csv", b"a,b\n1,2\n"),
    ]:
        path = tmp_path / name
        path.write_bytes(content)
        result = run("validate", path)
        assert result.exit_code == 2, (name, result.output)
        assert len(result.output.strip().splitlines()) == 1
        assert "Traceback" not in result.output
    missing = run("validate", tmp_path / "missing.csv")
    assert missing.exit_code == 2 and "見つかりません" in missing.output


def test_validate_with_a_broken_codebook_exit_2(tmp_path):
    book = tmp_path / "book.yaml"
    book.write_text("questions: [", encoding="utf-8")
    result = run("validate", "--codebook", book, data_root("surveys") / "sample_responses.csv")
    assert result.exit_code == 2 and "コードブック" in result.output


def test_validate_xlsx(tmp_path):
    path = write_export(generate_export(10, seed=4), tmp_path / "forms.xlsx")
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert "xlsx" in result.output


# --- form and compare ---------------------------------------------------------------------------


SURVEYS = data_root("surveys")
LATER = SURVEYS / "questionnaire_2027.yaml"


def test_form_writes_three_files_and_the_sheet_validates(tmp_path):
    from openpyxl import load_workbook

    result = run("form", "-o", tmp_path / "forms")
    assert result.exit_code == 0, result.output
    assert "Google フォーム" in result.output
    sheet = tmp_path / "forms" / "answer_sheet.xlsx"
    assert (tmp_path / "forms" / "questionnaire.html").is_file()
    gs = tmp_path / "forms" / "create_form.gs"
    if shutil.which("node"):
        js = tmp_path / "check.js"
        js.write_text(gs.read_text(encoding="utf-8"), encoding="utf-8")
        assert subprocess.run(["node", "--check", str(js)], capture_output=True).returncode == 0
    # a member fills in two rows; validate reads it as it reads a forms export
    frame = generate_export(2, seed=9)
    wb = load_workbook(sheet)
    ws = wb.active
    headers = [c.value for c in ws[1]]
    for i, record in enumerate(frame.to_dict("records"), start=2):
        for j, h in enumerate(headers[1:], start=2):
            if record[h]:
                ws.cell(row=i, column=j, value=record[h])
    wb.save(sheet)
    checked = run("validate", sheet)
    assert checked.exit_code == 0, checked.output
    assert "有効 2 件、問題 0 件" in checked.output


def test_form_bad_codebook_exit_2(tmp_path):
    book = tmp_path / "book.yaml"
    book.write_text("questions: [", encoding="utf-8")
    result = run("form", "--codebook", book, "-o", tmp_path / "out")
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1


def test_generate_second_wave_is_the_committed_sample(tmp_path):
    out = tmp_path / "w.csv"
    shifts = SURVEYS / "wave_shifts_2027.yaml"
    result = run("generate", "--shifts", shifts, "--n", 140, "--seed", 2, "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (SURVEYS / "sample_responses_2027.csv").read_bytes()
    assert run("validate", "--codebook", LATER, out).exit_code == 0


def test_generate_bad_shifts_exit_2(tmp_path):
    bad = tmp_path / "s.yaml"
    bad.write_text("name: x\nshifts: [{pain: P99, add: 0.1}]\n", encoding="utf-8")
    result = run("generate", "--shifts", bad, "-o", tmp_path / "w.csv")
    assert result.exit_code == 2 and "P99" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_compare_json(tmp_path):
    old, new = SURVEYS / "sample_responses.csv", SURVEYS / "sample_responses_2027.csv"
    result = run("compare", old, new, "--codebook", LATER, "--format", "json", "-o", tmp_path / "c")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert all(
        {"question", "test", "p_value", "effect", "n_old", "n_new"} <= set(r) for r in records
    )
    s3 = next(r for r in records if r["question"] == "scope_range" and r["option"] == "s3_c1")
    assert s3["p_value"] < 0.05 and s3["effect"] > 0
    for name in ("comparison.json", "comparison.csv", "shares.csv", "shift_chart.png"):
        assert (tmp_path / "c" / name).is_file()


def test_compare_identical_waves_finds_nothing():
    sample = SURVEYS / "sample_responses.csv"
    result = run("compare", sample, sample, "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert records and all(r["p_value"] >= 0.05 and not r["significant"] for r in records)


def test_compare_table_lists_what_is_not_compared():
    old, new = SURVEYS / "sample_responses.csv", SURVEYS / "sample_responses_2027.csv"
    result = run("compare", old, new, "--codebook", LATER)
    assert result.exit_code == 0, result.output
    assert "2026年" in result.output and "viz_tools" in result.output
    assert "比較不可" in result.output


def test_compare_bad_input_exit_2(tmp_path):
    sample = SURVEYS / "sample_responses.csv"
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for args in (
        (tmp_path / "missing.csv", sample),
        (empty, sample),
        (sample, sample, "--codebook", tmp_path / "none.yaml"),
    ):
        result = run("compare", *args)
        assert result.exit_code == 2, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1
        assert "Traceback" not in result.output


def test_report_with_previous_wave_adds_the_change_section(tmp_path):
    from typer.testing import CliRunner

    from cntf_workbench.cli import app

    root = Path(__file__).parent.parent / "surveys"
    out = tmp_path / "rep"
    result = CliRunner().invoke(
        app,
        [
            "survey",
            "report",
            str(root / "sample_responses_2027.csv"),
            "--codebook",
            str(root / "questionnaire_2027.yaml"),
            "--previous",
            str(root / "sample_responses.csv"),
            "-o",
            str(out),
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "前回調査からの変化" in (out / "issue_report.html").read_text(encoding="utf-8")


# --- --lang en -------------------------------------------------------------------------------------


def _has_japanese(text: object) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in str(text))


def test_validate_lang_en_summary_and_problem_lines(tmp_path):
    messy, _ = inject_problems(generate_export(20, seed=3))
    path = write_export(messy, tmp_path / "messy.csv")
    ja = run("validate", path)
    en = run("validate", path, "--lang", "en")
    assert ja.exit_code == en.exit_code == 1
    assert len(ja.output.splitlines()) == len(en.output.splitlines())
    assert en.output.splitlines()[-1].startswith("Validation: ")
    assert "検証結果" in ja.output.splitlines()[-1]
    problem = en.output.splitlines()[0]
    assert problem.startswith(("row ", "header")) and ", column “" in problem and ": [" in problem


def test_lang_rejects_other_languages():
    result = run("validate", SURVEYS / "sample_responses.csv", "--lang", "fr")
    assert result.exit_code == 2


def test_form_lang_en_writes_english_forms_that_validate(tmp_path):
    from openpyxl import load_workbook

    from cntf_workbench.survey.codebook import load_codebook

    book = load_codebook()
    result = run("form", "-o", tmp_path / "forms", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote the forms of {book.title_en}")
    assert not _has_japanese(result.output.replace(str(tmp_path), ""))
    html = (tmp_path / "forms" / "questionnaire.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and book["calc_status"].text_en in html
    gs = (tmp_path / "forms" / "create_form.gs").read_text(encoding="utf-8")
    assert book["calc_status"].text_en in gs
    sheet = tmp_path / "forms" / "answer_sheet.xlsx"
    wb = load_workbook(sheet)
    ws = wb.worksheets[0]
    ws.cell(row=2, column=1, value="E1")
    for j, q in enumerate(book.questions, start=2):
        # "none" (No / None …) where there is one, so that no conditional question is due
        label = q.label_of("en").get("none", q.options[0].label_en if q.options else "")
        if q.type in ("single", "multi") and q.show_if is None:
            ws.cell(row=2, column=j, value=label)
        elif q.type == "likert5":
            ws.cell(row=2, column=j, value=4)
        elif q.type == "number":
            ws.cell(row=2, column=j, value=3)
    wb.save(sheet)
    checked = run("validate", sheet, "--lang", "en")
    assert checked.exit_code == 0, checked.output
    assert checked.output.startswith("Validation: 1 valid of 1 rows, 0 problems")


def test_compare_lang_en_table_and_json(tmp_path):
    old, new = SURVEYS / "sample_responses.csv", SURVEYS / "sample_responses_2027.csv"
    table = run("compare", old, new, "--codebook", LATER, "--by", "chain_position", "--lang", "en")
    assert table.exit_code == 0, table.output
    assert table.output.startswith("2026 (120 respondents) → 2027 (140 respondents)")
    assert "Questions not compared:" in table.output and "[Tier 2]" in table.output
    assert not _has_japanese(table.output)
    ja = json.loads(run("compare", old, new, "--codebook", LATER, "-f", "json").output)
    out = tmp_path / "c"
    en = run("compare", old, new, "--codebook", LATER, "-f", "json", "--lang", "en", "-o", out)
    records = json.loads(en.output)
    assert [set(r) for r in records] == [set(r) for r in ja]
    assert [r["p_value"] for r in records] == [r["p_value"] for r in ja]
    assert not any(_has_japanese(r["label"]) or _has_japanese(r["text"]) for r in records)
    shares = (out / "shares.csv").read_text(encoding="utf-8-sig")
    alignment = (out / "alignment.csv").read_text(encoding="utf-8-sig")
    assert not _has_japanese(shares) and not _has_japanese(alignment)


def test_report_lang_en(tmp_path):
    from cntf_workbench.cli import app as cntf

    out = tmp_path / "rep"
    result = CliRunner().invoke(
        cntf,
        [
            "survey",
            "report",
            str(SURVEYS / "sample_responses_2027.csv"),
            "--codebook",
            str(LATER),
            "--previous",
            str(SURVEYS / "sample_responses.csv"),
            "-o",
            str(out),
            "--no-progress",
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Wrote the issue report of 140 respondents:")
    html = (out / "issue_report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Changes since the previous survey" in html
    assert "前回調査からの変化" not in html
