"""One device's local training: its play log replayed from the fleet's baseline.

The replay is the player's own "observe a play" step (``engine.learner.observe``)
over the stored plays (``stored_observations``), so a device learns for the
fleet exactly as its player learned for itself. The personal profile is never
read or written: training starts from the baseline, in memory.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sqlite_utils

from engine.features.normalize import Normalizer
from engine.fleet.baseline import baseline_prior
from engine.learner.context import ContextState
from engine.learner.learner import Learner
from engine.learner.observe import observe
from engine.learner.profile import Profile
from engine.library_snapshot import stored_observations
from engine.store import open_db
from engine.store.tracks import load_library


def local_train(db_or_log: sqlite_utils.Database | Path, baseline: np.ndarray) -> np.ndarray:
    """The weights [shape=(42,)] after replaying every stored play from ``baseline`` [shape=(42,)].

    It starts from a fresh profile whose weights and pull target are the
    baseline (covariance: the shipped prior's, ``baseline_prior``), with memories rebuilt from nothing;
    plays of tracks no longer in the library are left out. Deterministic: the
    same log and baseline give the same weights.
    """
    db = open_db(db_or_log) if isinstance(db_or_log, Path) else db_or_log
    library = load_library(db)
    context = ContextState(Normalizer.fit(library.raw).transform(library.raw), library.artist)
    learner = Learner(Profile.from_prior(baseline_prior(baseline)))
    for _, _, obs in stored_observations(db, library.index_of()):
        if obs is not None:
            observe(context, obs, learner.learn_one)
    return learner.weights.copy()
