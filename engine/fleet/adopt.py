"""A published baseline becomes the device's prior: pull target, reset target, start of new profiles.

What it touches (to reconcile with the stored "prior" provenance of issue 14):

- the newest profile snapshot is copied with ``prior`` set to the baseline and
  appended as a snapshot with reason ``fleet-baseline`` (weights, covariance,
  velocity, steps and mode stay exactly as they were, so the personal weights
  are untouched and the adoption can be undone like any snapshot);
- with no profile yet, the first profile starts from the baseline;
- the baseline is written beside the database (``<db stem>.fleet-baseline.json``)
  so that a reset and every new profile can start from it (``fleet_prior``);
  ``ListeningSession.reset`` still reads ``assets/prior.json`` until it is wired.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sqlite_utils

from engine.fleet.baseline import Baseline, BaselineError, check_weights
from engine.learner.profile import Profile
from engine.store.profiles import load_profile, save_profile

REASON = "fleet-baseline"


def baseline_path(db_path: Path) -> Path:
    """Where the adopted baseline of the database at ``db_path`` is kept."""
    return db_path.with_name(db_path.stem + ".fleet-baseline.json")


def adopt_baseline(db: sqlite_utils.Database, baseline: Baseline, *, db_path: Path | None = None) -> Profile:
    """Make ``baseline`` the profile's prior and keep it for resets; returns the profile now in use.

    The weights are validated first (``check_weights``): a baseline that fails
    raises BaselineError and nothing is written.
    """
    weights = check_weights(baseline.weights)
    loaded = load_profile(db)
    if loaded is None:
        profile = Profile.from_prior(weights)
    else:
        profile = loaded.profile.copy()
        profile.prior = weights.copy()
    save_profile(db, profile, REASON)
    if db_path is not None:
        Baseline(weights, baseline.round, baseline.fleet, baseline.privacy).write(baseline_path(db_path))
    return profile


def fleet_prior(db_path: Path) -> np.ndarray | None:
    """The adopted fleet baseline [shape=(42,)] for resets and new profiles, or None (none, or unusable)."""
    path = baseline_path(db_path)
    if not path.exists():
        return None
    try:
        return Baseline.read(path).weights
    except BaselineError:
        return None
