"""What most simulated listeners share: the population's taste, the way real audiences share popular music.

This module is the one place where the simulator's assumption about a shared
taste is written down. A listener file's ``"shared": s`` adds ``s`` times this
component to that listener's own taste (``docs/simulator.md``); the generated
listeners (:mod:`engine.sim.listener_kinds`) carry it when asked to
(``shared=True``, the default). Whatever a prior distilled from a simulated
population, or a fleet's shared model, learns beyond behaviour (repeats,
skips, hours) comes from here, so it encodes exactly these assumptions:

- **Popular music is danceable, upbeat and in a major key, with some energy**:
  ``SHARED_TASTE`` below, about one logit per standard deviation of that
  direction (a strong own taste is about as large, so a listener's own taste
  can outweigh or reverse it).
- **Mornings are more energetic, late nights calmer and more acoustic**:
  ``SHARED_HOURS``, added inside those windows.

Not shared: artists (a population agrees on no artist of *this* library; the
42-parameter model has no per-artist weight a prior could carry), repeat
tolerance, patience and noise (their spread is drawn per listener). Real
audiences share much more than one direction; one documented direction is
enough to measure what a population prior can transfer, with it and without.
"""

from __future__ import annotations

import numpy as np

from engine.features.names import N_FEATURES, feature_index

# The population's taste on the z-scored features, at every hour.
SHARED_TASTE: dict[str, float] = {"danceability": 0.55, "valence": 0.5, "energy": 0.3, "mode": 0.25}
# Extra shared taste inside hour windows ("start-end", wrapping past midnight as in listener files).
SHARED_HOURS: dict[str, dict[str, float]] = {
    "6-11": {"energy": 0.5, "tempo": 0.3},
    "21-2": {"energy": -0.6, "acousticness": 0.5},
}


def taste_vector(taste: dict[str, float]) -> np.ndarray:
    """A taste object as weights on the features [shape=(10,)]."""
    out = np.zeros(N_FEATURES)
    for name, weight in taste.items():
        out[feature_index(name)] = weight
    return out


def shared_taste() -> np.ndarray:
    """The population's all-day taste [shape=(10,)]."""
    return taste_vector(SHARED_TASTE)
