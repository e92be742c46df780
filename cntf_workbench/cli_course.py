"""``cntf course``: the notebook map and student copies of the notebooks (for teachers).

Registered in :mod:`cntf_workbench.cli` with ``app.add_typer(course_app, name="course")``.
Every input error prints one Japanese line on stderr and exits with 2; the teacher's notebooks
are only read.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from cntf_workbench import course
from cntf_workbench.cli_common import fail
from cntf_workbench.errors import CntfError

course_app = typer.Typer(
    help="講師用: ノートブックの一覧（所要時間・パラメータ）と、解答を除いた受講者用の版",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class ListFormat(StrEnum):
    """Output format of ``cntf course list``."""

    table = "table"
    markdown = "markdown"
    json = "json"


NotebooksOpt = Annotated[
    Path | None,
    typer.Option("--notebooks", help="講師用ノートブックのフォルダ（省略時は notebooks/）"),
]

_JA = {
    "number": "番号",
    "file": "ファイル",
    "title": "タイトル",
    "minutes": "所要時間[分]",
    "parameters": "パラメータ",
}


@course_app.command("list", help="ノートブックの一覧（番号、タイトル、所要時間、パラメータ）")
def list_cmd(
    notebooks: NotebooksOpt = None,
    fmt: Annotated[
        ListFormat,
        typer.Option(
            "--format", "-f", help="table（表）, markdown（docs/teachers.md のパラメータ表）, json"
        ),
    ] = ListFormat.table,
) -> None:
    try:
        if fmt is ListFormat.markdown:
            typer.echo(course.parameters_markdown(notebooks), nl=False)
            return
        table = course.notebook_map(notebooks)
    except CntfError as exc:
        fail(exc)
    if fmt is ListFormat.json:
        records = json.loads(table.to_json(orient="records", force_ascii=False))
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    shown = table.drop(columns="file").rename(columns=_JA)
    with pd.option_context(
        "display.width", 200, "display.max_colwidth", 80, "display.unicode.east_asian_width", True
    ):
        typer.echo(shown.to_string(index=False))
    total = int(table["minutes"].sum())
    typer.echo(f"合計 {len(table)} 本、所要時間 約{total}分（約{total / 60:.1f}時間）")


@course_app.command(
    "student-version",
    help="解答と講師用の自己テストを除き、答え合わせ（check）とヒントを残した受講者用の版を書きます",
)
def student_version_cmd(
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="書き出すフォルダ（notebooks/ の外。なければ作ります）"
        ),
    ],
    notebooks: NotebooksOpt = None,
    only: Annotated[
        str | None,
        typer.Option("--only", help="書き出すノートブックの番号（カンマ区切り、例: 00,01）"),
    ] = None,
) -> None:
    numbers = [n.strip() for n in only.split(",") if n.strip()] if only else None
    try:
        report = course.write_student_version(output, notebooks, numbers)
    except CntfError as exc:
        fail(exc)
    for row in report.itertuples(index=False):
        line = (
            f"{row.file}: 解答 {row.removed_solution} セル・講師用 {row.removed_teacher} セルを削除、"
            f"check {row.checks}・hint {row.hints} を残しました"
        )
        typer.echo(line)
        if row.warnings:
            typer.echo(f"  注意: {row.warnings}")
    typer.echo(f"受講者用の版 {len(report)} 本を {output} に書きました")


@course_app.command(
    "update-doc",
    help="講師用ガイド（docs/teachers.md）のパラメータ表をノートブックから作り直します",
)
def update_doc_cmd(
    doc: Annotated[Path, typer.Argument(help="講師用ガイド（目印の行の間を書き換えます）")] = Path(
        "docs/teachers.md"
    ),
    notebooks: NotebooksOpt = None,
) -> None:
    try:
        changed = course.update_parameters_doc(doc, notebooks)
    except CntfError as exc:
        fail(exc)
    typer.echo(f"{doc} のパラメータ表を更新しました" if changed else f"{doc} は最新です")
