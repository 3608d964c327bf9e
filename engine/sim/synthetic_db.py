"""A database full of synthetic songs (and optionally a listening history), for benchmarks and tests.

The tracks point at files that do not exist: nothing here is played, it is
what a big library looks like to the store, the learner and the window.
"""

from __future__ import annotations

import numpy as np
import sqlite_utils

from engine.learner.labels import Ended, label_play
from engine.sim.library import synthetic_raw
from engine.store.db import transaction
from engine.store.plays import PlayRecord, insert_play_in
from engine.store.tracks import add_tracks, set_features

ENDINGS = (Ended.END, Ended.SKIP, Ended.SKIP, Ended.END, Ended.PICK, Ended.PREVIOUS)


def fill_synthetic(
    db: sqlite_utils.Database, n: int, *, plays: int = 0, seed: int = 0, start: float = 1_767_600_000.0
) -> list[int]:
    """Add ``n`` songs with features and ``plays`` plays spread over days; returns the track ids."""
    raw, artist, duration = synthetic_raw(n, seed=seed)
    ids = add_tracks(
        db,
        (
            {
                "path": f"/music/Artist {a:03d}/{i:05d}.ogg",
                "title": f"Song {i}",
                "artist": f"Artist {a}",
                "album": f"Album {a % 40}",
                "genre": ("Rock", "Jazz", "Folk", "House", "Ambient", "Pop")[a % 6],
                "duration_ms": int(d * 1000),
            }
            for i, (a, d) in enumerate(zip(artist, duration, strict=True))
        ),
    )
    set_features(db, ids, raw, extractor_version=1)
    if plays:
        rng = np.random.default_rng(seed + 1)
        t = start
        with transaction(db.conn):
            for _ in range(plays):
                k = int(rng.integers(n))
                dur = int(duration[k] * 1000)
                ended = ENDINGS[int(rng.integers(len(ENDINGS)))]
                heard = dur if ended is Ended.END else int(rng.uniform(0.02, 0.8) * dur)
                play = PlayRecord(ids[k], f"s{int(t // 7200)}", t, (t / 3600) % 24, heard, heard, dur, ended)
                insert_play_in(db.conn, play, label_play(ended, heard, dur))
                t += heard / 1000 + float(rng.uniform(1, 900))
    return ids
