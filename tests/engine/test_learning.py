"""The learner learns what the contract says: one skip, time of day, INT8."""

from __future__ import annotations

import numpy as np
import pytest
import sqlite_utils

from engine.features.names import FEATURE_INDEX
from engine.learner import int8 as int8_mode
from engine.learner.context import ContextState
from engine.learner.labels import Kind
from engine.learner.learner import Learner
from engine.learner.params import LABELS, N_GROUPS, N_PARAMS
from engine.learner.prior import load_prior
from engine.listening import ListeningSession
from engine.queue.ranker import Ranker
from engine.sim.library import synthetic_library
from engine.sim.listener_spec import load_listener
from engine.sim.person import Person
from engine.sim.runner import RunLog, run_one
from engine.sim.strategies import LearnerStrategy, Strategy
from engine.store.plays import PlayRecord
from tests.engine.helpers import fill_library

# learning is measured from the hand-set prior: the distilled one already knows part of it
HAND = load_prior("hand")
ACOUSTIC, TEMPO, ENERGY = FEATURE_INDEX["acousticness"], FEATURE_INDEX["tempo"], FEATURE_INDEX["energy"]


def _slow_acoustic(F: np.ndarray) -> int:
    return int(np.argmax(F[:, ACOUSTIC] - F[:, TEMPO] - F[:, ENERGY]))


def test_one_early_skip_of_a_slow_acoustic_song_drops_similar_songs(db: sqlite_utils.Database) -> None:
    fill_library(db, 400, seed=3)
    session = ListeningSession(db, exploration=0.0, rng=np.random.default_rng(0))
    now, hour = 1_767_600_000.0, 8.0
    session.rerank(now, hour)
    F = session.context.features
    song = _slow_acoustic(F)
    similar = np.argsort(np.linalg.norm(F - F[song], axis=1))[1:21]
    before_p = session.last_ranking.p.copy()
    before_w = session.learner.weights.copy()

    track_id = int(session.library.ids[song])
    report = session.record(PlayRecord(track_id, "s1", now, hour, 3_000, 3_000, 200_000, "skip"))

    assert report.label.kind is Kind.EARLY_SKIP and report.label.target == 0.0
    delta = session.learner.weights - before_w
    assert delta[LABELS.index("mood: acousticness")] < 0
    assert delta[LABELS.index("mood: tempo")] > 0
    assert delta[LABELS.index("mood: energy")] > 0
    drop = session.last_ranking.p - before_p
    others = np.setdiff1d(np.arange(len(F)), np.append(similar, song))
    assert drop[similar].mean() < drop[others].mean() < 0.05
    assert report.moves, "the queue was re-ranked"
    assert report.loss is not None and report.loss > 0.1


def _trained_learner(listener: str, events: int = 1500) -> tuple[Learner, Person, ContextState]:
    library = synthetic_library(1500, seed=7)
    spec = load_listener(listener)
    found: dict[str, Learner] = {}

    def grab(_: int, __: RunLog, strategy: Strategy) -> None:
        assert isinstance(strategy, LearnerStrategy)
        found["learner"] = strategy.learner

    run_one(library, spec, "learner", events=events, seed=0, on_event=grab)
    person = Person(spec, library, np.random.default_rng([0, 1]))
    return found["learner"], person, ContextState(library.features, library.artist)


def test_time_of_day_changes_the_top_ten_to_match_each_hour() -> None:
    learner, person, ctx = _trained_learner("daypart")
    never = np.full(ctx.n_songs, np.inf)
    ranker = Ranker(learner, ctx, exploration=0.0)  # the queue's own scoring pass, greedy
    tops = {}
    for h in (8.0, 22.0):
        ranking = ranker.rank(0.0, h)
        tops[h] = np.argsort(-np.where(ranking.eligible, ranking.scores, -np.inf))[:10]
    assert len(set(tops[8.0]) & set(tops[22.0])) <= 2
    F = ctx.features
    assert F[tops[8.0], ENERGY].mean() > F[tops[22.0], ENERGY].mean()
    assert F[tops[22.0], ACOUSTIC].mean() > F[tops[8.0], ACOUSTIC].mean()
    for hour, other in ((8.0, 22.0), (22.0, 8.0)):
        p = person.play_probability(hour, never)
        assert p[tops[hour]].mean() > p[tops[other]].mean() + 0.1


def test_int8_mode_learns_and_fits_in_42_bytes_plus_five_scales() -> None:
    library = synthetic_library(1500, seed=7)
    spec = load_listener("steady")
    found: dict[str, Learner] = {}

    def grab(_: int, __: RunLog, strategy: Strategy) -> None:
        found["learner"] = strategy.learner  # type: ignore[attr-defined]

    int8 = run_one(library, spec, "learner_int8", events=800, seed=1, on_event=grab, prior=HAND)
    shuffle = run_one(library, spec, "shuffle", events=800, seed=1, prior=HAND)
    unlearned = run_one(library, spec, "prior", events=800, seed=1, prior=HAND)
    assert int8.skipped[100:].mean() <= 0.6 * shuffle.skipped[100:].mean()
    # the prior and the memories alone already beat shuffle; learning must beat them too
    assert int8.skipped[100:].mean() <= 0.6 * unlearned.skipped[100:].mean()
    profile = found["learner"].profile
    assert profile.mode == "int8" and profile.q is not None
    assert profile.q.dtype == np.int8 and profile.q.nbytes == N_PARAMS and profile.scales.shape == (N_GROUPS,)
    per_weight = int8_mode.expand_scales(profile.scales)
    np.testing.assert_array_equal(profile.weights, profile.q.astype(float) * per_weight)
    moved = np.abs(profile.weights - profile.prior) > 4 * per_weight
    assert moved.sum() >= 10, "the weights moved many INT8 steps from the prior"


@pytest.mark.parametrize("listener", ["steady", "acoustic"])
def test_learner_beats_shuffle_clearly(listener: str) -> None:
    library = synthetic_library(1500, seed=7)
    spec = load_listener(listener)
    learner = run_one(library, spec, "learner", events=600, seed=2, prior=HAND)
    shuffle = run_one(library, spec, "shuffle", events=600, seed=2)
    unlearned = run_one(library, spec, "prior", events=600, seed=2, prior=HAND)
    assert learner.skipped[100:].mean() <= 0.6 * shuffle.skipped[100:].mean()
    assert learner.skipped[100:].mean() <= 0.6 * unlearned.skipped[100:].mean(), "learning, not the prior"
