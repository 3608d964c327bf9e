"""A music folder taken out of the library: its tracks leave it, their history stays."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from engine.library.discover import under_any
from engine.store.pathcodec import from_db
from engine.store.scanning import set_status


def leave_library(db: sqlite_utils.Database, folder: Path, kept: list[Path]) -> int:
    """Mark the tracks in ``folder`` ``missing`` (plays and features kept), except those that one
    of the ``kept`` folders holds too; how many left. Adding the folder again brings them back
    at its scan, as a drive that comes back does."""
    rows = db.execute("SELECT id, path FROM tracks WHERE status != 'missing'").fetchall()
    paths = [(track_id, from_db(path)) for track_id, path in rows]
    leaving = [i for i, p in paths if under_any(p, [folder]) and not under_any(p, kept)]
    set_status(db, leaving, "missing")
    return len(leaving)
