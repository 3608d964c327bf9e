"""The ``skipwise`` command: subcommands go to the engine's CLI without loading Qt."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from engine.cli.main import main as cli_main

    # The player window arrives with the GUI work; until then no arguments show the help.
    return cli_main(argv or ["--help"])


if __name__ == "__main__":
    sys.exit(main())
