"""Flower's console scripts that a listener's SuperNode needs, run inside the frozen app.

The frozen bundle has no Python interpreter to run console scripts, so it runs
them itself: ``skipwise --flower-supernode ARGS`` is ``flower-supernode ARGS``
(``packaging/skipwise_entry.py`` dispatches before anything else loads). The
SuperNode starts ``flower-superexec`` by name, which starts ``flwr-clientapp``
by name for every message, so the bundle's ``bin/`` holds one small wrapper
script per name (``packaging/build.py`` writes them) and ``processes`` puts that
folder first on the children's PATH. The server's commands (``flower-superlink``,
``flwr``) and the simulation's are not here: they stay pip extras.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

# name -> (module, function): the console scripts of flwr's entry points that a SuperNode runs.
LISTENER_COMMANDS: dict[str, tuple[str, str]] = {
    "flower-supernode": ("flwr.supernode.cli", "flower_supernode"),
    "flower-superexec": ("flwr.supercore.cli", "flower_superexec"),
    "flwr-clientapp": ("flwr.supernode.cli", "flwr_clientapp"),
}
FROZEN_BIN = "bin"  # the wrappers' folder, beside the frozen executable


def frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def frozen_bin_dir() -> Path:
    """Where the frozen bundle's wrapper scripts are (beside the executable, in ``bin/``)."""
    return Path(sys.executable).resolve().parent / FROZEN_BIN


def option(name: str) -> str:
    """The frozen executable's option that runs ``name``: ``--flower-supernode``."""
    return f"--{name}"


def requested(argv: list[str]) -> str | None:
    """The Flower command that ``argv`` (without the program) asks for, if its first word is one's option."""
    if argv and argv[0].startswith("--") and argv[0][2:] in LISTENER_COMMANDS:
        return argv[0][2:]
    return None


def entry_point(name: str) -> Callable[[], None]:
    module, function = LISTENER_COMMANDS[name]
    command: Callable[[], None] = getattr(importlib.import_module(module), function)
    return command


def run(name: str, args: list[str]) -> int:
    """Run Flower's ``name`` with ``args`` in this process, as its console script would; its exit status.

    ``sys.argv[0]`` becomes the command's name: Flower reads it to know which
    component it is (``flwr.supercore.exit``). A ``flwr-clientapp`` runs only
    Skipwise's own ClientApp (``client_app_pin``), whatever app the server sent.
    """
    sys.argv = [name, *args]
    if name == "flwr-clientapp":
        from engine.fleet.client_app_pin import pin

        pin()
    try:
        entry_point(name)()
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def wrapper_script(name: str) -> str:
    """The bundle's ``bin/NAME``: the executable one folder up, with the command's option.

    The folder goes first on PATH, so whoever starts the bundle's SuperNode, the
    SuperExec and ClientApp processes it starts by name are the bundle's too.
    """
    return (
        "#!/bin/sh\n"
        f"# {name} of the frozen Skipwise (engine/fleet/flower_commands.py)\n"
        'here="${0%/*}"\n'
        'PATH="$here:$PATH"\n'
        "export PATH\n"
        f'exec "$here/../skipwise" {option(name)} "$@"\n'
    )
