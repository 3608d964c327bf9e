"""One "observe a play" step: the live session, the rebuild from the database and a replay agree."""

from __future__ import annotations

import numpy as np
import sqlite_utils

from engine.learner import inputs as col
from engine.learner.context import ContextState
from engine.learner.labels import Kind, label_play
from engine.learner.learner import Learner
from engine.learner.observe import Observation, observe
from engine.library_snapshot import load_snapshot, stored_observations
from engine.listening import ListeningSession
from engine.store.plays import PlayRecord
from tests.engine.helpers import fill_library

ENDINGS = ("skip", "end", "end", "skip", "previous", "end", "pick", "end", "closed", "skip")


def _listen(db: sqlite_utils.Database, plays: int = 40) -> ListeningSession:
    """A session that hears ``plays`` songs with every kind of ending, over two listening sessions."""
    ids = fill_library(db, 30, seed=3)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    rng = np.random.default_rng(1)
    now = 1_767_600_000.0
    for n in range(plays):
        track = int(ids[rng.integers(len(ids))])
        ended = ENDINGS[n % len(ENDINGS)]
        listened = 200_000 if ended == "end" else int(rng.integers(1_000, 150_000))
        play = PlayRecord(track, f"s{n // 25}", now, (now / 3600) % 24, listened, listened, 200_000, ended)
        back = int(ids[rng.integers(len(ids))]) if ended == "previous" else None
        session.record(play, rerank=False, back_to=back)
        if back is not None:  # the player starts the song it went back to at once
            now += listened / 1000 + 1
            play = PlayRecord(back, f"s{n // 25}", now, (now / 3600) % 24, 200_000, 200_000, 200_000, "end")
            session.record(play, rerank=False)
        now += listened / 1000 + 1 + (3 * 3600 if n == 24 else 0)
    return session


def _memories(ctx: ContextState) -> dict[str, np.ndarray]:
    names = (
        "song_affinity",
        "song_early",
        "song_late",
        "last_played",
        "artist_plays",
        "artist_through",
        "artist_skips",
    )
    return {name: getattr(ctx, name).copy() for name in names}


def test_rebuilding_the_memories_from_the_database_gives_the_live_ones(db: sqlite_utils.Database) -> None:
    session = _listen(db)
    rebuilt = load_snapshot(db).context
    for name, live in _memories(session.context).items():
        np.testing.assert_array_equal(getattr(rebuilt, name), live, err_msg=name)
    assert rebuilt.session.id == session.context.session.id
    np.testing.assert_array_equal(rebuilt.session.direction(), session.context.session.direction())


def test_replaying_the_stored_plays_through_a_fresh_learner_repeats_what_the_session_learned(
    db: sqlite_utils.Database,
) -> None:
    session = _listen(db)
    snap = load_snapshot(db)
    ctx = ContextState(snap.context.features, snap.context.artist)
    learner = Learner.from_prior()
    updates = []
    for _, _, obs in stored_observations(db, snap.index):
        assert obs is not None
        updates += observe(ctx, obs, learner.learn_one)
    assert len(updates) == session.learner.profile.steps > 20
    np.testing.assert_array_equal(learner.weights, session.learner.weights)
    np.testing.assert_array_equal(learner.profile.covariance, session.learner.profile.covariance)


def test_a_previous_play_is_replayed_with_the_song_gone_back_to(db: sqlite_utils.Database) -> None:
    _listen(db, plays=6)
    snap = load_snapshot(db)
    rows = list(stored_observations(db, snap.index))
    ended = [e for (e,) in db.execute("SELECT ended FROM plays ORDER BY started_at, id")]
    back = [i for i, e in enumerate(ended) if e == "previous"]
    assert back, "the run has a previous play"
    for i in back:
        obs, following = rows[i][2], rows[i + 1][2]
        assert obs is not None and following is not None and obs.back_to == following.song
    assert all(r[2] is not None and r[2].back_to is None for i, r in enumerate(rows) if i not in back)


def test_without_a_learner_observe_only_remembers() -> None:
    ctx = ContextState(np.eye(3, 10), np.array([0, 0, 1]))
    label = label_play("skip", 2_000, 200_000)
    assert label.kind is Kind.EARLY_SKIP
    assert observe(ctx, Observation(1, 1_000.0, 10.0, label, 2.0, "a")) == []
    assert ctx.song_early[1] == 1.0 and ctx.artist_skips[0] == 1.0 and ctx.session.streak == 1
    assert ctx.last_played[1] == 1_000.0 and ctx.session.last_end == 1_002.0


def test_the_learner_sees_the_inputs_from_before_the_play() -> None:
    ctx = ContextState(np.eye(3, 10), np.array([0, 1, 2]))
    seen: list[np.ndarray] = []
    label = label_play("end", 200_000, 200_000)
    observe(ctx, Observation(0, 5_000.0, 10.0, label, 200.0, "a"), lambda x, y: seen.append(x.copy()))
    observe(ctx, Observation(0, 5_300.0, 10.0, label, 200.0, "a"), lambda x, y: seen.append(x.copy()))
    first, second = (x[col.SONG_AFFINITY] for x in seen)
    assert first == 0.0 < second, "song affinity: nothing known at first, then the play counted"


def test_the_fleets_local_training_learns_what_the_player_learned(db: sqlite_utils.Database) -> None:
    """From the same prior, a device's replay for the fleet ends at the player's own weights."""
    from engine.fleet.local_train import local_train

    session = _listen(db)
    weights = local_train(db, session.learner.profile.prior)
    np.testing.assert_array_equal(weights, session.learner.weights)
