"""A killed player loses at most the last beat of one play: it comes back as `interrupted`."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import sqlite_utils

from engine.listening import ListeningSession
from engine.store import heartbeat
from engine.store.plays import PlayRecord, list_plays
from engine.store.profiles import snapshot_count
from tests.engine.helpers import fill_library


def _play(track_id: int, **kw: object) -> PlayRecord:
    base = PlayRecord(track_id, "run-1", 1_767_600_000.0, 9.5, 41_000, 42_000, 180_000, "skip", 1, 0)
    return replace(base, **kw)  # type: ignore[arg-type]


def test_a_leftover_beat_is_stored_as_interrupted_and_trains_nothing(db: sqlite_utils.Database) -> None:
    ids = fill_library(db, 6)
    heartbeat.beat(db, _play(ids[2], listened_ms=10_000, position_ms=10_000))
    heartbeat.beat(db, _play(ids[2], listened_ms=15_000, position_ms=16_000))  # the newest beat wins
    snapshots = snapshot_count(db)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    (row,) = list_plays(db)
    assert (row["track_id"], row["ended"], row["label"], row["label_kind"]) == (
        ids[2], "interrupted", None, "no_label"
    )  # fmt: skip
    assert (row["listened_ms"], row["position_ms"], row["seeks_forward"]) == (15_000, 16_000, 1)
    assert row["source"] == "heartbeat"
    assert session.recovered == [row["id"]]
    assert db.execute("SELECT count(*) FROM heartbeat").fetchone()[0] == 0
    assert snapshot_count(db) in (snapshots, snapshots + 1), "only the prior may be saved, no update"
    assert session.learner.profile.steps == 0
    assert ListeningSession(db).recovered == [], "recovered once"


def test_a_beat_whose_play_was_already_stored_is_only_dropped(db: sqlite_utils.Database) -> None:
    ids = fill_library(db, 3)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    play = _play(ids[0])
    session.record(play)
    heartbeat.beat(db, play)  # a beat of the stored play left behind (an older player cleared it later)
    assert heartbeat.recover(db) == []
    assert len(list_plays(db)) == 1


def test_a_labelled_play_its_snapshot_and_the_end_of_its_beat_are_one_commit(
    db: sqlite_utils.Database,
) -> None:
    ids = fill_library(db, 4)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    play = _play(ids[1])
    heartbeat.beat(db, play)
    snapshots = snapshot_count(db)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        report = session.record(play)
    finally:
        db.conn.set_trace_callback(None)
    assert report.updates, "a skip trains the learner"
    assert [s for s in statements if s in ("BEGIN IMMEDIATE", "COMMIT")] == ["BEGIN IMMEDIATE", "COMMIT"]
    assert len(list_plays(db)) == 1 and snapshot_count(db) == snapshots + 1
    assert db.execute("SELECT count(*) FROM heartbeat").fetchone()[0] == 0
    assert ListeningSession(db).recovered == [], "nothing is left to recover"


def test_clear_removes_only_this_sessions_beat(db: sqlite_utils.Database) -> None:
    ids = fill_library(db, 3)
    heartbeat.beat(db, _play(ids[0]))
    heartbeat.beat(db, _play(ids[1], session_id="other"))
    heartbeat.clear(db, "run-1")
    assert [r[0] for r in db.execute("SELECT session_id FROM heartbeat")] == ["other"]
