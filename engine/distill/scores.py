"""How well predictions fit held-out events: log-loss against the labels, and AUC.

``log_loss`` is the mean cross-entropy against the play's target (1, 0, or a
late skip's 0.3..0.84), the loss the device trains on. ``auc`` ranks
play-throughs (target 1) against skips (target below 1): the chance that a
random play-through gets a higher prediction than a random skip, ties half.
"""

from __future__ import annotations

import numpy as np

from engine.distill.student import cross_entropy


def log_loss(p: np.ndarray, target: np.ndarray) -> float:
    """Mean cross-entropy of ``p`` against ``target``, both [shape=(n,)]."""
    return cross_entropy(p, target)


def auc(p: np.ndarray, target: np.ndarray) -> float | None:
    """Area under the ROC curve of ``p`` for play-throughs (``target == 1``); None with one class."""
    positive = target >= 1.0
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if not n_pos or not n_neg:
        return None
    order = np.argsort(p, kind="stable")
    ranks = np.empty(len(p))
    sorted_p = p[order]
    # average ranks over ties
    _, first, counts = np.unique(sorted_p, return_index=True, return_counts=True)
    mean_rank = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(mean_rank, counts)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def scored(p: np.ndarray, target: np.ndarray) -> dict[str, float | None]:
    """``{"log_loss", "auc"}`` rounded to 4 digits."""
    a = auc(p, target)
    return {"log_loss": round(log_loss(p, target), 4), "auc": None if a is None else round(a, 4)}
