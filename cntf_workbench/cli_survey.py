"""``cntf survey generate|validate``: synthetic exports and validation of real ones (Japanese).

Exit codes of ``validate``: 0 the export is clean, 1 problems were found (one line each, with
行/列), 2 the file cannot be read as a survey export (one line, no traceback).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cntf_workbench.cli_common import fail
from cntf_workbench.cli_survey_text import categorize_cmd, report_cmd
from cntf_workbench.errors import CntfError
from cntf_workbench.survey.codebook import load_codebook
from cntf_workbench.survey.generate import generate_export, write_export
from cntf_workbench.survey.io import SurveyProblemsError, load_responses

survey_app = typer.Typer(
    help="会員アンケートの分析: 合成データの生成、エクスポートの検証（と集計・分類・報告）",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

CodebookOpt = Annotated[
    Path | None,
    typer.Option("--codebook", help="コードブック YAML（省略時は同梱の questionnaire.yaml）"),
]


@survey_app.command("generate")
def generate(
    output: Annotated[Path, typer.Option("--output", "-o", help="書き出す CSV（.xlsx も可）")],
    n: Annotated[int, typer.Option("--n", help="回答数", min=1, max=1_000_000)] = 120,
    seed: Annotated[int, typer.Option("--seed", help="乱数の種（同じ種なら同じファイル）")] = 1,
    encoding: Annotated[
        str, typer.Option("--encoding", help="文字コード: utf-8, utf-8-sig（BOM付き）, cp932")
    ] = "utf-8",
    codebook: CodebookOpt = None,
) -> None:
    """合成（架空）のアンケート回答を Google フォーム形式の CSV で書き出します。"""
    if encoding not in ("utf-8", "utf-8-sig", "cp932"):
        typer.echo(
            f"文字コード「{encoding}」には対応していません（utf-8, utf-8-sig, cp932）", err=True
        )
        raise typer.Exit(code=2)
    try:
        book = load_codebook(codebook)
        frame = generate_export(n=n, seed=seed, codebook=book)
        write_export(frame, output, encoding=encoding)
    except CntfError as exc:
        fail(exc)
    except OSError as exc:
        typer.echo(f"書き出せません: {output}（{exc.strerror or exc}）", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(f"合成データ {n} 件を書き出しました: {output}（seed={seed}、架空の回答です）")


@survey_app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help="アンケートのエクスポート（CSV / XLSX）")],
    codebook: CodebookOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="最初の問題で止める（既定: すべての問題を一覧）")
    ] = False,
) -> None:
    """エクスポートを検証し、問題を1件1行（行・列つき）で表示します。"""
    try:
        book = load_codebook(codebook)
        data = load_responses(file, codebook=book, strict=strict)
    except SurveyProblemsError as exc:
        typer.echo(str(exc))
        raise typer.Exit(code=1) from None
    except CntfError as exc:
        fail(exc)
    for line in data.problem_lines():
        typer.echo(line)
    valid = len(data.responses)
    typer.echo(
        f"検証結果: {data.n_rows} 件中 有効 {valid} 件、問題 {len(data.problems)} 件"
        f"（{file}, 文字コード {data.encoding}）"
    )
    if not data.ok:
        raise typer.Exit(code=1)


__all__ = ["survey_app"]


# Free-text coding and the issue report (cli_survey_text.py) are commands of the same group.
survey_app.command(
    "categorize", help="自由記述を困りごと（P1〜P8 / other）に分類し、CSV に書き出します"
)(categorize_cmd)
survey_app.command(
    "report", help="分類つきの課題レポート（HTML・XLSX・PPTX）をフォルダに書き出します"
)(report_cmd)
