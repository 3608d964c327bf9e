"""The micro-update: one small, safe step after each labelled event.

The learner keeps a Gaussian posterior over its 42 weights: the weights are
its mean, ``covariance`` [shape=(42, 42)] its spread, the diagonal Laplace
approximation's full-matrix version. Each labelled event adds its Fisher
information ``p (1 - p) g g^T`` (``g`` = dz/dw) to the posterior precision; the
covariance is updated in closed form (Sherman-Morrison, O(42^2)), and the step
is the posterior covariance times the gradient: an online-Newton step, the
extended Kalman filter for logistic regression. Correlated features (energy,
loudness, brightness...) and the product of gains and mood weights make the
evidence correlated too; a full matrix follows that where a diagonal cannot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.learner.params import N_PARAMS, bounds, learning_rates

GRAD_CLIP = 2.0  # max L2 norm of one event's gradient
PRIOR_PULL = 2e-3  # weight decay towards the prior, per step
FORGET = 1e-3  # the covariance moves this share back towards the prior's per event: ~1000 events of memory
PRIOR_VARIANCE = 1.0  # the hand-set prior's variance of every weight (standard deviation 1)


@dataclass(frozen=True)
class StepConfig:
    """Optimizer settings; per-parameter arrays have shape (42,)."""

    lr: np.ndarray
    bound: np.ndarray
    momentum: float = 0.0
    grad_clip: float = GRAD_CLIP
    prior_pull: float = PRIOR_PULL
    forget: float = FORGET

    @classmethod
    def default(cls, *, lr_scale: float = 1.0, momentum: float = 0.0) -> StepConfig:
        return cls(lr=learning_rates() * lr_scale, bound=bounds(), momentum=momentum)


def prior_covariance() -> np.ndarray:
    """The hand-set prior's covariance [shape=(42, 42)]: independent weights, variance 1.

    A profile started from a prior file keeps that file's covariance instead
    (``Profile.prior_covariance``).
    """
    return np.eye(N_PARAMS) * PRIOR_VARIANCE


def clip_gradient(grad: np.ndarray, max_norm: float) -> np.ndarray:
    """Scale ``grad`` [shape=(42,)] down to at most ``max_norm``; non-finite -> zeros."""
    if not np.all(np.isfinite(grad)):
        return np.zeros_like(grad)
    norm = float(np.linalg.norm(grad))
    return grad * (max_norm / norm) if norm > max_norm else grad


def absorb_event(covariance: np.ndarray, p: float, grad_logit: np.ndarray) -> None:
    """The posterior after one event, in place: ``S <- (S^-1 + c g g^T)^-1``, ``c = p (1 - p)``.

    covariance : np.ndarray [shape=(42, 42)], updated in place
    grad_logit : np.ndarray [shape=(42,)], g = dz/dw at the event

    By Sherman-Morrison, ``S_new = S - k u u^T`` with ``u = S g`` and
    ``k = c / (1 + c g^T S g)``; the denominator is at least 1 while S is
    positive semi-definite, so the update never divides by a small number.
    """
    if not np.all(np.isfinite(grad_logit)):  # unreachable with finite weights and inputs
        return
    c = p * (1.0 - p)
    u = covariance @ grad_logit
    covariance -= (c / (1.0 + c * float(grad_logit @ u))) * np.outer(u, u)


def forget(covariance: np.ndarray, prior_covariance: np.ndarray, cfg: StepConfig) -> None:
    """Move the covariance [shape=(42, 42)] a share ``cfg.forget`` back to ``prior_covariance``
    [shape=(42, 42)], the covariance of the prior the profile started from, in place.

    Evidence fades, so a changed taste stays learnable: the precision settles
    near 1 / forget events' worth instead of growing without end, and no
    weight ever becomes less certain than the prior says. With no events the
    covariance converges to the prior's: ``S_n - P = (1 - forget)^n (S_0 - P)``.
    """
    covariance *= 1.0 - cfg.forget
    covariance += cfg.forget * prior_covariance


def newton_step(
    w: np.ndarray,
    grad: np.ndarray,
    velocity: np.ndarray,
    prior: np.ndarray,
    covariance: np.ndarray,
    cfg: StepConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """One step with the posterior ``covariance``; returns (new weights, new velocity), both (42,).

    The step is: clip the gradient, add a gentle pull towards the prior (so
    weights no event supports drift home instead of wandering), multiply by
    the posterior covariance (weights the evidence has pinned down move less,
    new ones move fast, correlated ones move together), apply momentum and the
    per-group learning rate, then clamp every weight to its bound.
    """
    g = clip_gradient(grad, cfg.grad_clip) + cfg.prior_pull * (w - prior)
    v = cfg.momentum * velocity + covariance @ g
    new = np.clip(w - cfg.lr * v, -cfg.bound, cfg.bound)
    if not np.all(np.isfinite(new)):  # unreachable with finite inputs; never store NaN
        return w.copy(), np.zeros_like(velocity)
    return new, v
