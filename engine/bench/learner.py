"""``skipwise bench learner``: the learner's speed beside River's, in the same process.

Every figure is a median of many repeats; learner and River are measured in
alternating blocks so that a noisy neighbour slows both alike.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from engine.learner import learner as learner_module
from engine.learner.context import ContextState
from engine.learner.labels import Ended, Kind
from engine.learner.learner import Learner
from engine.listening import ListeningSession
from engine.queue.ranker import Ranker
from engine.queue.upcoming import UpcomingQueue
from engine.sim import river_baseline
from engine.sim.library import synthetic_library, synthetic_raw
from engine.store import open_db
from engine.store.plays import PlayRecord
from engine.store.tracks import add_tracks, set_features

RERANK_SIZES = (1000, 10_000, 100_000)


def _median_us(fn: Callable[[int], object], n: int) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.perf_counter_ns()
        fn(i)
        out.append((time.perf_counter_ns() - t0) / 1000.0)
    return out


def _event_inputs(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Realistic learner inputs [shape=(n, 26)] and soft targets [shape=(n,)]."""
    lib = synthetic_library(2000, seed=seed)
    ctx = ContextState(lib.features, lib.artist)
    rng = np.random.default_rng(seed)
    X = np.empty((n, 26))
    for i in range(n):
        song, hour = int(rng.integers(lib.n_songs)), float(rng.uniform(0, 24))
        X[i] = ctx.inputs_one(song, 1e9 + i * 240.0, hour)
        ctx.record(song, 1e9 + i * 240.0, float(rng.random() > 0.5), _kind(rng))
    return X, rng.random(n)


def _kind(rng: np.random.Generator) -> Kind:
    return (Kind.PLAY_THROUGH, Kind.EARLY_SKIP, Kind.LATE_SKIP)[int(rng.integers(3))]


def bench_update(n: int = 20_000, blocks: int = 10) -> dict[str, float]:
    """Median microseconds of one micro-update, the learner's and River's."""
    X, Y = _event_inputs(2000)
    learner = Learner.from_prior(rng=np.random.default_rng(0))
    river = river_baseline.make_model()
    D = [river_baseline.expand_one(x) for x in X]
    ours: list[float] = []
    theirs: list[float] = []

    def river_step(i: int) -> None:
        d = D[i % 2000]
        river.predict_proba_one(d)
        river.learn_one(d, bool(Y[i % 2000] > 0.5))

    for _ in range(blocks):
        ours += _median_us(lambda i: learner.learn_one(X[i % 2000], Y[i % 2000]), n // blocks)
        theirs += _median_us(river_step, n // blocks)
    return {"update_us": float(np.median(ours)), "river_update_us": float(np.median(theirs))}


def bench_rerank(n_songs: int, repeats: int = 40) -> float:
    """Median milliseconds to score every song and refill a 30-song queue."""
    lib = synthetic_library(n_songs, seed=1)
    ctx = ContextState(lib.features, lib.artist)
    rng = np.random.default_rng(1)
    now = 1e9
    for i in range(300):  # some history, so the memories are not all zero
        now += 200.0
        ctx.record(int(rng.integers(n_songs)), now, float(i % 2), _kind(rng))
    ranker = Ranker(Learner.from_prior(rng=rng), ctx, rng=rng)
    queue = UpcomingQueue(30)

    def rerank(_: int) -> None:
        ranking = ranker.rank(now, 8.0, need=31)
        queue.rerank(ranking.scores, ranking.eligible)

    rerank(0)
    return float(np.median(_median_us(rerank, repeats))) / 1000.0


def bench_skip_to_reordered(n_songs: int = 10_000, events: int = 200) -> float:
    """Median milliseconds from a skip to a reordered queue, durable saves included.

    A real database file with ``n_songs`` tracks: the play is committed, the
    learner updates, the profile snapshot is committed, the queue re-ranked.
    """
    raw, artist, duration = synthetic_raw(n_songs, seed=2)
    with tempfile.TemporaryDirectory(prefix="skipwise-bench-") as tmp:
        db = open_db(Path(tmp) / "bench.db")
        ids = add_tracks(
            db,
            (
                {
                    "path": f"/bench/{i}.ogg",
                    "title": f"Song {i}",
                    "artist": f"Artist {a}",
                    "duration_ms": int(d * 1000),
                }
                for i, (a, d) in enumerate(zip(artist, duration, strict=True))
            ),
        )
        set_features(db, ids, raw, extractor_version=0)
        session = ListeningSession(db, rng=np.random.default_rng(2))
        session.rerank(1e9, 8.0)
        rng = np.random.default_rng(3)
        times = []
        now = 1e9
        for i in range(events):
            track = int(ids[int(rng.integers(n_songs))])
            now += 30.0
            play = PlayRecord(track, "bench", now, 8.0, 3000 + i, 3000 + i, 200_000, Ended.SKIP)
            t0 = time.perf_counter_ns()
            session.record(play)
            times.append((time.perf_counter_ns() - t0) / 1e6)
        db.close()
    return float(np.median(times))


def bench_learner() -> dict[str, Any]:
    """The ``skipwise bench learner --json`` document."""
    update = bench_update()
    doc: dict[str, Any] = {
        "update_us": round(update["update_us"], 3),
        "river_update_us": round(update["river_update_us"], 3),
        "update_vs_river": round(update["update_us"] / update["river_update_us"], 3),
        "rerank_ms": {str(n): round(bench_rerank(n), 3) for n in RERANK_SIZES},
        "skip_to_reordered_ms": round(bench_skip_to_reordered(), 3),
        "kernel": "c" if learner_module._kernel is not None else "numpy",
    }
    return doc
