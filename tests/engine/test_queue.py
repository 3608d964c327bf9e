"""The queue: pinned songs stay, the current song never moves, recent songs wait, exploration explores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sqlite_utils

from engine.learner.context import ContextState
from engine.learner.labels import Kind
from engine.learner.learner import Learner
from engine.library_snapshot import load_snapshot
from engine.listening import ListeningSession
from engine.queue.ranker import Ranker, eligible_songs
from engine.queue.upcoming import UpcomingQueue
from engine.sim.library import synthetic_library
from engine.store.db import open_db
from engine.store.plays import PlayRecord
from engine.store.queue_pins import load_pins
from engine.store.scanning import set_status
from engine.store.tracks import add_tracks, set_features
from tests.engine.helpers import fill_library


def test_rerank_orders_by_score_and_reports_moves() -> None:
    q = UpcomingQueue(length=4)
    scores = np.array([0.1, 0.9, 0.5, 0.7, 0.3, 0.8])
    ok = np.ones(6, bool)
    q.rerank(scores, ok)
    assert q.songs == [1, 5, 3, 2]
    moves = q.rerank(np.array([0.1, 0.2, 0.95, 0.7, 0.3, 0.8]), ok)
    assert q.songs == [2, 5, 3, 4]
    by_song = {m.row: m for m in moves}
    assert (by_song[2].old, by_song[2].new, by_song[2].delta) == (3, 0, 3)
    assert by_song[5].delta == 0 and by_song[3].delta == 0
    assert by_song[4].old is None and by_song[4].delta is None, "new to the queue"
    assert 1 not in by_song, "song 1 fell out of the queue"


def test_pinned_songs_and_the_current_song_keep_their_place() -> None:
    q = UpcomingQueue(length=5)
    ok = np.ones(10, bool)
    q.rerank(np.arange(10.0), ok)
    q.enqueue(0)  # queued by hand: front, pinned
    q.move(3, 4)  # dragged: pinned where dropped
    pinned = {i: e.song for i, e in enumerate(q.entries) if e.pinned}
    q.rerank(-np.arange(10.0), ok, current=1)
    assert {i: q.songs[i] for i in pinned} == pinned
    assert 1 not in q.songs, "the current song is not proposed again"
    assert len(set(q.songs)) == len(q.songs)


def test_play_next_remove_and_unpin() -> None:
    q = UpcomingQueue(length=3)
    q.rerank(np.array([3.0, 2.0, 1.0, 0.0]), np.ones(4, bool))
    q.play_next(3)
    assert q.songs[0] == 3 and q.entries[0].pinned
    q.unpin(0)
    assert q.songs[0] == 3 and not q.entries[0].pinned
    q.rerank(np.array([3.0, 2.0, 1.0, 0.0]), np.ones(4, bool))
    assert 3 not in q.songs, "unpinned, it goes back to where its score puts it"
    q.play_next(3)
    assert q.remove(0) == 3 and 3 not in q.songs


def test_recently_heard_songs_are_held_back_unless_the_library_is_too_small() -> None:
    last = np.array([-np.inf, 1000.0, 9000.0, -np.inf])
    now = 10_000.0
    ok = eligible_songs(last, now, hold_back_hours=3, need=2)
    assert list(ok) == [True, False, False, True]
    small = eligible_songs(last, now, hold_back_hours=3, need=3)
    assert list(small) == [True, True, False, True], "the song heard longest ago comes back first"


def test_exploration_spreads_the_picks_greedy_does_not() -> None:
    lib = synthetic_library(500, seed=1)
    picks = {}
    for scale in (0.0, 1.0):
        ctx = ContextState(lib.features, lib.artist)
        learner = Learner.from_prior()
        learner.profile.covariance[:] = np.eye(42) / 4.0  # some, not much, evidence
        ranker = Ranker(learner, ctx, exploration=scale, rng=np.random.default_rng(0))
        firsts = set()
        for _ in range(30):
            r = ranker.rank(1e9, 12.0)
            firsts.add(int(np.argmax(np.where(r.eligible, r.scores, -np.inf))))
        picks[scale] = firsts
    assert len(picks[0.0]) == 1
    assert len(picks[1.0]) >= 5


def test_session_queue_follows_the_learners_new_scores(db: sqlite_utils.Database) -> None:
    ids = fill_library(db, 200)
    session = ListeningSession(db, exploration=0.0, rng=np.random.default_rng(0))
    now = 1_767_600_000.0
    session.rerank(now, 20.0)
    session.queue.enqueue(session.queue.songs[-1])
    pinned_song = session.upcoming[0]
    before = session.upcoming
    session.current = ids[7]
    report = session.record(PlayRecord(session.upcoming[1], "s", now, 20.0, 2_000, 2_000, 200_000, "skip"))
    after = session.upcoming
    assert after != before
    assert after[0] == pinned_song
    assert ids[7] not in after
    p = session.last_ranking.p
    unpinned = [session.index[t] for t in after[1:]]
    assert list(p[unpinned]) == sorted(p[unpinned], reverse=True), "greedy order is the learner's order"
    assert {m.track_id for m in report.moves} == set(after)


def test_context_memories_tell_early_and_late_skips_and_session_apart() -> None:
    lib = synthetic_library(100, seed=2)
    ctx = ContextState(lib.features, lib.artist)
    ctx.start_session("a")
    ctx.record(1, 1000.0, 0.0, Kind.EARLY_SKIP)
    ctx.record(2, 1100.0, 0.6, Kind.LATE_SKIP)
    X = ctx.inputs_many(1200.0)
    assert X[1, 14] > 0 and X[1, 15] == 0, "early skip memory"
    assert X[2, 15] > 0 and X[2, 14] == 0, "late skip memory"
    assert X[0, 17] == X[50, 17] > 0, "the session's skip streak"
    assert X[1, 13] > 0.99 and X[50, 13] == 0.0, "heard recently (0: never played)"
    ctx.maybe_new_session(1200.0 + 3 * 3600)
    Y = ctx.inputs_many(1200.0 + 3 * 3600)
    assert Y[0, 17] == 0 and np.all(Y[:, 12] == 0), "a new session forgets the session memory"
    assert Y[1, 14] > 0, "the long-term memory stays"


def test_the_whole_library_s_inputs_equal_each_song_s_own() -> None:
    """inputs_many takes shortcuts (per-artist terms, only heard songs); the numbers must not change."""
    lib = synthetic_library(300, seed=3)
    ctx = ContextState(lib.features, lib.artist)
    rng = np.random.default_rng(4)
    kinds = (Kind.PLAY_THROUGH, Kind.EARLY_SKIP, Kind.LATE_SKIP, Kind.NO_LABEL)
    now = 1e9
    for i in range(400):
        now += float(rng.uniform(60, 20_000))
        if i % 50 == 0:
            ctx.start_session(f"s{i}")
        kind = kinds[int(rng.integers(4))]
        target = {Kind.PLAY_THROUGH: 1.0, Kind.EARLY_SKIP: 0.0, Kind.LATE_SKIP: 0.5}.get(kind)
        ctx.record(int(rng.integers(60)), now, target, kind)  # a fifth of the library is ever heard
        if i % 97 == 0:
            later = now + float(rng.uniform(0, 3e6))
            X = ctx.inputs_many(later)
            one = np.array([ctx.inputs_one(s, later, 8.0)[:18] for s in range(lib.n_songs)])
            # SIMD and scalar exp may differ in the last bit
            np.testing.assert_allclose(X, one, rtol=1e-12, atol=1e-15)
    assert np.count_nonzero(X[:, 13]) == 60


def test_the_session_gap_counts_from_the_end_of_a_long_play() -> None:
    lib = synthetic_library(50, seed=2)
    ctx = ContextState(lib.features, lib.artist)
    ctx.start_session("a")
    ctx.record(1, 0.0, 0.0, Kind.EARLY_SKIP)
    ctx.record(2, 100.0, 1.0, Kind.PLAY_THROUGH, ended_at=100.0 + 40 * 60)  # a 40-minute piece
    ctx.maybe_new_session(100.0 + 45 * 60)
    assert ctx.session.id == "a" and ctx.session.liked_n == 1


def test_new_tracks_and_features_are_picked_up_and_the_queue_keeps_its_pins(
    db: sqlite_utils.Database,
) -> None:
    ids = fill_library(db, 40)
    session = ListeningSession(db, rng=np.random.default_rng(0), queue_length=5)
    session.rerank(now=1_767_600_000.0, hour=9.0)
    pinned = session.upcoming[3]
    session.queue.move(3, 0)
    assert session.refresh_library() is False, "nothing new in the database"
    (new,) = add_tracks(db, [{"path": "/music/new.ogg", "title": "New", "artist": "Newcomer"}])
    assert session.refresh_library() is True
    assert session.upcoming[0] == pinned and session.queue.entries[0].pinned
    assert new in session.index and np.isnan(session.library.raw[session.index[new]]).all()
    set_features(db, [new], np.ones((1, 10)), extractor_version=1)
    assert session.refresh_library() is True
    assert not np.isnan(session.library.raw[session.index[new]]).any()
    assert len(session.library.ids) == len(ids) + 1


def test_a_skip_made_while_a_snapshot_was_being_built_is_not_forgotten(db: sqlite_utils.Database) -> None:
    """The player builds the next snapshot in the background while the listener goes on skipping."""
    fill_library(db, 40)
    now = 1_767_600_000.0
    session = ListeningSession(db, rng=np.random.default_rng(0), queue_length=10)
    session.rerank(now=now, hour=9.0)
    add_tracks(db, [{"path": "/music/new.ogg", "title": "New", "artist": "Newcomer"}])
    snap = load_snapshot(db)  # the background build, finished before the skip below was stored
    skipped = session.upcoming[0]
    session.record(PlayRecord(skipped, "s", now, 9.0, 2_000, 2_000, 200_000, "skip"))
    assert session.adopt(snap) is True
    fresh = ListeningSession(db, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(session.context.inputs_many(now + 60), fresh.context.inputs_many(now + 60))
    assert session.context.session.streak == 1 and session.context.song_early.sum() == 1.0
    session.rerank(now=now + 60, hour=9.0)
    assert skipped not in session.upcoming, "the skipped song is still heard recently"


def test_a_song_taken_out_of_the_queue_stays_out_until_the_user_wants_it(db: sqlite_utils.Database) -> None:
    fill_library(db, 40)
    now = 1_767_600_000.0
    session = ListeningSession(db, rng=np.random.default_rng(0), queue_length=10)
    session.rerank(now=now, hour=9.0)
    first, second = session.upcoming[:2]
    assert session.remove_from_queue([0, 0, 99]) == [first], "a position given twice, one out of range"
    for k in range(3):  # plays re-rank the queue, as undo, reset and library refreshes do
        played = session.upcoming[0]
        session.record(PlayRecord(played, "s", now + 10 * k, 9.0, 2_000, 2_000, 200_000, "skip"))
        assert first not in session.upcoming
    assert second not in session.upcoming, "played and skipped, held back as usual"
    assert not session.last_ranking.eligible[session.index[first]]
    session.allow(first)
    session.rerank(now=now + 60, hour=9.0)
    assert session.last_ranking.eligible[session.index[first]], "queued or picked again: back in the running"


def test_an_unplayable_track_leaves_the_queue_and_stays_out(db: sqlite_utils.Database) -> None:
    fill_library(db, 8)
    session = ListeningSession(db, rng=np.random.default_rng(0), queue_length=6)
    session.rerank(now=1_767_600_000.0, hour=9.0)
    bad = session.upcoming[0]
    session.mark_unplayable(bad)
    assert bad not in session.upcoming
    session.rerank(now=1_767_600_000.0, hour=9.0)
    assert bad not in session.upcoming and len(session.upcoming) == 6


def test_dragging_several_songs_lands_them_in_order_and_pins_them() -> None:
    q = UpcomingQueue(length=6)
    q.rerank(np.arange(6, 0, -1.0), np.ones(6, bool))
    assert q.songs == [0, 1, 2, 3, 4, 5]
    q.move_rows([1, 3], before=5)
    assert q.songs == [0, 2, 4, 1, 3, 5]
    assert [e.pinned for e in q.entries] == [False, False, False, True, True, False]
    q.move_rows([4], before=0)
    assert q.songs[0] == 3
    q.rerank(np.arange(6, 0, -1.0), np.ones(6, bool))
    assert q.songs[0] == 3 and q.songs[4] == 1, "pins survive a re-rank"


def test_songs_queued_by_hand_come_back_in_their_places_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    db = open_db(path)
    fill_library(db, 60)
    now = 1_767_600_000.0
    session = ListeningSession(db, rng=np.random.default_rng(0), queue_length=8)
    session.rerank(now, 9.0)
    first, dragged = session.upcoming[7], session.upcoming[6]
    session.queue.enqueue(session.index[first])  # queued by hand: front
    session.queue.move(session.upcoming.index(dragged), 4)  # dragged to row 4
    session.save_queue()
    assert session.upcoming[0] == first and session.upcoming[4] == dragged
    db.close()

    again = open_db(path)
    restarted = ListeningSession(again, rng=np.random.default_rng(1), queue_length=8)
    assert restarted.upcoming == [first, dragged], "the pins are back before the first re-rank"
    restarted.rerank(now + 3600, 22.0)
    assert restarted.upcoming[0] == first and restarted.upcoming[4] == dragged
    assert [i for i, e in enumerate(restarted.queue.entries) if e.pinned] == [0, 4]
    assert len(restarted.upcoming) == 8 and len(set(restarted.upcoming)) == 8
    again.close()


def test_a_pin_whose_track_went_missing_is_dropped_and_the_rest_close_up(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    db = open_db(path)
    ids = fill_library(db, 30)
    session = ListeningSession(db, rng=np.random.default_rng(0), queue_length=5)
    session.rerank(1_767_600_000.0, 9.0)
    for track in (ids[3], ids[2], ids[1]):
        session.queue.play_next(session.index[track])
    session.save_queue()
    assert load_pins(db) == [(0, ids[1]), (1, ids[2]), (2, ids[3])]
    set_status(db, [ids[2]], "missing")
    db.close()

    again = open_db(path)
    restarted = ListeningSession(again, rng=np.random.default_rng(0), queue_length=5)
    restarted.rerank(1_767_600_000.0, 9.0)
    assert restarted.upcoming[:2] == [ids[1], ids[3]]
    restarted.save_queue()
    assert load_pins(again) == [(0, ids[1]), (1, ids[3])], "the stored pins follow the queue"
    restarted.queue.remove(0)
    restarted.queue.unpin(0)
    restarted.save_queue()
    assert load_pins(again) == []
    again.close()


def test_going_back_gives_the_song_returned_to_an_extra_positive_event(db: sqlite_utils.Database) -> None:
    ids = fill_library(db, 50)
    session = ListeningSession(db, exploration=0.0, rng=np.random.default_rng(0))
    now = 1_767_600_000.0
    a, b, c = ids[3], ids[9], ids[20]
    session.record(PlayRecord(a, "s", now, 20.0, 180_000, 180_000, 180_000, "end"), rerank=False)
    inputs_a = session.context.inputs_one(session.index[a], now + 200, 20.0)
    p_before = session.learner.predict_proba_one(inputs_a)
    left = session.record(
        PlayRecord(b, "s", now + 200, 20.0, 2_000, 2_000, 200_000, "previous"), rerank=False
    )
    assert left.label.target is None, "the song that was left gets no label of its own"
    assert len(left.updates) == 1 and left.updates[0].target == 1.0
    assert session.learner.predict_proba_one(inputs_a) > p_before, "the update was for the song returned to"
    p_c = session.learner.predict_proba_one(session.context.inputs_one(session.index[c], now + 400, 20.0))
    restart = session.record(
        PlayRecord(c, "s", now + 400, 20.0, 60_000, 60_000, 200_000, "previous"), rerank=False, back_to=c
    )
    assert [u.target for u in restart.updates] == [1.0], "a restart: the same song gets the extra event"
    assert restart.updates[0].p == pytest.approx(p_c), "computed on that song's own inputs"
    plain = session.record(PlayRecord(a, "s", now + 600, 20.0, 2_000, 2_000, 200_000, "skip"), rerank=False)
    assert [u.target for u in plain.updates] == [0.0], "only previous adds an event"
