"""One player per database: a second start is refused before it can touch the same heartbeat."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile

from engine.api import lock_path


def acquire(db_path: Path) -> QLockFile | None:
    """A held lock beside the database, or None when another Skipwise is using it.

    A lock left by a process that died (SIGKILL, power cut) is stale and taken over.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(lock_path(db_path)))
    lock.setStaleLockTime(0)  # stale only when its process is gone
    return lock if lock.tryLock(200) else None
