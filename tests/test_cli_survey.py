"""`cntf survey generate|validate`: exit codes 0 / 1 / 2, one Japanese line per problem."""

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
