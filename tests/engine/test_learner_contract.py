"""The contract every learner variant keeps, in the manner of River's ``check_estimator``.

``yield_checks()`` lists the checks; each runs on every variant of
``engine.learner.variants.VARIANTS``, so a new variant is checked with no new test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from engine.learner import inputs as col
from engine.learner.learner import Learner
from engine.learner.params import bounds
from engine.learner.profile import Profile
from engine.learner.variants import VARIANTS, MakeLearner, make_learner
from tests.engine.helpers import random_inputs

Check = Callable[[MakeLearner], None]


def _stream(seed: int, n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Plausible events: inputs [shape=(n, 26)] and soft targets [shape=(n,)]."""
    rng = np.random.default_rng(seed)
    return random_inputs(rng, n), rng.choice([0.0, 1.0, 0.45, 0.8], size=n)


def _train(learner: Learner, X: np.ndarray, y: np.ndarray) -> list[float]:
    return [learner.learn_one(x, t).p for x, t in zip(X, y, strict=True)]


def check_the_same_seed_gives_the_same_result(make: MakeLearner) -> None:
    X, y = _stream(1)
    a, b = make(np.random.default_rng(7)), make(np.random.default_rng(7))
    assert _train(a, X, y) == _train(b, X, y)
    np.testing.assert_array_equal(a.weights, b.weights)
    np.testing.assert_array_equal(a.profile.covariance, b.profile.covariance)
    sample = np.random.default_rng(3)
    np.testing.assert_array_equal(a.sample_weights(sample, 1.0), b.sample_weights(np.random.default_rng(3)))


def check_the_inputs_are_not_mutated(make: MakeLearner) -> None:
    learner = make(np.random.default_rng(0))
    X, y = _stream(2, 50)
    X[0] = np.nan  # garbage is cleaned for the model, not in the caller's array
    X_before, y_before = X.copy(), y.copy()
    for x, t in zip(X, y, strict=True):
        learner.predict_proba_one(x)
        learner.learn_one(x, float(t))
    learner.logits(X[:, : col.N_SONG_INPUTS], 9.0)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def check_the_profile_round_trips(make: MakeLearner) -> None:
    learner = make(np.random.default_rng(0))
    _train(learner, *_stream(3))
    back = Profile.loads(learner.profile.dumps())
    p = learner.profile
    assert (back.mode, back.steps) == (p.mode, p.steps)
    np.testing.assert_array_equal(back.weights, p.weights)
    np.testing.assert_array_equal(back.covariance, p.covariance)
    np.testing.assert_array_equal(back.scales, p.scales)
    if p.q is not None:
        np.testing.assert_array_equal(back.q, p.q)  # type: ignore[arg-type]
    x = _stream(4, 1)[0][0]
    assert Learner(back).predict_proba_one(x) == learner.predict_proba_one(x)


def check_weights_stay_finite_and_bounded_after_random_bursts(make: MakeLearner) -> None:
    @settings(max_examples=25, deadline=None)
    @given(
        burst=arrays(np.float64, (30, col.N_INPUTS), elements=st.floats(allow_nan=True, allow_infinity=True)),
        targets=st.lists(st.floats(0.0, 1.0), min_size=30, max_size=30),
    )
    def burst_keeps_bounds(burst: np.ndarray, targets: list[float]) -> None:
        learner = make(np.random.default_rng(0))
        for x, t in zip(burst, targets, strict=True):
            learner.learn_one(x, t)
        w = learner.weights
        assert np.all(np.isfinite(w)) and np.all(np.abs(w) <= bounds() + 1e-6)
        assert np.all(np.isfinite(learner.profile.covariance))
        Profile.loads(learner.profile.dumps())  # still a valid profile

    burst_keeps_bounds()


def check_probabilities_lie_between_0_and_1(make: MakeLearner) -> None:
    @settings(max_examples=40, deadline=None)
    @given(x=arrays(np.float64, (col.N_INPUTS,), elements=st.floats(allow_nan=True, allow_infinity=True)))
    def in_unit_interval(x: np.ndarray) -> None:
        learner = make(np.random.default_rng(0))
        for _ in range(3):
            p = learner.predict_proba_one(x)
            assert 0.0 <= p <= 1.0
            learner.learn_one(x, 0.0)

    in_unit_interval()


def yield_checks() -> Iterator[Check]:
    yield check_the_same_seed_gives_the_same_result
    yield check_the_inputs_are_not_mutated
    yield check_the_profile_round_trips
    yield check_weights_stay_finite_and_bounded_after_random_bursts
    yield check_probabilities_lie_between_0_and_1


@pytest.mark.parametrize("check", list(yield_checks()), ids=lambda c: c.__name__)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_learner_variant_keeps_the_contract(variant: str, check: Check) -> None:
    check(VARIANTS[variant])


def test_an_unknown_variant_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown learner variant 'float64'; known: float32, int8"):
        make_learner("float64", np.random.default_rng(0))
