"""Argument parsing and dispatch for the ``skipwise`` subcommands."""

from __future__ import annotations

import argparse
import sys

from engine import __version__
from engine.cli import bench_cmd, demo_cmd, plays_cmd, profile_cmd, scan_cmd, simulate_cmd
from engine.cli.common import CliError
from engine.learner.profile import ProfileError
from engine.sim.listener_spec import ListenerError
from engine.store.db import SchemaError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skipwise",
        description="An offline music player that learns your taste from plays and skips.",
    )
    parser.add_argument("--version", action="version", version=f"skipwise {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (scan_cmd, plays_cmd, simulate_cmd, bench_cmd, demo_cmd, profile_cmd):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except (CliError, ListenerError, ProfileError, SchemaError) as exc:
        print(f"skipwise {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
