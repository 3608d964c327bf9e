"""Whether a player has a database open, read from the lock file it holds beside it.

The player takes the lock with Qt's ``QLockFile`` (``app/single_instance.py``),
whose file holds the owner's PID, application name and host name, one per line.
The command line reads it without Qt so that it can refuse to change the profile
under a running player, whose next save would silently undo the change.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def lock_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".lock")


def running_player(db_path: Path) -> int | None:
    """The PID of a live player on ``db_path``, or None (no lock, a stale one, or no way to tell)."""
    try:
        lines = lock_path(db_path).read_text(encoding="utf-8", errors="replace").splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None
    if os.name == "nt" or (len(lines) > 2 and lines[2] != socket.gethostname()):
        return None  # os.kill would end the process on Windows; another host's PIDs mean nothing here
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, someone else's
        return pid
    return pid
