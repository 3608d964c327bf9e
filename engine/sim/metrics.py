"""How runs are scored: skip rates over spans of events, the share of the oracle's gain a strategy captures.

Every function takes per-seed arrays: the skip rate of each seed's run over
one span of events. Runs of one seed share the person and the clock
(``docs/simulator.md``), so the per-seed differences are paired.

``captured = (shuffle - strategy) / (shuffle - oracle)``: 1 is as good as the
listener's own ranking, 0 no better than shuffle, negative worse. It is
computed per seed and averaged; when the oracle gains less than
``MIN_ORACLE_GAIN`` over shuffle on some seed, the share means nothing and is
``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

COLD_START_EVENTS = 100  # events 1..100: the cold start; the learned rates count from event 101
MIN_ORACLE_GAIN = 1e-3


class HasSkips(Protocol):
    skipped: np.ndarray  # [shape=(events,)] bool


def span_rates(logs: Sequence[HasSkips], start: int, stop: int | None = None) -> np.ndarray:
    """Skip rate of each run over events ``start + 1 .. stop`` (1-based, inclusive) [shape=(seeds,)]."""
    return np.array([float(np.mean(log.skipped[start:stop])) for log in logs])


def mean_se(values: np.ndarray) -> tuple[float, float]:
    """Mean and standard error of the mean of per-seed values [shape=(seeds,)] (se 0 for one seed)."""
    mean = float(np.mean(values))
    se = float(np.std(values, ddof=1) / np.sqrt(len(values))) if len(values) > 1 else 0.0
    return mean, se


def captured_per_seed(shuffle: np.ndarray, strategy: np.ndarray, oracle: np.ndarray) -> np.ndarray | None:
    """Per-seed share of the oracle's gain over shuffle [shape=(seeds,)]; None if the oracle gains ~0."""
    gain = shuffle - oracle
    if np.any(gain < MIN_ORACLE_GAIN):
        return None
    return (shuffle - strategy) / gain


def captured(
    shuffle: np.ndarray, strategy: np.ndarray, oracle: np.ndarray
) -> tuple[float | None, float | None]:
    """Mean over seeds of the captured share, and its standard error (both None when undefined)."""
    per_seed = captured_per_seed(shuffle, strategy, oracle)
    if per_seed is None:
        return None, None
    return mean_se(per_seed)


def rounded(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)
