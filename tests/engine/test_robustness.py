"""No burst of events, however strange, pushes a weight to NaN, infinity or past its bound."""

from __future__ import annotations

import numpy as np
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.learner import inputs as col
from engine.learner import int8
from engine.learner import learner as learner_module
from engine.learner.learner import Learner
from engine.learner.params import GROUPS, LABELS, bounds
from engine.learner.prior import load_prior
from engine.learner.profile import Profile
from engine.listening import ListeningSession
from engine.store import open_db
from engine.store.plays import PlayRecord
from tests.engine.helpers import fill_library

wild = st.floats(allow_nan=True, allow_infinity=True, width=64)
plausible = st.floats(min_value=-5, max_value=5)
inputs = st.lists(st.one_of(plausible, wild), min_size=26, max_size=26)
events = st.lists(st.tuples(inputs, st.floats(min_value=0, max_value=1)), min_size=1, max_size=60)


def _check(learner: Learner) -> None:
    prof = learner.profile
    assert np.all(np.isfinite(prof.weights))
    assert np.all(np.abs(prof.weights) <= bounds() + 1e-12)
    cov = prof.covariance
    assert np.all(np.isfinite(cov))
    np.testing.assert_array_equal(cov, cov.T)
    assert np.all(np.diag(cov) <= 1.0 + 1e-12)  # never less certain than the prior
    assert np.linalg.eigvalsh(cov).min() > 0  # positive definite: Thompson sampling can draw from it
    assert np.all(np.isfinite(prof.velocity))


@settings(max_examples=150, deadline=None)
@given(events=events, mode=st.sampled_from(["float32", "int8"]))
def test_any_event_sequence_keeps_weights_finite_and_bounded(events: list, mode: str) -> None:
    learner = Learner.from_prior(mode=mode, rng=np.random.default_rng(0))  # type: ignore[arg-type]
    for x, y in events:
        update = learner.learn_one(np.array(x), y)
        assert np.isfinite(update.loss) and 0.0 <= update.p <= 1.0
        _check(learner)


@settings(max_examples=60, deadline=None)
@given(events=events)
def test_the_numpy_reference_path_is_as_safe(events: list) -> None:
    saved = learner_module._kernel
    learner_module._kernel = None
    try:
        learner = Learner.from_prior()
        for x, y in events:
            learner.learn_one(np.array(x), y)
            _check(learner)
    finally:
        learner_module._kernel = saved


def test_int8_rounding_never_carries_a_weight_past_its_bound() -> None:
    """A scale between bound / 127 and bound / 42 (which fit_scales keeps) once let a weight clipped
    to its bound round up one step past it, and the saved profile could not be loaded again."""
    # the hand-set prior: "heard recently" starts at -3, near its bound
    learner = Learner(Profile.from_prior(load_prior("hand"), mode="int8"), rng=np.random.default_rng(3))
    prof = learner.profile
    h = GROUPS[1]
    recent = LABELS.index("history: heard recently")
    prof.scales[1] = 0.0381  # 4 / 0.0381 = 104.99: rounding up gives 105 steps, -4.0005
    prof.weights[recent] = -h.bound
    prof.q = int8.quantize(prof.weights, prof.scales)
    prof.weights[:] = int8.dequantize(prof.q, prof.scales)
    x = np.zeros(col.N_INPUTS)
    x[col.HEARD_RECENTLY], x[col.TIME_BINS.start] = 1.0, 1.0
    for _ in range(50):
        learner.learn_one(x, 0.0)  # pushes it further down: the step clips it to the bound
        _check(learner)
        Profile.loads(prof.dumps())  # every snapshot it would save loads again
    assert prof.scales[1] == 0.0381 and prof.weights[recent] <= -h.bound + 0.0381, "at the bound, same scale"


def test_a_long_burst_of_identical_skips_saturates_instead_of_diverging() -> None:
    learner = Learner.from_prior()
    x = np.full(col.N_INPUTS, 3.0)
    x[col.TIME_BINS] = [1, 0, 0, 0, 0, 0]
    for _ in range(20_000):
        learner.learn_one(x, 0.0)
    _check(learner)
    assert learner.predict_proba_one(x) < 0.01


plays = st.lists(
    st.tuples(
        st.sampled_from(["end", "skip", "pick", "previous", "closed", "error", "interrupted"]),
        st.integers(min_value=0, max_value=10**8),
        st.integers(min_value=-5, max_value=10**8),
        st.floats(min_value=0, max_value=23.99),
        st.integers(min_value=0, max_value=10**6),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plays=plays)
def test_random_plays_through_the_whole_pipeline(tmp_path_factory, plays: list) -> None:
    db: sqlite_utils.Database = open_db(tmp_path_factory.mktemp("db") / "p.db")
    ids = fill_library(db, 30)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    now = 1_767_600_000.0
    for i, (ended, listened, duration, hour, gap) in enumerate(plays):
        now += gap
        play = PlayRecord(ids[i % len(ids)], "s", now, hour, listened, listened, duration, ended)
        session.record(play)
        _check(session.learner)
    stored = db.execute("SELECT count(*) FROM plays").fetchone()[0]
    assert stored == len(plays)
    db.close()
