"""``skipwise demo``: watch the learner learn a simulated listener, window by window.

This is what ``make run`` starts until the player window exists: the same
listener hears shuffle and the learner, and each 50 plays the skip rates and
the weights that moved most are printed as they happen.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import numpy as np

from engine.cli.common import CliError, real, whole
from engine.learner.params import LABELS
from engine.sim.library import synthetic_library
from engine.sim.listener_spec import builtin_names, load_listener
from engine.sim.runner import WINDOW, RunLog, run_one
from engine.sim.strategies import LearnerStrategy, Strategy


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo", help="watch the learner learn a simulated listener (the main job of `make run`)"
    )
    p.add_argument("--listener", default="daypart", help=f"one of {', '.join(builtin_names())} or a file")
    p.add_argument("--events", type=whole(0), default=600)
    p.add_argument(
        "--synthetic", type=whole(2), default=2000, metavar="N", help="songs in the synthetic library"
    )
    p.add_argument("--seed", type=whole(0), default=0)
    p.add_argument("--delay", type=real(0, 60), default=0.15, help="seconds between printed windows")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.events < WINDOW:
        raise CliError(f"--events must be at least {WINDOW}")
    spec = load_listener(args.listener)
    library = synthetic_library(args.synthetic, seed=7)
    out = sys.stdout
    out.write(f"Listener '{spec.name}': {spec.description}\n")
    out.write(f"Library: {library.n_songs} synthetic songs by {library.n_artists} artists.\n")
    out.write("Each line is 50 plays; the learner updates its 42 weights after every one.\n\n")
    shuffle = run_one(library, spec, "shuffle", events=args.events, seed=args.seed)
    state: dict[str, np.ndarray] = {}

    def on_event(i: int, log: RunLog, strategy: Strategy) -> None:
        if (i + 1) % WINDOW:
            return
        assert isinstance(strategy, LearnerStrategy)
        w = strategy.learner.weights
        prev = state.get("w", strategy.learner.profile.prior)
        state["w"] = w.copy()
        lo = i + 1 - WINDOW
        moved = np.argsort(-np.abs(w - prev))[:3]
        change = ", ".join(f"{LABELS[j]} {w[j] - prev[j]:+.2f}" for j in moved)
        out.write(
            f"plays {lo + 1:4d}-{i + 1:<4d}  skipped: shuffle {shuffle.skipped[lo : i + 1].mean():4.0%}"
            f"  learner {log.skipped[lo : i + 1].mean():4.0%}   moved most: {change}\n"
        )
        out.flush()
        time.sleep(args.delay)

    log = run_one(library, spec, "learner", events=args.events, seed=args.seed, on_event=on_event)
    start = min(100, args.events - 1)
    out.write(
        f"\nAfter the first 100 plays the listener skipped {log.skipped[start:].mean():.0%} of the "
        f"learner's songs and {shuffle.skipped[start:].mean():.0%} on shuffle.\n"
    )
    return 0
