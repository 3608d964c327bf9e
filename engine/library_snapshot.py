"""What the listening session rebuilds from the database: library arrays and context memories.

:func:`load_snapshot` only reads, touches no session state and can run on any
thread with its own connection, so the player builds the next snapshot in the
background while a scan fills the library, and swaps it in at once
(``ListeningSession.adopt``). The memories are refolded from the plays, never
stored: see ``docs/events.md``, "Rebuilt at start-up".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import sqlite_utils

from engine.features.normalize import Normalizer
from engine.learner.context import ContextState
from engine.learner.labels import Ended, Kind, Label
from engine.learner.observe import Observation, observe
from engine.store.tracks import LibraryArrays, load_library

_PLAYS_SQL = (
    "SELECT id, track_id, session_id, started_at, hour, listened_ms, ended, label, label_kind FROM plays"
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
    for play_id, track_id, obs in stored_observations(db, snap.index, after=snap.last_play_id):
        snap.last_play_id = max(snap.last_play_id, play_id)
        if obs is None:
            continue
        observe(snap.context, obs)
        snap.previous_track = track_id
        n += 1
    return n


def stored_observations(
    db: sqlite_utils.Database, index: dict[int, int], *, after: int = 0
) -> Iterator[tuple[int, int, Observation | None]]:
    """The stored plays after play id ``after``, oldest first, as (play id, track id, observation).

    The observation is None for a track that has no row in ``index``. A play
    that ended with "previous" is given ``back_to``: the song played next, the
    one the listener went back to (the player starts it at once), when it is
    in ``index``. So replaying these through :func:`observe` with a learner
    repeats what the player learned from them.
    """
    rows = db.execute(_PLAYS_SQL, (after,))
    pending: tuple[int, int, Observation] | None = None  # a "previous" play waiting for the next track
    for play_id, track_id, session_id, started_at, hour, listened_ms, ended, label, kind in rows:
        row = index.get(track_id)
        if pending is not None:
            yield _back_to(pending, row)
            pending = None
        if row is None:
            yield play_id, track_id, None
            continue
        obs = Observation(row, started_at, hour, Label(label, Kind(kind)), listened_ms / 1000, session_id)
        if ended == Ended.PREVIOUS:
            pending = (play_id, track_id, obs)
        else:
            yield play_id, track_id, obs
    if pending is not None:
        yield _back_to(pending, None)


def _back_to(pending: tuple[int, int, Observation], row: int | None) -> tuple[int, int, Observation]:
    play_id, track_id, obs = pending
    return play_id, track_id, replace(obs, back_to=row)
