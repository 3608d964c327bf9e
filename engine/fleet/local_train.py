"""One device's local training: its play log replayed from the fleet's baseline.

This is the one place that says how a device learns for the fleet, so that it
can later become the player's shared "observe a play" step. The personal
profile is never read or written: training starts from the baseline, in memory.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sqlite_utils

from engine.features.normalize import Normalizer
from engine.learner.context import ContextState
from engine.learner.labels import Ended, Kind, replay_label
from engine.learner.learner import Learner
from engine.learner.profile import Profile
from engine.store import open_db
from engine.store.tracks import load_library

_PLAYS_SQL = (
    "SELECT track_id, session_id, started_at, hour, listened_ms, ended, label, label_kind FROM plays"
    " ORDER BY started_at, id"
)


def local_train(db_or_log: sqlite_utils.Database | Path, baseline: np.ndarray) -> np.ndarray:
    """The weights [shape=(42,)] after replaying every stored play from ``baseline`` [shape=(42,)].

    The replay is the player's own (``ListeningSession.record``): for each play
    of a track still in the library, a new session where the player would start
    one, the micro-update (``Learner.learn_one``) on the play's inputs as they
    were before it, the extra positive event of a ``previous``, then the play
    folded into the context memories. It starts from a fresh profile whose
    weights and pull target are the baseline (covariance: the prior's).
    Deterministic: the same log and baseline give the same weights.
    """
    db = open_db(db_or_log) if isinstance(db_or_log, Path) else db_or_log
    library = load_library(db)
    features = Normalizer.fit(library.raw).transform(library.raw)
    context = ContextState(features, library.artist)
    index = library.index_of()
    learner = Learner(Profile.from_prior(np.asarray(baseline, dtype=np.float64)))
    previous: int | None = None
    for track, session, started, hour, listened_ms, ended, target, kind in db.execute(_PLAYS_SQL):
        i = index.get(track)
        if i is None:
            continue
        context.maybe_new_session(started, session)
        if target is not None:
            learner.learn_one(context.inputs_one(i, started, hour), target)
        if ended == Ended.PREVIOUS and previous in index:
            x = context.inputs_one(index[previous], started, hour)
            learner.learn_one(x, replay_label().target or 1.0)
        context.record(i, started, target, Kind(kind), ended_at=started + listened_ms / 1000)
        previous = track
    return learner.weights.copy()
