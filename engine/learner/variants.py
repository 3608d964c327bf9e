"""Every variant of the on-device learner, by name: what the contract checks and the simulator run.

A variant is a way to make a :class:`~engine.learner.learner.Learner` from a
random generator. A new one registered here (another mode, another prior)
gets the contract suite of ``tests/engine/test_learner_contract.py`` for free:
same seed, same result; inputs left alone; the profile round-trips; weights
finite and bounded after any burst; probabilities in [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.learner.learner import Learner
from engine.learner.prior import Prior
from engine.learner.profile import Profile

MakeLearner = Callable[[np.random.Generator], Learner]

VARIANTS: dict[str, MakeLearner] = {
    "float32": lambda rng: Learner.from_prior(mode="float32", rng=rng),
    "int8": lambda rng: Learner.from_prior(mode="int8", rng=rng),
}


def make_learner(variant: str, rng: np.random.Generator, prior: Prior | None = None) -> Learner:
    """A fresh learner of ``variant`` (a clear error for an unknown name).

    With ``prior`` it starts from that prior's mean and covariance instead of
    the shipped prior's, in the variant's mode.
    """
    try:
        make = VARIANTS[variant]
    except KeyError:
        raise ValueError(f"unknown learner variant {variant!r}; known: {', '.join(VARIANTS)}") from None
    learner = make(rng)
    if prior is not None:
        learner.profile = Profile.from_prior(prior, mode=learner.mode)
    return learner
