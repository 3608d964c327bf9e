"""The forward and backward pass: the analytic gradient against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from engine.learner import learner as learner_module
from engine.learner import model
from engine.learner.learner import Learner, reference_step
from engine.learner.optimizer import StepConfig
from engine.learner.params import GROUP_SIZES, GROUPS, LABELS, N_PARAMS, bounds, learning_rates
from engine.learner.prior import Prior, load_prior
from engine.learner.profile import Profile
from tests.engine.helpers import random_inputs


def test_forty_two_labelled_parameters_in_five_groups() -> None:
    assert N_PARAMS == 42
    assert GROUP_SIZES == {"mood": 10, "history": 4, "skip": 4, "time_of_day": 6, "scoring": 18}
    assert len(set(LABELS)) == 42
    assert [g.start for g in GROUPS] == [0, 10, 14, 18, 24]


def _loss(w: np.ndarray, x: np.ndarray, y: float) -> float:
    """BCE computed without clipping, for finite differences in float64."""
    z = model.logit(w, x)
    return float(np.logaddexp(0.0, z) - y * z)


@pytest.mark.parametrize("seed", range(20))
def test_gradient_matches_central_finite_differences(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = random_inputs(rng, 1)[0]
    w = rng.normal(0.0, 1.0, N_PARAMS)
    y = float(rng.choice([0.0, 1.0, rng.uniform()]))
    _, _, grad = model.loss_and_grad(w, x, y)
    eps = 1e-5
    numeric = np.array(
        [(_loss(w + eps * e, x, y) - _loss(w - eps * e, x, y)) / (2 * eps) for e in np.eye(N_PARAMS)]
    )
    scale = np.maximum(np.abs(numeric), 1e-3)
    assert np.max(np.abs(grad - numeric) / scale) < 1e-6


def test_sigmoid_output_is_a_probability_with_a_finite_loss() -> None:
    rng = np.random.default_rng(0)
    w = rng.normal(0, 3, N_PARAMS)
    for x in random_inputs(rng, 50):
        p = model.predict(w, x)
        assert 0.0 <= p <= 1.0
        assert np.isfinite(model.bce(p, 0.0)) and np.isfinite(model.bce(p, 1.0))


def test_batch_scores_equal_one_by_one_logits() -> None:
    rng = np.random.default_rng(1)
    w = rng.normal(size=N_PARAMS)
    X = random_inputs(rng, 40)
    X[:, 18:26] = X[0, 18:26]  # one context for the whole batch
    batch = model.score_many(w, X[:, :18], X[0, 18:24], X[0, 24:26])
    single = np.array([model.logit(w, x) for x in X])
    np.testing.assert_allclose(batch, single, rtol=1e-12, atol=1e-12)


@pytest.mark.skipif(learner_module._kernel is None, reason="C kernel not built")
@pytest.mark.parametrize("round_f32", [True, False])
def test_c_kernel_matches_the_numpy_reference(round_f32: bool) -> None:
    rng = np.random.default_rng(2)
    cfg = StepConfig.default()
    a, b = Profile.from_prior(_spread_prior()), Profile.from_prior(_spread_prior())
    X = random_inputs(rng, 300)
    X[::37] *= 50.0  # out-of-range inputs are clipped alike
    X[5, 3] = np.nan
    # The two sum the covariance products in different orders (last-bit differences); rounding
    # the weights to float32 can turn one into a float32 step, which a clipped input of 10
    # amplifies in p. Without the rounding they agree to the last bits.
    rel, w_tol = (1e-4, 1e-6) if round_f32 else (1e-9, 1e-12)
    for x in X:
        y = float(rng.uniform())
        args = (y, cfg.momentum, cfg.grad_clip, cfg.prior_pull, cfg.forget, round_f32)
        pa, la = learner_module._kernel.step(
            a.weights, x, a.covariance, a.velocity, a.prior, a.prior_covariance, cfg.lr, cfg.bound, *args
        )
        pb, lb = reference_step(
            b.weights, x, b.covariance, b.velocity, b.prior, b.prior_covariance, cfg.lr, cfg.bound, *args
        )
        assert pa == pytest.approx(pb, rel=rel, abs=1e-12)
        assert la == pytest.approx(lb, rel=rel, abs=1e-12)
    np.testing.assert_allclose(a.weights, b.weights, rtol=0, atol=w_tol)
    np.testing.assert_allclose(a.covariance, b.covariance, rtol=0, atol=w_tol)
    np.testing.assert_array_equal(a.covariance, a.covariance.T)


def test_kernel_rejects_wrong_shapes() -> None:
    if learner_module._kernel is None:
        pytest.skip("C kernel not built")
    p = Profile.from_prior()
    cfg = StepConfig.default()
    with pytest.raises(ValueError, match="x: expected 26"):
        learner_module._kernel.step(
            p.weights, np.zeros(10), p.covariance, p.velocity, p.prior, p.prior_covariance, cfg.lr,
            cfg.bound, 1.0, 0.0, 2.0, 0.0, 0.0, True,
        )  # fmt: skip
    with pytest.raises(ValueError, match="must be different arrays"):
        learner_module._kernel.step(
            p.weights, np.zeros(26), p.covariance, p.velocity, p.prior, p.covariance, cfg.lr,
            cfg.bound, 1.0, 0.0, 2.0, 0.0, 0.0, True,
        )  # fmt: skip
    with pytest.raises(ValueError, match="prior_covariance: expected 1764"):
        learner_module._kernel.step(
            p.weights, np.zeros(26), p.covariance, p.velocity, p.prior, np.eye(3), cfg.lr,
            cfg.bound, 1.0, 0.0, 2.0, 0.0, 0.0, True,
        )  # fmt: skip


def test_learn_one_rejects_targets_outside_zero_one() -> None:
    learner = Learner.from_prior()
    with pytest.raises(ValueError):
        learner.learn_one(np.zeros(26), 1.5)


@pytest.mark.parametrize("use_kernel", [True, False])
def test_the_posterior_is_the_laplace_posterior_of_all_events_seen(use_kernel: bool) -> None:
    """Without forgetting, the covariance after n events is (I + sum_i p_i (1 - p_i) g_i g_i^T)^-1."""
    if use_kernel and learner_module._kernel is None:
        pytest.skip("C kernel not built")
    step = learner_module._kernel.step if use_kernel else reference_step
    rng = np.random.default_rng(5)
    cfg = StepConfig.default()
    prof = Profile.from_prior(load_prior("hand"))  # covariance I
    precision = np.eye(N_PARAMS)
    for x in random_inputs(rng, 120):
        gz, p = model.grad_logit(prof.weights, x), model.predict(prof.weights, x)
        precision += p * (1 - p) * np.outer(gz, gz)
        step(prof.weights, x, prof.covariance, prof.velocity, prof.prior, prof.prior_covariance, cfg.lr,
             cfg.bound, float(rng.uniform()), 0.0, cfg.grad_clip, cfg.prior_pull, 0.0, False)  # fmt: skip
    np.testing.assert_allclose(prof.covariance, np.linalg.inv(precision), rtol=1e-7, atol=1e-10)


def test_forgetting_moves_the_covariance_back_towards_the_prior() -> None:
    cfg = StepConfig.default()
    prof = Profile.from_prior(load_prior("hand"))  # covariance I
    rng = np.random.default_rng(6)
    args = (
        prof.weights,
        prof.covariance,
        prof.velocity,
        prof.prior,
        prof.prior_covariance,
        cfg.lr,
        cfg.bound,
    )
    for x in random_inputs(rng, 400):
        reference_step(args[0], x, *args[1:], float(rng.uniform()), 0.0, cfg.grad_clip, cfg.prior_pull,
                       cfg.forget, False)  # fmt: skip
    mood = prof.covariance[:10, :10]
    assert np.linalg.eigvalsh(mood).max() < 0.2, "400 events pin the mood weights down"
    quiet = np.zeros(26)  # an event that says nothing about the mood weights
    quiet[18] = 1.0
    for _ in range(3000):
        reference_step(args[0], quiet, *args[1:], 1.0, 0.0, cfg.grad_clip, cfg.prior_pull, cfg.forget,
                       False)  # fmt: skip
    mood = prof.covariance[:10, :10]
    assert np.linalg.eigvalsh(mood).min() > 0.9, "evidence that nothing renews fades back to the prior"
    assert np.all(np.diag(prof.covariance) <= 1.0)


def _spread_prior() -> Prior:
    """A prior whose covariance is not I: correlated weights, variances from about 0.05 to 0.6."""
    a = np.random.default_rng(11).normal(size=(N_PARAMS, N_PARAMS))
    cov = 0.3 * a @ a.T / N_PARAMS + 0.05 * np.eye(N_PARAMS)
    cov = (cov + cov.T) / 2  # exactly symmetric, as a prior file's is
    hand = load_prior("hand")
    return Prior(hand.mean, cov, "spread", {"made_by": "test_model"})


@pytest.mark.parametrize("use_kernel", [True, False])
@pytest.mark.parametrize("mode", ["float32", "int8"])
def test_forgetting_converges_to_the_profiles_prior_covariance(mode: str, use_kernel: bool) -> None:
    """Evidence that nothing renews fades to the covariance of the prior the profile started from."""
    if use_kernel and learner_module._kernel is None:
        pytest.skip("C kernel not built")
    saved = learner_module._kernel
    learner_module._kernel = saved if use_kernel else None
    try:
        prior = _spread_prior()
        cfg = StepConfig(lr=learning_rates(), bound=bounds(), forget=0.01)
        learner = Learner(Profile.from_prior(prior, mode=mode), config=cfg, rng=np.random.default_rng(6))  # type: ignore[arg-type]
        rng = np.random.default_rng(7)
        for x in random_inputs(rng, 300):
            learner.learn_one(x, float(rng.random() > 0.5))
        cov = learner.profile.covariance
        informed = np.ix_(range(10), range(10))
        assert np.max(np.abs(cov[informed] - prior.covariance[informed])) > 0.05, "the events moved it"
        quiet = np.zeros(26)  # no time bin, no feature: an event whose gradient is zero, no evidence
        for _ in range(1500):
            learner.learn_one(quiet, 1.0)
        cov = learner.profile.covariance
        np.testing.assert_allclose(cov, prior.covariance, atol=1e-5)
        assert np.all(np.diag(cov) <= np.diag(prior.covariance) * (1 + 1e-9))
        np.testing.assert_array_equal(learner.profile.prior_covariance, prior.covariance)
    finally:
        learner_module._kernel = saved


def test_thompson_samples_follow_the_full_covariance() -> None:
    learner = Learner.from_prior()
    a = np.random.default_rng(7).normal(size=(N_PARAMS, N_PARAMS))
    learner.profile.covariance[:] = a @ a.T / N_PARAMS / 4 + 0.01 * np.eye(N_PARAMS)
    rng = np.random.default_rng(8)
    draws = np.array([learner.sample_weights(rng, 0.5) for _ in range(20_000)])
    spread = np.cov(draws - learner.weights, rowvar=False)
    np.testing.assert_allclose(spread, 0.25 * learner.profile.covariance, atol=0.006)
    assert np.array_equal(learner.sample_weights(rng, 0.0), learner.weights)
