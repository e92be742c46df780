"""Survey pipeline at scale: 10,000 responses, two free-text answers each.

Steps timed (target: under 60 s in all on the 2-core machine):

1. validate — ``load_responses`` (decode, match headers, parse every cell, report problems);
2. categorise — rules + classifier on both free-text questions (``categorize``);
3. report — ``build_report`` tables, then HTML + XLSX + PPTX + CSV (``write_report``).

Baselines in the same run, for ratios: ``pandas.read_csv`` of the same file (no validation), and
coding by plain substring search of the taxonomy's rule words (no tokeniser, no model).

Run: ``.venv/bin/python benchmarks/bench_survey.py [--n 10000]``
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cntf_workbench.survey import generate
from cntf_workbench.survey import report as rp
from cntf_workbench.survey import taxonomy as tx
from cntf_workbench.survey import text as jtext
from cntf_workbench.survey.codebook import load_codebook
from cntf_workbench.survey.generate import generate_export, write_export
from cntf_workbench.survey.io import load_responses

TARGET_S = 60.0


def _substring_baseline(texts: list[str], rules: tx.RuleSet) -> list[str]:
    """Code by the first rule one of whose plain words occurs as a substring."""
    words = {
        r.code: [
            w for w in re.findall(r"[^\s()'&|<>=!+]+", r.source) if w not in ("and", "or", "not")
        ]
        for r in rules
        if r.code
    }
    out = []
    for t in texts:
        out.append(next((c for c, ws in words.items() if any(w in t for w in ws)), "other"))
    return out


def _fill_free_text(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Give every respondent both free-text answers, each one unique (no cache hits)."""
    book = load_codebook()
    pain, expect = book["pain_text"].text, book["expect_text"].text
    rng = np.random.default_rng(seed)
    codes = list(generate.PAIN_PHRASES)
    themes = list(generate.EXPECT_PHRASES)
    out = frame.copy()
    for i in range(len(out)):
        if not out.at[i, pain].strip():
            out.at[i, pain] = generate.pain_sentence(rng, codes[int(rng.integers(len(codes)))])
        if not out.at[i, expect].strip():
            bank = generate.EXPECT_PHRASES[themes[int(rng.integers(len(themes)))]]
            out.at[i, expect] = bank[int(rng.integers(len(bank)))]
        out.at[i, pain] += f"（対象は約{i + 1}品目）"
        out.at[i, expect] += f"（回答{i + 1}）"
    return out


def main(n: int = 10_000, seed: int = 3) -> dict[str, float]:
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "responses.csv"
        t0 = time.perf_counter()
        write_export(_fill_free_text(generate_export(n=n, seed=seed), seed), path)
        times["(setup) generate"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        tx.default_categorizer()
        times["(setup) train classifier"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        times["(baseline) read_csv"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        data = load_responses(path)
        times["1 validate"] = time.perf_counter() - t0

        texts = [t for col in rp.TEXT_COLUMNS for t in data.responses[col] if t]
        t0 = time.perf_counter()
        _substring_baseline(texts, tx.default_categorizer().rules)
        times["(baseline) substring coding"] = time.perf_counter() - t0

        jtext._tokens.cache_clear()  # cold: no token seen before
        t0 = time.perf_counter()
        coded = tx.categorize(texts)
        times["2 categorise"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        report = rp.build_report(data)  # codes again (tokens cached from step 2)
        times["3a report tables"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        rp.write_report(report, Path(tmp) / "report")
        times["3b report files"] = time.perf_counter() - t0

    total = sum(v for k, v in times.items() if not k.startswith("("))
    print(
        f"survey benchmark: {n:,} responses, {len(texts):,} free-text answers "
        f"({len(raw):,} rows read, {len(data.problems)} problems, "
        f"{(coded['pain_point'] != 'other').mean():.0%} coded into P1–P8)"
    )
    for k, v in times.items():
        print(f"  {k:30s} {v:7.2f} s")
    print(
        f"  {'total (steps 1–3)':30s} {total:7.2f} s   target < {TARGET_S:.0f} s: "
        f"{'OK' if total < TARGET_S else 'MISSED'}"
    )
    print(
        f"  validate / read_csv        = {times['1 validate'] / times['(baseline) read_csv']:.1f}×"
    )
    print(
        f"  categorise / substring     = "
        f"{times['2 categorise'] / times['(baseline) substring coding']:.1f}×"
    )
    times["total"] = total
    return times


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    main(args.n, args.seed)
