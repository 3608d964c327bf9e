"""The prior's covariance: how the population's listeners differ, weight by weight (empirical Bayes).

One student is fitted to each listener's own labels (a MAP estimate pulled
towards the population's student with variance 1 per weight, the hand-set
prior's), and the covariance is the spread of those students [shape=(42, 42)],
made valid for a prior file (:mod:`engine.learner.prior`):

- each variance is clipped to ``[VARIANCE_FLOOR, VARIANCE_CAP]``: the floor
  keeps a weight every listener agrees on able to move at all, the cap (the
  hand-set prior's variance, which the step was tuned with) keeps the first
  steps no larger than they are today;
- the correlations are shrunk towards none by ``SHRINK`` (a few hundred
  listeners estimate 861 correlations poorly), and their eigenvalues floored
  at ``MIN_EIGENVALUE``, so the matrix is positive definite.

A listener's MAP estimate is pulled towards the mean, which makes the spread
of the estimates too small; adding each estimate's own posterior covariance
(the law of total variance) undoes that, so a weight a short log says
little about keeps nearly the hand-set variance.
"""

from __future__ import annotations

import numpy as np

from engine.learner.params import N_PARAMS

VARIANCE_FLOOR = 0.01
VARIANCE_CAP = 1.0
SHRINK = 0.3
MIN_EIGENVALUE = 0.02
DECIMALS = 6  # the file keeps 6 decimals; the floors keep the rounded matrix positive definite


def population_covariance(students: np.ndarray, posteriors: np.ndarray) -> np.ndarray:
    """The covariance [shape=(42, 42)] of per-listener students [shape=(m, 42)], m >= 2.

    ``posteriors`` [shape=(m, 42, 42)] are the students' own (Laplace) posterior covariances:
    by the law of total variance the population's spread is the spread of the estimates plus
    the mean uncertainty of each, which undoes the pull of each estimate towards the mean.
    """
    if students.ndim != 2 or students.shape[1] != N_PARAMS or len(students) < 2:
        raise ValueError(f"need at least 2 students of {N_PARAMS} weights, got shape {students.shape}")
    spread = np.cov(students, rowvar=False) + posteriors.mean(axis=0)
    sd = np.sqrt(np.maximum(np.diag(spread), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = np.where(np.outer(sd, sd) > 0, spread / np.outer(sd, sd), 0.0)
    np.fill_diagonal(corr, 1.0)
    corr = (1.0 - SHRINK) * corr + SHRINK * np.eye(N_PARAMS)
    values, vectors = np.linalg.eigh(corr)
    corr = (vectors * np.maximum(values, MIN_EIGENVALUE)) @ vectors.T
    d = np.sqrt(np.diag(corr))
    corr = corr / np.outer(d, d)
    scale = np.sqrt(np.clip(sd**2, VARIANCE_FLOOR, VARIANCE_CAP))
    cov = corr * np.outer(scale, scale)
    return np.round((cov + cov.T) / 2.0, DECIMALS)
