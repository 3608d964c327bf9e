"""Small builders shared by the engine tests."""

from __future__ import annotations

import numpy as np
import sqlite_utils

from engine.learner import timeofday
from engine.learner.model import N_INPUTS
from engine.sim.synthetic_db import fill_synthetic


def random_inputs(rng: np.random.Generator, n: int) -> np.ndarray:
    """Plausible learner inputs [shape=(n, 26)]."""
    X = np.empty((n, N_INPUTS))
    X[:, 0:10] = np.clip(rng.normal(size=(n, 10)), -3, 3)
    X[:, 10:13] = rng.uniform(-1, 1, size=(n, 3))
    X[:, 13:18] = rng.uniform(0, 1, size=(n, 5))
    for i, hour in enumerate(rng.uniform(0, 24, n)):
        X[i, 18:24], X[i, 24:26] = timeofday.context(hour)
    return X


def fill_library(db: sqlite_utils.Database, n: int, seed: int = 0) -> list[int]:
    """Add ``n`` synthetic tracks with features; returns their ids."""
    return fill_synthetic(db, n, seed=seed)
