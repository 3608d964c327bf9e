"""Cold start: a new listener's first 100 plays with a profile that starts from a given prior.

The listener, clock and strategy are the simulator's (``engine/sim``): the
learner ranks the library with Thompson sampling and learns from every play,
from ``Profile.from_prior(prior)``. The cold-start skip rate is the share of
events 1-100 that were skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.learner.context import ContextState
from engine.learner.labels import label_play
from engine.learner.prior import Prior
from engine.learner.profile import Profile
from engine.sim.library import SimLibrary, synthetic_library
from engine.sim.listener_spec import ListenerSpec
from engine.sim.person import Person
from engine.sim.runner import Clock
from engine.sim.strategies import LearnerStrategy

COLD_START_EVENTS = 100
EVAL_LIBRARY_SONGS = 1000


def cold_start_skip_rate(
    library: SimLibrary, spec: ListenerSpec, prior: Prior, *, seed: int, events: int = COLD_START_EVENTS
) -> float:
    """Skip rate over a new listener's first ``events`` plays from ``prior`` (its mean and covariance)."""
    person = Person(spec, library, np.random.default_rng([seed, 1]))
    clock = Clock(np.random.default_rng([seed, 2]))
    ctx = ContextState(library.features, library.artist)
    strategy = LearnerStrategy(ctx, np.random.default_rng([seed, 3]), variant="float32", exploration=0.15)
    strategy.learner.profile = Profile.from_prior(prior)
    skipped = 0
    for _ in range(events):
        now = clock.next_play(ctx)
        hour = clock.hour
        song = strategy.choose(now, hour)
        reaction = person.react(song, hour, (now - ctx.last_played[song]) / 3600.0)
        label = label_play(reaction.ended, reaction.listened_ms, reaction.duration_ms)
        if label.target is not None:
            strategy.learner.learn_one(ctx.inputs_one(song, now, hour), label.target)
        ctx.record(song, now, label.target, label.kind, ended_at=now + reaction.listened_ms / 1000.0)
        skipped += reaction.ended == "skip"
        clock.now += reaction.listened_ms / 1000.0 + 1.0
    return skipped / events


class HeldOut:
    """Held-out listeners, each with its own library, evaluated on any prior with the same seeds."""

    def __init__(self, listeners: Sequence[ListenerSpec], *, library_seed: int = 1_700_000) -> None:
        self.listeners = list(listeners)
        self.libraries = [
            synthetic_library(EVAL_LIBRARY_SONGS, seed=library_seed + j) for j in range(len(listeners))
        ]

    def rates(self, prior: Prior) -> np.ndarray:
        """Cold-start skip rate of every held-out listener [shape=(n_listeners,)]."""
        return np.array(
            [
                cold_start_skip_rate(lib, spec, prior, seed=1_800_000 + j)
                for j, (lib, spec) in enumerate(zip(self.libraries, self.listeners, strict=True))
            ]
        )


def summary(rates: np.ndarray) -> dict[str, float]:
    """Median, mean and the mean's standard error of per-listener rates."""
    n = len(rates)
    se = float(np.std(rates, ddof=1) / np.sqrt(n)) if n > 1 else 0.0
    return {
        "median": round(float(np.median(rates)), 4),
        "mean": round(float(np.mean(rates)), 4),
        "se": round(se, 4),
    }


def paired(rates: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    """``rates`` against ``reference`` on the same listeners: median ratio, mean difference and its SE."""
    diff = rates - reference
    n = len(diff)
    se = float(np.std(diff, ddof=1) / np.sqrt(n)) if n > 1 else 0.0
    ratio = float(np.median(rates) / np.median(reference)) if np.median(reference) > 0 else float("nan")
    return {
        "median_ratio": round(ratio, 4),
        "mean_difference": round(float(np.mean(diff)), 4),
        "difference_se": round(se, 4),
    }
