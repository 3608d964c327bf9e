"""The play in progress: saved every few seconds, recovered as ``interrupted`` after a kill.

The player calls :func:`beat` while a song plays; the play's own record
drops its beat in the transaction that stores it (:func:`clear_in`, from
``ListeningSession.record``), and :func:`clear` drops a beat with no play to
store. A stale beat is harmless anyway: a beat whose play was stored is
recognised and dropped. At start-up
:func:`recover` turns every beat left behind into a stored play that ended
``interrupted``: it is kept, and it trains nothing (``docs/events.md``).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import asdict, replace

import sqlite_utils

from engine.learner.labels import Ended, label_play
from engine.store.db import transaction
from engine.store.plays import PlayRecord, insert_play_in

_FIELDS = (
    "session_id", "track_id", "started_at", "hour", "listened_ms", "position_ms", "duration_ms",
    "seeks_forward", "seeks_backward",
)  # fmt: skip


def beat(db: sqlite_utils.Database, play: PlayRecord) -> None:
    """Save ``play`` (its ``ended`` is ignored) as the session's play in progress."""
    row = {k: v for k, v in asdict(play).items() if k in _FIELDS}
    row["beat_at"] = time.time()
    with transaction(db.conn, durable=False):  # a kill keeps it; a power cut may cost one beat
        db.conn.execute(
            f"INSERT OR REPLACE INTO heartbeat ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )


def clear(db: sqlite_utils.Database, session_id: str) -> None:
    # Not durable either: a beat that comes back after a power cut is one of a stored play (dropped).
    with transaction(db.conn, durable=False):
        clear_in(db.conn, session_id)


def clear_in(conn: sqlite3.Connection, session_id: str) -> None:
    """Drop the session's beat inside the caller's open transaction (the one storing its play)."""
    conn.execute("DELETE FROM heartbeat WHERE session_id = ?", (session_id,))


def recover(db: sqlite_utils.Database) -> list[int]:
    """Store every leftover beat as an ``interrupted`` play; returns the new play ids.

    Each beat becomes a play and disappears in one transaction, so a crash
    during recovery neither loses nor duplicates a play. A beat whose play
    was already stored (the player died between committing the play and
    clearing the beat) is only dropped.
    """
    ids: list[int] = []
    rows = list(db.query(f"SELECT {', '.join(_FIELDS)} FROM heartbeat ORDER BY started_at"))
    for row in rows:
        play = replace(PlayRecord(**row, ended=Ended.INTERRUPTED), source="heartbeat")
        with transaction(db.conn):
            stored = db.conn.execute(
                "SELECT 1 FROM plays WHERE session_id = ? AND track_id = ? AND started_at = ?",
                (play.session_id, play.track_id, play.started_at),
            ).fetchone()
            if stored is None:
                ids.append(insert_play_in(db.conn, play, label_play(play.ended, 0, 0)))
            db.conn.execute("DELETE FROM heartbeat WHERE session_id = ?", (play.session_id,))
    return ids
