"""``skipwise simulate``: run listeners through strategies and compare skip rates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from engine.cli.common import (
    RIVER_HINT,
    CliError,
    Progress,
    add_db_option,
    add_prior_option,
    db_from,
    print_json,
    prior_from,
    real,
    river_installed,
    whole,
)
from engine.queue.ranker import DEFAULT_EXPLORATION
from engine.sim.library import SimLibrary, library_from_arrays, synthetic_library
from engine.sim.listener_spec import load_listener
from engine.sim.runner import WARMUP_EVENTS, simulate
from engine.sim.strategies import BASELINES, STRATEGIES
from engine.store.tracks import load_library

DEFAULT_SYNTHETIC = 2000


def register(sub: Any) -> None:
    p = sub.add_parser(
        "simulate",
        help="compare shuffle, the learner, River and the oracle on a simulated listener",
        description="Run the same library, listener and seeds through every strategy.",
    )
    source = p.add_mutually_exclusive_group()
    add_db_option(source, help="use this database's tracks (default: --synthetic)")
    source.add_argument(
        "--synthetic",
        type=int,
        metavar="N",
        help=f"a synthetic library of N songs (default {DEFAULT_SYNTHETIC})",
    )
    p.add_argument("--listener", required=True, metavar="NAME_OR_FILE.json", help="built-in name or a file")
    p.add_argument(
        "--events",
        type=int,
        default=1000,
        metavar="N",
        help=f"plays per run, more than the {WARMUP_EVENTS} of warm-up that rates leave out (default 1000)",
    )
    p.add_argument("--seeds", type=int, default=3, metavar="K", help="runs per strategy (default 3)")
    p.add_argument(
        "--strategies",
        default=None,
        help=f"comma-separated (default {','.join(STRATEGIES)}; also {','.join(BASELINES)}: never learns)",
    )
    p.add_argument(
        "--exploration", type=real(0, 100), default=DEFAULT_EXPLORATION, help="Thompson sampling scale"
    )
    p.add_argument("--library-seed", type=whole(0), default=7, help="seed of the synthetic library")
    add_prior_option(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--plot",
        type=Path,
        metavar="FILE.png",
        help="also draw every strategy's skip rate by 50-event window into this PNG (needs matplotlib)",
    )
    p.set_defaults(func=run)


def _library(args: argparse.Namespace) -> SimLibrary:
    if args.db is not None:
        lib = load_library(db_from(args, must_exist=True))
        try:
            return library_from_arrays(lib.raw, lib.artist, lib.duration_ms, str(args.db))
        except ValueError as exc:
            raise CliError(str(exc)) from None
    n = args.synthetic if args.synthetic is not None else DEFAULT_SYNTHETIC
    if n < 2:
        raise CliError("--synthetic needs at least 2 songs")
    return synthetic_library(n, seed=args.library_seed)


def run(args: argparse.Namespace) -> int:
    if args.events <= WARMUP_EVENTS:
        raise CliError(
            f"--events must be more than {WARMUP_EVENTS}: skip rates count events {WARMUP_EVENTS + 1} to N"
        )
    if args.seeds < 1:
        raise CliError("--seeds must be at least 1")
    strategies = [s.strip() for s in (args.strategies or ",".join(STRATEGIES)).split(",") if s.strip()]
    known = STRATEGIES + BASELINES
    unknown = [s for s in strategies if s not in known]
    if unknown:
        raise CliError(f"unknown strategies {unknown}; known: {', '.join(known)}")
    if not strategies:
        raise CliError(f"--strategies names none; known: {', '.join(known)}")
    if len(set(strategies)) < len(strategies):
        raise CliError(f"--strategies names one twice: {','.join(strategies)}")
    if "river" in strategies and not river_installed():
        if args.strategies:
            raise CliError(f"the river strategy needs River, which is not installed ({RIVER_HINT})")
        strategies.remove("river")
        print(
            f"note: River is not installed, so the river baseline is left out ({RIVER_HINT})", file=sys.stderr
        )
    prior = prior_from(args)
    if args.plot is not None:
        _check_plot(args.plot)
    spec = load_listener(args.listener)
    library = _library(args)
    bar = Progress(len(strategies) * args.seeds, "simulating")
    doc = simulate(
        library,
        spec,
        events=args.events,
        seeds=args.seeds,
        strategies=strategies,
        exploration=args.exploration,
        prior=prior,
        progress=lambda name, seed, seeds: bar.advance(label=f"{name} seed {seed}/{seeds}"),
    )
    bar.close()
    if args.plot is not None:
        _write_plot(doc, args.plot)
    if args.json:
        print_json(doc)
    else:
        print_table(doc)
    return 0


def _check_plot(path: Path) -> None:
    """Refuse --plot before simulating: matplotlib missing, or nowhere to write."""
    from engine.sim.plot import MatplotlibMissingError, require_matplotlib

    try:
        require_matplotlib()
    except MatplotlibMissingError as exc:
        raise CliError(str(exc)) from None
    if not path.parent.is_dir():
        raise CliError(f"--plot: {path.parent} is not a folder")


def _write_plot(doc: dict[str, Any], path: Path) -> None:
    from engine.sim.plot import write_plot

    try:
        write_plot(doc, path)
    except OSError as exc:
        raise CliError(f"--plot: cannot write {path}: {exc.strerror or exc}") from None


def print_table(doc: dict[str, Any]) -> None:
    out = sys.stdout
    out.write(
        f"listener {doc['listener']}: {doc['tracks']} tracks, {doc['events']} events x {doc['seeds']} seeds\n"
    )
    out.write(
        f"skip rates over events 101-{doc['events']}; "
        f"the learners start from the prior {doc['prior']['name']!r}\n"
    )
    shuffle = doc["strategies"].get("shuffle", {}).get("skip_rate")
    for name, s in doc["strategies"].items():
        ratio = f"  ({s['skip_rate'] / shuffle:.2f} x shuffle)" if shuffle and name != "shuffle" else ""
        captured = "" if s["captured"] is None else f"  captured {s['captured']:4.0%}"
        out.write(
            f"  {name:<13} skip {s['skip_rate']:6.1%}   early skip {s['early_skip_rate']:6.1%}"
            f"   first 100 {s['cold_start_skip_rate']:6.1%}{captured}{ratio}\n"
        )
    curve = doc.get("shuffle_abandon_curve")
    if curve:
        out.write(
            f"shuffle abandons {curve['within_5s']:.1%} within 5 s, {curve['within_30s']:.1%} within 30 s, "
            f"{curve['before_end']:.1%} before the end (published: 24%, 35%, 48.6%)\n"
        )
