"""The forward and backward pass of the 42-parameter model.

Inputs for one song in one context are the flat vector ``x`` [shape=(26,)] of
:mod:`engine.learner.inputs`: features ``f``, history ``h``, skip memory ``k``,
time bins ``t`` and hour angle ``c``.

With the parameter blocks of :mod:`engine.learner.params`::

    m    = w_mood . f                          mood
    beh  = w_history . h + w_skip . k          behaviour
    tau  = sum_j f[j] (a_j sin + b_j cos)      hour-specific taste, j in
                                               energy, valence, acousticness
    z    = sum_b t_b (W[b,0] m + W[b,1] beh + W[b,2]) + tau
    p    = sigmoid(z)

so the scoring layer W [shape=(6, 3)] decides, per time bin, how much mood and
behaviour count and the bin's base rate, while the time block moves the taste
direction itself with the hour.
"""

from __future__ import annotations

import numpy as np

from engine.features.names import FEATURE_INDEX
from engine.learner.inputs import FEATURES, HOUR_ANGLE, N_BINS, N_SONG_INPUTS, SKIPS, TIME_BINS
from engine.learner.inputs import HISTORY as HISTORY_INPUTS
from engine.learner.params import HISTORY, MOOD, N_PARAMS, SCORING, SKIP, TIME, TIME_FEATURES

F, H, K, T, C = FEATURES, HISTORY_INPUTS, SKIPS, TIME_BINS, HOUR_ANGLE  # the docstring's short names
TIME_FEATURE_IDX = np.array([FEATURE_INDEX[name] for name in TIME_FEATURES])


def sigmoid(z: np.ndarray | float) -> np.ndarray | float:
    """Numerically stable logistic function."""
    z = np.clip(z, -60.0, 60.0)
    return 1.0 / (1.0 + np.exp(-z))


def bce(p: float, y: float) -> float:
    """Binary cross-entropy of prediction ``p`` against a (soft) target ``y``."""
    eps = 1e-12
    p = min(max(p, eps), 1.0 - eps)
    return float(-(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def blocks(w: np.ndarray) -> tuple[np.ndarray, ...]:
    """Views of ``w`` [shape=(42,)]: mood (10,), history (4,), skip (4,), time (3, 2), scoring (6, 3)."""
    scoring = w[SCORING].reshape(N_BINS, 3)
    return w[MOOD], w[HISTORY], w[SKIP], w[TIME].reshape(-1, 2), scoring


def logit(w: np.ndarray, x: np.ndarray) -> float:
    """z for one input vector.

    w : np.ndarray [shape=(42,)]
    x : np.ndarray [shape=(26,)]
    """
    wm, wh, wk, wt, W = blocks(w)
    f, t, c = x[F], x[T], x[C]
    m = wm @ f
    beh = wh @ x[H] + wk @ x[K]
    tau = f[TIME_FEATURE_IDX] @ (wt @ c)
    return float(t @ W[:, 0] * m + t @ W[:, 1] * beh + t @ W[:, 2] + tau)


def predict(w: np.ndarray, x: np.ndarray) -> float:
    """p = P(the song plays through in this context)."""
    return float(sigmoid(logit(w, x)))


def grad_logit(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dz/dw for one input vector [shape=(42,)]."""
    wm, wh, wk, _, W = blocks(w)
    f, h, k, t, c = x[F], x[H], x[K], x[T], x[C]
    g = np.empty(N_PARAMS)
    g_mood = t @ W[:, 0]
    g_beh = t @ W[:, 1]
    g[MOOD] = g_mood * f
    g[HISTORY] = g_beh * h
    g[SKIP] = g_beh * k
    g[TIME] = np.outer(f[TIME_FEATURE_IDX], c).ravel()
    m = wm @ f
    beh = wh @ h + wk @ k
    g[SCORING] = np.column_stack([t * m, t * beh, t]).ravel()
    return g


def loss_and_grad(w: np.ndarray, x: np.ndarray, y: float) -> tuple[float, float, np.ndarray]:
    """Forward, loss and backward pass for one labelled event.

    Returns (p, loss, dL/dw [shape=(42,)]); dL/dz = p - y for sigmoid + BCE.
    """
    p = predict(w, x)
    return p, bce(p, y), (p - y) * grad_logit(w, x)


def effective_linear(w: np.ndarray, t: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, float]:
    """Collapse the model for one context into one linear map over [f, h, k].

    For a fixed time of day the model is linear in the song's inputs, so a
    whole library is scored with one matrix-vector product.

    t : np.ndarray [shape=(6,)], c : np.ndarray [shape=(2,)]
    Returns (v [shape=(18,)], bias) with z = X @ v + bias for X [shape=(n, 18)].
    """
    wm, wh, wk, wt, W = blocks(w)
    g_mood = t @ W[:, 0]
    g_beh = t @ W[:, 1]
    v = np.empty(N_SONG_INPUTS)
    v[F] = g_mood * wm
    v[TIME_FEATURE_IDX] += wt @ c
    v[H] = g_beh * wh
    v[K] = g_beh * wk
    return v, float(t @ W[:, 2])


def score_many(w: np.ndarray, X: np.ndarray, t: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Logits of many songs in one context.

    X : np.ndarray [shape=(n, 18)], the songs' [f, h, k]
    Returns z : np.ndarray [shape=(n,)]
    """
    v, bias = effective_linear(w, t, c)
    return X @ v + bias
