"""The database: migrations from empty, refusal of foreign files, plays committed first."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlite_utils

from engine.features.names import FEATURE_NAMES
from engine.listening import ListeningSession
from engine.store import SchemaError, heartbeat, open_db
from engine.store.db import apply_migrations, at_commit, commit_pending, schema_version, transaction
from engine.store.migrations import MIGRATIONS, SCHEMA_VERSION
from engine.store.plays import PlayRecord, list_plays, resume_point
from engine.store.profiles import load_profile
from engine.store.tracks import load_library
from tests.engine.helpers import another_programs_database, fill_library


def test_migrations_from_an_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db = open_db(path)
    assert schema_version(db) == SCHEMA_VERSION
    assert {"tracks", "features", "plays", "profile_snapshots", "meta"} <= set(db.table_names())
    assert set(FEATURE_NAMES) <= set(db["features"].columns_dict)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    db.close()
    again = open_db(path)
    assert apply_migrations(again) == 0, "re-opening applies nothing twice"
    again.close()


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    open_db(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaError, match="newer than this Skipwise"):
        open_db(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are not the tables you are looking for\n" * 100)
    with pytest.raises(SchemaError, match="not a usable SQLite database"):
        open_db(path)
    assert path.read_text().startswith("these are not"), "the foreign file is left alone"


def test_another_programs_database_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = another_programs_database(tmp_path / "bookmarks.db")
    before = path.read_bytes()
    with pytest.raises(SchemaError, match=r"not made by Skipwise.*bookmarks"):
        open_db(path)
    assert path.read_bytes() == before, "not a table added, not even the journal mode changed"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = -1")
    conn.close()
    with pytest.raises(SchemaError, match="not made by Skipwise"):
        open_db(path)


def _open_after(barrier: Any, path: Path) -> None:
    barrier.wait()
    open_db(path).close()


def test_programs_that_create_the_same_database_at_once_all_open_it(tmp_path: Path) -> None:
    """Each migration reads the version again under the write lock, so no one applies it twice."""
    ctx = multiprocessing.get_context("spawn")
    for attempt in range(4):
        path = tmp_path / f"shared-{attempt}.db"
        barrier = ctx.Barrier(3)
        workers = [ctx.Process(target=_open_after, args=(barrier, path)) for _ in range(3)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert [w.exitcode for w in workers] == [0, 0, 0], f"attempt {attempt}"
        assert schema_version(open_db(path)) == SCHEMA_VERSION


def test_plays_keep_every_field_and_invalid_ones_are_refused(db: sqlite_utils.Database) -> None:
    ids = fill_library(db, 5)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    play = PlayRecord(ids[1], "sess-1", 1_767_600_000.5, 21.5, 61_000, 75_000, 200_000, "skip", 2, 1)
    session.record(play)
    (row,) = list_plays(db)
    assert row["path"].endswith("/00001.ogg") and row["session_id"] == "sess-1"
    assert (row["listened_ms"], row["position_ms"], row["duration_ms"]) == (61_000, 75_000, 200_000)
    assert (row["seeks_forward"], row["seeks_backward"], row["hour"]) == (2, 1, 21.5)
    assert row["ended"] == "skip" and row["label_kind"] == "late_skip"
    assert row["label"] == pytest.approx(0.3 + 0.6 * 61 / 200)
    with pytest.raises(sqlite3.IntegrityError):
        session.record(PlayRecord(ids[1], "s", 1.0, 25.0, 0, 0, 1000, "end"))
    with pytest.raises(ValueError):
        session.record(PlayRecord(ids[1], "s", 1.0, 2.0, 0, 0, 1000, "paused"))


def test_a_commit_left_for_later_comes_before_the_next_durable_write_and_a_beat_rides_along(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    ids = fill_library(db, 5)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    other = sqlite3.connect(tmp_path / "test.db")  # what another process sees
    plays = "SELECT count(*) FROM plays"
    beats = "SELECT count(*) FROM heartbeat"
    session.record(
        PlayRecord(ids[0], "s", 1_767_600_000.0, 9.0, 2_000, 2_000, 200_000, "skip"), commit_later=True
    )
    assert session.commit_waits and other.execute(plays).fetchone()[0] == 0
    assert len(list_plays(db)) == 1, "the player's own connection sees it at once"
    heartbeat.beat(db, PlayRecord(ids[1], "s", 1_767_600_002.0, 9.0, 0, 0, 200_000, "skip"))  # the next song
    assert session.commit_waits, "a beat does not force the fsync early"
    assert (other.execute(plays).fetchone()[0], other.execute(beats).fetchone()[0]) == (0, 0)
    assert session.commit_pending() and not session.commit_waits
    assert (other.execute(plays).fetchone()[0], other.execute(beats).fetchone()[0]) == (1, 1)
    assert not session.commit_pending(), "nothing left"
    session.record(
        PlayRecord(ids[1], "s", 1_767_600_002.0, 9.0, 1_000, 1_000, 200_000, "skip"), commit_later=True
    )
    session.record(PlayRecord(ids[2], "s", 1_767_600_004.0, 9.0, 1_000, 1_000, 200_000, "skip"))
    assert not session.commit_waits and other.execute(plays).fetchone()[0] == 3, "committed in order"
    other.close()


def test_a_plays_profile_snapshot_is_written_at_its_commit_as_the_profile_was_then(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    ids = fill_library(db, 20)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    other = sqlite3.connect(tmp_path / "test.db")
    snapshots = "SELECT count(*) FROM profile_snapshots"
    before = db.execute(snapshots).fetchone()[0]
    report = session.record(
        PlayRecord(ids[0], "s", 1_767_600_000.0, 9.0, 2_000, 2_000, 200_000, "skip"), commit_later=True
    )
    assert report.updates and session.commit_waits
    assert db.execute(snapshots).fetchone()[0] == before, "not serialised before the window redraws"
    learned = session.learner.profile.weights.copy()
    session.learner.profile.weights[:] += 1.0  # what the profile does after the play is not its snapshot
    assert session.commit_pending()
    assert other.execute(snapshots).fetchone()[0] == before + 1
    stored = load_profile(db)
    assert stored is not None and np.array_equal(stored.profile.weights, learned)
    session.learner.profile.weights[:] = learned
    session.record(
        PlayRecord(ids[1], "s", 1_767_600_002.0, 9.0, 2_000, 2_000, 200_000, "skip"), commit_later=True
    )
    assert load_profile(db).profile.steps == session.learner.profile.steps, "a reader commits it first"  # type: ignore[union-attr]
    assert not session.commit_waits and other.execute(snapshots).fetchone()[0] == before + 2
    other.close()


def test_work_left_for_the_commit_that_fails_takes_the_whole_transaction_back(
    db: sqlite_utils.Database,
) -> None:
    def broken(_conn: sqlite3.Connection) -> None:
        raise OSError("disk full")

    (track,) = fill_library(db, 1)
    with transaction(db.conn, commit_later=True) as conn:
        conn.execute("INSERT INTO heartbeat (session_id, track_id, started_at, hour, listened_ms,"
                     " position_ms, duration_ms, seeks_forward, seeks_backward, beat_at)"
                     " VALUES ('x', ?, 1.0, 9.0, 0, 0, 1, 0, 0, 1.0)", (track,))  # fmt: skip
        at_commit(conn, broken)
    with pytest.raises(OSError, match="disk full"):
        commit_pending(db.conn)
    assert not db.conn.in_transaction and db.execute("SELECT count(*) FROM heartbeat").fetchone()[0] == 0
    with transaction(db.conn) as conn:  # nothing of it is left to run on the next one
        conn.execute("DELETE FROM heartbeat")


def test_a_play_is_committed_even_when_the_learner_fails(db: sqlite_utils.Database, tmp_path: Path) -> None:
    ids = fill_library(db, 20)
    session = ListeningSession(db, rng=np.random.default_rng(0))

    def crash(*_: object) -> None:
        raise RuntimeError("the learner crashed")

    session.learner.learn_one = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        session.record(PlayRecord(ids[2], "s", 1_767_600_000.0, 9.0, 2_000, 2_000, 200_000, "skip"))
    other = sqlite3.connect(tmp_path / "test.db")
    assert other.execute("SELECT ended, label FROM plays").fetchall() == [("skip", 0.0)]
    other.close()


@pytest.mark.parametrize(
    ("ended", "position_ms", "resumes"),
    [
        ("closed", 60_000, True),
        ("interrupted", 60_000, True),  # killed: recovered from the heartbeat, then resumed
        ("closed", 196_000, False),  # 4 s from the end: the song is over
        ("closed", 0, False),
        ("skip", 60_000, False),
        ("end", 200_000, False),
    ],
)
def test_only_a_song_left_mid_way_by_the_last_run_is_resumed(
    db: sqlite_utils.Database, ended: str, position_ms: int, resumes: bool
) -> None:
    a, b = fill_library(db, 2)
    session = ListeningSession(db)
    assert resume_point(db) is None, "nothing played yet"
    session.record(PlayRecord(a, "s", 1_767_600_000.0, 9.0, 50_000, 50_000, 200_000, "closed"))
    session.record(PlayRecord(b, "s", 1_767_600_100.0, 9.0, 30_000, position_ms, 200_000, ended))
    point = resume_point(db)
    assert (point is not None) == resumes, "only the newest play counts"
    if point is not None:
        assert (point.track_id, point.position_ms, point.listened_ms) == (b, position_ms, 30_000)


def test_missing_and_failed_tracks_are_not_in_the_playable_library(db: sqlite_utils.Database) -> None:
    ids = fill_library(db, 6)
    db.execute("UPDATE tracks SET status = 'missing' WHERE id = ?", [ids[0]])
    db.execute("UPDATE tracks SET status = 'failed' WHERE id = ?", [ids[1]])
    db.conn.commit()
    lib = load_library(db)
    assert list(lib.ids) == ids[2:]
    assert lib.raw.shape == (4, 10) and np.all(np.isfinite(lib.raw))


def test_history_is_rebuilt_from_the_stored_plays(db: sqlite_utils.Database) -> None:
    ids = fill_library(db, 30)
    first = ListeningSession(db, rng=np.random.default_rng(0))
    now = 1_767_600_000.0
    for k in range(3):
        first.record(PlayRecord(ids[4], "s", now + k * 300, 9.0, 2_000, 2_000, 200_000, "skip"))
    first.record(PlayRecord(ids[5], "s", now + 1000, 9.0, 200_000, 200_000, 200_000, "end"))
    second = ListeningSession(db, rng=np.random.default_rng(0))
    a = first.context.inputs_many(now + 2000)
    b = second.context.inputs_many(now + 2000)
    np.testing.assert_allclose(a, b)
    np.testing.assert_array_equal(second.learner.weights, first.learner.weights)


def test_each_migration_keeps_the_data_of_the_version_before(tmp_path: Path) -> None:
    for version in range(1, SCHEMA_VERSION):
        path = tmp_path / f"v{version}.db"
        conn = sqlite3.connect(path)
        for statements in MIGRATIONS[:version]:
            for statement in statements:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute(
            "INSERT INTO tracks (id, path, title, added_at, updated_at) VALUES (7, '/m/a.ogg', 'A', 1, 1)"
        )
        conn.commit()
        conn.close()
        db = open_db(path)
        assert schema_version(db) == SCHEMA_VERSION
        assert db.execute("SELECT id, title FROM tracks").fetchall() == [(7, "A")], f"from version {version}"
        assert {"heartbeat", "queue_pins"} <= set(db.table_names())
        db.close()
