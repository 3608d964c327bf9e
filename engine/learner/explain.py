"""Why a song scores what it scores: the model's logit split into named parts.

For one input vector the logit is a sum of one term per input plus the time
of day's base rate (``engine/learner/model.py``)::

    z = sum_j f_j (g_mood w_mood_j + [j timed] a_j . c)     one term per audio feature
      + sum_i h_i g_beh w_history_i                          one term per history input
      + sum_i k_i g_beh w_skip_i                             one term per skip memory
      + t . W[:, 2]                                          the hour's base rate

where ``g_mood = t . W[:, 0]`` and ``g_beh = t . W[:, 1]`` are the scoring
layer's gains at this hour. The parts add up to ``z`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.features.names import FEATURE_NAMES
from engine.learner import inputs as col
from engine.learner import model
from engine.learner.params import HISTORY_INPUTS, SKIP_INPUTS

BASE_RATE = "time of day: base rate"


@dataclass(frozen=True)
class Part:
    """One named share of the logit; ``value`` > 0 pushes towards "plays through"."""

    name: str
    value: float
    input: float  # the input's value (1.0 for the base rate)


def contributions(w: np.ndarray, x: np.ndarray) -> list[Part]:
    """Every part of the logit for one song in one context, in input order.

    w : np.ndarray [shape=(42,)]
    x : np.ndarray [shape=(26,)], the song's input vector
    Returns 19 parts whose values sum to ``model.logit(w, x)``.
    """
    wm, wh, wk, wt, W = model.blocks(w)
    f, h, k = x[col.FEATURES], x[col.HISTORY], x[col.SKIPS]
    t, c = x[col.TIME_BINS], x[col.HOUR_ANGLE]
    g_mood, g_beh = float(t @ W[:, 0]), float(t @ W[:, 1])
    per_feature = g_mood * wm
    per_feature[model.TIME_FEATURE_IDX] += wt @ c
    weight = np.concatenate([per_feature, g_beh * wh, g_beh * wk])
    inputs = np.concatenate([f, h, k])
    names = [f"mood: {n}" for n in FEATURE_NAMES]
    names += [f"history: {n}" for n in HISTORY_INPUTS] + [f"skip: {n}" for n in SKIP_INPUTS]
    parts = [Part(n, float(weight[i] * inputs[i]), float(inputs[i])) for i, n in enumerate(names)]
    parts.append(Part(BASE_RATE, float(t @ W[:, 2]), 1.0))
    return parts


def top_reasons(w: np.ndarray, x: np.ndarray, n: int = 5) -> list[Part]:
    """The ``n`` largest parts by size, largest first."""
    return sorted(contributions(w, x), key=lambda p: -abs(p.value))[:n]
