"""The prior a reset or a new profile starts from: the adopted fleet prior, else the shipped one.

When the device adopted a fleet baseline (``engine.fleet.adopt``), the prior
it made is kept beside the database as ``<db stem>.fleet-prior.json`` (a
``skipwise-prior`` file); otherwise a reset goes back to ``assets/prior.json``.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from engine.learner.prior import Prior, PriorError
from engine.learner.profile import shipped_prior
from engine.store.db import database_path


def fleet_prior_path(db_path: Path) -> Path:
    """Where the prior an adopted fleet baseline made is kept, beside the database at ``db_path``."""
    return db_path.with_name(db_path.stem + ".fleet-prior.json")


def fleet_prior(db_path: Path) -> Prior | None:
    """The prior the adopted fleet baseline made, or None: none adopted, or its file unusable."""
    if not db_path.name:  # an in-memory database has no file beside which a baseline could be
        return None
    path = fleet_prior_path(db_path)
    try:
        return Prior.read(path) if path.exists() else None
    except (PriorError, OSError):
        return None


def start_prior(where: sqlite_utils.Database | Path | None) -> Prior:
    """The prior a reset or a new profile of this database starts from: the fleet's, else the shipped one."""
    path = database_path(where) if isinstance(where, sqlite_utils.Database) else where
    return (fleet_prior(path) if path is not None else None) or shipped_prior()
