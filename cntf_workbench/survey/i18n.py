"""Languages of the survey outputs: the message catalogue and the label helpers.

Notebooks are Japanese; the reports, forms and CLI of the survey part can also be written in
English (``lang="en"``, ``--lang en``). Every fixed text a user reads in those outputs is a
message of :data:`MESSAGES`, keyed by a message id, with one ``str.format`` template per
language (``"ja"`` and ``"en"``); :func:`t` fills one in. Texts that come from data files are
not here: the codebook (``text_en``, ``title_en``, ``label_en``) and the taxonomy
(``label_en``, ``target_state_en``, ``solutions_en``, ``categories_en``) carry their own English,
and :func:`pick` chooses, falling back to the Japanese when a member's file has no English.
Respondents' answers are never translated: quotes stay as written.

Japanese is the default everywhere, and a Japanese output is the same as before English
existed.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from cntf_workbench.errors import CntfError

#: Supported languages, the default first.
LANGS: tuple[str, ...] = ("ja", "en")
DEFAULT_LANG = "ja"


class Lang(StrEnum):
    """Output language (a CLI option type)."""

    ja = "ja"
    en = "en"


class LanguageError(CntfError):
    """An output language that is not supported."""

    area = "言語"


def check_lang(lang: object) -> str:
    """Return ``lang`` as ``"ja"`` or ``"en"``.

    Raises
    ------
    LanguageError
        Any other value.
    """
    value = str(getattr(lang, "value", lang))
    if value not in LANGS:
        raise LanguageError(f"言語「{value}」には対応していません（{', '.join(LANGS)}）")
    return value


def pick(ja: str, en: str | None, lang: str) -> str:
    """The English text when ``lang == "en"`` and there is one, else the Japanese."""
    return en if lang == "en" and en else ja


def pick_all(ja: Iterable[str], en: Iterable[str] | None, lang: str) -> tuple[str, ...]:
    """Like :func:`pick` for a list: the English list only when it is complete."""
    ja, en = tuple(ja), tuple(en or ())
    return en if lang == "en" and en and len(en) == len(ja) and all(en) else ja


def t(key: str, lang: str = DEFAULT_LANG, /, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``values`` filled in (``str.format``).

    Parameters
    ----------
    key : str
        A message id of :data:`MESSAGES`.
    lang : {"ja", "en"}
    **values
        Fields of the template.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        Unknown message id (a programming error, not bad input).
    """
    template = MESSAGES[key][check_lang(lang)]
    return template.format(**values) if values else template


def quote(text: object, lang: str = DEFAULT_LANG) -> str:
    """``「text」`` in Japanese, ``“text”`` in English."""
    return t("q.open", lang) + str(text) + t("q.close", lang)


def quoted(labels: Iterable[object], lang: str = DEFAULT_LANG) -> str:
    """Several quoted labels as alternatives: ``「a」「b」「c」`` / ``“a”, “b” or “c”``."""
    items = [quote(x, lang) for x in labels]
    if len(items) > 1 and t("sep.or", lang):
        return t("sep.quoted", lang).join(items[:-1]) + t("sep.or", lang) + items[-1]
    return t("sep.quoted", lang).join(items)


def join(items: Iterable[object], lang: str = DEFAULT_LANG, kind: str = "list") -> str:
    """Join with the language's separator: ``kind`` ``list`` (・ / , ), ``clause`` (、 / ; ),
    ``sentence`` (。 / . )."""
    return t(f"sep.{kind}", lang).join(str(x) for x in items)


def both(key: str, /, **values: object) -> dict[str, str]:
    """The message in every language: ``{"ja": …, "en": …}``."""
    return {lang: t(key, lang, **values) for lang in LANGS}


#: The catalogue: message id → language → template. Japanese texts are the ones the outputs
#: have always shown; keep them unchanged.
MESSAGES: dict[str, dict[str, str]] = {
    # --- separators and quotes
    "q.open": {"ja": "「", "en": "“"},
    "q.close": {"ja": "」", "en": "”"},
    "sep.quoted": {"ja": "", "en": ", "},
    "sep.or": {"ja": "", "en": " or "},
    "sep.list": {"ja": "・", "en": ", "},
    "sep.clause": {"ja": "、", "en": "; "},
    "sep.sentence": {"ja": "。", "en": ". "},
    "sep.questions": {"ja": "、", "en": ", "},
    "dash": {"ja": "—", "en": "—"},
    # --- table columns of the issue report
    "col.pain": {"ja": "困りごと", "en": "Pain point"},
    "col.target": {"ja": "目指す姿", "en": "Target state"},
    "col.solutions": {"ja": "解決策案", "en": "Proposed solutions"},
    "col.category": {"ja": "対象区分", "en": "Category"},
    "col.respondents": {"ja": "回答者数", "en": "Respondents"},
    "col.share": {"ja": "割合", "en": "Share"},
    "col.quotes": {"ja": "代表的な回答", "en": "Representative answers (as written)"},
    "col.other_mentions": {"ja": "他の設問での言及", "en": "Mentions in other questions"},
    "col.agree_suffix": {"ja": "（賛成率）", "en": " (share agreeing)"},
    "col.question": {"ja": "設問", "en": "Question"},
    "col.answers": {"ja": "回答数", "en": "Answers"},
    "col.agree45": {"ja": "賛成（4・5）", "en": "Agree (4-5)"},
    "col.option": {"ja": "選択肢", "en": "Option"},
    "col.old": {"ja": "前回", "en": "Previous"},
    "col.new": {"ja": "今回", "en": "Current"},
    "col.change": {"ja": "変化（ポイント）", "en": "Change (points)"},
    "col.test": {"ja": "検定", "en": "Test"},
    "col.p": {"ja": "p値", "en": "p-value"},
    "col.effect": {"ja": "効果量", "en": "Effect size"},
    "col.explanation": {"ja": "説明", "en": "Description"},
    "col.by": {"ja": "内訳", "en": "Breakdown"},
    "col.group": {"ja": "群", "en": "Group"},
    "col.old_respondents": {"ja": "前回 回答者数", "en": "Previous respondents"},
    "col.old_share": {"ja": "前回 割合", "en": "Previous share"},
    "col.new_respondents": {"ja": "今回 回答者数", "en": "Current respondents"},
    "col.new_share": {"ja": "今回 割合", "en": "Current share"},
    "col.p_holm": {"ja": "p値（Holm）", "en": "p-value (Holm)"},
    "col.verdict": {"ja": "判定", "en": "Verdict"},
    "col.status": {"ja": "状態", "en": "Status"},
    "col.reason": {"ja": "理由", "en": "Reason"},
    "total": {"ja": "計", "en": "Total"},
    "no_answer": {"ja": "無回答", "en": "No answer"},
    "unknown": {"ja": "不明", "en": "Unknown"},
    # --- sheet names (XLSX: at most 31 characters)
    "sheet.issues": {"ja": "困りごと一覧", "en": "Pain points"},
    "sheet.categories": {"ja": "対象区分別", "en": "By category"},
    "sheet.tier": {"ja": "立場別", "en": "By chain position"},
    "sheet.size": {"ja": "規模別", "en": "By size"},
    "sheet.needs": {"ja": "ニーズ", "en": "Needs"},
    "sheet.coded": {"ja": "回答の分類", "en": "Coded answers"},
    "sheet.moved": {"ja": "前回からの変化", "en": "Changes since last survey"},
    "sheet.by_group": {"ja": "群別の変化", "en": "Changes by group"},
    "sheet.pains": {"ja": "困りごとの増減", "en": "Pain points up and down"},
    "sheet.not_compared": {"ja": "比較しない設問", "en": "Questions not compared"},
    # --- need questions (short labels, issue table headers)
    "need.need_linkage": {
        "ja": "企業間データ連携が必要",
        "en": "Inter-company data sharing needed",
    },
    "need.need_visualization": {"ja": "可視化機能が必要", "en": "Visualisation features needed"},
    "need.need_reliability": {"ja": "信頼性の仕組みが必要", "en": "Trust mechanisms needed"},
    "need.need_certification": {"ja": "第三者評価が必要", "en": "Third-party assessment needed"},
    "need.std_need": {
        "ja": "算出方法の標準化が必要",
        "en": "Standard calculation method needed",
    },
    # --- the issue report
    "report.title": {
        "ja": "カーボンニュートラルに関するアンケート 課題レポート",
        "en": "Questionnaire on carbon neutrality: issue report",
    },
    "report.intro": {
        "ja": "回答者 {n} 人。自由記述（{questions}）を困りごとの分類体系に\n"
        "コーディングしました（ルール＋分類器）。{threshold} 人未満の集計値と、\n"
        "そこから逆算できる値は「{hidden}」で秘匿しています。"
        "引用は個人名・企業名・連絡先を除いています。",
        "en": "{n} respondents. The free-text answers ({questions}) were coded into the\n"
        "pain-point taxonomy (rules + classifier). Counts below {threshold} respondents, and\n"
        "values from which they could be recomputed, are hidden as “{hidden}”. Quotes of\n"
        "respondents' answers are shown as written, in Japanese, with names of people and\n"
        "companies and contact details removed.",
    },
    "report.h.categories": {"ja": "対象区分別", "en": "By category"},
    "report.h.pains": {"ja": "困りごと別", "en": "By pain point"},
    "report.h.tier": {
        "ja": "立場別（サプライチェーン上の位置づけ）",
        "en": "By position in the supply chain",
    },
    "report.h.size": {"ja": "規模別（従業員数）", "en": "By size (employees)"},
    "report.h.needs": {
        "ja": "関連する定量回答（4・5 と答えた割合、全回答者）",
        "en": "Related quantitative answers (share answering 4 or 5, all respondents)",
    },
    "report.note.agree": {
        "ja": "困りごとの表の「賛成率」は、その困りごとを挙げた回答者のうち 4・5 と答えた割合です。",
        "en": "In the pain-point table, “share agreeing” is the share of the respondents raising "
        "that pain point who answered 4 or 5.",
    },
    "report.note.basis": {
        "ja": "分類の根拠（ルール名またはモデルの確率）は XLSX の「回答の分類」シートにあります。",
        "en": "The basis of each coding (rule name or model probability) is in the XLSX sheet "
        "“Coded answers”.",
    },
    "report.alt.categories": {"ja": "対象区分別の割合", "en": "Share by category"},
    "report.alt.pains": {"ja": "困りごと別の回答者数", "en": "Respondents by pain point"},
    "report.none": {"ja": "（該当なし）", "en": "(none)"},
    "report.progress": {"ja": "レポート出力", "en": "Writing report"},
    "report.progress_unit": {"ja": "ファイル", "en": "file"},
    # charts of the report
    "chart.pains.xlabel": {"ja": "回答者数（人）", "en": "Respondents"},
    "chart.pains.title": {
        "ja": "困りごと別の回答者数（回答者 {n} 人）",
        "en": "Respondents by pain point ({n} respondents)",
    },
    "chart.categories.ylabel": {"ja": "回答者に占める割合（%）", "en": "Share of respondents (%)"},
    "chart.categories.title": {
        "ja": "対象区分別（いずれかの困りごとを挙げた回答者）",
        "en": "By category (respondents raising any of its pain points)",
    },
    # slides
    "pptx.subtitle": {
        "ja": "回答者 {n} 人 / {threshold} 人未満は秘匿（{hidden}）",
        "en": "{n} respondents / counts below {threshold} hidden ({hidden})",
    },
    "pptx.pains": {"ja": "困りごと別の回答者数", "en": "Respondents by pain point"},
    "pptx.pains.series": {"ja": "回答者数（人）", "en": "Respondents"},
    "pptx.categories": {
        "ja": "対象区分別の割合（いずれかの困りごとを挙げた回答者）",
        "en": "Share by category (respondents raising any of its pain points)",
    },
    "pptx.categories.series": {"ja": "割合", "en": "Share"},
    "pptx.line.count": {
        "ja": "回答者数: {count}（{share}）　対象区分: {category}",
        "en": "Respondents: {count} ({share})   Category: {category}",
    },
    "pptx.line.target": {"ja": "目指す姿: {text}", "en": "Target state: {text}"},
    "pptx.line.solutions": {"ja": "解決策案: {text}", "en": "Proposed solutions: {text}"},
    "pptx.line.needs": {
        "ja": "挙げた回答者のうち 4・5 の割合: {text}",
        "en": "Share answering 4 or 5 among those raising it: {text}",
    },
    "pptx.quotes_note": {
        "ja": "（回答の引用は原文のまま）",
        "en": "(quotes of answers as written, in Japanese)",
    },
    # --- 前回調査からの変化
    "changes.h": {"ja": "前回調査からの変化", "en": "Changes since the previous survey"},
    "changes.intro": {
        "ja": "{old}（回答者 {n_old} 人）と {new}（回答者 {n_new} 人）を、\n"
        "設問ごとに比べました（単一選択: カイ二乗・フィッシャー検定、複数選択: "
        "選択肢ごとの比率の検定と Holm 補正、\n"
        "5段階: マン・ホイットニー検定。p < {alpha} を「変化あり」としました）。"
        "2回の回答者は同じ会員とは限りません。",
        "en": "{old} ({n_old} respondents) and {new} ({n_new} respondents) were\n"
        "compared question by question (single choice: chi-square or Fisher's test; multiple "
        "choice: a test of proportions per option with Holm's correction;\n"
        "five-point scale: Mann-Whitney test; p < {alpha} counts as a change). "
        "The respondents of the two surveys are not necessarily the same members.",
    },
    "changes.none": {
        "ja": "有意な変化はありませんでした。",
        "en": "There were no significant changes.",
    },
    "changes.none_short": {"ja": "有意な変化はありませんでした", "en": "No significant changes"},
    "changes.h.moved": {"ja": "変化した設問", "en": "Questions that changed"},
    "changes.h.by_group": {
        "ja": "群別の変化（変化した設問を立場別・規模別に）",
        "en": "Changes by group (the questions that changed, by chain position and by size)",
    },
    "changes.h.pains": {"ja": "困りごとの増減", "en": "Pain points up and down"},
    "changes.h.not_compared": {
        "ja": "比較しない・粒度を合わせた設問",
        "en": "Questions not compared or compared at a coarser level",
    },
    "changes.top2": {"ja": "4・5の割合", "en": "share 4-5"},
    "changes.whole": {"ja": "（分布全体）", "en": "(whole distribution)"},
    "verdict.up": {"ja": "増加", "en": "increased"},
    "verdict.down": {"ja": "減少", "en": "decreased"},
    "verdict.none": {"ja": "有意な変化なし", "en": "no significant change"},
    "changes.pain_line": {
        "ja": "困りごと {code}「{label}」が{verdict}: {a:.1f}% → {b:.1f}%（p = {p:.3g}、Holm 補正）",
        "en": "Pain point {code} “{label}” {verdict}: {a:.1f}% → {b:.1f}% "
        "(p = {p:.3g}, Holm correction)",
    },
    "changes.pain_line_hidden": {
        "ja": "困りごと {code}「{label}」が{verdict}（p = {p:.3g}）",
        "en": "Pain point {code} “{label}” {verdict} (p = {p:.3g})",
    },
    # --- coding basis (taxonomy.Categorizer)
    "basis.rule": {"ja": "ルール: {name}", "en": "rule: {name}"},
    "basis.model": {"ja": "モデル: {detail}", "en": "model: {detail}"},
    "basis.blank": {"ja": "空欄", "en": "blank"},
    # --- comparison of waves (compare.py)
    "wave.old": {"ja": "前回", "en": "previous survey"},
    "wave.new": {"ja": "今回", "en": "current survey"},
    "wave.year": {"ja": "{wave}年", "en": "{wave}"},
    "status.aligned": {"ja": "比較可", "en": "compared"},
    "status.coarsened": {
        "ja": "比較可（分割された選択肢は前回の粒度で比較）",
        "en": "compared (split options at the previous level)",
    },
    "status.not_aligned": {
        "ja": "比較不可（対応づけできない）",
        "en": "not comparable (cannot be aligned)",
    },
    "status.new": {"ja": "新設（比較しない）", "en": "new (not compared)"},
    "status.dropped": {"ja": "廃止（比較しない）", "en": "dropped (not compared)"},
    "status.not_compared": {
        "ja": "比較しない（自由記述）",
        "en": "not compared (free text)",
    },
    "test.chi-square": {"ja": "カイ二乗検定", "en": "chi-square test"},
    "test.fisher-exact": {"ja": "フィッシャーの正確確率検定", "en": "Fisher's exact test"},
    "test.monte-carlo": {"ja": "モンテカルロ並べ替え検定", "en": "Monte Carlo permutation test"},
    "test.two-proportion": {
        "ja": "2つの比率の差の検定（z検定）",
        "en": "two-proportion z-test",
    },
    "test.mann-whitney": {"ja": "マン・ホイットニーの U 検定", "en": "Mann-Whitney U test"},
    "test.none": {
        "ja": "検定なし（両回とも同じ1つの回答のみ）",
        "en": "no test (one and the same answer in both surveys)",
    },
    "effect.cramers_v": {"ja": "クラメールの V", "en": "Cramér's V"},
    "effect.cohens_h": {"ja": "コーエンの h", "en": "Cohen's h"},
    "effect.rank_biserial": {"ja": "順位双列相関 r", "en": "rank-biserial r"},
    "cl.group": {"ja": "［{label}］", "en": "[{label}] "},
    "cl.what_option": {"ja": "{question}「{label}」", "en": "{question} “{label}”"},
    "cl.mean": {"ja": "平均 {a:.2f} → {b:.2f}", "en": "mean {a:.2f} → {b:.2f}"},
    "cl.top2": {"ja": "、4・5の割合 {a:.1f}% → {b:.1f}%", "en": ", share 4-5 {a:.1f}% → {b:.1f}%"},
    "cl.multi": {
        "ja": "{a:.1f}% → {b:.1f}%（{c:+.1f} ポイント）",
        "en": "{a:.1f}% → {b:.1f}% ({c:+.1f} points)",
    },
    "cl.dist_move": {
        "ja": "回答の分布が変化（最も動いたのは「{label}」 {a:.1f}% → {b:.1f}%）",
        "en": "the distribution of answers changed (largest move: “{label}” {a:.1f}% → {b:.1f}%)",
    },
    "cl.dist": {"ja": "回答の分布が変化", "en": "the distribution of answers changed"},
    "cl.line": {
        "ja": "{group}{what}: {old} → {new} で {moved}。{test} p = {p:.3g}、{effect} = {value}"
        "（n = {n_old} / {n_new}）",
        "en": "{group}{what}: {old} → {new}: {moved}. {test} p = {p:.3g}, {effect} = {value} "
        "(n = {n_old} / {n_new})",
    },
    "align.stale": {
        "ja": "対応表の旧選択肢 {stale} が前回の設問 {old} にありません",
        "en": "Old options {stale} of the mapping are not in the previous question {old}",
    },
    "align.orphans_old": {
        "ja": "前回の選択肢 {codes} の対応先がありません（continues.options に書いてください）",
        "en": "Previous options {codes} have no successor (write them in continues.options)",
    },
    "align.orphans_new": {
        "ja": "新設の選択肢 {codes} に対応する前回の選択肢がありません",
        "en": "New options {codes} have no predecessor",
    },
    "align.dropped_options": {
        "ja": "前回の選択肢 {codes} が廃止されました",
        "en": "previous options {codes} were dropped",
    },
    "align.single_note": {
        "ja": "（単一選択の割合は比べられません）",
        "en": " (single-choice shares cannot be compared)",
    },
    "align.split": {
        "ja": "分割: {olds} → {news}（前回の粒度「{label}」で比較）",
        "en": "Split: {olds} → {news} (compared at the previous level “{label}”)",
    },
    "align.merge": {"ja": "統合: {olds} → {new}", "en": "Merged: {olds} → {new}"},
    "align.recode": {"ja": "コード変更: {old} → {new}", "en": "Code changed: {old} → {new}"},
    "align.excluded": {
        "ja": "比較から除外: {items}",
        "en": "Excluded from the comparison: {items}",
    },
    "align.old_only": {"ja": "前回のみ {code}", "en": "previous only {code}"},
    "align.new_only": {"ja": "今回のみ {code}", "en": "current only {code}"},
    "align.no_common": {"ja": "共通の選択肢がありません", "en": "No options in common"},
    "align.new_question": {"ja": "今回新設の設問", "en": "Question new in this survey"},
    "align.bad_continues": {
        "ja": "continues.id の {prev} は前回のコードブックにありません",
        "en": "continues.id {prev} is not in the previous codebook",
    },
    "align.not_in_previous": {"ja": "前回にない設問", "en": "Question not in the previous survey"},
    "align.type_changed": {
        "ja": "{note}設問の型が変わりました（{old} → {new}）",
        "en": "{note}The question type changed ({old} → {new})",
    },
    "align.free_text": {
        "ja": "自由記述（困りごとの増減はレポートで比較）",
        "en": "Free text (pain points are compared in the report)",
    },
    "align.dropped_question": {"ja": "今回の調査にない設問", "en": "Question not in this survey"},
    "align.code_sep": {"ja": "・", "en": ", "},
    "chart.shift.xlabel": {
        "ja": "割合の変化（ポイント） {old} → {new}　色つき: p < {alpha}",
        "en": "Change in share (points) {old} → {new}   coloured: p < {alpha}",
    },
    "chart.shift.title": {
        "ja": "前回調査からの変化（変化の大きい選択肢）",
        "en": "Changes since the previous survey (largest moves)",
    },
    "chart.wave.xlabel": {"ja": "回答者に占める割合 (%)", "en": "Share of respondents (%)"},
    "chart.wave.hidden": {
        "ja": "（{threshold}人未満のため {n} 件非表示）",
        "en": " ({n} hidden: fewer than {threshold})",
    },
    # --- survey charts (charts.py)
    "chart.likert.xlabel": {
        "ja": "回答の割合 (%)　← 否定的 ｜ 肯定的 →",
        "en": "Share of answers (%)   ← negative | positive →",
    },
    "chart.likert.title": {
        "ja": "5段階評価の回答（中央は「どちらともいえない」の中点）",
        "en": "Five-point answers (centred on the middle of “Neither”)",
    },
    "chart.group_hidden": {
        "ja": "\n（n<{threshold} のため非表示: {names}）",
        "en": "\n(not shown, n<{threshold}: {names})",
    },
    "chart.options.multi": {
        "ja": "（複数選択: 合計は100%を超えます）",
        "en": " (multiple choice: the total exceeds 100%)",
    },
    "chart.options.xlabel": {
        "ja": "回答者に占める割合 (%)  n={n}{note}",
        "en": "Share of respondents (%)  n={n}{note}",
    },
    # --- printable questionnaire, answer sheet, Apps Script (forms.py)
    "form.section": {"ja": "設問", "en": "Questions"},
    "form.required": {"ja": "必須", "en": "required"},
    "form.intro": {
        "ja": "紙で回答される方のための調査票です。ご記入のうえ、事務局へお送りください。"
        "オンラインのフォームや Excel の回答シートでも同じ設問にお答えいただけます。",
        "en": "This is the questionnaire for answering on paper. Please fill it in and send it "
        "to the secretariat. The same questions can also be answered in the online form or "
        "in the Excel answer sheet.",
    },
    "form.howto": {
        "ja": "記入のしかた: ○ は1つだけ、□ はあてはまるものすべてに印をつけてください。\n"
        '<span class="req">必須</span> の設問には必ずお答えください。'
        "「→」の指示があるときは、その設問へ進んでください。",
        "en": "How to answer: mark one ○ only; mark every □ that applies.\n"
        'Please answer every question marked <span class="req">required</span>. '
        "Where there is an instruction “→”, go on to that question.",
    },
    "form.end": {"ja": "以上です。ご協力ありがとうございました。", "en": "That is all. Thank you."},
    "form.version": {"ja": "版: {version}", "en": "version: {version}"},
    "form.footer": {
        "ja": "{name} {version}　出典: {source}",
        "en": "{name} {version}   source: {source}",
    },
    "form.how.single": {"ja": "（○は1つ）", "en": "(one ○)"},
    "form.how.multi": {"ja": "（□ あてはまるものすべて）", "en": "(□ all that apply)"},
    "form.how.likert5": {"ja": "（1〜5 のうち1つに○）", "en": "(circle one of 1-5)"},
    "form.how.range": {"ja": "{low}〜{high}", "en": "{low}-{high}"},
    "form.how.integer": {"ja": "整数", "en": "whole number"},
    "form.how.number": {"ja": "（数字で記入: {parts}）", "en": "(write a number: {parts})"},
    "form.how.number_plain": {"ja": "（数字で記入）", "en": "(write a number)"},
    "form.how.text": {"ja": "（自由にお書きください）", "en": "(write freely)"},
    "form.unit.group": {"ja": "系列", "en": "groups"},
    "skip.multi_rest": {"ja": "{labels}だけを選んだ方", "en": "if you ticked only {labels}"},
    "skip.multi_none": {
        "ja": "{labels}のいずれも選ばなかった方",
        "en": "if you ticked none of {labels}",
    },
    "skip.single": {"ja": "{labels}の方", "en": "if you answered {labels}"},
    "skip.to": {"ja": "Q{n}へ", "en": "go to Q{n}"},
    "skip.to_end": {
        "ja": "回答の最後へ（以上で終わりです）",
        "en": "go to the end (you are done)",
    },
    "skip.then": {"ja": "、次は", "en": "next "},
    "skip.line": {
        "ja": "Q{trigger}で{person}は{then}{where}",
        "en": "Q{trigger}: {person}, {then}{where}",
    },
    "skip.only_single": {
        "ja": "※ Q{trigger}で{shown}と答えた方のみお答えください",
        "en": "* Only if you answered {shown} in Q{trigger}",
    },
    "skip.only_multi": {
        "ja": "※ Q{trigger}で{shown}のいずれかを選んだ方のみお答えください",
        "en": "* Only if you ticked any of {shown} in Q{trigger}",
    },
    "skip.mark": {"ja": "※ ", "en": "* "},
    "sheet.answers": {"ja": "回答", "en": "Answers"},
    "sheet.options": {"ja": "選択肢", "en": "Options"},
    "sheet.help": {"ja": "記入方法", "en": "How to fill in"},
    "xlsx.id": {"ja": "回答者ID", "en": "respondent_id"},
    "xlsx.not_option.title": {"ja": "選択肢にない回答", "en": "Not an option"},
    "xlsx.not_option": {"ja": "一覧から選んでください", "en": "Please choose from the list"},
    "xlsx.pick_one": {"ja": "一覧から1つ選んでください", "en": "Choose one from the list"},
    "xlsx.likert.title": {"ja": "1〜5 で入力", "en": "Enter 1-5"},
    "xlsx.likert": {"ja": "1〜5 の数字を選んでください", "en": "Choose a number from 1 to 5"},
    "xlsx.number.title": {"ja": "範囲外の数値", "en": "Number out of range"},
    "xlsx.number": {
        "ja": "{low:g}〜{high:g} の{what}を入力してください",
        "en": "Enter a {what} from {low:g} to {high:g}",
    },
    "xlsx.whole": {"ja": "整数", "en": "whole number"},
    "xlsx.decimal": {"ja": "数値", "en": "number"},
    "xlsx.required": {"ja": " 必須", "en": " required"},
    "xlsx.multi_note": {
        "ja": "\n複数選択: 選択肢の文言かコードを「, 」で区切って入力。選択肢: {listed}",
        "en": "\nMultiple choice: enter the option texts or codes separated by “, ”. "
        "Options: {listed}",
    },
    "xlsx.text_note": {"ja": "\n自由記述", "en": "\nFree text"},
    "xlsx.help1": {
        "ja": "1行に1人（1社）の回答を入力します。1行目の見出しは変えないでください"
        "（cntf survey validate がこの見出しで設問を読み取ります）。",
        "en": "Enter one respondent (one company) per row. Do not change the headers in row 1 "
        "(cntf survey validate reads the questions by these headers).",
    },
    "xlsx.help2": {
        "ja": "単一選択と5段階はセルの一覧から選びます。複数選択は選択肢を「, 」で区切って入力します。",
        "en": "For single choice and the five-point scale, choose from the cell's list. For "
        "multiple choice, enter the options separated by “, ”.",
    },
    "xlsx.help.number": {"ja": "番号", "en": "No."},
    "xlsx.help.question": {"ja": "設問", "en": "Question"},
    "xlsx.help.type": {"ja": "型", "en": "Type"},
    "xlsx.help.required": {"ja": "必須", "en": "Required"},
    "xlsx.help.options": {"ja": "選択肢（コード: 文言）", "en": "Options (code: text)"},
    "xlsx.help.skips": {"ja": "分岐", "en": "Skip logic"},
    "gs.continued": {"ja": "（続き）", "en": " (continued)"},
    "gs.demoted": {
        "ja": "Q{n}（{qid}）: Google フォームの分岐では表せないため、全員に表示して任意回答にします"
        "（{text}）",
        "en": "Q{n} ({qid}): Google Forms branching cannot express this, so it is shown to "
        "everyone and optional ({text})",
    },
    "gs.header": {
        "ja": " * {title}: Google フォームを作成する Google Apps Script",
        "en": " * {title}: a Google Apps Script that creates the Google Form",
    },
    "gs.generated": {
        "ja": " * コードブック {name} 版 {version} から cntf-workbench が生成しました。",
        "en": " * Generated by cntf-workbench from the codebook {name} version {version}.",
    },
    "gs.no_edit": {
        "ja": " * 手で編集せず、コードブックを直して `cntf survey form` で作り直してください。",
        "en": " * Do not edit by hand: fix the codebook and rebuild with `cntf survey form`.",
    },
    "gs.usage": {
        "ja": " * 使い方: https://script.google.com で新しいプロジェクトに貼り付け、"
        "createForm を実行。",
        "en": " * Usage: paste into a new project at https://script.google.com and run createForm.",
    },
    "gs.note": {"ja": " * 注意: {note}", "en": " * Note: {note}"},
    "gs.description": {"ja": "{title}。{source}", "en": "{title}. {source}"},
    "gs.branching": {"ja": "  // 分岐（スキップロジック）", "en": "  // branching (skip logic)"},
    "gs.multi_help": {
        "ja": "あてはまるものをすべて選んでください",
        "en": "Choose all that apply",
    },
    "sep.help": {"ja": "　", "en": "  "},
    "gs.required": {"ja": ", 必須", "en": ", required"},
    "gs.number": {"ja": "{what}で入力してください", "en": "Enter a {what}"},
    "gs.between": {
        "ja": "{low:g}〜{high:g} の{what}",
        "en": "{what} from {low:g} to {high:g}",
    },
    "gs.edit_url": {"ja": "編集用URL: ", "en": "Edit URL: "},
    "gs.answer_url": {"ja": "回答用URL: ", "en": "Answer URL: "},
    # --- CLI (cntf survey …)
    "cli.validate.summary": {
        "ja": "検証結果: {n} 件中 有効 {valid} 件、問題 {problems} 件（{file}, 文字コード {encoding}）",
        "en": "Validation: {valid} valid of {n} rows, {problems} problems "
        "({file}, encoding {encoding})",
    },
    "cli.problem.header": {"ja": "ヘッダー", "en": "header"},
    "cli.problem.row": {"ja": "行 {row}", "en": "row {row}"},
    "cli.problem.line": {
        "ja": "{where}, 列「{column}」: {message}",
        "en": "{where}, column “{column}”: [{kind}] {message}",
    },
    "problem.unknown_option": {"ja": "選択肢にない回答", "en": "unknown option"},
    "problem.likert_out_of_range": {"ja": "5段階の範囲外", "en": "outside the 1-5 scale"},
    "problem.not_a_number": {"ja": "数値でない", "en": "not a number"},
    "problem.out_of_range": {"ja": "範囲外の数値", "en": "number out of range"},
    "problem.missing_required": {"ja": "必須の回答がない", "en": "required answer missing"},
    "problem.duplicate": {"ja": "回答者の重複", "en": "duplicate respondent"},
    "problem.missing_column": {"ja": "設問の列がない", "en": "question column missing"},
    "problem.duplicate_column": {
        "ja": "同じ設問の列が2つ以上",
        "en": "question column repeated",
    },
    "problem.unknown_column": {"ja": "コードブックにない列", "en": "column not in the codebook"},
    "cli.form.kind.html": {"ja": "印刷用の調査票", "en": "Printable questionnaire"},
    "cli.form.kind.xlsx": {"ja": "Excel 回答シート", "en": "Excel answer sheet"},
    "cli.form.kind.gs": {"ja": "Google Apps Script", "en": "Google Apps Script"},
    "cli.form.done": {
        "ja": "{title}（{n} 問）のフォームを書き出しました:",
        "en": "Wrote the forms of {title} ({n} questions):",
    },
    "cli.form.note": {
        "ja": "  注意（Google フォーム）: {note}",
        "en": "  Note (Google Forms): {note}",
    },
    "cli.compare.dropped_rows": {
        "ja": "注意: {wave}の回答の {n} 件の問題がある行を除いて比較します"
        "（cntf survey validate で確認できます）",
        "en": "Note: {n} problems in the {wave} answers; those rows are left out of the "
        "comparison (see cntf survey validate)",
    },
    "cli.compare.head": {
        "ja": "{old}（{n_old} 人）→ {new}（{n_new} 人）: 比較した設問 {tested}、"
        "有意な変化 {sig} 件（p < {alpha}、複数選択は Holm 補正）",
        "en": "{old} ({n_old} respondents) → {new} ({n_new} respondents): {tested} questions "
        "compared, {sig} significant changes (p < {alpha}, multiple choice Holm-corrected)",
    },
    "cli.compare.group": {"ja": "群別（{by}）: {n} 件", "en": "By group ({by}): {n}"},
    "cli.compare.off": {"ja": "比較しない設問:", "en": "Questions not compared:"},
    "cli.compare.status": {"ja": "  {q}: {status}（{reason}）", "en": "  {q}: {status} — {reason}"},
    "cli.compare.written": {"ja": "結果を書き出しました: {path}", "en": "Results written: {path}"},
    "cli.categorize.done": {
        "ja": "{n} 件を分類しました（{summary}）→ {path}",
        "en": "Coded {n} answers ({summary}) → {path}",
    },
    "cli.report.dropped_rows": {
        "ja": "注意: {n} 件の問題がある行を除いて集計します（cntf survey validate で確認できます）",
        "en": "Note: {n} problems found; those rows are left out (see cntf survey validate)",
    },
    "cli.report.done": {
        "ja": "回答者 {n} 人の課題レポートを書きました:",
        "en": "Wrote the issue report of {n} respondents:",
    },
    "cli.code.note": {
        "ja": "注意: {note}（docs/khcoder-mapping.md）",
        "en": "Note: {note} (docs/khcoder-mapping.md)",
    },
    "cli.code.renamed": {
        "ja": "注意: 入力の列と同じ名前のコードは「名前（コード）」の列にしました: {names}",
        "en": "Note: codes named like an input column were written as “name（コード）”: {names}",
    },
    "cli.code.done": {
        "ja": "{n} 件を {k} 個のコードでコード化しました → {path}",
        "en": "Coded {n} rows with {k} codes → {path}",
    },
    "cli.code.count": {"ja": "  {name}: {count} 件", "en": "  {name}: {count}"},
    "cli.code.chi2": {"ja": "（χ² = {stat:.3f}{sig}）", "en": " (χ² = {stat:.3f}{sig})"},
    "cli.code.summary": {"ja": "集計: {path}", "en": "Summary: {path}"},
    "cli.lang_help": {
        "ja": "出力の言語: ja（日本語）, en（英語 English）",
        "en": "Output language: ja (Japanese), en (English)",
    },
}


__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "MESSAGES",
    "Lang",
    "LanguageError",
    "both",
    "check_lang",
    "join",
    "pick",
    "pick_all",
    "quote",
    "quoted",
    "t",
]
