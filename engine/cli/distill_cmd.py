"""``skipwise distill``: a prior distilled from a teacher trained on a simulated population.

The pipeline and the file are specified in ``docs/distill.md``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from engine.cli.common import CliError, print_json, whole

# The command that made assets/prior.json (docs/distill.md): kept here so a test can check it.
SHIPPED_COMMAND = (
    "skipwise distill --population 400 --events 500 --teacher gbt --seed 0 --out assets/prior.json"
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "distill",
        help="distil a prior from a teacher trained on a simulated population",
        description=(
            "Simulate a population of listeners of every kind (seeds from 300000), train a teacher "
            "on their pooled log, fit the 42-parameter student to the teacher's probabilities, and "
            "write the prior (mean, covariance from how listeners differ, provenance)."
        ),
    )
    p.add_argument(
        "--population", type=whole(4, 5000), required=True, metavar="N", help="simulated listeners"
    )
    p.add_argument("--events", type=whole(20), required=True, metavar="E", help="plays per listener")
    p.add_argument("--teacher", choices=("gbt", "mlp"), default="gbt", help="teacher model (default gbt)")
    p.add_argument("--seed", type=whole(0), default=0, metavar="S", help="held-out split and teacher seed")
    p.add_argument("--out", type=Path, required=True, metavar="PRIOR.json", help="the prior file to write")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


def command_line(args: argparse.Namespace) -> str:
    """The command that gives this prior again (what its provenance records)."""
    return shlex.join(
        [
            "skipwise",
            "distill",
            "--population",
            str(args.population),
            "--events",
            str(args.events),
            "--teacher",
            args.teacher,
            "--seed",
            str(args.seed),
            "--out",
            str(args.out),
        ]
    )


def run(args: argparse.Namespace) -> int:
    from engine.distill.pipeline import distill

    def progress(text: str) -> None:
        if not args.json:
            print(text, file=sys.stderr)

    try:
        result = distill(
            args.population,
            args.events,
            teacher=args.teacher,
            seed=args.seed,
            command=command_line(args),
            progress=progress,
        )
    except ValueError as exc:
        raise CliError(str(exc)) from None
    result.prior.write(args.out)
    if args.json:
        print_json({**result.report, "out": str(args.out)})
        return 0
    r = result.report
    print(f"wrote {args.out}: teacher {r['teacher_kind']} ({r['teacher_parameters']} parameters)")
    for name in ("teacher", "student_soft", "student_hard", "hand_prior"):
        print(f"  {name:<13} log-loss {r[name]['log_loss']:.4f}  AUC {r[name]['auc']}")
    print(f"  distillation gap (student - teacher log-loss): {r['distillation_gap_log_loss']:+.4f}")
    print(f"  soft labels beat hard ones: {'yes' if r['soft_beats_hard'] else 'no'}")
    return 0
