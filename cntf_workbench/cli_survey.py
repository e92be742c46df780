"""``cntf survey generate|validate|form|compare``: synthetic exports, validation, forms, waves.

Exit codes of ``validate``: 0 the export is clean, 1 problems were found (one line each, with
行/列), 2 the file cannot be read as a survey export (one line, no traceback). ``form`` and
``compare`` exit 0, or 2 with one Japanese line on bad input.

``--lang en`` (validate, form, compare; categorize, report and code too): outputs and summary
lines in English from the codebook's English labels and :mod:`cntf_workbench.survey.i18n`;
JSON keys stay the same; error lines stay Japanese.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cntf_workbench.cli_common import fail
from cntf_workbench.cli_survey_code import CODE_HELP, code_cmd
from cntf_workbench.cli_survey_text import LangOpt, categorize_cmd, report_cmd
from cntf_workbench.errors import CntfError
from cntf_workbench.survey.codebook import load_codebook, previous_codebook
from cntf_workbench.survey.generate import generate_export, generate_wave, write_export
from cntf_workbench.survey.i18n import Lang, t
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
    shifts: Annotated[
        Path | None,
        typer.Option(
            "--shifts",
            help="後の回の調査として、この YAML の変化（例 surveys/wave_shifts_2027.yaml）を加える",
        ),
    ] = None,
) -> None:
    """合成（架空）のアンケート回答を Google フォーム形式の CSV で書き出します。"""
    if encoding not in ("utf-8", "utf-8-sig", "cp932"):
        typer.echo(
            f"文字コード「{encoding}」には対応していません（utf-8, utf-8-sig, cp932）", err=True
        )
        raise typer.Exit(code=2)
    try:
        if shifts is not None:
            book = load_codebook(codebook) if codebook is not None else None
            frame = generate_wave(shifts, n=n, seed=seed, codebook=book)[0]
        else:
            frame = generate_export(n=n, seed=seed, codebook=load_codebook(codebook))
        write_export(frame, output, encoding=encoding)
    except CntfError as exc:
        fail(exc)
    except OSError as exc:
        typer.echo(f"書き出せません: {output}（{exc.strerror or exc}）", err=True)
        raise typer.Exit(code=2) from None
    wave = f"、変化の指定 {shifts}" if shifts is not None else ""
    typer.echo(f"合成データ {n} 件を書き出しました: {output}（seed={seed}{wave}、架空の回答です）")


@survey_app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help="アンケートのエクスポート（CSV / XLSX）")],
    codebook: CodebookOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="最初の問題で止める（既定: すべての問題を一覧）")
    ] = False,
    lang: LangOpt = Lang.ja,
) -> None:
    """エクスポートを検証し、問題を1件1行（行・列つき）で表示します。"""
    lang = Lang(lang).value
    try:
        book = load_codebook(codebook)
        data = load_responses(file, codebook=book, strict=strict)
    except SurveyProblemsError as exc:
        typer.echo(str(exc))
        raise typer.Exit(code=1) from None
    except CntfError as exc:
        fail(exc)
    for line in data.problem_lines(lang):
        typer.echo(line)
    typer.echo(
        t(
            "cli.validate.summary",
            lang,
            n=data.n_rows,
            valid=len(data.responses),
            problems=len(data.problems),
            file=file,
            encoding=data.encoding,
        )
    )
    if not data.ok:
        raise typer.Exit(code=1)


@survey_app.command("form")
def form(
    output: Annotated[Path, typer.Option("--output", "-o", help="書き出すフォルダ")],
    codebook: CodebookOpt = None,
    rows: Annotated[
        int, typer.Option("--rows", help="Excel 回答シートで入力規則を付ける行数", min=1)
    ] = 300,
    lang: LangOpt = Lang.ja,
) -> None:
    """コードブックから、印刷用の調査票（HTML）、Excel 回答シート、Google フォーム作成スクリプトを書き出します。"""
    from cntf_workbench.survey.forms import form_plan, write_forms

    lang = Lang(lang).value
    try:
        book = load_codebook(codebook)
        if output.exists() and not output.is_dir():
            raise CntfError("出力先はフォルダを指定してください", file=output)
        paths = write_forms(output, book, rows=rows, lang=lang)
        notes = form_plan(book, lang).notes
    except CntfError as exc:
        fail(exc)
    except OSError as exc:
        typer.echo(f"書き出せません: {output}（{exc.strerror or exc}）", err=True)
        raise typer.Exit(code=2) from None
    typer.echo(t("cli.form.done", lang, title=book.title_in(lang), n=len(book.questions)))
    for kind, path in paths.items():
        typer.echo(f"  {t(f'cli.form.kind.{kind}', lang)}: {path}")
    for note in notes:
        typer.echo(t("cli.form.note", lang, note=note))


class CompareFormat(StrEnum):
    """Output format of ``compare``."""

    table = "table"
    json = "json"


@survey_app.command("compare")
def compare(
    old: Annotated[Path, typer.Argument(help="前回の調査の回答（CSV / XLSX）")],
    new: Annotated[Path, typer.Argument(help="今回の調査の回答（CSV / XLSX）")],
    codebook: Annotated[
        Path | None,
        typer.Option(
            "--codebook", help="今回のコードブック YAML（省略時は同梱の questionnaire.yaml）"
        ),
    ] = None,
    old_codebook: Annotated[
        Path | None,
        typer.Option(
            "--old-codebook",
            help="前回のコードブック（省略時は今回のコードブックの previous、なければ同じもの）",
        ),
    ] = None,
    fmt: Annotated[
        CompareFormat, typer.Option("--format", "-f", help="出力形式: table（文章）, json")
    ] = CompareFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="結果（JSON・CSV・グラフ PNG）を書き出すフォルダ"),
    ] = None,
    alpha: Annotated[float, typer.Option("--alpha", help="有意水準", min=1e-9, max=0.5)] = 0.05,
    threshold: Annotated[
        int, typer.Option("--threshold", help="秘匿の閾値（この人数未満を x で隠す）", min=1)
    ] = 5,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help="群別にも比較する属性の設問 id（例 chain_position。複数可）"),
    ] = None,
    lang: LangOpt = Lang.ja,
) -> None:
    """2回の調査を設問ごとに比べ、割合の変化・検定（p 値）・効果量を表示します。"""
    from cntf_workbench.survey import compare as cp

    lang = Lang(lang).value
    try:
        book = load_codebook(codebook)
        if old_codebook is not None:
            old_book = load_codebook(old_codebook)
        else:
            old_book = previous_codebook(book) or book
        old_data = load_responses(old, codebook=old_book)
        new_data = load_responses(new, codebook=book)
        for name, data in (("wave.old", old_data), ("wave.new", new_data)):
            if not data.problems.empty:
                wave = t(name, lang)
                note = t("cli.compare.dropped_rows", lang, wave=wave, n=len(data.problems))
                typer.echo(note, err=True)
        result = cp.compare_waves(old_data, new_data, alpha=alpha, threshold=threshold)
        groups = [
            cp.compare_by_group(old_data, new_data, g, result.alignment, alpha, threshold)
            for g in by or []
        ]
        if output is not None:
            _write_comparison(output, result, groups, lang)
    except CntfError as exc:
        fail(exc)
    except OSError as exc:
        typer.echo(f"書き出せません: {output}（{exc.strerror or exc}）", err=True)
        raise typer.Exit(code=2) from None
    if fmt is CompareFormat.json:
        records = result.to_records(lang) + [r for g in groups for r in g.to_records(lang)]
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    old_label, new_label = result.wave_labels(lang)
    typer.echo(
        t(
            "cli.compare.head",
            lang,
            old=old_label,
            n_old=len(old_data.responses),
            new=new_label,
            n_new=len(new_data.responses),
            tested=result.results["question"].nunique(),
            sig=len(result.significant()),
            alpha=f"{alpha:g}",
        )
    )
    for line in result.summary(lang):
        typer.echo(f"  {line}")
    for g in groups:
        lines = g.summary(lang)
        by = g.results["by"].iloc[0] if len(g.results) else ""
        typer.echo(t("cli.compare.group", lang, by=by, n=len(lines)))
        for line in lines:
            typer.echo(f"  {line}")
    table = result.alignment.table(lang)
    status = "status_ja" if lang == "ja" else "status_en"

    def status_line(r) -> str:
        return t("cli.compare.status", lang, q=r["question"], status=r[status], reason=r["reason"])

    off = table[~table["status"].isin(["aligned", "coarsened"])]
    if len(off):
        typer.echo(t("cli.compare.off", lang))
        for r in off.to_dict("records"):
            typer.echo(status_line(r))
    for r in table[table["status"] == "coarsened"].to_dict("records"):
        typer.echo(status_line(r))
    if output is not None:
        typer.echo(t("cli.compare.written", lang, path=output))


def _localized_frame(result, frame):
    import pandas as pd

    return pd.DataFrame(result.localized_rows(frame, "en"), columns=frame.columns)


def _write_comparison(output: Path, result, groups, lang: str = "ja") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cntf_workbench.survey import compare as cp
    from cntf_workbench.survey.report import safe_csv

    def shown(comparison, frame):
        return frame if lang == "ja" else _localized_frame(comparison, frame)

    output.mkdir(parents=True, exist_ok=True)
    (output / "comparison.json").write_text(
        json.dumps(result.to_records(lang), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    safe_csv(shown(result, result.results), output / "comparison.csv")
    safe_csv(shown(result, result.shares_display()), output / "shares.csv")
    safe_csv(result.alignment.table(lang), output / "alignment.csv")
    for g in groups:
        if len(g.results):
            name = g.results["by"].iloc[0]
            safe_csv(shown(g, g.results), output / f"comparison_by_{name}.csv")
            safe_csv(shown(g, g.shares_display()), output / f"shares_by_{name}.csv")
    fig = cp.shift_chart(result, lang=lang)
    fig.savefig(output / "shift_chart.png", dpi=110, bbox_inches="tight")
    plt.close(fig)


__all__ = ["survey_app"]


# Free-text coding and the issue report (cli_survey_text.py) are commands of the same group.
survey_app.command(
    "categorize", help="自由記述を困りごと（P1〜P8 / other）に分類し、CSV に書き出します"
)(categorize_cmd)
survey_app.command(
    "report", help="分類つきの課題レポート（HTML・XLSX・PPTX）をフォルダに書き出します"
)(report_cmd)
survey_app.command("code", help=CODE_HELP)(code_cmd)
