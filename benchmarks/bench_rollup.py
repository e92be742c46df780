"""Benchmark: ``cfp.rollup`` against a memoised recursive roll-up, on one random BOM.

A random multi-level BOM of 200,000 items and about 1,000,000 edges (12 levels, each item's
children drawn from the levels below it, so sub-assemblies are shared). Both methods start from
the same inputs (an edge DataFrame and an own-emission Series) and must give the same answer.

Run: ``make bench`` or ``python benchmarks/bench_rollup.py [--items N] [--edges M] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import cache

import numpy as np
import pandas as pd

from cntf_workbench.cfp import rollup


def random_bom(
    n_items: int, n_edges: int, levels: int = 12, seed: int = 0
) -> tuple[pd.DataFrame, pd.Series]:
    """A layered random BOM: item codes ``P000001`` …, edges from a level to any deeper level."""
    rng = np.random.default_rng(seed)
    level = np.sort(rng.integers(0, levels, n_items))
    level[0] = 0
    starts = np.searchsorted(level, np.arange(levels + 1))
    parents = rng.integers(0, starts[levels - 1], n_edges)  # leaves (last level) have no children
    lo = starts[level[parents] + 1]
    children = lo + (rng.random(n_edges) * (n_items - lo)).astype(np.int64)
    names = np.array([f"P{i:06d}" for i in range(n_items)], dtype=object)
    edges = pd.DataFrame(
        {
            "parent": names[parents],
            "child": names[children],
            "quantity": rng.integers(1, 4, n_edges) / rng.integers(2, 6, n_edges),
        }
    )
    own = pd.Series(rng.random(n_items), index=names, name="own")
    return edges, own


def recursive_rollup(edges: pd.DataFrame, own: pd.Series) -> pd.Series:
    """The simple baseline: depth-first recursion with memoisation."""
    children: dict[str, list[tuple[str, float]]] = {}
    for p, c, q in zip(edges["parent"], edges["child"], edges["quantity"], strict=True):
        children.setdefault(p, []).append((c, q))
    own_d = own.to_dict()

    @cache
    def total(item: str) -> float:
        return own_d.get(item, 0.0) + sum(q * total(c) for c, q in children.get(item, ()))

    items = set(own_d) | set(children) | set(edges["child"])
    return pd.Series({i: total(i) for i in items})


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.setrecursionlimit(100_000)
    t0 = time.perf_counter()
    edges, own = random_bom(args.items, args.edges)
    print(
        f"BOM: {args.items:,} items, {len(edges):,} edges (generated in {time.perf_counter() - t0:.1f} s)"
    )
    t_fast, fast = best_of(lambda: rollup(edges, own), args.repeat)
    t_slow, slow = best_of(lambda: recursive_rollup(edges, own), args.repeat)
    slow = slow.reindex(fast.index)
    err = float(
        np.max(np.abs(fast.to_numpy() - slow.to_numpy()) / np.maximum(1.0, np.abs(slow.to_numpy())))
    )
    print(f"cfp.rollup (sparse triangular solve): {t_fast:8.3f} s  (best of {args.repeat})")
    print(f"memoised recursive roll-up          : {t_slow:8.3f} s  (best of {args.repeat})")
    print(f"ratio recursive / rollup            : {t_slow / t_fast:8.1f} x")
    print(f"max relative difference             : {err:.2e}")
    if err > 1e-9:
        raise SystemExit("results differ")


if __name__ == "__main__":
    main()
