"""Argument parsing and dispatch for the ``skipwise`` subcommands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from engine import __version__
from engine.cli import bench_cmd, demo_cmd, plays_cmd, profile_cmd, scan_cmd, simulate_cmd
from engine.cli.common import CliError
from engine.learner.profile import ProfileError
from engine.sim.listener_spec import ListenerError
from engine.store.db import SchemaError

WINDOW_HELP = """the player window:
  skipwise                 open the player on your library
  skipwise --demo          open it on the bundled demo library
  skipwise --self-test     check this installation (no window needed)
  (also --db PATH, --play, --no-scan)"""


def build_parser(bench_extensions: Sequence[bench_cmd.Extension] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skipwise",
        description="An offline music player that learns your taste from plays and skips.",
        epilog=WINDOW_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"skipwise {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (scan_cmd, plays_cmd, simulate_cmd, demo_cmd, profile_cmd):
        module.register(sub)
    bench_cmd.register(sub, bench_extensions)
    return parser


def main(argv: list[str] | None = None, *, bench_extensions: Sequence[bench_cmd.Extension] = ()) -> int:
    """Run one subcommand; ``bench_extensions`` add benchmarks of code outside the engine."""
    parser = build_parser(bench_extensions)
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
    except BrokenPipeError:  # piped into `head` and the like: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
