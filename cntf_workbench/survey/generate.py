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

A later wave (``generate_wave``) draws fresh respondents the same way, carries their answers over
to the wave's codebook (its ``continues`` information), and applies the stated shifts of a wave
spec YAML (``surveys/wave_shifts_2027.yaml``: e.g. more firms calculating Scope 3), so that a
wave-to-wave comparison can be checked against known changes. The shifts are data, not code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cntf_workbench.resources import data_root
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
    book = codebook if codebook is not None else load_codebook()
    stamps, answers, pains = _draw(n, seed, START)
    return _export(book, stamps, answers, pains)


def _draw(n: int, seed: int, start: pd.Timestamp) -> tuple[list[str], list[dict], list[list[str]]]:
    """Timestamps, answers (codes of the shipped codebook) and pain codes of ``n`` respondents."""
    if n < 1:
        raise SurveyError(f"回答数 n は1以上が必要です（{n} が指定されました）")
    rng = np.random.default_rng(seed)
    offsets = np.sort(rng.uniform(0, FIELD_DAYS * 86400, size=n))
    stamps = [
        (start + pd.Timedelta(seconds=float(s))).strftime("%Y/%m/%d %H:%M:%S") for s in offsets
    ]
    answers, pains = [], []
    for _ in range(n):
        a, p = _respondent(rng)
        answers.append(a)
        pains.append(p)
    return stamps, answers, pains


def _export(
    book: Codebook, stamps: list[str], answers: list[dict], pains: list[list[str]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, truth = [], []
    for i, a in enumerate(answers):
        row = {"タイムスタンプ": stamps[i]}
        for q in book.questions:
            row[q.text] = _cell(q, a.get(q.id))
        rows.append(row)
        truth.append({"row": i + 1, "pain_codes": tuple(pains[i])})
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


# --- a later wave with stated shifts --------------------------------------------------------------


class WaveShift(BaseModel):
    """One stated change of a later wave (an assumption of the synthetic data, not a finding).

    Exactly one kind, told apart by its keys:

    - ``question`` + ``option`` + ``add`` / ``remove`` (multi): each respondent who did not tick
      ``option`` ticks it with probability ``add`` [-]; each who ticked it unticks it with
      probability ``remove`` [-];
    - ``question`` + ``from`` + ``to`` + ``share`` (single): each respondent whose answer is in
      ``from`` answers ``to`` instead with probability ``share`` [-];
    - ``question`` + ``step`` + ``share`` (likert5): each answer moves ``step`` points (clipped
      to 1–5) with probability ``share`` [-];
    - ``pain`` + ``add`` / ``remove``: with probability ``add`` [-] a respondent who does not
      raise the pain point (taxonomy code) writes about it instead (the free-text answer is
      rewritten from the phrase bank with this pain point only, so that a one-label coder sees
      it); with probability ``remove`` [-] a respondent who raises it drops it (an answer
      left with no pain point becomes blank).

    ``where`` limits the shift to a group: question id → option codes (e.g. ``chain_position:
    [tier2]``). Codes are those of the wave's codebook.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    question: str | None = None
    pain: str | None = None
    option: str | None = None
    add: float | None = Field(default=None, ge=0, le=1)
    remove: float | None = Field(default=None, ge=0, le=1)
    from_: list[str] | None = Field(default=None, alias="from")
    to: str | None = None
    step: int | None = Field(default=None, ge=-4, le=4)
    share: float | None = Field(default=None, ge=0, le=1)
    where: dict[str, list[str]] = Field(default_factory=dict)
    note: str = ""

    @property
    def kind(self) -> str:
        """``"tick"``, ``"move"``, ``"likert"`` or ``"pain"``."""
        if self.pain is not None:
            return "pain"
        if self.option is not None:
            return "tick"
        if self.to is not None:
            return "move"
        return "likert"

    @model_validator(mode="after")
    def _check(self) -> WaveShift:
        if (self.question is None) == (self.pain is None):
            raise ValueError("a shift needs exactly one of question or pain")
        kind = self.kind
        if kind in ("tick", "pain") and self.add is None and self.remove is None:
            raise ValueError(f"a {kind} shift needs add or remove")
        if kind == "move" and (not self.from_ or self.share is None):
            raise ValueError("a move shift needs from, to and share")
        if kind == "likert" and (self.step is None or self.share is None):
            raise ValueError("a likert shift needs step and share (or option / to / pain)")
        return self


class WaveSpec(BaseModel):
    """A later wave of the synthetic survey: its codebook, start date and stated shifts.

    Attributes
    ----------
    name, title, description : str
    codebook : str, optional
        The wave's codebook, relative to the spec file (default: the shipped questionnaire).
    start : str
        First timestamp of the wave [local time, Asia/Tokyo].
    new_questions : dict
        Question id → option code → probability [-], for questions the generator does not know
        (new in the wave's codebook): single and likert5 draw one code by these weights, multi
        ticks each code with its probability. A new question not listed is left blank.
    shifts : list of WaveShift
    path : str, optional
        The YAML file it was read from.
    """

    model_config = ConfigDict(extra="forbid")

    name: str
    title: str = ""
    description: str = ""
    assumed: bool = True
    codebook: str | None = None
    start: str = "2027-10-01 09:00:00"
    new_questions: dict[str, dict[str, float]] = Field(default_factory=dict)
    shifts: list[WaveShift] = Field(default_factory=list)
    path: str | None = None

    def codebook_path(self) -> Path | None:
        """The wave's codebook file (resolved against the spec's folder), or None."""
        if not self.codebook:
            return None
        base = Path(self.path).parent if self.path else data_root("surveys")
        return base / self.codebook


def load_wave_spec(path: str | Path) -> WaveSpec:
    """Read a wave spec YAML (e.g. ``surveys/wave_shifts_2027.yaml``).

    Raises
    ------
    SurveyError
        Missing file, not YAML, or an invalid spec (the message says where).
    """
    file = Path(path)
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SurveyError("変化の指定ファイルが見つかりません", file=file) from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SurveyError(f"変化の指定を YAML として読めません: {exc}", file=file) from None
    if not isinstance(raw, dict):
        raise SurveyError("変化の指定の形式が違います（YAML の辞書が必要です）", file=file)
    try:
        return WaveSpec.model_validate({**raw, "path": str(file)})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise SurveyError(
            f"変化の指定が不正です: {where}: {first['msg']}（全{exc.error_count()}件）", file=file
        ) from None


def _check_spec(spec: WaveSpec, book: Codebook, pain_codes: set[str]) -> None:
    def bad(message: str) -> SurveyError:
        return SurveyError(message, file=spec.path)

    def question(qid: str, types: tuple[str, ...]) -> Question:
        try:
            q = book[qid]
        except KeyError:
            raise bad(f"設問 {qid} はコードブックにありません") from None
        if q.type not in types:
            raise bad(f"設問 {qid} は {q.type} 型です（この変化には {'/'.join(types)} が必要）")
        return q

    def codes(q: Question, wanted: list[str]) -> None:
        unknown = sorted(set(wanted) - {o.code for o in q.options})
        if unknown:
            raise bad(f"設問 {q.id} に選択肢コード {unknown} はありません")

    for k, shift in enumerate(spec.shifts, start=1):
        for qid, wanted in shift.where.items():
            codes(question(qid, ("single", "multi", "likert5")), wanted)
        if shift.kind == "pain":
            if shift.pain not in pain_codes:
                raise bad(f"変化{k}: 困りごとのコード {shift.pain} は文例にありません")
        elif shift.kind == "tick":
            codes(question(str(shift.question), ("multi",)), [str(shift.option)])
        elif shift.kind == "move":
            codes(question(str(shift.question), ("single",)), [*shift.from_, str(shift.to)])
        else:
            question(str(shift.question), ("likert5",))
    for qid, probs in spec.new_questions.items():
        codes(question(qid, ("single", "multi", "likert5")), list(probs))
        if any(p < 0 for p in probs.values()) or not sum(probs.values()) > 0:
            raise bad(f"new_questions.{qid}: 確率は0以上で、合計が正である必要があります")


def _convert(value: object, q: Question, base: Question, rng: np.random.Generator) -> object:
    """An answer to ``base`` (the shipped codebook) as an answer to its successor ``q``."""
    if value is None or value == "" or q.type in ("likert5", "number", "text"):
        return value
    own = {o.code for o in q.options}
    cont = q.continues

    def successor(code: str) -> str | None:
        targets = cont.targets(code) if cont is not None else []
        if not targets:
            return code if code in own else None
        return str(targets[int(rng.integers(len(targets)))])  # a split: one part at random

    olds = list(value) if isinstance(value, list | tuple) else [str(value)]
    news = [c for c in (successor(str(o)) for o in olds) if c is not None]
    if q.type == "single":
        return news[0] if news else None
    return sorted(set(news), key=[o.code for o in q.options].index)


def _draw_new(q: Question, probs: dict[str, float], rng: np.random.Generator) -> object:
    if q.type == "multi":
        ticked = [c for c, p in probs.items() if rng.random() < p]
        return ticked or [max(probs, key=probs.__getitem__)]
    codes = list(probs)
    w = np.array([probs[c] for c in codes], dtype=float)
    code = codes[int(rng.choice(len(codes), p=w / w.sum()))]
    return int(code) if q.type == "likert5" else code


def _in_group(answer: dict, where: dict[str, list[str]]) -> bool:
    for qid, wanted in where.items():
        v = answer.get(qid)
        values = {str(x) for x in v} if isinstance(v, list | tuple) else {str(v)}
        if not values & set(wanted):
            return False
    return True


def _shown(q: Question, answer: dict) -> bool:
    if q.show_if is None:
        return True
    v = answer.get(q.show_if.question)
    values = {str(x) for x in v} if isinstance(v, list | tuple) else {str(v)}
    return bool(values & set(q.show_if.any_of))


def _blank_answer(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def _apply(
    shift: WaveShift,
    book: Codebook,
    answers: list[dict],
    pains: list[list[str]],
    rng: np.random.Generator,
) -> None:
    for i, a in enumerate(answers):
        if not _in_group(a, shift.where):
            continue
        if shift.kind == "pain":
            has = shift.pain in pains[i]
            p = shift.remove if has else shift.add
            if p and rng.random() < p:
                pains[i] = [c for c in pains[i] if c != shift.pain] if has else [str(shift.pain)]
            continue
        q = book[str(shift.question)]
        v = a.get(q.id)
        if _blank_answer(v):
            continue
        if shift.kind == "tick":
            ticked = list(v)
            has = shift.option in ticked
            p = shift.remove if has else shift.add
            if not p or rng.random() >= p:
                continue
            if has:
                ticked = [c for c in ticked if c != shift.option]
                if not ticked and "none" in {o.code for o in q.options}:
                    ticked = ["none"]
            else:
                ticked = [c for c in ticked if c != "none"] + [str(shift.option)]
            if ticked:  # never leave a required multi answer blank
                order = [o.code for o in q.options]
                a[q.id] = sorted(set(ticked), key=order.index)
        elif shift.kind == "move":
            if str(v) in shift.from_ and rng.random() < float(shift.share):
                a[q.id] = str(shift.to)
        elif rng.random() < float(shift.share):
            a[q.id] = int(np.clip(int(v) + int(shift.step), 1, 5))


def _repair_skips(book: Codebook, before: list[dict], answers: list[dict], rng) -> None:
    """Skip logic after the shifts: blank what is no longer asked; fill what is newly asked.

    A question that a shift made visible is filled from a random donor of the same wave who was
    asked it (hot-deck imputation), so its answers stay plausible.
    """
    for q in book.questions:
        if q.show_if is None:
            continue
        donors = [
            a[q.id]
            for a, b in zip(answers, before, strict=True)
            if _shown(q, b) and not _blank_answer(b.get(q.id))
        ]
        for a, b in zip(answers, before, strict=True):
            shown_now, shown_then = _shown(q, a), _shown(q, b)
            if not shown_now:
                a.pop(q.id, None)
            elif not shown_then and _blank_answer(a.get(q.id)) and donors:
                a[q.id] = donors[int(rng.integers(len(donors)))]


def generate_wave(
    spec: WaveSpec | str | Path,
    n: int = 120,
    seed: int = 2,
    codebook: Codebook | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw a later wave: fresh synthetic respondents, then the stated shifts of ``spec``.

    The respondents are drawn as by ``generate_answers(n, seed)`` (a new, independent sample,
    as in a repeated cross-section survey), their answers carried over to the wave's codebook
    through its ``continues`` information (a split option goes to one of its parts at random;
    new questions are drawn from ``spec.new_questions``), then every shift is applied in order,
    and the skip logic is repaired (see ``_repair_skips``).

    Parameters
    ----------
    spec : WaveSpec or path
        The wave (``surveys/wave_shifts_2027.yaml``).
    n : int
        Respondents [-].
    seed : int
        Seed; the same seed and spec give the same file.
    codebook : Codebook, optional
        The wave's codebook; default ``spec.codebook``, else the shipped questionnaire.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The export (as ``generate_answers``) and the truth: ``row``, ``pain_codes``.

    Raises
    ------
    SurveyError
        The spec names a question, option or pain point that does not exist.
    """
    wave = spec if isinstance(spec, WaveSpec) else load_wave_spec(spec)
    if codebook is not None:
        book = codebook
    else:
        book_path = wave.codebook_path()
        book = load_codebook(book_path) if book_path is not None else load_codebook()
    base = load_codebook()
    _check_spec(wave, book, set(PAIN_PHRASES))
    try:
        start = pd.Timestamp(wave.start)
    except ValueError:
        raise SurveyError(f"start「{wave.start}」は日時ではありません", file=wave.path) from None
    stamps, drawn, pains = _draw(n, seed, start)
    rng = np.random.default_rng([seed, 8])
    base_ids = set(base.ids)
    answers = []
    for a in drawn:
        out: dict = {}
        for q in book.questions:
            prev = q.previous_id
            if prev is not None and prev in base_ids:
                out[q.id] = _convert(a.get(prev), q, base[prev], rng)
            elif q.id in wave.new_questions:
                out[q.id] = _draw_new(q, wave.new_questions[q.id], rng)
        answers.append(out)
    before = [dict(a) for a in answers]
    old_pains = [list(p) for p in pains]
    for shift in wave.shifts:
        _apply(shift, book, answers, pains, rng)
    _repair_skips(book, before, answers, rng)
    if "pain_text" in book.ids:
        for i, a in enumerate(answers):
            if pains[i] != old_pains[i]:
                a["pain_text"] = "".join(pain_sentence(rng, c) for c in pains[i])
    return _export(book, stamps, answers, pains)


__all__ = [
    "EXPECT_PHRASES",
    "PAIN_ENDINGS",
    "PAIN_OPENERS",
    "PAIN_PHRASES",
    "PLANTED_PROBLEMS",
    "WaveShift",
    "WaveSpec",
    "generate_answers",
    "generate_export",
    "generate_wave",
    "inject_problems",
    "load_wave_spec",
    "pain_sentence",
    "write_export",
]
