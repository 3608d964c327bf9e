"""The frozen app's entry point (PyInstaller runs this script, not a console script).

``freeze_support()`` comes first: a spawned analysis worker starts as the frozen
executable itself, with arguments that only multiprocessing understands, and
must become a worker here instead of opening the player.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from app.launcher import main

    sys.exit(main())
