"""INT8 quantisation of the weights: one symmetric scale per group.

A profile in INT8 mode keeps 42 int8 values and five float scales. The forward
and backward pass run on the dequantised weights q * scale (the straight-through
estimator: the gradient at the quantised point is applied as if rounding had no
derivative), and each step is rounded back to int8 *stochastically*, so that an
update smaller than one quantisation step still moves the weight in expectation.
"""

from __future__ import annotations

import numpy as np

from engine.learner.params import GROUPS, N_PARAMS, bounds

QMAX = 127
HEADROOM = 100  # a rescaled group's largest weight lands on +-100, leaving room to grow
MIN_SCALE = 1.0 / 512  # finer steps than this buy nothing and let one event cross many steps


def group_scales() -> np.ndarray:
    """The widest per-group scales [shape=(5,)]: each group's bound / 127."""
    return np.array([g.bound / QMAX for g in GROUPS])


def max_scales() -> np.ndarray:
    """The widest scale each group may have [shape=(5,)] (see :func:`fit_scales`)."""
    return np.array([g.bound / HEADROOM for g in GROUPS]) * (1 + 1e-9)


def expand_scales(scales: np.ndarray) -> np.ndarray:
    """Per-group scales [shape=(5,)] -> per-parameter scales [shape=(42,)]."""
    out = np.empty(N_PARAMS)
    for g, s in zip(GROUPS, scales, strict=True):
        out[g.slice] = s
    return out


def quantize(w: np.ndarray, scales: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
    """Float weights [shape=(42,)] -> int8 [shape=(42,)].

    With ``rng`` the rounding is stochastic (unbiased); without, to nearest.
    """
    step = expand_scales(scales)
    x = w / step
    if rng is None:
        q = np.rint(x)
    else:
        lo = np.floor(x)
        q = lo + (rng.random(x.shape) < (x - lo))
    # Rounding up must not carry a weight past its bound (q * scale <= bound), nor past int8's range.
    limit = np.minimum(QMAX, np.floor(bounds() / step * (1 + 1e-12)))
    return np.clip(q, -limit, limit).astype(np.int8)


def fit_scales(w: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """Per-group scales [shape=(5,)] that keep each group's weights well resolved.

    A group is rescaled only when its largest weight would saturate the int8
    range, or has shrunk so far that it uses less than a third of it; in
    between the scale stays put, so the stored int8 values stay stable.
    """
    out = scales.copy()
    for i, g in enumerate(GROUPS):
        top = float(np.max(np.abs(w[g.slice])))
        used = top / scales[i]
        if used > QMAX or used < QMAX / 3:
            out[i] = max(top / HEADROOM, MIN_SCALE, g.bound / (QMAX * 64))
    return out


def dequantize(q: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """int8 [shape=(42,)] -> float64 [shape=(42,)]."""
    return q.astype(np.float64) * expand_scales(scales)
