"""Small builders shared by the engine tests."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import numpy as np
import sqlite_utils

from engine.learner import inputs as col
from engine.learner import timeofday
from engine.sim.synthetic_db import fill_synthetic


def random_inputs(rng: np.random.Generator, n: int) -> np.ndarray:
    """Plausible learner inputs [shape=(n, 26)]."""
    X = np.empty((n, col.N_INPUTS))
    X[:, col.FEATURES] = np.clip(rng.normal(size=(n, 10)), -3, 3)
    signed = [col.SONG_AFFINITY, col.ARTIST_AFFINITY, col.SESSION_SIMILARITY]
    X[:, signed] = rng.uniform(-1, 1, size=(n, 3))
    X[:, col.HEARD_RECENTLY : col.SKIPS.stop] = rng.uniform(0, 1, size=(n, 5))
    for i, hour in enumerate(rng.uniform(0, 24, n)):
        X[i, col.TIME_BINS], X[i, col.HOUR_ANGLE] = timeofday.context(hour)
    return X


def fill_library(db: sqlite_utils.Database, n: int, seed: int = 0) -> list[int]:
    """Add ``n`` synthetic tracks with features; returns their ids."""
    return fill_synthetic(db, n, seed=seed)


def another_programs_database(path: Path, table: str = "bookmarks") -> Path:
    """A SQLite file of someone else's: one table ``table`` with one row (Skipwise must leave it alone)."""
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(f"CREATE TABLE {table} (x TEXT)")
        conn.execute(f"INSERT INTO {table} VALUES ('https://example.org')")
    return path
