"""``cntf survey categorize`` and ``cntf survey report`` (free text → pain points → report).

Plain functions with typer ``Annotated`` options, registered in :mod:`cntf_workbench.cli` with
``survey_app.command("categorize")(categorize_cmd)`` and
``survey_app.command("report")(report_cmd)``. Every input error prints one Japanese line on
stderr and exits with 2; input files are only read. ``--lang en`` writes the outputs and the
summary lines in English (:mod:`cntf_workbench.survey.i18n`); error lines stay Japanese.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cntf_workbench.cli_common import fail
from cntf_workbench.errors import CntfError
from cntf_workbench.survey.i18n import Lang, t

#: ``--lang ja|en`` (output language; help and errors stay Japanese-first).
LangOpt = Annotated[Lang, typer.Option("--lang", help=t("cli.lang_help", "ja"))]

RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules", help="コーディングルール（KH Coder 形式。省略時は surveys/coding_rules.txt）"
    ),
]
TaxonomyOpt = Annotated[
    Path | None,
    typer.Option("--taxonomy", help="困りごとの分類体系 YAML（省略時は surveys/taxonomy.yaml）"),
]
ExamplesOpt = Annotated[
    Path | None,
    typer.Option(
        "--examples",
        help="分類器を学習するラベル付き例 CSV（省略時は surveys/labelled_examples.csv）",
    ),
]


def _categorizer(rules: Path | None, taxonomy: Path | None, examples: Path | None):
    from cntf_workbench.survey import taxonomy as tx

    if rules is None and taxonomy is None and examples is None:
        return tx.default_categorizer()
    tax = tx.load_taxonomy(taxonomy)
    return tx.train(
        tx.load_examples(examples, taxonomy=tax), tax, tx.load_rules(rules, taxonomy=tax)
    )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def categorize_cmd(
    file: Annotated[
        Path, typer.Argument(help="回答ファイル（CSV / XLSX。Google フォーム等のエクスポート）")
    ],
    column: Annotated[
        str,
        typer.Option(
            "--column",
            "-c",
            help="分類する自由記述の列（見出しの文字列または設問 id、例 pain_text）",
        ),
    ] = "pain_text",
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="出力 CSV（入力の全列＋pain_point, category, basis）"),
    ] = Path("categorized.csv"),
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="進捗バーを表示")
    ] = True,
    rules: RulesOpt = None,
    taxonomy: TaxonomyOpt = None,
    examples: ExamplesOpt = None,
    lang: LangOpt = Lang.ja,
) -> None:
    """自由記述を困りごと（P1〜P8 / other）に分類し、入力の全列に pain_point, category, basis を加えて CSV に書きます。"""
    from cntf_workbench.survey import codebook as cb
    from cntf_workbench.survey.io import read_raw
    from cntf_workbench.survey.report import ReportError, safe_csv
    from cntf_workbench.survey.taxonomy import localize_coded

    lang = Lang(lang).value

    try:
        if _same_file(file, output):
            raise ReportError("出力先が入力ファイルと同じです（入力は上書きしません）", file=output)
        frame, _ = read_raw(file)
        header = column if column in frame.columns else None
        if header is None:
            try:
                text = cb.load_codebook()[column].text
            except (KeyError, CntfError):
                text = None
            if text is not None:
                header = next(
                    (c for c in frame.columns if cb.normalize_text(c) == cb.normalize_text(text)),
                    None,
                )
        if header is None:
            raise ReportError(
                f"列「{column}」がありません（見出しか設問 id を指定してください。"
                f"先頭の見出し: {', '.join(str(c)[:20] for c in frame.columns[:3])} …）",
                file=file,
                column=column,
            )
        cat = _categorizer(rules, taxonomy, examples)
        coded = cat.categorize(frame[header].tolist(), progress=progress)
        coded = localize_coded(coded, cat.taxonomy, lang)
        out = frame.copy()
        for col in ("pain_point", "category", "basis"):
            out[col] = coded[col].to_numpy()
        output.parent.mkdir(parents=True, exist_ok=True)
        safe_csv(out, output)
    except CntfError as exc:
        fail(exc)
    counts = out["pain_point"].value_counts()
    summary = ", ".join(f"{k} {v}" for k, v in counts.items())
    typer.echo(t("cli.categorize.done", lang, n=len(out), summary=summary, path=output))


def report_cmd(
    file: Annotated[Path, typer.Argument(help="回答ファイル（CSV / XLSX）")],
    codebook: Annotated[
        Path | None,
        typer.Option("--codebook", help="設問定義 YAML（省略時は surveys/questionnaire.yaml）"),
    ] = None,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="出力フォルダ（HTML, XLSX, PPTX, CSV を書きます）"),
    ] = Path("report"),
    threshold: Annotated[
        int, typer.Option("--threshold", help="秘匿する度数の閾値（この人数未満を x で隠す）")
    ] = 5,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="進捗バーを表示")
    ] = True,
    rules: RulesOpt = None,
    taxonomy: TaxonomyOpt = None,
    examples: ExamplesOpt = None,
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help="前回の調査の回答（「前回調査からの変化」の節を加える）"),
    ] = None,
    lang: LangOpt = Lang.ja,
) -> None:
    """回答を読み込み、自由記述を分類して課題レポート（HTML・XLSX・PPTX・CSV）を書きます。"""
    from cntf_workbench.survey.codebook import load_codebook, previous_codebook
    from cntf_workbench.survey.io import load_responses
    from cntf_workbench.survey.report import ReportError, build_report, write_report

    lang = Lang(lang).value

    try:
        if _same_file(file, output):
            raise ReportError("出力先が入力ファイルと同じです", file=output)
        data = load_responses(file, codebook=codebook, strict=False)
        if not data.problems.empty:
            typer.echo(t("cli.report.dropped_rows", lang, n=len(data.problems)), err=True)
        cat = _categorizer(rules, taxonomy, examples)
        prev = None
        if previous is not None:
            book = load_codebook(codebook)
            prev = load_responses(previous, codebook=previous_codebook(book) or book, strict=False)
        report = build_report(
            data, cat, threshold=threshold, progress=progress, previous=prev, lang=lang
        )
        paths = write_report(report, output, progress=progress)
    except CntfError as exc:
        fail(exc)
    typer.echo(t("cli.report.done", lang, n=report.n_respondents))
    for kind, path in paths.items():
        typer.echo(f"  {kind}: {path}")


__all__ = ["LangOpt", "categorize_cmd", "report_cmd"]
