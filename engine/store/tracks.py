"""Tracks and their features: the queries the learner, queue and simulator need."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlite_utils

from engine.features.names import FEATURE_NAMES, N_FEATURES
from engine.store.db import transaction
from engine.store.pathcodec import from_db


@dataclass(frozen=True)
class LibraryArrays:
    """The playable library as arrays, in one consistent order.

    ids : np.ndarray [shape=(n,)], track ids
    raw : np.ndarray [shape=(n, 10)], raw features, NaN where not analysed yet
    artist : np.ndarray [shape=(n,)], int artist index
    duration_ms : np.ndarray [shape=(n,)]
    """

    ids: np.ndarray
    raw: np.ndarray
    artist: np.ndarray
    duration_ms: np.ndarray
    titles: list[str]
    artists: list[str]

    @property
    def n_songs(self) -> int:
        return len(self.ids)

    def index_of(self) -> dict[int, int]:
        return {int(t): i for i, t in enumerate(self.ids)}


def add_tracks(db: sqlite_utils.Database, rows: Iterable[Mapping[str, Any]]) -> list[int]:
    """Insert tracks (dicts with at least ``path``); returns their ids. One transaction."""
    now = time.time()
    ids = []
    with transaction(db.conn):
        for row in rows:
            data = {"added_at": now, "updated_at": now, **row}
            cur = db.conn.execute(
                f"INSERT INTO tracks ({', '.join(data)}) VALUES ({', '.join('?' * len(data))})",
                list(data.values()),
            )
            ids.append(int(cur.lastrowid or 0))
    return ids


def set_features(
    db: sqlite_utils.Database, track_ids: Iterable[int], raw: np.ndarray, extractor_version: int
) -> None:
    """Store raw features [shape=(n, 10)] for ``track_ids`` in one transaction."""
    cols = ", ".join(FEATURE_NAMES)
    marks = ", ".join("?" * (N_FEATURES + 3))
    now = time.time()
    with transaction(db.conn):
        db.conn.executemany(
            f"INSERT OR REPLACE INTO features (track_id, extractor_version, {cols}, analysed_at)"
            f" VALUES ({marks})",
            [
                (int(t), extractor_version, *(None if np.isnan(v) else float(v) for v in row), now)
                for t, row in zip(track_ids, np.asarray(raw, dtype=float), strict=True)
            ],
        )


def load_library(db: sqlite_utils.Database) -> LibraryArrays:
    """Every track that is not missing or failed, with its features if analysed."""
    cols = ", ".join(f"features.{n}" for n in FEATURE_NAMES)
    rows = db.execute(
        f"""SELECT tracks.id, coalesce(tracks.artist, ''), coalesce(tracks.title, ''),
                   coalesce(tracks.duration_ms, 0), {cols}
            FROM tracks LEFT JOIN features ON features.track_id = tracks.id
            WHERE tracks.status = 'ok' ORDER BY tracks.id"""
    ).fetchall()
    if not rows:
        empty = np.zeros(0)
        return LibraryArrays(
            empty.astype(np.int64),
            np.zeros((0, N_FEATURES)),
            empty.astype(np.int64),
            empty.astype(np.int64),
            [],
            [],
        )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    artists = [r[1] for r in rows]
    _, artist_idx = np.unique(np.array([a.casefold() for a in artists], dtype=object), return_inverse=True)
    raw = np.array([[np.nan if v is None else v for v in r[4:]] for r in rows], dtype=np.float64)
    return LibraryArrays(
        ids=ids,
        raw=raw,
        artist=artist_idx.astype(np.int64),
        duration_ms=np.array([r[3] for r in rows], dtype=np.int64),
        titles=[r[2] for r in rows],
        artists=artists,
    )


@dataclass(frozen=True)
class TrackRow:
    """One row of the library as the player lists it."""

    id: int
    title: str
    artist: str
    album: str
    genre: str
    year: int | None
    track_number: int | None
    duration_ms: int
    path: str
    album_artist: str = ""
    disc_number: int | None = None


_ROW_SQL = """SELECT id, coalesce(title, ''), coalesce(artist, ''), coalesce(album, ''), coalesce(genre, ''),
                     year, track_number, coalesce(duration_ms, 0), path, coalesce(album_artist, ''),
                     disc_number
              FROM tracks"""


def _row(r: tuple) -> TrackRow:
    return TrackRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], from_db(r[8]), r[9], r[10])


def library_rows(db: sqlite_utils.Database) -> list[TrackRow]:
    """Every playable track (``status = 'ok'``), by id (views sort as they like)."""
    return [_row(r) for r in db.execute(_ROW_SQL + " WHERE status = 'ok' ORDER BY id").fetchall()]


def track_row(db: sqlite_utils.Database, track_id: int) -> TrackRow | None:
    """One track by id, whatever its status (None when there is no such track)."""
    r = db.execute(_ROW_SQL + " WHERE id = ?", (track_id,)).fetchone()
    return None if r is None else _row(r)


def missing_count(db: sqlite_utils.Database) -> int:
    """How many tracks are marked missing (their files were not found; kept, with their plays)."""
    return int(db.execute("SELECT count(*) FROM tracks WHERE status = 'missing'").fetchone()[0])


def has_tracks(db: sqlite_utils.Database) -> bool:
    """Whether the database knows any song at all (whatever its status)."""
    return db.execute("SELECT EXISTS (SELECT 1 FROM tracks)").fetchone()[0] == 1


def library_version(db: sqlite_utils.Database) -> tuple[tuple, tuple]:
    """Cheap fingerprints of (the tracks, the features): equal means nothing to reload."""
    tracks = db.execute("SELECT count(*), max(updated_at), sum(status = 'ok') FROM tracks").fetchone()
    features = db.execute("SELECT count(*), max(analysed_at) FROM features").fetchone()
    return tuple(tracks), tuple(features)
