"""The songs the user queued or placed by hand, kept across restarts (table ``queue_pins``)."""

from __future__ import annotations

import sqlite_utils

from engine.store.db import transaction


def save_pins(db: sqlite_utils.Database, pins: list[tuple[int, int]]) -> None:
    """Replace the stored pins by ``pins``, a list of (queue position, track id), in one transaction."""
    with transaction(db.conn):
        db.conn.execute("DELETE FROM queue_pins")
        db.conn.executemany("INSERT INTO queue_pins (position, track_id) VALUES (?, ?)", pins)


def load_pins(db: sqlite_utils.Database) -> list[tuple[int, int]]:
    """The stored pins as (queue position, track id), front first."""
    return [
        (int(pos), int(track))
        for pos, track in db.execute("SELECT position, track_id FROM queue_pins ORDER BY position")
    ]
