"""``skipwise bench ...``: measured speed, always beside a baseline from the same run."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from engine.cli.common import print_json


def register(sub: Any) -> None:
    p = sub.add_parser("bench", help="benchmarks (medians, ratios against a baseline in the same run)")
    bench_sub = p.add_subparsers(dest="bench", metavar="WHAT", required=True)
    learner = bench_sub.add_parser("learner", help="micro-update vs River, re-rank, skip to reordered queue")
    learner.add_argument("--json", action="store_true")
    learner.set_defaults(func=run_learner)


def run_learner(args: argparse.Namespace) -> int:
    from engine.sim.bench_learner import bench_learner

    doc = bench_learner()
    if args.json:
        print_json(doc)
        return 0
    out = sys.stdout
    out.write(
        f"micro-update      {doc['update_us']:8.2f} us   River {doc['river_update_us']:.2f} us  "
        f"({doc['update_vs_river']:.2f} x River, kernel: {doc['kernel']})\n"
    )
    for n, ms in doc["rerank_ms"].items():
        out.write(f"re-rank {int(n):>7,} songs {ms:8.3f} ms\n")
    out.write(f"skip to reordered {doc['skip_to_reordered_ms']:8.3f} ms  (10,000 songs, durable saves)\n")
    return 0
