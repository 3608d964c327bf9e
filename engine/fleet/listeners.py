"""The one adapter between the fleet and the listener generator (``engine/sim``).

Another engineer is adding listener kinds and a shared population component to
the generator; when that lands, only this module changes. Until then:

- a listener is ``random_listener(seed)`` (today's only kind, feature taste);
- ``shared=True`` adds this module's stand-in population component, a taste
  every listener of the population shares (drawn once from ``POPULATION_SEED``),
  to the listener's own taste; ``shared=False`` leaves it out, so the listener
  shares nothing with the fleet but the generator's common behaviour (repeats,
  skips, artists);
- device seeds and held-out seeds are kept apart from each other and from the
  seeds the rest of the project evaluates on (0..9999).
"""

from __future__ import annotations

import numpy as np

from engine.features.names import FEATURE_NAMES
from engine.sim.listener_spec import ListenerSpec, parse_listener
from engine.sim.random_listener import random_listener

POPULATION_SEED = 15_015
DEVICE_SEEDS = 1_500_000  # device i is listener DEVICE_SEEDS + i
HELD_OUT_SEEDS = 1_600_000  # held-out listener j is HELD_OUT_SEEDS + j
KINDS = ("feature-taste",)  # the generator's kinds today


def population_taste(seed: int = POPULATION_SEED) -> dict[str, float]:
    """The stand-in population component: three features most listeners lean the same way on."""
    rng = np.random.default_rng([seed, 15])
    features = rng.choice(FEATURE_NAMES, size=3, replace=False)
    return {str(f): round(float(rng.choice([-1, 1]) * rng.uniform(0.8, 1.4)), 2) for f in features}


def listener(seed: int, *, shared: bool) -> ListenerSpec:
    """The simulated listener of ``seed``, with or without the population component."""
    doc = random_listener(seed)
    doc["name"] = f"fleet-{seed}"
    if shared:
        taste = {k: 0.6 * v for k, v in doc["taste"].items()}
        for feature, weight in population_taste().items():
            taste[feature] = round(taste.get(feature, 0.0) + weight, 3)
        doc["taste"] = taste
    return parse_listener(doc)


def device_listener(i: int, *, shared: bool) -> ListenerSpec:
    return listener(DEVICE_SEEDS + i, shared=shared)


def held_out_listener(j: int, *, shared: bool) -> ListenerSpec:
    return listener(HELD_OUT_SEEDS + j, shared=shared)
