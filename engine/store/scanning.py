"""The tracks-table queries of the library scanner and the analysis writer."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from engine.features.names import FEATURE_NAMES
from engine.store.db import transaction
from engine.store.pathcodec import from_db, printable, to_db

TRACK_COLUMNS = (
    "path", "title", "artist", "album", "album_artist", "genre", "track_number", "disc_number", "year",
    "duration_ms", "size", "mtime", "status", "error", "format", "has_cover", "tag_error", "tags_version",
)  # fmt: skip
# What a new tag reader refreshes on a file whose audio did not change (its features stay).
TAG_COLUMNS = (
    "title", "artist", "album", "album_artist", "genre", "track_number", "disc_number", "year", "has_cover",
    "tag_error", "tags_version",
)  # fmt: skip


@dataclass(frozen=True)
class Known:
    """What the database remembers of a file."""

    id: int
    size: int | None
    mtime: float | None
    status: str
    error: str | None  # why it cannot be played or analysed (at the current extractor version)
    tags_version: int = 0  # the tag reader that stored its tags


def known_tracks(db: sqlite_utils.Database, version: int) -> dict[str, Known]:
    rows = db.execute(
        """SELECT id, path, size, mtime, status,
                  coalesce(error, CASE WHEN analysis_error_version >= ? THEN analysis_error END),
                  tags_version
           FROM tracks""",
        (version,),
    )
    return {from_db(row[1]): Known(row[0], *row[2:]) for row in rows}


def insert_tracks(db: sqlite_utils.Database, rows: Iterable[Mapping[str, Any]]) -> int:
    """Add new tracks; how many were added.

    A path that another scan of the same library added meanwhile (two scans
    started together) is left as that scan stored it.
    """
    now = time.time()
    cols = (*TRACK_COLUMNS, "added_at", "updated_at")
    data = [(*(_value(r, c) for c in TRACK_COLUMNS), now, now) for r in rows]
    with transaction(db.conn):
        cursor = db.conn.executemany(
            f"INSERT INTO tracks ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            " ON CONFLICT (path) DO NOTHING",
            data,
        )
    return max(cursor.rowcount, 0) if data else 0


def update_tracks(db: sqlite_utils.Database, rows: Iterable[tuple[int, Mapping[str, Any]]]) -> int:
    """Rewrite changed tracks; their features are dropped so they are analysed again."""
    now = time.time()
    sets = ", ".join(f"{c} = ?" for c in TRACK_COLUMNS if c != "path")
    data = [(*(_value(r, c) for c in TRACK_COLUMNS if c != "path"), now, track_id) for track_id, r in rows]
    with transaction(db.conn):
        db.conn.executemany(
            f"UPDATE tracks SET {sets}, updated_at = ?, analysis_error = NULL, analysis_error_version = NULL"
            " WHERE id = ?",
            data,
        )
        db.conn.executemany("DELETE FROM features WHERE track_id = ?", [(d[-1],) for d in data])
    return len(data)


def update_tags(db: sqlite_utils.Database, rows: Iterable[tuple[int, Mapping[str, Any]]]) -> int:
    """Store tags read again by a newer tag reader; the audio is unchanged, so its features stay.

    A track that was missing and is back gets status ``ok`` again.
    """
    now = time.time()
    sets = ", ".join(f"{c} = ?" for c in TAG_COLUMNS)
    data = [(*(_value(r, c) for c in TAG_COLUMNS), now, track_id) for track_id, r in rows]
    with transaction(db.conn):
        db.conn.executemany(f"UPDATE tracks SET {sets}, status = 'ok', updated_at = ? WHERE id = ?", data)
    return len(data)


def set_status(db: sqlite_utils.Database, ids: Iterable[int], status: str) -> int:
    now = time.time()
    data = [(status, now, i) for i in ids]
    with transaction(db.conn):
        db.conn.executemany("UPDATE tracks SET status = ?, updated_at = ? WHERE id = ?", data)
    return len(data)


def pending_analysis(db: sqlite_utils.Database, version: int) -> list[tuple[int, str]]:
    """Playable tracks without features of this extractor version that have not failed at it."""
    rows = db.execute(
        """SELECT tracks.id, tracks.path FROM tracks
           LEFT JOIN features ON features.track_id = tracks.id
           WHERE tracks.status = 'ok'
             AND (features.track_id IS NULL OR features.extractor_version < ?)
             AND (tracks.analysis_error_version IS NULL OR tracks.analysis_error_version < ?)
           ORDER BY tracks.id""",
        (version, version),
    )
    return [(i, from_db(p)) for i, p in rows]


def store_outcomes(db: sqlite_utils.Database, outcomes: Iterable[Any], version: int) -> None:
    """Write a batch of analysis outcomes (see engine.analysis.pool.Outcome) in one transaction."""
    now = time.time()
    cols = ", ".join(FEATURE_NAMES)
    marks = ", ".join("?" * len(FEATURE_NAMES))
    with transaction(db.conn):
        for o in outcomes:
            if o.error is None:
                db.conn.execute(
                    f"INSERT OR REPLACE INTO features (track_id, extractor_version, {cols}, analysed_at)"
                    f" VALUES (?, ?, {marks}, ?)",
                    (o.track_id, version, *(_finite(o.values.get(n)) for n in FEATURE_NAMES), now),
                )
                db.conn.execute(
                    "UPDATE tracks SET analysis_error = NULL, analysis_error_version = NULL,"
                    " duration_ms = coalesce(duration_ms, ?) WHERE id = ?",
                    (int(o.duration_s * 1000) if o.duration_s else None, o.track_id),
                )
            elif not o.retry:  # remembered: not analysed again at this version
                db.conn.execute(
                    "UPDATE tracks SET analysis_error = ?, analysis_error_version = ? WHERE id = ?",
                    (o.error, version, o.track_id),
                )


def forget_analysis_errors(db: sqlite_utils.Database) -> int:
    """Let every track whose analysis failed be tried again; returns how many."""
    with transaction(db.conn):
        cur = db.conn.execute(
            "UPDATE tracks SET analysis_error = NULL, analysis_error_version = NULL"
            " WHERE analysis_error IS NOT NULL"
        )
    return cur.rowcount


EXTRA_TRACK_KEYS = ("album_artist", "genre", "year", "track_number", "disc_number")  # beside the contract's


def list_tracks(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    cols = ", ".join(f"features.{n}" for n in FEATURE_NAMES)
    rows = db.execute(
        f"""SELECT tracks.path, tracks.title, tracks.artist, tracks.album, tracks.duration_ms,
                   tracks.status, coalesce(tracks.error, tracks.analysis_error), features.track_id,
                   tracks.album_artist, tracks.genre, tracks.year, tracks.track_number, tracks.disc_number,
                   {cols}
            FROM tracks LEFT JOIN features ON features.track_id = tracks.id ORDER BY tracks.path"""
    ).fetchall()
    return [
        {
            "path": from_db(r[0]),
            "title": r[1],
            "artist": r[2],
            "album": r[3],
            "duration": r[4] / 1000.0 if r[4] else None,
            "status": r[5],
            "error": r[6],
            "features": dict(zip(FEATURE_NAMES, r[13:], strict=True)) if r[7] is not None else {},
            **dict(zip(EXTRA_TRACK_KEYS, r[8:13], strict=True)),
        }
        for r in rows
    ]


_DEFAULTS = {"has_cover": 0, "status": "ok", "tags_version": 0}


def _value(row: Mapping[str, Any], column: str) -> Any:
    value = row.get(column, _DEFAULTS.get(column))
    if not isinstance(value, str):
        return value
    if column == "path":
        return to_db(value)  # exact bytes, so the file can be found again
    # A title made from an undecodable file name (or an error quoting one) carries lone
    # surrogates, which SQLite cannot store as text: keep it readable instead.
    return value if isinstance(to_db(value), str) else printable(value)


def _finite(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if v == v and abs(v) != float("inf") else None
