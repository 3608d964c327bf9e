"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils

from engine.learner.prior import Prior, PriorError, load_prior
from engine.paths import default_db_path
from engine.store import open_db

RIVER_HINT = "pip install 'skipwise[bench]'"


def river_installed() -> bool:
    """River is the baseline of the simulator and the learner benchmark, an optional extra."""
    return importlib.util.find_spec("river") is not None


class CliError(Exception):
    """A clear message for the user; the command exits with status 2."""


LARGEST = 2**31 - 1  # no count or seed on the command line needs more


def whole(minimum: int, maximum: int = LARGEST) -> Callable[[str], int]:
    """An argparse type: a whole number from ``minimum`` to ``maximum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not minimum <= value <= maximum:
            bounds = f"at least {minimum}" if maximum == LARGEST else f"from {minimum} to {maximum}"
            raise argparse.ArgumentTypeError(f"{text}: must be {bounds}")
        return value

    return parse


def real(minimum: float, maximum: float) -> Callable[[str], float]:
    """An argparse type: a finite number from ``minimum`` to ``maximum``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not (math.isfinite(value) and minimum <= value <= maximum):
            raise argparse.ArgumentTypeError(f"{text}: must be from {minimum:g} to {maximum:g}")
        return value

    return parse


def given_path(text: str) -> Path:
    """An argparse type: a path that is not empty (``Path("")`` would be the working directory)."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path")
    return Path(text)


def add_db_option(parser: Any, help: str | None = None) -> None:
    """``--db PATH``; ``help`` replaces the default text where a missing --db means something else."""
    text = help or f"database (default: {default_db_path()})"
    parser.add_argument("--db", type=given_path, metavar="PATH", help=text)


def add_prior_option(parser: Any) -> None:
    """``--prior hand|distilled|FILE``: the prior the learners start from (default: the shipped one)."""
    parser.add_argument(
        "--prior",
        default="shipped",
        metavar="hand|distilled|FILE",
        help="the prior the learners start from: the hand-set one, the distilled one, or a prior file "
        "(default: the shipped prior, assets/prior.json)",
    )


def prior_from(args: Any) -> Prior:
    """The prior ``--prior`` names, checked; a damaged or missing file is a CliError with the reason."""
    if not args.prior:
        raise CliError("--prior: an empty name; expected hand, distilled or a prior file")
    try:
        return load_prior(args.prior)
    except PriorError as exc:
        raise CliError(f"--prior: {exc}") from None


def db_path(args: Any) -> Path:
    """The file ``--db`` names, or the user's library."""
    return Path(getattr(args, "db", None) or default_db_path())


def db_from(args: Any, *, must_exist: bool = False) -> sqlite_utils.Database:
    """The database of ``--db`` (default: the user's library, created on first use).

    ``must_exist``: for commands that only read, a ``--db`` that names no file is
    an error, so that a mistyped path is reported instead of left behind as an
    empty new database.
    """
    if must_exist and args.db is not None and not _exists(Path(args.db)):
        raise CliError(f"no database at {args.db} (check the path; `skipwise scan DIR --db PATH` makes one)")
    return open_db(db_path(args))


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # not even visible (a folder we may not enter): open_db says why
        return True


# C0 and C1 control characters and DEL, shown as escapes; the common three by their usual names.
_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))} | {
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
}


def for_terminal(text: str) -> str:
    """``text`` with control characters written as escapes (``\\n``, ``\\x1b``).

    A file name or tag goes to the terminal as it is in text output, so one
    with a newline could forge an output line and one with ESC could drive the
    terminal. JSON output needs nothing of the kind: JSON escapes them itself.
    """
    return text.translate(_ESCAPES)


def print_json(doc: Any) -> None:
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")


class Progress:
    """A one-line progress bar on stderr, shown only on a terminal."""

    def __init__(self, total: int, label: str = "") -> None:
        self.total = max(total, 1)
        self.label = label
        self.enabled = sys.stderr.isatty()
        self.done = 0

    def advance(self, n: int = 1, label: str | None = None) -> None:
        self.done += n
        if label is not None:
            self.label = label
        if self.enabled:
            width = 30
            filled = int(width * self.done / self.total)
            bar = "#" * filled + "-" * (width - filled)
            sys.stderr.write(f"\r[{bar}] {self.done}/{self.total} {self.label:<24}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
