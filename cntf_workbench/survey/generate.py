"""Synthetic questionnaire exports, shaped like a Google Forms CSV download.

Everything here is **synthetic** (made up for teaching and tests, no real respondent): a
``タイムスタンプ`` column, then one column per question headed by its text, single answers as the
option label, multi-select answers as the ticked labels in form order joined with ``", "``
(Google Forms' separator), Likert answers as the digits 1–5, free text in Japanese.

The answers are drawn with plausible, documented correlations (all of them assumptions of this
generator, not findings):

- size and position in the chain ↔ calculation maturity: large final makers and Tier 1 firms
  calculate down to products; small Tier 3 firms often not at all;
- a Tier 2 supplier serving several customer groups (系列) ↔ the burden of different formats
  (``format_burden``) and the need for standardisation (``std_need``) and for inter-firm linkage;
- maturity ↔ sharing, initiatives (SBT, CDP, RE100), tools and a dedicated department.

Free text is recombined from the phrase bank ``PAIN_PHRASES`` / ``EXPECT_PHRASES`` below. The
hand-labelled training set of the free-text classifier must not be written from these phrases
(otherwise its evaluation would measure the templates, not the classifier).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cntf_workbench.survey.codebook import Codebook, Question, SurveyError, load_codebook

#: Where the synthetic answers start [local time, Asia/Tokyo].
START = pd.Timestamp("2026-10-01 09:00:00")
#: How long the survey runs [days].
FIELD_DAYS = 30

# --- the phrase bank (free text); C2's labelled set avoids these -------------------------------

#: Pain-point phrases by taxonomy code (seminar-data.md §6): (subject, complaint) fragments.
PAIN_PHRASES: dict[str, list[tuple[str, str]]] = {
    "P1": [
        ("取引先から受け取る製品別の排出量", "どこまで信用してよいのか判断できない"),
        ("仕入先が出してくるCO2の数字", "根拠が示されておらず本当に正しいのか分からない"),
        ("自社で算出した製品のCO2", "顧客に説明できるだけの裏付けがない"),
    ],
    "P2": [
        ("共用している設備のCO2", "どの製品にどう割り振ればよいのか決められない"),
        ("多品種少量の生産ライン", "製品ごとの配賦の考え方が社内でまとまらない"),
        ("工場全体の電力使用量", "製品単位に按分する方法に自信がない"),
    ],
    "P3": [
        ("実測した一次データ", "ほとんど使えておらず二次データ頼みになっている"),
        ("設備の電力を計測したデータ", "算定に取り込む仕組みがなく活用できていない"),
        ("一次データの収集", "手間ばかりかかって評価につながらない"),
    ],
    "P4": [
        ("拠点ごとの管理項目", "定義がばらばらで毎回集計し直している"),
        ("排出量の集計作業", "Excelの手作業が多く担当者の負担が大きい"),
        ("部署ごとのデータ", "集め方が統一されておらずPDCAが回らない"),
    ],
    "P5": [
        ("見える化はできたが", "その後どこから手を付けて削減すればよいか分からない"),
        ("排出量のグラフ", "作っただけで具体的な改善策に結びついていない"),
        ("算定結果", "現場の改善活動とつながっていない"),
    ],
    "P6": [
        ("設備単位の実データ", "拠点間でどう比較し扱えばよいか決まっていない"),
        ("省エネ設備を入れた効果", "一次データに反映されず努力が数字に出ない"),
        ("拠点別の一次データ", "取り扱いのルールがなく公平に評価されない"),
    ],
    "P7": [
        ("顧客ごとに違う提出フォーマット", "毎回作り直す必要があり負担が大きい"),
        ("系列ごとに算定ルールが異なり", "同じ部品でも何通りも計算している"),
        ("CO2の算出方法", "業界で統一されたルールがなく決めきれない"),
    ],
    "P8": [
        ("2次・3次の仕入先のデータ", "ほとんど集まらず推計に頼っている"),
        ("Tier2から先の排出量", "誰がどう集めて渡すのかが決まっていない"),
        ("仕入先にデータを依頼しても", "機密の懸念から出してもらえない"),
    ],
    "other": [
        ("社内の人手", "足りず取り組みが後回しになっている"),
        ("経営層の理解", "得られず予算がつかない"),
    ],
}

#: Connectives and endings for recombining phrases.
PAIN_OPENERS = ["", "現状、", "正直なところ、", "当社では", "特に", "以前から"]
PAIN_ENDINGS = ["。", "のが悩みです。", "点に困っています。", "状況です。", "ことが課題です。"]

#: Expectation phrases by theme.
EXPECT_PHRASES: dict[str, list[str]] = {
    "linkage": [
        "各社の権利を守ったまま企業間でデータを連携できる仕組みに期待します",
        "CIOFのような仕組みで仕入先とのやり取りが楽になることを期待しています",
        "機密を守りつつ必要なデータだけ渡せる連携基盤がほしいです",
    ],
    "standard": [
        "業界共通の算定ルールと提出様式を作ってほしいです",
        "系列をまたいで使える標準フォーマットの整備を期待します",
    ],
    "tool": [
        "中小企業でも使える簡単な算定ツールを提供してほしい",
        "BOMや生産指示書から自動で計算できると助かります",
    ],
    "learning": [
        "他社の事例を共有する場を続けてほしいです",
        "算定の勉強会やセミナーを継続して開催してほしい",
    ],
    "trust": [
        "算出根拠を一緒に示せる仕組みで顧客の信頼を得たい",
        "第三者の保証を簡単に受けられるようになると良い",
    ],
}


@dataclass(frozen=True)
class _Profile:
    chain: str
    employees: str
    industry: str
    n_groups: int
    maturity: float


_CHAIN_P = {
    "final_maker": 0.08,
    "tier1": 0.25,
    "tier2": 0.30,
    "tier3": 0.19,
    "logistics": 0.09,
    "other": 0.09,
}
_SIZE_P = {  # employees band probabilities by chain position (assumed)
    "final_maker": [0.0, 0.05, 0.25, 0.70],
    "tier1": [0.03, 0.22, 0.40, 0.35],
    "tier2": [0.15, 0.50, 0.28, 0.07],
    "tier3": [0.50, 0.40, 0.09, 0.01],
    "logistics": [0.20, 0.40, 0.25, 0.15],
    "other": [0.25, 0.35, 0.25, 0.15],
}
_SIZES = ["le50", "51_300", "301_1000", "gt1000"]
_TIER_SCORE = {
    "final_maker": 2.0,
    "tier1": 1.4,
    "tier2": 0.7,
    "tier3": 0.0,
    "logistics": 0.6,
    "other": 0.8,
}
_PARTS_INDUSTRIES = (
    ["auto_parts", "electric", "machinery", "metal", "resin"],
    [0.4, 0.2, 0.1, 0.2, 0.1],
)


def _profile(rng: np.random.Generator) -> _Profile:
    chain = str(rng.choice(list(_CHAIN_P), p=list(_CHAIN_P.values())))
    size_i = int(rng.choice(4, p=_SIZE_P[chain]))
    if chain == "logistics":
        industry = "logistics"
    elif chain == "other":
        industry = str(rng.choice(["it", "other", "machinery"], p=[0.5, 0.3, 0.2]))
    else:
        industry = str(rng.choice(_PARTS_INDUSTRIES[0], p=_PARTS_INDUSTRIES[1]))
    if chain == "final_maker":
        groups = int(rng.integers(0, 2))
    elif chain == "tier1":
        groups = 1 + int(rng.poisson(0.8))
    elif chain == "tier2":
        groups = 1 + int(rng.poisson(1.6))
    elif chain == "tier3":
        groups = 1 + int(rng.poisson(1.0))
    else:
        groups = 1 + int(rng.poisson(2.5))
    maturity = size_i * 0.9 + _TIER_SCORE[chain] + float(rng.normal(0, 0.7))
    return _Profile(chain, _SIZES[size_i], industry, min(groups, 20), maturity)


def _likert(rng: np.random.Generator, mean: float) -> int:
    return int(np.clip(np.rint(rng.normal(mean, 0.85)), 1, 5))


def _pick(rng: np.random.Generator, probs: dict[str, float]) -> list[str]:
    return [code for code, p in probs.items() if rng.random() < p]


def _pain_codes(rng: np.random.Generator, p: _Profile, answers: dict) -> list[str]:
    weights = {
        "P1": 1.0 + (p.maturity > 2.5) * 1.5,
        "P2": 0.8 + (answers["calc_status"] == "product") * 1.2,
        "P3": 0.8 + (p.maturity > 2.0) * 0.8,
        "P4": 1.0 + (p.employees in ("le50", "51_300")) * 1.0,
        "P5": 0.6 + (answers["calc_status"] in ("product", "company")) * 0.8,
        "P6": 0.5 + (p.employees in ("301_1000", "gt1000")) * 0.6,
        "P7": 0.8 + (p.chain == "tier2" and p.n_groups >= 2) * 3.0 + (p.n_groups >= 3) * 0.8,
        "P8": 0.6 + (p.chain in ("tier1", "final_maker")) * 1.6,
        "other": 0.3 + (answers["calc_status"] == "none") * 0.8,
    }
    codes = list(weights)
    w = np.array(list(weights.values()))
    k = 1 if rng.random() < 0.75 else 2
    return [str(c) for c in rng.choice(codes, size=k, replace=False, p=w / w.sum())]


def pain_sentence(rng: np.random.Generator, code: str) -> str:
    """One synthetic pain-point sentence for taxonomy code ``code``, from the phrase bank."""
    subject, complaint = PAIN_PHRASES[code][int(rng.integers(len(PAIN_PHRASES[code])))]
    opener = PAIN_OPENERS[int(rng.integers(len(PAIN_OPENERS)))]
    ending = PAIN_ENDINGS[int(rng.integers(len(PAIN_ENDINGS)))]
    joint = "は" if not subject.endswith(("が", "は", "り")) else ""
    body = f"{opener}{subject}{joint}{complaint}"
    return body + ("。" if ending != "。" and rng.random() < 0.3 else ending).replace("。。", "。")


def _respondent(rng: np.random.Generator) -> tuple[dict, list[str]]:
    p = _profile(rng)
    a: dict = {
        "employees": p.employees,
        "industry": p.industry,
        "chain_position": p.chain,
        "n_groups": p.n_groups,
    }
    m = p.maturity
    status = "product" if m > 3.4 else "company" if m > 2.2 else "planning" if m > 1.0 else "none"
    a["calc_status"] = status
    calc = status in ("product", "company")
    if calc:
        gran = {"company": 0.9, "site": 0.6, "line": 0.25 + 0.1 * m, "process": 0.15 + 0.08 * m}
        gran["product"] = 0.95 if status == "product" else 0.05
        a["calc_granularity"] = _pick(rng, gran) or ["company"]
        a["calc_method"] = str(
            rng.choice(
                ["spreadsheet", "tool", "solution", "outsource", "other"],
                p=[0.25, 0.35, 0.3, 0.07, 0.03]
                if status == "product"
                else [0.55, 0.25, 0.08, 0.1, 0.02],
            )
        )
    if status != "none":
        motive = {
            "customer": 0.5 + 0.35 * (p.chain in ("tier1", "tier2", "tier3")),
            "regulation": 0.3,
            "target": 0.2 + 0.15 * m,
            "finance": 0.05 + 0.1 * (p.employees == "gt1000") + 0.05 * m,
            "cost": 0.4,
            "brand": 0.15,
        }
        a["calc_motive"] = _pick(rng, motive) or ["customer"]
    share_p = np.clip([0.1 + 0.15 * m, 0.25 + 0.1 * m, 1.0], 0, None)
    share = rng.choice(["regular", "on_request", "none"], p=share_p / share_p.sum())
    a["share_status"] = str(share)
    if share != "none":
        a["share_granularity"] = _pick(
            rng,
            {
                "company": 0.7,
                "site": 0.3,
                "product": 0.2 + 0.15 * (status == "product") * 3,
                "intensity": 0.25,
            },
        ) or ["company"]
    multi_group_tier2 = p.chain == "tier2" and p.n_groups >= 2
    burden = 2.4 + 1.4 * multi_group_tier2 + 0.25 * min(p.n_groups - 1, 4) + 0.3 * (share != "none")
    a["format_burden"] = _likert(rng, burden)
    a["tier_sharing"] = str(
        rng.choice(
            ["via_tier2", "direct", "none", "unknown"],
            p=[0.35, 0.1, 0.3, 0.25]
            if p.chain in ("tier1", "tier2", "tier3")
            else [0.2, 0.1, 0.3, 0.4],
        )
    )
    issues = _pick(
        rng,
        {
            "confidentiality": 0.45,
            "format": 0.3 + 0.3 * multi_group_tier2,
            "effort": 0.45 + 0.15 * (p.employees in ("le50", "51_300")),
            "trust": 0.3,
            "mechanism": 0.35,
            "other": 0.03,
        },
    )
    a["tier_sharing_issues"] = issues
    a["std_need"] = _likert(rng, 0.5 * burden + 1.9)
    a["need_linkage"] = _likert(
        rng, 3.4 + 0.5 * (p.chain in ("tier1", "tier2")) + 0.3 * multi_group_tier2
    )
    a["need_visualization"] = _likert(rng, 3.5 + 0.2 * (status in ("planning", "none")))
    a["need_reliability"] = _likert(rng, 3.3 + 0.25 * m)
    a["need_certification"] = _likert(rng, 2.8 + 0.2 * m) if rng.random() > 0.06 else None
    init = _pick(
        rng,
        {
            "sbt": 0.05 + 0.12 * max(m - 1.5, 0),
            "re100": 0.02 + 0.05 * max(m - 2, 0),
            "cdp": 0.04 + 0.1 * max(m - 1.5, 0),
            "gx": 0.03 + 0.05 * max(m - 2, 0),
        },
    )
    a["initiatives"] = init or ["none"]
    if status == "none":
        a["scope_range"] = ["none"]
    else:
        scope = _pick(rng, {"s12": 0.95, "s3_c1": 0.1 + 0.15 * m, "s3_other": 0.05 + 0.1 * m})
        a["scope_range"] = scope or ["s12"]
    a["viz_tool"] = str(
        rng.choice(
            ["bi", "solution", "sensor", "none"],
            p=[0.3, 0.25, 0.15, 0.3] if calc else [0.1, 0.15, 0.05, 0.7],
        )
    )
    saving = _pick(
        rng,
        {
            "monitor": 0.35 + 0.12 * m,
            "loss": 0.1 + 0.1 * m,
            "kaizen": 0.55,
            "dept": 0.03 + 0.08 * m,
            "awareness": 0.4,
        },
    )
    a["saving_measures"] = saving or ["none"]
    ren = _pick(
        rng,
        {
            "solar": 0.15 + 0.1 * m,
            "wind": 0.02,
            "hydro": 0.01,
            "geothermal": 0.005,
            "biomass": 0.02,
            "purchase": 0.05 + 0.08 * m,
        },
    )
    a["renewables"] = ren or ["none"]
    if ren:
        a["renewables_roi"] = _likert(rng, 3.6 - 0.2 * m) if rng.random() > 0.1 else None
    dept_p = np.clip([0.02 + 0.12 * m, 0.35, 0.9 - 0.15 * m], 0.02, None)
    a["cn_department"] = str(rng.choice(["dept", "person", "none"], p=dept_p / dept_p.sum()))
    pains = _pain_codes(rng, p, a) if rng.random() > 0.12 else []
    a["pain_text"] = "".join(pain_sentence(rng, c) for c in pains)
    if rng.random() < 0.65:
        themes = ["linkage", "standard", "tool", "learning", "trust"]
        w = np.array(
            [
                1.0 + 1.0 * multi_group_tier2 + 0.5 * (a["need_linkage"] >= 4),
                0.8 + 1.2 * multi_group_tier2,
                0.6 + 1.0 * (p.employees in ("le50", "51_300")),
                0.6,
                0.4 + 0.3 * (m > 2.5),
            ]
        )
        theme = str(rng.choice(themes, p=w / w.sum()))
        options = EXPECT_PHRASES[theme]
        a["expect_text"] = options[int(rng.integers(len(options)))] + (
            "。" if rng.random() < 0.8 else ""
        )
    else:
        a["expect_text"] = ""
    return a, pains


def _cell(q: Question, value: object) -> str:
    if value is None or value == "" or (isinstance(value, list) and not value):
        return ""
    labels = q.label_of()
    if q.type == "single":
        return labels[str(value)]
    if q.type == "multi":
        ticked = set(value)  # type: ignore[arg-type]
        return ", ".join(o.label for o in q.options if o.code in ticked)
    if q.type == "number":
        return str(int(value)) if float(value).is_integer() else str(value)  # type: ignore[arg-type]
    return str(value)


def generate_answers(
    n: int = 120, seed: int = 1, codebook: Codebook | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw ``n`` synthetic respondents.

    Parameters
    ----------
    n : int
        Number of respondents [-].
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same file.
    codebook : Codebook, optional
        The shipped questionnaire when omitted (question ids must include the shipped ones).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The export (``タイムスタンプ`` then one column per question text, all strings) and the
        generator's truth: ``row`` (1-based), ``pain_codes`` (tuple of taxonomy codes the
        ``pain_text`` was built from).
    """
    if n < 1:
        raise SurveyError(f"回答数 n は1以上が必要です（{n} が指定されました）")
    book = codebook if codebook is not None else load_codebook()
    rng = np.random.default_rng(seed)
    offsets = np.sort(rng.uniform(0, FIELD_DAYS * 86400, size=n))
    stamps = [
        (START + pd.Timedelta(seconds=float(s))).strftime("%Y/%m/%d %H:%M:%S") for s in offsets
    ]
    rows, truth = [], []
    for i in range(n):
        answers, pains = _respondent(rng)
        row = {"タイムスタンプ": stamps[i]}
        for q in book.questions:
            row[q.text] = _cell(q, answers.get(q.id))
        rows.append(row)
        truth.append({"row": i + 1, "pain_codes": tuple(pains)})
    return pd.DataFrame(rows, dtype=str), pd.DataFrame(truth)


def generate_export(n: int = 120, seed: int = 1, codebook: Codebook | None = None) -> pd.DataFrame:
    """A synthetic Google Forms–style export (see ``generate_answers``) [strings]."""
    return generate_answers(n, seed, codebook)[0]


#: The problems ``inject_problems`` plants: (data row, question id, kind, new cell text).
PLANTED_PROBLEMS: list[tuple[int, str, str, str]] = [
    (3, "employees", "unknown_option", "100人くらい"),
    (5, "need_linkage", "likert_out_of_range", "6"),
    (7, "calc_status", "missing_required", ""),
    (9, "n_groups", "not_a_number", "3社くらい"),
    (12, "initiatives", "unknown_option", "SBT（Science Based Targets）, ISO 14001"),
]


def inject_problems(
    frame: pd.DataFrame, codebook: Codebook | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A copy of an export with the typical problems of a real one planted at known places.

    The problems are those of ``PLANTED_PROBLEMS`` (an answer that is no option, a Likert 6, a
    blank required answer, "3社くらい" for a number, an unknown ticked option) plus a duplicate
    respondent (data row 2 submitted again as the last row). For teaching validation.

    Parameters
    ----------
    frame : pandas.DataFrame
        An export from ``generate_export`` with at least 12 rows.
    codebook : Codebook, optional

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The messy export, and the expected problems: ``row``, ``question_id``, ``kind``.
    """
    book = codebook if codebook is not None else load_codebook()
    if len(frame) < 12:
        raise SurveyError(f"問題を埋め込むには12行以上が必要です（{len(frame)} 行）")
    messy = frame.copy()
    expected = []
    for row, qid, kind, text in PLANTED_PROBLEMS:
        messy.loc[messy.index[row - 1], book[qid].text] = text
        expected.append({"row": row, "question_id": qid, "kind": kind})
    duplicate = messy.iloc[[1]].copy()
    duplicate["タイムスタンプ"] = messy["タイムスタンプ"].iloc[-1]
    messy = pd.concat([messy, duplicate], ignore_index=True)
    expected.append({"row": len(messy), "question_id": "", "kind": "duplicate"})
    return messy, pd.DataFrame(expected)


def write_export(frame: pd.DataFrame, path: str | Path, encoding: str = "utf-8") -> Path:
    """Write an export as CSV (Google Forms' download is UTF-8 without BOM, LF line ends).

    Parameters
    ----------
    frame : pandas.DataFrame
        From ``generate_export``.
    path : str or Path
        Target file (``.xlsx`` writes a workbook instead, sheet ``フォームの回答 1``).
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"`` (with BOM, as Excel likes) or ``"cp932"``.

    Returns
    -------
    Path
    """
    target = Path(path)
    if target.suffix.lower() == ".xlsx":
        frame.to_excel(target, index=False, sheet_name="フォームの回答 1", engine="openpyxl")
        return target
    frame.to_csv(target, index=False, encoding=encoding, lineterminator="\n")
    return target


__all__ = [
    "EXPECT_PHRASES",
    "PAIN_ENDINGS",
    "PAIN_OPENERS",
    "PAIN_PHRASES",
    "PLANTED_PROBLEMS",
    "generate_answers",
    "generate_export",
    "inject_problems",
    "pain_sentence",
    "write_export",
]
