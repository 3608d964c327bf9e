"""Simulated devices: each a listener from the generator with its own library, database and play log.

A device's plays go through the player's own pipeline (``engine.sim.drive``,
``ListeningSession.record``): stored, labelled, learned from, with the
personal profile saved after each. The fleet then trains on that log.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.fleet.listeners import DEVICE_SEEDS, device_listener
from engine.listening import ListeningSession
from engine.sim.drive import drive
from engine.sim.synthetic_db import fill_synthetic
from engine.store import open_db

DEVICE_LIBRARY_SONGS = 400


def device_db_path(folder: Path, i: int) -> Path:
    return folder / f"device-{i:04d}.db"


def make_device(
    folder: Path, i: int, *, events: int, shared: bool, songs: int = DEVICE_LIBRARY_SONGS
) -> Path:
    """Device ``i``'s database in ``folder``: a library and ``events`` plays of its listener."""
    path = device_db_path(folder, i)
    db = open_db(path)
    db.conn.execute("PRAGMA synchronous=OFF")  # a simulated device: speed over power-cut safety
    fill_synthetic(db, songs, seed=DEVICE_SEEDS + i)
    session = ListeningSession(db, rng=np.random.default_rng([DEVICE_SEEDS + i, 1]))  # same device, same log
    drive(session, device_listener(i, shared=shared), events, seed=DEVICE_SEEDS + i)
    db.conn.close()
    return path


def make_devices(folder: Path, count: int, *, events: int, shared: bool) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [make_device(folder, i, events=events, shared=shared) for i in range(count)]
