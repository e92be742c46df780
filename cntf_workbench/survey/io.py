"""Load a questionnaire export as it comes out of the survey tool, and validate every answer.

Supported: Google Forms CSV and XLSX, Microsoft Forms XLSX (and CSV saved from either), in UTF-8
with or without BOM, UTF-16 with BOM, or cp932 (Excel on Japanese Windows). Headers are matched to
the codebook by question text (after NFKC normalisation and white-space folding) or by question
id. Multi-select answers are parsed against the option list, so an option whose label contains a
comma (``Scope 1, 2（…）``) still parses; Google joins ticked options with ``", "``, Microsoft
Forms with ``";"``. Headers may also be the codebook's English question texts (``text_en``)
and answers its English option labels (``label_en``), as an English form or answer sheet
writes them (``forms``, ``lang="en"``).

Every problem is reported with its data row (1-based, the header is row 0) and column:
unknown option, Likert out of range, not a number, missing required answer, duplicate
respondent, missing column. ``strict=True`` raises on the first problem (a ``SurveyError`` that
counts them all); the default lenient mode keeps the rows without problems in ``responses`` and
lists the problems in ``problems``. The input file is only read, never written.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cntf_workbench.survey.codebook import (
    ID_COLUMNS,
    META_COLUMNS,
    Codebook,
    Question,
    SurveyError,
    load_codebook,
    normalize_text,
)
from cntf_workbench.survey.i18n import t

PROBLEM_COLUMNS = ["row", "column", "question_id", "kind", "message"]

_KINDS = (
    "unknown_option",
    "likert_out_of_range",
    "not_a_number",
    "out_of_range",
    "missing_required",
    "duplicate",
    "missing_column",
    "duplicate_column",
    "unknown_column",
)
#: Problem kinds and their Japanese names (for reports; English: messages ``problem.*``).
PROBLEM_KINDS: dict[str, str] = {k: t(f"problem.{k}") for k in _KINDS}

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TIMESTAMP_COLUMNS = ("タイムスタンプ", "Timestamp", "完了時刻", "Completion time")
_MAX_SHOWN = 60


class SurveyProblemsError(SurveyError):
    """Strict mode: the export was read but has problems (``problems`` lists all of them)."""

    def __init__(self, message: str, *, problems: pd.DataFrame, **where: Any) -> None:
        self.problems = problems
        super().__init__(message, **where)


@dataclass
class SurveyData:
    """A validated questionnaire export.

    Attributes
    ----------
    responses : pandas.DataFrame
        One row per valid respondent: ``respondent_id`` (str; the export's id column, else the
        data row number) and one column per question id of the codebook, in codebook order.
        single → option code (str, ``<NA>`` when blank); multi → tuple of codes in codebook order
        (``()`` when blank); likert5 → ``Int64`` 1–5; number → float; text → str (``""`` when
        blank).
    problems : pandas.DataFrame
        Columns ``row`` (1-based data row of the file; 0 for a problem of the header),
        ``column`` (the header as in the file), ``question_id``, ``kind`` (see
        ``PROBLEM_KINDS``), ``message`` (Japanese).
    source : Path
        The file read.
    codebook : Codebook
    meta : pandas.DataFrame
        For every data row of the file (kept or not): ``row``, ``respondent_id``,
        ``submitted_at`` (the timestamp text, ``""`` when the export has none), ``valid``.
    columns : dict
        Question id → header of the file it was read from.
    encoding : str
        Text encoding detected (``"xlsx"`` for workbooks).
    """

    responses: pd.DataFrame
    problems: pd.DataFrame
    source: Path
    codebook: Codebook
    meta: pd.DataFrame = field(default_factory=pd.DataFrame)
    columns: dict[str, str] = field(default_factory=dict)
    encoding: str = ""

    @property
    def ok(self) -> bool:
        """True when the export has no problem at all."""
        return self.problems.empty

    @property
    def n_rows(self) -> int:
        """Data rows in the file [respondents]."""
        return len(self.meta)

    def problem_lines(self, lang: str = "ja") -> list[str]:
        """One line per problem: ``行 3, 列「…」: message``.

        ``lang="en"``: ``row 3, column “…”: [kind] message``, the kind in English and the
        message itself in Japanese.
        """
        lines = []
        for p in self.problems.itertuples(index=False):
            where = (
                t("cli.problem.header", lang)
                if p.row == 0
                else t("cli.problem.row", lang, row=p.row)
            )
            kind = t(f"problem.{p.kind}", lang) if p.kind in _KINDS else p.kind
            lines.append(
                t(
                    "cli.problem.line",
                    lang,
                    where=where,
                    column=_short(p.column),
                    message=p.message,
                    kind=kind,
                )
            )
        return lines


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _short(value: Any, limit: int = _MAX_SHOWN) -> str:
    """A cell as it may appear in a one-line message: control and bidi characters replaced
    (an ANSI escape in a cell must not drive the terminal), at most ``limit`` characters."""
    text = _CONTROL.sub(" ", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- reading the raw table -----------------------------------------------------------------------


def _decode(data: bytes, file: Path) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise SurveyError("テキストの CSV ではありません（バイナリファイルのようです）", file=file)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        label = (
            "utf-8-bom"
            if encoding == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf")
            else encoding
        )
        return text, "utf-8" if label == "utf-8-sig" else label
    raise SurveyError(
        "文字コードを判別できません（UTF-8 または Shift_JIS(cp932) の CSV が必要です）", file=file
    )


def read_raw(path: str | Path) -> tuple[pd.DataFrame, str]:
    """Read an export as a table of strings, exactly as written (no type conversion).

    Parameters
    ----------
    path : str or Path
        CSV/TSV (UTF-8 with or without BOM, UTF-16 with BOM, cp932) or XLSX (first sheet).

    Returns
    -------
    (pandas.DataFrame, str)
        Every cell as ``str`` (``""`` when blank), the header as columns; and the encoding.

    Raises
    ------
    SurveyError
        Missing, empty or unreadable file.
    """
    file = Path(path)
    if not file.is_file():
        raise SurveyError("ファイルが見つかりません", file=file)
    if file.suffix.lower() in EXCEL_SUFFIXES:
        return _read_excel(file), "xlsx"
    data = file.read_bytes()
    if data[:4] == b"PK\x03\x04":
        return _read_excel(file), "xlsx"
    if not data.strip():
        raise SurveyError("ファイルが空です", file=file)
    text, encoding = _decode(data, file)
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    sep = "\t" if first.count("\t") > first.count(",") else ","
    try:
        frame = pd.read_csv(
            io.StringIO(text.lstrip("\ufeff")),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            quoting=csv.QUOTE_MINIMAL,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        raise SurveyError(f"CSV として読めません: {_short(exc, 120)}", file=file) from None
    return frame, encoding


def _read_excel(file: Path) -> pd.DataFrame:
    try:
        # keep_default_na=False: an answer "None" or "NA" is text, as in the CSV reader
        frame = pd.read_excel(
            file, sheet_name=0, dtype=object, engine="openpyxl", header=0, keep_default_na=False
        )
    except Exception as exc:  # openpyxl raises many types on a broken workbook
        raise SurveyError(
            f"Excel ファイルとして読めません: {_short(type(exc).__name__ + ' ' + str(exc), 120)}",
            file=file,
        ) from None
    frame.columns = [str(c) for c in frame.columns]
    return frame.apply(lambda col: col.map(_cell_text)).astype(object)


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y/%m/%d %H:%M:%S")
    if hasattr(value, "strftime"):
        return value.strftime("%Y/%m/%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- header matching -----------------------------------------------------------------------------


def match_columns(
    headers: list[str], codebook: Codebook
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Match the export's headers to question ids (by text or id, normalised).

    Returns
    -------
    (dict, list)
        Question id → header; and header problems (``duplicate_column``, ``unknown_column``,
        ``missing_column``) as dicts with the ``PROBLEM_COLUMNS`` keys.
    """
    by_key: dict[str, str] = {}
    for q in codebook.questions:
        by_key[normalize_text(q.text)] = q.id
        by_key[q.id] = q.id
        if q.text_en:
            by_key.setdefault(normalize_text(q.text_en), q.id)
    meta = {normalize_text(m) for m in (*META_COLUMNS, *ID_COLUMNS)}
    found: dict[str, str] = {}
    problems: list[dict[str, Any]] = []
    for header in headers:
        key = normalize_text(header)
        qid = by_key.get(key)
        if qid is None:
            # pandas renames a repeated header "X" to "X.1"
            base = re.sub(r"\.\d+$", "", key)
            if base != key and by_key.get(base) is not None:
                qid = by_key[base]
            elif key in meta or not key or key.startswith("Unnamed:"):
                continue
            else:
                problems.append(
                    _problem(
                        0, header, "", "unknown_column", "コードブックにない列です（無視します）"
                    )
                )
                continue
        if qid in found:
            problems.append(
                _problem(
                    0,
                    header,
                    qid,
                    "duplicate_column",
                    f"設問 {qid} の列が2つ以上あります（最初の列「{_short(found[qid])}」を使います）",
                )
            )
            continue
        found[qid] = header
    for q in codebook.questions:
        if q.id not in found:
            problems.append(
                _problem(0, q.text, q.id, "missing_column", f"設問 {q.id} の列がありません")
            )
    return found, problems


def _problem(row: int, column: str, qid: str, kind: str, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "question_id": qid, "kind": kind, "message": message}


# --- parsing one cell ----------------------------------------------------------------------------

_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)$")
_SEPARATORS = (", ", ";", ",", "、")


def _multi_parser(q: Question) -> Callable[[str], tuple[tuple[str, ...], list[str]]]:
    pairs = [(normalize_text(o.label), o.code) for o in q.options]
    known = {lab for lab, _ in pairs}
    # English labels (an English answer sheet or form) unless one equals a Japanese label
    pairs += [
        (normalize_text(o.label_en), o.code)
        for o in q.options
        if o.label_en and normalize_text(o.label_en) not in known
    ]
    labels = sorted(pairs, key=lambda t: -len(t[0]))
    codes = {o.code for o in q.options}
    order = {o.code: i for i, o in enumerate(q.options)}

    def parse_with(text: str, sep: str) -> tuple[str, ...] | None:
        @cache
        def at(i: int) -> tuple[str, ...] | None:
            if i == len(text):
                return ()
            candidates = [(lab, code) for lab, code in labels if text.startswith(lab, i)]
            if text.startswith(sep, i) or text[i] == " ":
                return at(i + 1)  # tolerate doubled separators / stray spaces
            for lab, code in candidates:
                j = i + len(lab)
                if j == len(text):
                    return (code,)
                if text.startswith(sep, j):
                    rest = at(j + len(sep))
                    if rest is not None:
                        return (code, *rest)
            # an option code written instead of its label (a hand-made file)
            end = text.find(sep, i)
            token = text[i:] if end < 0 else text[i:end]
            if token.strip() in codes:
                rest = () if end < 0 else at(end + len(sep))
                if rest is not None:
                    return (token.strip(), *rest)
            return None

        return at(0)

    def parse(raw: str) -> tuple[tuple[str, ...], list[str]]:
        text = normalize_text(raw).strip(";").strip()
        if not text:
            return (), []
        for sep in _SEPARATORS:
            got = parse_with(text, normalize_text(sep) if sep.strip() else sep)
            if got is not None:
                return tuple(sorted(set(got), key=order.__getitem__)), []
        # not parseable: find the unknown pieces for the message (Google's separator)
        sep = ";" if ";" in text and ", " not in text else ", "
        known, unknown = [], []
        for piece in (p.strip() for p in text.split(sep)):
            if not piece:
                continue
            hit = next((c for lab, c in labels if lab == piece), None)
            (known if hit else unknown).append(hit or piece)
        if q.allow_other:
            return tuple(sorted({*known, "other"}, key=order.__getitem__)), []
        return tuple(sorted(set(known), key=order.__getitem__)), unknown

    return parse


@dataclass
class _Parsed:
    value: Any
    kind: str = ""
    message: str = ""


def _cell_parser(q: Question, codebook: Codebook) -> Callable[[str], _Parsed]:
    """A memoised parser from cell text to the tidy value of question ``q``."""
    if q.type == "single":
        table = q.code_of()

        def single(raw: str) -> _Parsed:
            text = normalize_text(raw)
            if not text:
                return _Parsed(pd.NA)
            code = table.get(text)
            if code is not None:
                return _Parsed(code)
            if q.allow_other:
                return _Parsed("other")
            return _Parsed(
                pd.NA,
                "unknown_option",
                f"「{_short(raw)}」は設問 {q.id} の選択肢にありません",
            )

        return lru_cache(maxsize=4096)(single)
    if q.type == "multi":
        parse = _multi_parser(q)

        def multi(raw: str) -> _Parsed:
            codes, unknown = parse(raw)
            if unknown:
                shown = "」「".join(_short(u, 30) for u in unknown[:3])
                return _Parsed(
                    codes, "unknown_option", f"「{shown}」は設問 {q.id} の選択肢にありません"
                )
            return _Parsed(codes)

        return lru_cache(maxsize=8192)(multi)
    if q.type == "likert5":
        labels = {normalize_text(o.label): int(o.code) for o in q.options}
        for o in q.options:
            if o.label_en:
                labels.setdefault(normalize_text(o.label_en), int(o.code))

        def likert(raw: str) -> _Parsed:
            text = normalize_text(raw)
            if not text:
                return _Parsed(pd.NA)
            if text in labels:
                return _Parsed(labels[text])
            lead = re.match(r"^([-+]?\d+(\.\d+)?)", text)
            if lead:
                value = float(lead.group(1))
                if value.is_integer() and 1 <= value <= 5:
                    return _Parsed(int(value))
                return _Parsed(
                    pd.NA,
                    "likert_out_of_range",
                    f"「{_short(raw)}」は5段階（1〜5）の範囲外です",
                )
            return _Parsed(
                pd.NA,
                "likert_out_of_range",
                f"「{_short(raw)}」は5段階（1〜5 または選択肢の文言）ではありません",
            )

        return lru_cache(maxsize=256)(likert)
    if q.type == "number":

        def number(raw: str) -> _Parsed:
            text = normalize_text(raw).replace(",", "").replace(" ", "")
            if not text:
                return _Parsed(np.nan)
            if not _NUMBER.match(text):
                return _Parsed(np.nan, "not_a_number", f"「{_short(raw)}」は数値ではありません")
            value = float(text)
            low = -np.inf if q.min is None else q.min
            high = np.inf if q.max is None else q.max
            if not low <= value <= high or (q.integer and not value.is_integer()):
                what = "整数" if q.integer else "数値"
                return _Parsed(
                    np.nan,
                    "out_of_range",
                    f"{value:g} は範囲外です（{low:g}〜{high:g} の{what}）",
                )
            return _Parsed(value)

        return lru_cache(maxsize=4096)(number)

    def text(raw: str) -> _Parsed:
        return _Parsed(raw.strip())

    return text


def _blank(q: Question, value: Any) -> bool:
    if q.type == "multi":
        return len(value) == 0
    if q.type == "text":
        return value == ""
    return value is pd.NA or (isinstance(value, float) and np.isnan(value))


# --- the loader ----------------------------------------------------------------------------------


def load_responses(
    path: str | Path,
    codebook: Codebook | str | Path | None = None,
    strict: bool = False,
) -> SurveyData:
    """Load and validate a questionnaire export.

    Parameters
    ----------
    path : str or Path
        Google Forms CSV/XLSX or Microsoft Forms XLSX export (or a CSV with question ids as
        headers). Only read, never written.
    codebook : Codebook or path, optional
        The shipped questionnaire when omitted.
    strict : bool
        Raise on the first problem instead of keeping the valid rows.

    Returns
    -------
    SurveyData

    Raises
    ------
    SurveyError
        The file cannot be read as a survey export (missing, not CSV/XLSX, undecodable, no column
        of the codebook); in strict mode also any problem, naming its row and column.
    """
    book = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    file = Path(path)
    raw, encoding = read_raw(file)
    headers = [str(c) for c in raw.columns]
    columns, problems = match_columns(headers, book)
    if not columns:
        raise SurveyError(
            "アンケートのエクスポートとして読めません: コードブックの設問の列が1つもありません",
            file=file,
        )
    n = len(raw)
    rows = np.arange(1, n + 1)
    id_header = next((h for h in ID_COLUMNS if h in raw.columns), None)
    ids = rows.astype(str).astype(object)
    if id_header:  # the export's own id; the row number where it is blank
        own = raw[id_header].astype(str).str.strip().to_numpy(dtype=object)
        ids = np.where(own == "", ids, own).astype(object)
    ts_header = next((h for h in TIMESTAMP_COLUMNS if h in raw.columns), None)
    submitted = raw[ts_header].astype(str).to_numpy(dtype=object) if ts_header else [""] * n

    values: dict[str, list[Any]] = {}
    bad_rows: set[int] = set()
    row_problems: list[dict[str, Any]] = []
    parse_bad: set[tuple[str, int]] = set()
    for q in book.questions:
        header = columns.get(q.id)
        if header is None:
            empty: Any = {"multi": (), "text": "", "number": np.nan}.get(q.type, pd.NA)
            values[q.id] = [empty] * n
            continue
        parser = _cell_parser(q, book)
        cells = raw[header].to_numpy(dtype=object)
        parsed = [parser("" if c is None else str(c)) for c in cells]
        values[q.id] = [p.value for p in parsed]
        for i, p in enumerate(parsed):
            if p.kind:
                row_problems.append(_problem(int(rows[i]), header, q.id, p.kind, p.message))
                bad_rows.add(i)
                parse_bad.add((q.id, i))

    # required answers, with skip logic
    for q in book.questions:
        if not q.required or q.id not in columns:
            continue
        shown = _shown_mask(q, values, n)
        for i in range(n):
            if shown[i] and _blank(q, values[q.id][i]) and (q.id, i) not in parse_bad:
                row_problems.append(
                    _problem(
                        int(rows[i]),
                        columns[q.id],
                        q.id,
                        "missing_required",
                        f"必須の設問 {q.id} に回答がありません",
                    )
                )
                bad_rows.add(i)

    # duplicate respondents: the same id, or (without an id column) the same answers throughout
    if id_header:
        key_values: list[Any] = [k if k != "" else None for k in ids]
        dup_column = id_header
    else:
        answer_headers = [columns[q] for q in book.ids if q in columns]
        key_values = [
            tuple(r) if any(v != "" for v in r) else None
            for r in raw[answer_headers].itertuples(index=False)
        ]
        dup_column = ts_header or answer_headers[0]
    first_of: dict[Any, int] = {}
    for i, key in enumerate(key_values):
        if key is None:
            continue
        if key not in first_of:
            first_of[key] = i
            continue
        what = f"回答者ID「{_short(ids[i], 40)}」" if id_header else "全設問の回答"
        row_problems.append(
            _problem(
                int(rows[i]),
                dup_column,
                "",
                "duplicate",
                f"{what}がデータ{first_of[key] + 1}行目と重複しています",
            )
        )
        bad_rows.add(i)

    all_problems = pd.DataFrame(problems + row_problems, columns=PROBLEM_COLUMNS)
    if not all_problems.empty:
        order = {qid: k for k, qid in enumerate(book.ids)}
        all_problems = (
            all_problems.assign(_q=all_problems["question_id"].map(order).fillna(len(order)))
            .sort_values(["row", "_q"], kind="stable")
            .drop(columns="_q")
            .reset_index(drop=True)
        )
    all_problems["row"] = all_problems["row"].astype(int)
    if strict and not all_problems.empty:
        p = all_problems.iloc[0]
        raise SurveyProblemsError(
            f"{p['message']}（問題は全{len(all_problems)}件）",
            problems=all_problems,
            file=file,
            row=int(p["row"]) or None,
            column=_short(p["column"]),
        )

    keep = np.array([i not in bad_rows for i in range(n)], dtype=bool)
    table = {"respondent_id": pd.Series(ids, dtype=object).astype(str)}
    for q in book.questions:
        table[q.id] = _typed(q, values[q.id])
    responses = pd.DataFrame(table)
    responses = responses[keep].reset_index(drop=True)
    meta = pd.DataFrame(
        {
            "row": rows,
            "respondent_id": [str(x) for x in ids],
            "submitted_at": submitted,
            "valid": keep,
        }
    )
    return SurveyData(
        responses=responses,
        problems=all_problems,
        source=file,
        codebook=book,
        meta=meta,
        columns=columns,
        encoding=encoding,
    )


def _shown_mask(q: Question, values: dict[str, list[Any]], n: int) -> np.ndarray:
    if q.show_if is None:
        return np.ones(n, dtype=bool)
    trigger = values[q.show_if.question]
    wanted = set(q.show_if.any_of)
    out = np.zeros(n, dtype=bool)
    for i, v in enumerate(trigger):
        if isinstance(v, tuple):
            out[i] = bool(wanted.intersection(v))
        else:
            out[i] = v is not pd.NA and v in wanted
    return out


def _typed(q: Question, values: list[Any]) -> pd.Series:
    if q.type == "likert5":
        return pd.array(values, dtype="Int64")
    if q.type == "number":
        return pd.Series(values, dtype=float)
    return pd.Series(values, dtype=object)


__all__ = [
    "PROBLEM_COLUMNS",
    "PROBLEM_KINDS",
    "SurveyData",
    "SurveyProblemsError",
    "load_responses",
    "match_columns",
    "read_raw",
]
