"""The ``skipwise`` command: the player window, or a subcommand of the engine's CLI.

``skipwise`` alone (or with the window's own options, ``--demo``, ``--db``,
``--no-scan``, ``--play``) opens the window; ``--self-test`` checks the
installation headless; anything else is a subcommand and runs without loading Qt.
Before the window (or the self-test) loads Qt, ``app.system_libs`` checks that
the system libraries Qt needs are there, and names the one that is not.
"""

from __future__ import annotations

import multiprocessing
import os
import sys

GUI_OPTIONS = ("--demo", "--db", "--no-scan", "--play")
# The window's numpy (the re-rank after every skip) does matrix-vector products of at most a few MB:
# one BLAS thread. Two are 1.6 x faster on an idle machine and 5 x slower when the other core is busy
# (OpenBLAS waits for its second thread), and the player is never alone on the machine.
WINDOW_ENV = {"OPENBLAS_NUM_THREADS": "1"}
# engine.cli.main's subcommands
COMMANDS = ("scan", "tracks", "plays", "simulate", "demo", "profile", "bench", "fleet", "distill")


def wants_window(argv: list[str]) -> bool:
    return not argv or (argv[0].split("=", 1)[0] in GUI_OPTIONS and _command_at(argv) is None)


def _command_at(argv: list[str]) -> int | None:
    """Where a subcommand follows the window's options (``skipwise --db X plays``), if one does."""
    i = 0
    while i < len(argv):
        if argv[i] in COMMANDS:
            return i
        i += 2 if argv[i] == "--db" else 1
    return None


def cli_argv(argv: list[str]) -> list[str]:
    """``--db X plays ...`` as ``plays ... --db X``: options given first go to the subcommand."""
    at = _command_at(argv)
    return argv if not at else [*argv[at:], *argv[:at]]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--self-test"] or wants_window(argv):
        from app.system_libs import window_problem

        problem = window_problem()  # a missing system library: named, with its package, not a traceback
        if problem is not None:
            print(problem, file=sys.stderr)
            return 2
    if argv == ["--self-test"]:
        from app.self_test import run as self_test

        return self_test()
    if wants_window(argv):
        for name, value in WINDOW_ENV.items():
            os.environ.setdefault(name, value)  # before numpy is loaded; a user's own setting wins
        from app.pyside_import_hook import speed_up

        speed_up()  # PySide6 is imported (window_problem): before the hundreds of modules the window brings
        from app.gui import run

        return run(argv)
    from app.bench_gui import register as register_bench_gui
    from engine.api import cli_main

    return cli_main(cli_argv(argv), bench_extensions=[register_bench_gui])


if __name__ == "__main__":
    multiprocessing.freeze_support()  # analysis workers are spawned from the frozen app too
    sys.exit(main())
