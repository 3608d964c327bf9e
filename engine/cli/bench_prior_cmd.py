"""``skipwise bench prior``: the distilled prior against the hand-set one on held-out listeners."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from engine.cli.common import CliError, Progress, add_prior_option, print_json, prior_from, whole
from engine.sim.runner import WARMUP_EVENTS


def register(bench_sub: Any) -> None:
    p = bench_sub.add_parser(
        "prior", help="distilled prior vs hand-set prior: cold start per kind, shared taste on and off"
    )
    p.add_argument(
        "--per-kind", type=whole(2), default=6, metavar="K", help="listeners of every kind (default 6)"
    )
    p.add_argument("--events", type=whole(WARMUP_EVENTS + 1), default=1000, metavar="E", help="plays per run")
    p.add_argument(
        "--seed-base",
        type=whole(0),
        default=None,
        metavar="S",
        help="listener seed of the first listener of each kind (default 310000)",
    )
    add_prior_option(p)
    p.add_argument(
        "--listener-file",
        action="append",
        default=None,
        metavar="PATH",
        help="listener files or folders for shared_off (default bench/listeners-heldout/)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from engine.bench.prior import bench_prior
    from engine.distill.population import HELD_OUT_SEED
    from engine.learner.prior import PriorError
    from engine.sim.listener_kinds import KINDS

    n = 2 * 5 * args.per_kind
    bar = Progress(n, "listeners")
    try:
        doc = bench_prior(
            per_kind=args.per_kind,
            events=args.events,
            seed_base=HELD_OUT_SEED if args.seed_base is None else args.seed_base,
            files=args.listener_file,
            distilled=prior_from(args),
            progress=lambda name: bar.advance(label=name),
        )
    except (PriorError, ValueError) as exc:
        raise CliError(str(exc)) from None
    finally:
        bar.close()
    assert len(KINDS) == 5
    if args.json:
        print_json(doc)
        return 0
    out = sys.stdout
    out.write(
        f"{doc['events']} events, {doc['per_kind']} listeners per kind (seeds {doc['seeds'][0]}..)"
        f"; cold start = skip rate over events 1-100, distilled vs hand\n"
    )
    for group in ("shared_on", "shared_off"):
        g = doc[group]
        out.write(f"{group}: median cold-start ratio {g['median_cold_start_ratio']}\n")
        for kind, k in g["kinds"].items():
            c, r = k["cold_start_skip_rate"], k["skip_rate_101_on"]
            out.write(
                f"  {kind:<14} cold hand {c['hand']['mean']:.3f} distilled {c['distilled']['mean']:.3f}"
                f" (ratio of medians {k['median_cold_start_ratio']});"
                f" 101+ hand {r['hand']['mean']:.3f} distilled {r['distilled']['mean']:.3f}"
                f" (diff {r['distilled_minus_hand']['mean']:+.3f} se {r['distilled_minus_hand']['se']:.3f})\n"
            )
    for name, t in doc["targets"].items():
        out.write(f"{name}: {t}\n")
    return 0
