"""Plays: every listening event, committed in its own transaction."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

import sqlite_utils

from engine.learner.labels import Ended, Label
from engine.store.db import transaction


@dataclass(frozen=True)
class PlayRecord:
    """One play as the player reports it (see ``docs/events.md``)."""

    track_id: int
    session_id: str
    started_at: float  # unix seconds
    hour: float  # local time of day in [0, 24)
    listened_ms: int
    position_ms: int
    duration_ms: int
    ended: Ended
    seeks_forward: int = 0
    seeks_backward: int = 0
    source: str = "player"

    def __post_init__(self) -> None:
        # The edge where an ending enters the engine: an unknown one is refused here, by name.
        object.__setattr__(self, "ended", Ended(self.ended))


def insert_play(db: sqlite_utils.Database, play: PlayRecord, label: Label) -> int:
    """Store one play with its label and commit before returning its id."""
    with transaction(db.conn):
        return insert_play_in(db.conn, play, label)


def insert_play_in(conn: sqlite3.Connection, play: PlayRecord, label: Label) -> int:
    """Insert one play inside the caller's open transaction; returns its id."""
    row = asdict(play)
    row["label"] = label.target
    row["label_kind"] = label.kind.value
    cur = conn.execute(
        f"INSERT INTO plays ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        list(row.values()),
    )
    return int(cur.lastrowid or 0)


def count_plays(db: sqlite_utils.Database) -> int:
    """How many plays are stored."""
    return int(db.execute("SELECT count(*) FROM plays").fetchone()[0])


def list_plays(db: sqlite_utils.Database, *, last: int | None = None) -> list[dict[str, Any]]:
    """Plays oldest first, joined with the track's path and title; ``last`` keeps the newest N."""
    sql = """SELECT plays.*, tracks.path AS path, tracks.title AS title
             FROM plays JOIN tracks ON tracks.id = plays.track_id
             ORDER BY plays.started_at DESC, plays.id DESC"""
    params: list[int] = []
    if last is not None:
        sql += " LIMIT ?"
        params.append(max(int(last), 0))
    return list(reversed(list(db.query(sql, params))))


RESUME_MIN_LEFT_MS = 5000  # closer to the end than this, the song is over: the next one starts instead


@dataclass(frozen=True)
class ResumePoint:
    """Where the last run left a song it did not finish: the player brings it back there, paused."""

    track_id: int
    position_ms: int
    listened_ms: int  # heard before the app closed: the resumed play's record counts it too


def resume_point(db: sqlite_utils.Database) -> ResumePoint | None:
    """The newest play, when the app was closed (or killed) in the middle of it; else None."""
    row = db.execute(
        "SELECT track_id, ended, position_ms, listened_ms, duration_ms FROM plays ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    track_id, ended, position_ms, listened_ms, duration_ms = row
    cut_short = ended in (Ended.CLOSED, Ended.INTERRUPTED)
    if not cut_short or not 0 < position_ms < duration_ms - RESUME_MIN_LEFT_MS:
        return None
    return ResumePoint(int(track_id), int(position_ms), int(listened_ms))
