"""The student: the device's 42-parameter model over many rows at once, and its full-batch fit.

The forward pass is :func:`engine.learner.model.logit` for every row of
``X`` [shape=(n, 26)] (a test checks they agree); the gradient is the
analytic one of :func:`engine.learner.model.grad_logit`, summed. The fit
minimises the mean cross-entropy against targets ``q`` [shape=(n,)] in [0, 1]
(the teacher's probabilities, or the raw labels) plus a Gaussian pull towards
``anchor`` with variance ``variance`` per weight, by L-BFGS-B within the
weights' bounds. No temperature: the teacher's probabilities are used as they
are (temperature 1), because the student is trained with the same sigmoid and
cross-entropy the device uses, and its calibration is what the device needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from engine.learner.inputs import FEATURES, HISTORY, HOUR_ANGLE, SKIPS, TIME_BINS
from engine.learner.model import TIME_FEATURE_IDX, blocks
from engine.learner.params import HISTORY as W_HISTORY
from engine.learner.params import MOOD, N_PARAMS, SCORING, TIME, bounds
from engine.learner.params import SKIP as W_SKIP

EPS = 1e-12
MAX_ITERATIONS = 500


def logits(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    """z of every row: w [shape=(42,)], X [shape=(n, 26)] -> [shape=(n,)]."""
    return _forward(w, X)[0]


def _forward(w: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, ...]:
    wm, wh, wk, wt, W = blocks(w)
    f, t, c = X[:, FEATURES], X[:, TIME_BINS], X[:, HOUR_ANGLE]
    m = f @ wm
    beh = X[:, HISTORY] @ wh + X[:, SKIPS] @ wk
    tau = np.sum(f[:, TIME_FEATURE_IDX] * (c @ wt.T), axis=1)
    g_mood, g_beh = t @ W[:, 0], t @ W[:, 1]
    return g_mood * m + g_beh * beh + t @ W[:, 2] + tau, m, beh, g_mood, g_beh


def cross_entropy(p: np.ndarray, q: np.ndarray) -> float:
    """Mean cross-entropy of predictions ``p`` against (soft) targets ``q``, both [shape=(n,)]."""
    p = np.clip(p, EPS, 1.0 - EPS)
    return float(-np.mean(q * np.log(p) + (1.0 - q) * np.log(1.0 - p)))


def loss_and_grad(w: np.ndarray, X: np.ndarray, q: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy against ``q`` [shape=(n,)] and its gradient [shape=(42,)]."""
    z, m, beh, g_mood, g_beh = _forward(w, X)
    z = np.clip(z, -60.0, 60.0)
    # log(1 + e^z) - q z, stable
    loss = float(np.mean(np.logaddexp(0.0, z) - q * z))
    r = (1.0 / (1.0 + np.exp(-z)) - q) / len(q)
    f, t, c = X[:, FEATURES], X[:, TIME_BINS], X[:, HOUR_ANGLE]
    g = np.empty(N_PARAMS)
    g[MOOD] = f.T @ (r * g_mood)
    g[W_HISTORY] = X[:, HISTORY].T @ (r * g_beh)
    g[W_SKIP] = X[:, SKIPS].T @ (r * g_beh)
    g[TIME] = ((f[:, TIME_FEATURE_IDX] * r[:, None]).T @ c).ravel()
    g[SCORING] = np.column_stack([t.T @ (r * m), t.T @ (r * beh), t.T @ r]).ravel()
    return loss, g


@dataclass(frozen=True)
class StudentFit:
    """A fitted student: weights [shape=(42,)], the cross-entropy before and after, iterations."""

    weights: np.ndarray
    loss_before: float
    loss_after: float
    iterations: int


def fit_student(
    X: np.ndarray,
    q: np.ndarray,
    start: np.ndarray,
    *,
    anchor: np.ndarray | None = None,
    variance: float = 1.0,
    rows_worth: float | None = None,
) -> StudentFit:
    """The student's weights fitted to targets ``q`` [shape=(n,)] on inputs ``X`` [shape=(n, 26)].

    Minimises ``mean CE + |w - anchor|^2 / (2 variance rows_worth)`` from ``start``: the pull
    of a Gaussian prior (mean ``anchor``, default ``start``) on ``rows_worth`` rows (default
    ``n``), i.e. the MAP estimate when the rows are that many events. ``loss_*`` are the mean
    cross-entropy alone.
    """
    anchor = start if anchor is None else anchor
    scale = 1.0 / (variance * (rows_worth if rows_worth is not None else len(q)))

    def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
        loss, g = loss_and_grad(w, X, q)
        d = w - anchor
        return loss + 0.5 * scale * float(d @ d), g + scale * d

    limit = bounds()
    result = minimize(
        objective,
        np.clip(start, -limit, limit),
        jac=True,
        method="L-BFGS-B",
        bounds=list(zip(-limit, limit, strict=True)),
        options={"maxiter": MAX_ITERATIONS, "gtol": 1e-8, "ftol": 1e-12},
    )
    w = np.asarray(result.x, dtype=np.float64)
    return StudentFit(w, loss_and_grad(start, X, q)[0], loss_and_grad(w, X, q)[0], int(result.nit))


def grad_logits(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    """dz/dw of every row [shape=(n, 42)] (``engine.learner.model.grad_logit`` row by row)."""
    _, m, beh, g_mood, g_beh = _forward(w, X)
    f, t, c = X[:, FEATURES], X[:, TIME_BINS], X[:, HOUR_ANGLE]
    J = np.empty((len(X), N_PARAMS))
    J[:, MOOD] = f * g_mood[:, None]
    J[:, W_HISTORY] = X[:, HISTORY] * g_beh[:, None]
    J[:, W_SKIP] = X[:, SKIPS] * g_beh[:, None]
    J[:, TIME] = (f[:, TIME_FEATURE_IDX, None] * c[:, None, :]).reshape(len(X), -1)
    J[:, SCORING] = np.stack([t * m[:, None], t * beh[:, None], t], axis=2).reshape(len(X), -1)
    return J


def posterior_covariance(w: np.ndarray, X: np.ndarray, variance: float = 1.0) -> np.ndarray:
    """The Laplace posterior covariance [shape=(42, 42)] at ``w`` of the rows ``X``, prior ``variance``.

    The Gauss-Newton Hessian of the summed cross-entropy, ``J^T diag(p (1 - p)) J``, plus the
    prior's precision, inverted.
    """
    J = grad_logits(w, X)
    p = predict(w, X)
    H = (J * (p * (1.0 - p))[:, None]).T @ J + np.eye(N_PARAMS) / variance
    return np.linalg.inv(H)


def predict(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    """P(play through) of every row [shape=(n,)]."""
    return 1.0 / (1.0 + np.exp(-np.clip(logits(w, X), -60.0, 60.0)))
