"""The micro-update: one small, safe SGD step after each labelled event."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.learner.params import bounds, learning_rates

GRAD_CLIP = 2.0  # max L2 norm of one event's gradient
PRIOR_PULL = 2e-3  # weight decay towards the prior, per step
FORGET = 1e-3  # precision forgets this share per event: an effective memory of ~1000 events


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


def clip_gradient(grad: np.ndarray, max_norm: float) -> np.ndarray:
    """Scale ``grad`` [shape=(42,)] down to at most ``max_norm``; non-finite -> zeros."""
    if not np.all(np.isfinite(grad)):
        return np.zeros_like(grad)
    norm = float(np.linalg.norm(grad))
    return grad * (max_norm / norm) if norm > max_norm else grad


def sgd_step(
    w: np.ndarray,
    grad: np.ndarray,
    velocity: np.ndarray,
    prior: np.ndarray,
    precision: np.ndarray,
    cfg: StepConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """One step; returns (new weights, new velocity), both [shape=(42,)].

    The step is: clip the gradient, add a gentle pull towards the prior (so
    weights no event supports drift home instead of wandering), divide by the
    square root of each weight's posterior precision (weights the evidence has
    pinned down move less, new ones move fast: a diagonal online-Newton step),
    apply momentum and the per-group learning rate, then clamp every weight to
    its bound.
    """
    g = clip_gradient(grad, cfg.grad_clip) + cfg.prior_pull * (w - prior)
    v = cfg.momentum * velocity + g / np.sqrt(precision)
    new = np.clip(w - cfg.lr * v, -cfg.bound, cfg.bound)
    if not np.all(np.isfinite(new)):  # unreachable with finite inputs; never store NaN
        return w.copy(), np.zeros_like(velocity)
    return new, v


def update_precision(precision: np.ndarray, p: float, grad_logit: np.ndarray, cfg: StepConfig) -> np.ndarray:
    """Accumulate the Fisher information p (1 - p) (dz/dw)^2 [shape=(42,)], with forgetting.

    This is the diagonal Laplace approximation of the weights' posterior; its
    inverse square root is each weight's uncertainty for Thompson sampling.
    Forgetting keeps tastes that change learnable: the precision settles near
    1 / forget events' worth of evidence instead of growing without end.
    """
    floor = 1.0  # never more certain than the prior alone allows to forget
    return np.maximum((1.0 - cfg.forget) * precision + p * (1.0 - p) * grad_logit**2, floor)
