"""A device's update (local minus baseline), its clipping, and the checks the server can make.

Per device the server can check an update only without secure aggregation
(``--no-secagg``): finite, 42 numbers, norm within the clip. With SecAgg+ it
sees only the sum, and checks what a sum of clipped updates must satisfy:
finite, 42 numbers, and the mean's norm at most the clip plus what the noise
can add (a bound every honest round meets; a NaN or a huge norm cannot).
"""

from __future__ import annotations

import math

import numpy as np

from engine.learner.params import N_PARAMS

NOISE_SIGMAS = 8.0  # the noise's norm exceeds its expectation by this many deviations with p < 1e-15


class UpdateError(ValueError):
    """An update or an aggregate that must not touch the baseline, with the reason."""


def clip_update(delta: np.ndarray, clip: float) -> np.ndarray:
    """``delta`` [shape=(42,)] scaled down to L2 norm ``clip`` when longer (a non-finite one becomes 0)."""
    delta = np.asarray(delta, dtype=np.float64)
    if not np.all(np.isfinite(delta)):
        return np.zeros_like(delta)
    norm = float(np.linalg.norm(delta))
    return delta * (clip / norm) if norm > clip else delta.copy()


def check_update(update: np.ndarray, clip: float, *, slack: float = 1e-6) -> np.ndarray:
    """One device's update [shape=(42,)] as sent, or UpdateError (wrong shape, non-finite, over the clip)."""
    arr = np.asarray(update)
    if arr.shape != (N_PARAMS,) or arr.dtype.kind != "f":
        raise UpdateError(f"update: expected {N_PARAMS} numbers, got shape {arr.shape} of {arr.dtype}")
    if not np.all(np.isfinite(arr)):
        raise UpdateError("update: holds a non-finite value")
    norm = float(np.linalg.norm(arr))
    if norm > clip * (1 + slack) + slack:
        raise UpdateError(f"update: norm {norm:.4g} is over the clip {clip:g}")
    return arr.astype(np.float64)


def mean_norm_bound(clip: float, noise_std_on_mean: float, *, quantum: float = 0.0) -> float:
    """The largest norm the mean of clipped updates can have once noised [scalar].

    ``clip`` (a mean of vectors of norm <= C), plus the noise's norm: its
    expectation ``sigma sqrt(42)`` and NOISE_SIGMAS deviations more, plus the
    quantisation error of the secure sum (``quantum`` per coordinate).
    """
    noise = noise_std_on_mean * (math.sqrt(N_PARAMS) + NOISE_SIGMAS)
    return clip + noise + quantum * math.sqrt(N_PARAMS) + 1e-9


def check_mean(mean: np.ndarray, bound: float) -> np.ndarray:
    """The aggregate mean update [shape=(42,)], or UpdateError when no honest round could make it."""
    arr = np.asarray(mean)
    if arr.shape != (N_PARAMS,):
        raise UpdateError(f"aggregate: expected {N_PARAMS} numbers, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise UpdateError("aggregate: holds a non-finite value")
    norm = float(np.linalg.norm(arr))
    if norm > bound:
        raise UpdateError(f"aggregate: norm {norm:.4g} is over what clipped updates can sum to ({bound:.4g})")
    return arr.astype(np.float64)
