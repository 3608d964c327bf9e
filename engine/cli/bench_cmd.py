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
    listeners = bench_sub.add_parser(
        "listeners", help="learner vs shuffle, River and INT8 on every built-in and untuned listener"
    )
    listeners.add_argument("--events", type=int, default=1000)
    listeners.add_argument("--seeds", type=int, default=6)
    listeners.add_argument("--untuned", type=int, default=4, help="generated listeners nobody tuned on")
    listeners.add_argument("--synthetic", type=int, default=2000, metavar="N", help="songs in the library")
    listeners.add_argument("--json", action="store_true")
    listeners.set_defaults(func=run_listeners)


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


def run_listeners(args: argparse.Namespace) -> int:
    from engine.cli.common import Progress
    from engine.sim.bench_listeners import bench_listeners
    from engine.sim.listener_spec import builtin_names

    bar = Progress(len(builtin_names()) + args.untuned, "listeners")
    doc = bench_listeners(
        songs=args.synthetic,
        events=args.events,
        seeds=args.seeds,
        untuned=args.untuned,
        progress=lambda name: bar.advance(label=name),
    )
    bar.close()
    if args.json:
        print_json(doc)
        return 0
    out = sys.stdout
    out.write(
        f"{doc['tracks']} songs, {doc['events']} events x {doc['seeds']} seeds; skip rate over events 101+\n"
    )
    out.write(
        f"{'listener':<14} {'shuffle':>7} {'learner':>7} {'int8':>7} {'river':>7} {'oracle':>7}"
        f" {'vs shuffle':>10} {'vs river':>9} {'int8 gap':>9}\n"
    )
    for r in doc["listeners"]:
        s = r["skip_rate"]
        out.write(
            f"{r['listener']:<14} {s['shuffle']:7.3f} {s['learner']:7.3f} {s['learner_int8']:7.3f}"
            f" {s['river']:7.3f} {s['oracle']:7.3f} {r['learner_vs_shuffle']:9.2f}x {r['captured']:8.0%}"
            f" {r['learner_minus_river']:+9.3f} {r['int8_minus_float32_points']:+8.1f}p\n"
        )
    return 0
