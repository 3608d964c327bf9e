"""``skipwise bench ...``: measured speed, always beside a baseline from the same run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from engine.bench.listeners import UNTUNED_SEED, VERDICT_SEED, bench_listeners, choose_listeners
from engine.cli import bench_prior_cmd
from engine.cli.common import (
    RIVER_HINT,
    CliError,
    add_prior_option,
    print_json,
    prior_from,
    river_installed,
    whole,
)
from engine.sim.listener_spec import KINDS
from engine.sim.runner import WARMUP_EVENTS

# Benchmarks of the faces built on the engine (the window's `bench gui`) register here from
# outside: the engine never imports them (see engine.cli.main.main's ``extensions``).
Extension = Callable[[Any], None]


def register(sub: Any, extensions: Sequence[Extension] = ()) -> None:
    p = sub.add_parser("bench", help="benchmarks (medians, ratios against a baseline in the same run)")
    bench_sub = p.add_subparsers(dest="bench", metavar="WHAT", required=True)
    for extend in extensions:
        extend(bench_sub)
    learner = bench_sub.add_parser("learner", help="micro-update vs River, re-rank, skip to reordered queue")
    learner.add_argument("--json", action="store_true")
    learner.set_defaults(func=run_learner)
    listeners = bench_sub.add_parser(
        "listeners", help="learner vs shuffle, River and INT8 on every built-in and untuned listener"
    )
    listeners.add_argument("--events", type=whole(WARMUP_EVENTS + 1), default=1000)
    listeners.add_argument("--seeds", type=whole(1), default=6)
    listeners.add_argument("--untuned", type=whole(0), default=4, help="generated listeners nobody tuned on")
    listeners.add_argument(
        "--untuned-seed",
        type=whole(0),
        default=None,
        metavar="S",
        help=(
            f"listener seed of the first generated listener (default {UNTUNED_SEED}, the set "
            "docs/notebook-model.md reports; seeds from 12000 on have not been looked at)"
        ),
    )
    listeners.add_argument("--no-builtins", action="store_true", help="only the generated listeners")
    listeners.add_argument(
        "--kinds",
        default=None,
        metavar="LIST",
        help=f"comma-separated kinds to generate (default all: {','.join(KINDS)}); needs --per-kind",
    )
    listeners.add_argument(
        "--per-kind",
        type=whole(0),
        default=0,
        metavar="N",
        help="generated listeners of every kind (default 0)",
    )
    listeners.add_argument(
        "--seed-base",
        type=whole(0),
        default=VERDICT_SEED,
        metavar="S",
        help=f"seed of the first generated listener of each kind (default {VERDICT_SEED}, the verdict's)",
    )
    listeners.add_argument(
        "--no-shared", action="store_true", help="generated listeners without the population's shared taste"
    )
    listeners.add_argument(
        "--listener-file",
        action="append",
        default=[],
        metavar="PATH",
        help="a listener file, or a folder of them (repeatable)",
    )
    listeners.add_argument(
        "--at-events",
        type=whole(WARMUP_EVENTS + 1),
        action="append",
        default=None,
        metavar="N",
        help="also report captured over events 101..N, read off the same runs (repeatable; default 300)",
    )
    listeners.add_argument(
        "--jobs", type=whole(1), default=1, metavar="J", help="listeners run in J processes (default 1)"
    )
    listeners.add_argument(
        "--synthetic", type=whole(2), default=2000, metavar="N", help="songs in the library"
    )
    add_prior_option(listeners)
    listeners.add_argument("--json", action="store_true")
    listeners.set_defaults(func=run_listeners)
    bench_prior_cmd.register(bench_sub)
    scan = bench_sub.add_parser(
        "scan", help="decode vs analysis speed, windowed vs whole-song features, 2 workers vs 1, tag scan"
    )
    scan.add_argument(
        "dir", nargs="?", type=Path, metavar="DIR", help="music folder (default: the demo library)"
    )
    scan.add_argument("--repeats", type=int, default=3, help="timed passes; medians are reported")
    scan.add_argument(
        "--tag-files", type=int, default=10_000, metavar="N", help="files in the tag-scan library"
    )
    scan.add_argument("--no-tags", action="store_true", help="skip the tag-scan part")
    scan.add_argument("--json", action="store_true")
    scan.set_defaults(func=run_scan)


def _need_river(what: str) -> None:
    if not river_installed():
        raise CliError(f"{what} compares against River, which is not installed ({RIVER_HINT})")


def run_learner(args: argparse.Namespace) -> int:
    _need_river("bench learner")
    from engine.bench.learner import bench_learner

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
    _need_river("bench listeners")
    from engine.cli.common import CliError, Progress
    from engine.sim.listener_spec import ListenerError

    if args.untuned < 0:
        raise CliError("--untuned must be at least 0")
    prior = prior_from(args)
    kinds = [k.strip() for k in (args.kinds or ",".join(KINDS)).split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise CliError(f"--kinds: unknown kinds {unknown}; known: {', '.join(KINDS)}")
    if args.kinds is not None and args.per_kind == 0:
        raise CliError("--kinds needs --per-kind N (how many listeners of each kind)")
    if args.no_builtins and args.untuned == 0 and args.per_kind == 0 and not args.listener_file:
        raise CliError(
            "no listeners: --untuned must be at least 1 with --no-builtins (or --per-kind, --listener-file)"
        )
    try:
        chosen = choose_listeners(
            builtins=not args.no_builtins,
            untuned=args.untuned,
            untuned_seed=_untuned_seed(args),
            kinds=kinds,
            per_kind=args.per_kind,
            seed_base=args.seed_base,
            shared=not args.no_shared,
            files=args.listener_file,
        )
    except ListenerError as exc:
        raise CliError(str(exc)) from None
    bar = Progress(len(chosen), "listeners")
    doc = bench_listeners(
        songs=args.synthetic,
        events=args.events,
        seeds=args.seeds,
        untuned=args.untuned,
        untuned_seed=_untuned_seed(args),
        builtins=not args.no_builtins,
        kinds=kinds,
        per_kind=args.per_kind,
        seed_base=args.seed_base,
        shared=not args.no_shared,
        files=args.listener_file,
        checkpoints=args.at_events,
        jobs=args.jobs,
        progress=lambda name: bar.advance(label=name),
        prior=prior,
    )
    bar.close()
    if args.json:
        print_json(doc)
        return 0
    print_listeners_table(doc)
    return 0


def _untuned_seed(args: argparse.Namespace) -> int:
    return UNTUNED_SEED if args.untuned_seed is None else args.untuned_seed


def _share(x: float | None) -> str:
    return "   n/a" if x is None else f"{x:6.0%}"


def print_listeners_table(doc: dict[str, Any]) -> None:
    out = sys.stdout
    out.write(
        f"{doc['tracks']} songs, {doc['events']} events x {doc['seeds']} seeds; skip rate over events 101+; "
        f"captured: share of the oracle's gain over shuffle; the learners start from the prior "
        f"{doc['prior']['name']!r}\n"
    )
    at = [str(c) for c in doc["checkpoints"]]
    at_head = "".join(f" {'@' + c:>6}" for c in at)
    out.write(
        f"{'listener':<24} {'kind':<13} {'shuffle':>7} {'learner':>7} {'int8':>7} {'river':>7} {'oracle':>7}"
        f" {'captured':>8}{at_head} {'vs river (s.e.)':>16} {'int8 gap':>9}\n"
    )
    for r in doc["listeners"]:
        s = r["skip_rate"]
        river = f"{r['learner_minus_river']:+.3f} ({r['learner_minus_river_se']:.3f})"
        early = "".join(f" {_share(r['captured_at_events'][c])}" for c in at)
        out.write(
            f"{r['listener']:<24} {r['listener_kind']:<13} {s['shuffle']:7.3f} {s['learner']:7.3f}"
            f" {s['learner_int8']:7.3f} {s['river']:7.3f} {s['oracle']:7.3f}   {_share(r['captured'])}{early}"
            f" {river:>16} {r['int8_minus_float32_points']:+8.1f}p\n"
        )
    for kind, k in doc["kinds"].items():
        early = ", ".join(f"at {c}: {_share(v).strip()}" for c, v in k["median_captured_at_events"].items())
        out.write(
            f"{kind}: {k['listeners']} listeners, median captured {_share(k['median_captured']).strip()}"
            f"{' (' + early + ')' if early else ''}, worst {k['worst_listener']}"
            f" {_share(k['worst_captured']).strip()};"
            f" learner - River {k['learner_minus_river']:+.3f} ({k['learner_minus_river_se']:.3f}),"
            f" int8 {k['int8_minus_float32_points']:+.1f}p\n"
        )


def run_scan(args: argparse.Namespace) -> int:
    from engine.bench.scan import bench_scan
    from engine.cli.common import CliError

    if args.repeats < 1 or args.tag_files < 1:
        raise CliError("--repeats and --tag-files must be at least 1")
    if args.dir is not None and not args.dir.is_dir():
        raise CliError(f"{args.dir} is not a folder")
    quiet = args.json or not sys.stderr.isatty()
    try:
        doc = bench_scan(
            args.dir,
            repeats=args.repeats,
            tag_files=None if args.no_tags else args.tag_files,
            progress=None if quiet else lambda stage: print(f"... {stage}", file=sys.stderr),
        )
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json(doc)
        return 0
    out = sys.stdout
    plan = doc["window_plan"]
    out.write(
        f"{doc['files']} songs, {doc['library_seconds'] / 60:.1f} min, in {doc['folder']}; "
        f"medians of {doc['repeats']} passes; windows: {plan['count']} x {plan['length_s']:g} s "
        f"(songs under {plan['whole_below_s']:g} s whole)\n"
        f"{doc['cores']} cores, load average {doc['load_average_before']} before the run "
        "(other work on the machine slows every number below)\n"
    )
    out.write(f"{'':28}{'x realtime/core':>16}{'songs/s':>10}\n")
    rows = (
        ("decode whole songs", doc["decode_x_realtime_per_core"], doc["decode_songs_per_second"]),
        ("decode windows only", doc["window_decode_x_realtime_per_core"], None),
        ("analysis, 1 worker", doc["analysis_x_realtime_per_core"], doc["songs_per_second"]),
        ("analysis, 2 workers", doc["two_worker_x_realtime_per_core"], doc["two_worker_songs_per_second"]),
    )
    for label, x, songs in rows:
        xs = f"{x:15.0f}x" if x is not None else " " * 16
        ss = f"{songs:10.1f}" if songs is not None else ""
        out.write(f"{label:28}{xs}{ss}\n")
    out.write(f"2 workers vs 1: {doc['two_worker_speedup']:.2f}x\n")
    out.write(f"windowed vs whole song, Pearson r over {doc['windowed_files']} windowed songs:\n")
    for name, r in doc["window_correlation"].items():
        out.write(f"  {name:<16}{'n/a' if r is None else f'{r:.3f}':>7}\n")
    if doc["tag_files"]:
        out.write(
            f"tag scan: {doc['tag_scan_files_per_second']:,.0f} files/s; unchanged rescan of "
            f"{doc['tag_files']:,} files: {doc['unchanged_rescan_10k_seconds']:.2f} s\n"
        )
    for failure in doc["analysis_failures"]:
        out.write(f"  failed: {failure}\n")
    return 0
