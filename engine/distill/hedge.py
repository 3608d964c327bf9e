"""What a population prior must not impose on a listener unlike the population.

Two measured ways the distilled prior trapped listeners who share nothing with
the population (docs/notebook-distill.md, sections 2b and 5):

- its behaviour weights (history and skip groups) are fitted on an
  observational log, half of it shuffle's random picks, so "a song skipped
  early and offered again" reads as harmless there; those weights keep the
  hand-set prior's values, which encode the causal rule every listener follows;
- its covariance (mood variances 0.14-0.27) lets a taste the population does
  not have move too slowly; half of it is the hand-set prior's.
"""

from __future__ import annotations

import numpy as np

from engine.learner.params import GROUP_BY_KEY
from engine.learner.prior import Prior

HAND_SHARE = 0.5  # of the covariance that is the hand-set prior's
HAND_GROUPS = ("history", "skip")  # whose mean stays the hand-set prior's


def hedge(mean: np.ndarray, covariance: np.ndarray, hand: Prior) -> tuple[np.ndarray, np.ndarray]:
    """The mean [shape=(42,)] and covariance [shape=(42, 42)] of the prior that ships.

    ``mean`` and ``covariance`` are the population's (the student fitted to the
    teacher, the spread of per-listener students); ``hand`` is the hand-set prior.
    """
    out = np.array(mean, dtype=np.float64)
    for key in HAND_GROUPS:
        out[GROUP_BY_KEY[key].slice] = hand.mean[GROUP_BY_KEY[key].slice]
    return out, (1.0 - HAND_SHARE) * np.asarray(covariance) + HAND_SHARE * hand.covariance
