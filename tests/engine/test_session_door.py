"""The listening session's operations for the window, in track ids (engine/api.py's door)."""

from __future__ import annotations

import numpy as np
import sqlite_utils

from engine.learner.labels import Ended
from engine.listening import ListeningSession
from engine.store.plays import PlayRecord
from engine.store.tracks import missing_count
from tests.engine.helpers import fill_library


def _session(db: sqlite_utils.Database, n: int = 40) -> tuple[ListeningSession, list[int]]:
    ids = fill_library(db, n, seed=5)
    session = ListeningSession(db, exploration=0.0, queue_length=10, rng=np.random.default_rng(0))
    session.rerank(1_767_600_000.0, 10.0)
    return session, ids


def _tracks(session: ListeningSession) -> list[int]:
    return [e.track_id for e in session.queue_entries()]


def test_play_next_and_enqueue_pin_songs_by_track_id(db: sqlite_utils.Database) -> None:
    session, ids = _session(db)
    outside = next(t for t in ids if t not in _tracks(session))
    assert session.play_next(outside)
    assert _tracks(session)[0] == outside and session.queue_entries()[0].pinned
    later = next(t for t in ids if t not in _tracks(session))
    assert session.enqueue(later)
    assert _tracks(session)[:2] == [outside, later], "after the songs queued by hand"
    assert not session.play_next(10**9), "an unknown track changes nothing"


def test_move_unpin_and_remove_work_on_queue_positions(db: sqlite_utils.Database) -> None:
    session, _ = _session(db)
    before = _tracks(session)
    session.move([3, 4], 0)
    assert _tracks(session)[:2] == before[3:5] and all(e.pinned for e in session.queue_entries()[:2])
    assert session.unpin(0) and not session.queue_entries()[0].pinned
    assert not session.unpin(99)
    gone = session.remove_from_queue([1])
    assert gone == [before[4]] and before[4] not in _tracks(session)


def test_the_next_track_comes_off_the_front_and_the_current_song_is_never_queued(
    db: sqlite_utils.Database,
) -> None:
    session, _ = _session(db)
    front = _tracks(session)[0]
    assert session.next_track() == front and front not in _tracks(session)
    second = _tracks(session)[0]
    assert session.start(second), "starting a queued song takes it out of the queue"
    session.rerank()
    assert second not in _tracks(session)
    play = PlayRecord(second, "s", 1_767_600_100.0, 10.0, 200_000, 200_000, 200_000, Ended.END)
    session.record(play)
    assert session.current is None, "the play is over"


def test_a_track_marked_missing_leaves_the_queue_and_is_stored_missing(db: sqlite_utils.Database) -> None:
    session, _ = _session(db)
    track = _tracks(session)[2]
    session.mark_missing(track)
    assert track not in _tracks(session) and missing_count(db) == session.missing_count() == 1
    session.rerank()
    assert track not in _tracks(session), "not for the rest of the run"
    assert session.track(track) is not None, "still known, with its plays"
    (status,) = db.execute("SELECT status FROM tracks WHERE id = ?", (track,)).fetchone()
    assert status == "missing"


def test_queue_entries_carry_the_predictions_and_the_learner_view_is_a_copy(
    db: sqlite_utils.Database,
) -> None:
    session, _ = _session(db)
    entries = session.queue_entries()
    assert len(entries) == 10 and all(e.p is not None and 0 < e.p < 1 for e in entries)
    ps = [e.p for e in entries]
    assert ps == sorted(ps, reverse=True), "greedy: the queue is in the learner's order"
    view = session.learner_view()
    view.weights[:] = 0.0
    assert not np.array_equal(session.learner_view().weights, view.weights)
    assert view.mode == session.mode == "float32" and view.q is None and view.steps == 0
    assert session.can_play


def test_reasons_explain_a_known_track_and_nothing_for_an_unknown_one(db: sqlite_utils.Database) -> None:
    session, ids = _session(db)
    parts = session.reasons(ids[0], 4)
    assert len(parts) == 4 and abs(parts[0].value) >= abs(parts[-1].value)
    assert session.reasons(10**9) == []
