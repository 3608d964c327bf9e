"""The frozen app's entry point (PyInstaller runs this script, not a console script).

``freeze_support()`` comes first: a spawned analysis worker starts as the frozen
executable itself, with arguments that only multiprocessing understands, and
must become a worker here instead of opening the player. Then Flower's commands
that a listener's SuperNode runs (``--flower-supernode ARGS``, ``--flower-superexec``,
``--flwr-clientapp``; the bundle's ``bin/`` wrappers call them so) become that
command, before the player's launcher (and Qt) is loaded.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from engine.fleet.flower_commands import requested

    command = requested(sys.argv[1:])
    if command is not None:
        from engine.fleet.flower_commands import run

        sys.exit(run(command, sys.argv[2:]))
    from app.launcher import main

    sys.exit(main())
