"""Argument parsing and dispatch for the ``skipwise`` subcommands."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from engine import __version__
from engine.cli import (
    bench_cmd,
    demo_cmd,
    distill_cmd,
    fleet_cmd,
    plays_cmd,
    profile_cmd,
    scan_cmd,
    simulate_cmd,
)  # fmt: skip
from engine.cli.common import CliError, db_path
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
    for module in (scan_cmd, plays_cmd, simulate_cmd, demo_cmd, profile_cmd, fleet_cmd, distill_cmd):
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
        status = int(args.func(args) or 0)
        sys.stdout.flush()  # here, so that a full disk or a closed pipe is reported like any failure
        return status
    except (CliError, ListenerError, ProfileError, SchemaError) as exc:
        return _fail(args, str(exc))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # piped into `head` and the like: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
        raise  # Skipwise's own mistakes: the traceback is what a bug report needs
    except sqlite3.DatabaseError as exc:
        return _fail(args, database_problem(db_path(args), exc))
    except OSError as exc:
        return _fail(args, os_problem(exc))


def _fail(args: argparse.Namespace, message: str) -> int:
    print(f"skipwise {args.command}: {message}", file=sys.stderr)
    return 2


def database_problem(path: Path, exc: sqlite3.DatabaseError) -> str:
    """A database that is busy, full or damaged, said in words (the subcommand stopped, unchanged)."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return (
            f"the database {path} is busy: another program (a running Skipwise, a scan) kept it locked "
            "for 10 seconds; try again when it has finished"
        )
    if "malformed" in text or "not a database" in text:
        return (
            f"the database {path} is damaged ({text}); nothing was written. `sqlite3 {path} .recover` "
            "may save its plays and profile; or move it aside and scan your music again"
        )
    return f"cannot use the database {path}: {text}"


def os_problem(exc: OSError) -> str:
    """``Permission denied: /music/private`` rather than a traceback."""
    where = f": {exc.filename}" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"
