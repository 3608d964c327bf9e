"""River's logistic regression on the same inputs as the learner.

River gets the learner's raw inputs expanded to 42 numbers, so that a linear
model has the same room to express time of day as the 42-parameter model:

==  ==========================================================
10  f, the z-scored features
 4  h, history
 4  k, skip memory
 6  f_j x sin and f_j x cos of the hour, j in energy, valence, acousticness
 6  t, the six soft time bins (per-bin base rates)
12  t_b x energy and t_b x acousticness (per-bin taste)
==  ==========================================================

River's log loss takes binary targets only, so a soft target y is given as two
weighted examples (True with weight y, False with weight 1 - y), whose summed
gradient is exactly the soft binary cross-entropy's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.features.names import FEATURE_INDEX
from engine.learner import inputs, model, timeofday

N_RIVER_INPUTS = 42
_E = FEATURE_INDEX["energy"]
_A = FEATURE_INDEX["acousticness"]
NAMES: tuple[str, ...] = tuple(
    [f"x{i}" for i in range(inputs.N_SONG_INPUTS)]
    + [f"tau{i}" for i in range(6)]
    + [f"t{b}" for b in range(6)]
    + [f"tE{b}" for b in range(6)]
    + [f"tA{b}" for b in range(6)]
)
assert len(NAMES) == N_RIVER_INPUTS


def expand_many(X: np.ndarray, hour: float) -> np.ndarray:
    """The 42 River inputs of many songs.

    X : np.ndarray [shape=(n, 18)], [f, h, k] rows -> np.ndarray [shape=(n, 42)]
    """
    t, c = timeofday.context(hour)
    n = len(X)
    f_time = X[:, model.TIME_FEATURE_IDX]
    return np.hstack(
        [
            X,
            (f_time[:, :, None] * c[None, None, :]).reshape(n, 6),
            np.broadcast_to(t, (n, 6)),
            X[:, [_E]] * t[None, :],
            X[:, [_A]] * t[None, :],
        ]
    )


def expand_one(x: np.ndarray) -> dict[str, float]:
    """The River input dict for one full learner input vector x [shape=(26,)]."""
    t, c = x[inputs.TIME_BINS], x[inputs.HOUR_ANGLE]
    row = np.concatenate(
        [
            x[: inputs.N_SONG_INPUTS],
            np.outer(x[model.TIME_FEATURE_IDX], c).ravel(),
            t,
            x[_E] * t,
            x[_A] * t,
        ]
    )
    return dict(zip(NAMES, row.tolist(), strict=True))


def make_model(lr: float = 0.05) -> Any:
    """River's LogisticRegression with plain SGD (imported lazily: River is optional)."""
    try:
        from river import linear_model, optim
    except ImportError as exc:
        raise RuntimeError("the river baseline needs River: pip install 'skipwise[test]'") from exc
    return linear_model.LogisticRegression(optimizer=optim.SGD(lr), intercept_lr=lr)


def learn_soft(lr_model: Any, x: dict[str, float], y: float) -> None:
    """One soft-target update as two weighted binary examples."""
    if y > 0:
        lr_model.learn_one(x, True, w=y)
    if y < 1:
        lr_model.learn_one(x, False, w=1.0 - y)


def weight_vector(lr_model: Any) -> tuple[np.ndarray, float]:
    """River's weights as an array [shape=(42,)] in NAMES order, and its intercept."""
    weights = lr_model.weights
    return np.array([weights.get(name, 0.0) for name in NAMES]), float(lr_model.intercept)
