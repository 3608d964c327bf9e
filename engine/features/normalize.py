"""Z-scoring raw feature values against the library, as the learner's inputs."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from engine.features.names import FEATURE_INDEX, N_FEATURES

CLIP = 3.0
# Tempo is perceived on a ratio scale: 60 -> 120 BPM is as far as 90 -> 180.
_LOG_FEATURES = (FEATURE_INDEX["tempo"],)


@dataclass(frozen=True)
class Normalizer:
    """Per-feature mean and standard deviation of the library.

    mean, std : np.ndarray [shape=(10,)]
    """

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, raw: np.ndarray) -> Normalizer:
        """Fit on raw features.

        raw : np.ndarray [shape=(n, 10)], NaN where a value is unknown.
        """
        x = _prepare(raw)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a column with no known value yet
            mean = np.nanmean(x, axis=0) if len(x) else np.zeros(N_FEATURES)
            std = np.nanstd(x, axis=0) if len(x) else np.ones(N_FEATURES)
        mean = np.where(np.isfinite(mean), mean, 0.0)
        std = np.where(np.isfinite(std) & (std > 1e-9), std, 1.0)
        return cls(mean=mean, std=std)

    def transform(self, raw: np.ndarray) -> np.ndarray:
        """z-scores clipped to [-3, 3]; unknown values become 0 (the library mean).

        raw : np.ndarray [shape=(n, 10)] -> np.ndarray [shape=(n, 10)], float64
        """
        z = (_prepare(raw) - self.mean) / self.std
        z = np.where(np.isfinite(z), z, 0.0)
        return np.clip(z, -CLIP, CLIP)


def _prepare(raw: np.ndarray) -> np.ndarray:
    x = np.array(raw, dtype=np.float64, copy=True).reshape(-1, N_FEATURES)
    for i in _LOG_FEATURES:
        col = x[:, i]
        with np.errstate(all="ignore"):
            x[:, i] = np.where(col > 0, np.log(col), np.nan)
    return x
