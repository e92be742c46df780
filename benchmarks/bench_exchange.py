"""Benchmark: one full PULL through the bucket relay and through the central platform.

A synthetic network (default 10,000 firms in 5 tiers and about 50,000 supply links), one PULL for
the footprint of a final product in each model. Every message is serialised to bytes, every
footprint is a PACT document signed with Ed25519 and verified by its receiver, every message is
written to the hash-chained ledger and inspected for exposure — as in the notebooks.

The baseline, in the same run, is the same footprint computed directly from all the tables in
one process (one sparse triangular solve, :func:`cntf_workbench.cfp.rollup`), with no messages,
no signatures and no sovereignty: the ratio is what data sovereignty costs in time. All three
totals must agree.

Run: ``make bench`` or ``python benchmarks/bench_exchange.py [--firms N] [--links M] [--tiers T]``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import pandas as pd

from cntf_workbench.cfp import rollup
from cntf_workbench.exchange import central, network, relay
from cntf_workbench.exchange.firms import own_rows
from cntf_workbench.factors import load_factors


def direct(net: network.Network, product: tuple[str, str]) -> float:
    """The footprint from all tables at once: own emissions, then one triangular solve."""
    factors = load_factors()
    elec = dict(zip(net.firms["firm_id"], net.firms["electricity_factor_id"], strict=True))
    own: dict[str, list[float]] = {}
    for rec in net.processes.to_dict("records"):
        (row,) = own_rows([rec], factors, elec[rec["firm_id"]])
        own.setdefault(f"{rec['firm_id']}:{rec['item_code']}", []).append(row["kg_co2e"])
    own_s = pd.Series({k: math.fsum(v) for k, v in own.items()}, dtype=float)
    edges = pd.DataFrame(
        {
            "parent": net.links["customer_firm_id"] + ":" + net.links["customer_item"],
            "child": net.links["supplier_firm_id"] + ":" + net.links["supplier_item"],
            "quantity": net.links["quantity"],
        }
    )
    return float(rollup(edges, own_s)[":".join(product)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=10_000)
    parser.add_argument("--links", type=int, default=50_000)
    parser.add_argument("--tiers", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    net = network.synthetic(args.firms, args.links, tiers=args.tiers, seed=args.seed)
    gen = time.perf_counter() - t0
    product = net.final_products()[0]
    upstream = net.upstream(*product)
    up_links = int(sum(1 for s, c in net.graph().edges if s in upstream and c in upstream))
    print(
        f"network: {len(net.firms):,} firms, {len(net.links):,} links, {args.tiers} tiers "
        f"(generated in {gen:.1f} s); PULL for {':'.join(product)}: "
        f"{len(upstream):,} products and {up_links:,} links upstream"
    )

    t0 = time.perf_counter()
    base = direct(net, product)
    t_direct = time.perf_counter() - t0
    print(f"baseline (direct, no messages): {t_direct:.3f} s, total {base:.6f} kg-CO2e")

    results = {}
    for name, sim in (("relay", relay.simulate), ("central", central.simulate)):
        timings: dict = {}
        r = sim(net, product, timings=timings)
        results[name] = (r, timings)
        print(
            f"{name:8s} PULL {timings['pull_s']:6.2f} s (set-up of the firms "
            f"{timings['setup_s']:.2f} s) | {r.messages:,} messages, {r.bytes:,} bytes, "
            f"{r.hops} hops, {r.latency_hours:.0f} h simulated, exposure {r.exposure_count:,} | "
            f"{r.total_kg_co2e:.6f} kg-CO2e | {timings['pull_s'] / t_direct:,.0f}x the baseline"
        )
    ok = all(abs(r.total_kg_co2e - base) < 1e-6 * max(1.0, base) for r, _ in results.values())
    slow = [n for n, (_, t) in results.items() if t["pull_s"] > 10.0]
    print(
        f"totals agree: {ok}; PULL under 10 s: {', '.join(results) if not slow else 'not ' + ', '.join(slow)}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
