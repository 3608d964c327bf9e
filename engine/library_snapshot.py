"""What the listening session rebuilds from the database: library arrays and context memories.

:func:`load_snapshot` only reads, touches no session state and can run on any
thread with its own connection, so the player builds the next snapshot in the
background while a scan fills the library, and swaps it in at once
(``ListeningSession.adopt``). The memories are refolded from the plays, never
stored: see ``docs/events.md``, "Rebuilt at start-up".
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from engine.features.normalize import Normalizer
from engine.learner.context import ContextState
from engine.learner.labels import Kind
from engine.store.tracks import LibraryArrays, load_library

_PLAYS_SQL = (
    "SELECT id, track_id, session_id, started_at, listened_ms, label, label_kind FROM plays"
    " WHERE id > ? ORDER BY started_at, id"
)


@dataclass
class LibrarySnapshot:
    library: LibraryArrays
    index: dict[int, int]  # track id -> row
    context: ContextState
    previous_track: int | None  # the track of the newest play folded in
    last_play_id: int  # the newest play folded in (0: none)


def load_snapshot(db: sqlite_utils.Database) -> LibrarySnapshot:
    """The playable library and the context memories of every stored play."""
    library = load_library(db)
    features = Normalizer.fit(library.raw).transform(library.raw)
    snap = LibrarySnapshot(library, library.index_of(), ContextState(features, library.artist), None, 0)
    fold_plays(db, snap)
    return snap


def fold_plays(db: sqlite_utils.Database, snap: LibrarySnapshot) -> int:
    """Fold the plays stored after ``snap.last_play_id`` into its memories; returns how many."""
    n = 0
    for play_id, track_id, session_id, started_at, listened_ms, label, kind in db.execute(
        _PLAYS_SQL, (snap.last_play_id,)
    ):
        snap.last_play_id = max(snap.last_play_id, play_id)
        i = snap.index.get(track_id)
        if i is None:
            continue
        snap.context.maybe_new_session(started_at, session_id)
        snap.context.record(i, started_at, label, Kind(kind), ended_at=started_at + listened_ms / 1000)
        snap.previous_track = track_id
        n += 1
    return n
