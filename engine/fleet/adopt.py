"""A published baseline becomes the device's prior: pull target, reset target, start of new profiles.

What it touches:

- the newest profile snapshot is copied with its prior set to the baseline
  (``prior`` = the baseline's weights, ``origin`` = the fleet prior's, named
  "fleet") and appended as a snapshot with reason ``fleet-baseline``; the
  weights, the posterior and the prior covariance, velocity, steps and mode
  stay exactly as they were, so the personal weights are untouched and the
  adoption can be undone like any snapshot;
- with no profile yet, the first profile starts from the baseline;
- with ``db_path``, the baseline is written beside the database
  (``<db stem>.fleet-baseline.json``, what ``fleet status`` shows) and so is
  the prior it makes (``<db stem>.fleet-prior.json``, a ``skipwise-prior``
  file: the baseline as its mean, the profile's prior covariance, provenance
  {fleet, round, privacy, baseline_version}), from which a reset and every new profile start
  (``engine.start_prior``, used by ``ListeningSession`` and ``skipwise
  profile``). A device that adopted a baseline before the prior file existed
  (only the baseline file) resets to the shipped prior until the next round.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sqlite_utils

from engine.fleet.baseline import Baseline, check_weights
from engine.learner.prior import Prior, origin_of
from engine.learner.profile import Profile
from engine.start_prior import fleet_prior, fleet_prior_path, start_prior
from engine.store.profiles import load_profile, save_profile

__all__ = [
    "adopt_baseline",
    "baseline_path",
    "baseline_prior",
    "fleet_prior",
    "fleet_prior_path",
    "start_prior",
]

REASON = "fleet-baseline"
NAME = "fleet"  # the name of a prior a fleet baseline made


def baseline_path(db_path: Path) -> Path:
    """Where the adopted baseline of the database at ``db_path`` is kept."""
    return db_path.with_name(db_path.stem + ".fleet-baseline.json")


def baseline_prior(baseline: Baseline, covariance: np.ndarray) -> Prior:
    """The prior a validated ``baseline`` makes: its weights as the mean, ``covariance`` [shape=(42, 42)]."""
    provenance = {
        "fleet": baseline.fleet,
        "round": int(baseline.round),
        "privacy": baseline.privacy,
        "baseline_version": baseline.version,
    }
    return Prior(check_weights(baseline.weights), covariance, NAME, provenance)


def adopt_baseline(db: sqlite_utils.Database, baseline: Baseline, *, db_path: Path | None = None) -> Profile:
    """Make ``baseline`` the profile's prior and keep it for resets; returns the profile now in use.

    The weights are validated first (``check_weights``): a baseline that fails
    raises BaselineError and nothing is written. The prior's covariance is the
    profile's current prior covariance (with no profile yet, that of the prior
    a new profile would start from).
    """
    weights = check_weights(baseline.weights)
    loaded = load_profile(db)
    if loaded is None:
        prior = baseline_prior(baseline, start_prior(db_path).covariance)
        profile = Profile.from_prior(prior)
    else:
        profile = loaded.profile.copy()
        prior = baseline_prior(baseline, profile.prior_covariance)
        profile.prior = weights.copy()
        profile.origin = origin_of(prior)
    save_profile(db, profile, REASON)
    if db_path is not None:
        Baseline(weights, baseline.round, baseline.fleet, baseline.privacy).write(baseline_path(db_path))
        prior.write(fleet_prior_path(db_path))
    return profile
