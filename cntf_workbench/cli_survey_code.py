"""``cntf survey code``: code a table's free text with a KH Coder rule file (``.cod``).

A plain function with typer ``Annotated`` options, registered in :mod:`cntf_workbench.cli_survey`
with ``survey_app.command("code", help=CODE_HELP)(code_cmd)``. Every input error (unreadable
table, missing column, a rule that cannot be parsed — with file, line and token) prints one
Japanese line on stderr and exits with 2; input files are only read. ``--lang en`` prints the
summary lines in English (code names are the rule file's and stay as written).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer

from cntf_workbench.cli_common import fail
from cntf_workbench.cli_survey_text import LangOpt
from cntf_workbench.errors import CntfError
from cntf_workbench.survey.i18n import Lang, t

CODE_HELP = (
    "KH Coder のコーディングルール（.cod）で自由記述をコード化し、0/1 の列を加えた CSV を書きます"
)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _resolve_column(frame, column: str) -> str | None:
    """A header, or a question id of the shipped codebook whose text is a header."""
    if column in frame.columns:
        return column
    from cntf_workbench.survey import codebook as cb

    try:
        text = cb.load_codebook()[column].text
    except (KeyError, CntfError):
        return None
    return next((c for c in frame.columns if cb.normalize_text(c) == cb.normalize_text(text)), None)


def code_cmd(
    file: Annotated[Path, typer.Argument(help="コード化する表（CSV / XLSX、UTF-8 または cp932）")],
    rules: Annotated[
        Path,
        typer.Option("--rules", "-r", help="KH Coder のコーディングルール（.cod、cp932 / UTF-8）"),
    ],
    column: Annotated[
        str, typer.Option("--column", "-c", help="自由記述の列（見出し、または設問 id）")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="出力 CSV（入力の全列＋コードごとの 0/1 列）")
    ],
    by: Annotated[
        str | None,
        typer.Option("--by", help="クロス集計とカイ2乗検定に使う列（例: 見出し1、立場）"),
    ] = None,
    summary_json: Annotated[
        Path | None,
        typer.Option(
            "--summary-json", help="集計の JSON（counts、--by があれば crosstab と chi2）"
        ),
    ] = None,
    lang: LangOpt = Lang.ja,
) -> None:
    """自由記述を KH Coder のコーディングルールでコード化し、コードごとの 0/1 列を加えて CSV に書きます。"""
    from cntf_workbench.survey import coding as cd
    from cntf_workbench.survey.io import read_raw
    from cntf_workbench.survey.report import ReportError, safe_csv

    lang = Lang(lang).value
    try:
        for target in (output, summary_json):
            if target is not None and _same_file(file, target):
                raise ReportError(
                    "出力先が入力ファイルと同じです（入力は上書きしません）", file=target
                )
        if summary_json is not None and _same_file(output, summary_json):
            raise ReportError("CSV と JSON の出力先が同じです", file=summary_json)
        ruleset = cd.load_rules(rules)
        if not len(ruleset):
            raise cd.CodingRuleError("コード（＊の行）が1つもありません", file=rules)
        frame, _ = read_raw(file)
        header = _resolve_column(frame, column)
        if header is None:
            raise ReportError(
                f"列「{column}」がありません（先頭の見出し: "
                f"{', '.join(str(c)[:20] for c in frame.columns[:4])} …）",
                file=file,
                column=column,
            )
        if by is not None and by not in frame.columns:
            raise ReportError(f"--by の列「{by}」がありません", file=file, column=by)
        result = cd.code(frame, ruleset, header, by=by, file=file)
        output.parent.mkdir(parents=True, exist_ok=True)
        safe_csv(result.coded, output)
        if summary_json is not None:
            summary_json.parent.mkdir(parents=True, exist_ok=True)
            payload = {"rules": str(rules), "column": header, "by": by, **result.summary()}
            summary_json.write_text(
                json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8"
            )
    except CntfError as exc:
        fail(exc)
    except OSError as exc:
        typer.echo(f"書き出せません: {exc.filename or output}（{exc.strerror or exc}）", err=True)
        raise typer.Exit(code=2) from None
    for note in ruleset.notes():
        typer.echo(t("cli.code.note", lang, note=note), err=True)
    renamed = [n for n in ruleset.names if n in frame.columns]
    if renamed:
        typer.echo(t("cli.code.renamed", lang, names=", ".join(renamed)), err=True)
    typer.echo(t("cli.code.done", lang, n=len(frame), k=len(ruleset), path=output))
    for name in ruleset.names:
        line = t("cli.code.count", lang, name=name, count=int(result.counts[name]))
        if result.chi2 is not None and result.p_value is not None:
            stat = result.chi2[name]
            if not math.isnan(stat):
                sig = cd.significance(result.p_value[name])
                line += t("cli.code.chi2", lang, stat=stat, sig=sig)
        typer.echo(line)
    if summary_json is not None:
        typer.echo(t("cli.code.summary", lang, path=summary_json))


__all__ = ["CODE_HELP", "code_cmd"]
