"""The strategies the simulator compares: shuffle, learner, learner_int8, river, oracle.

Each strategy picks the next song and, when it learns, sees the same labelled
events. All of them hold back songs heard in the last few hours (as the real
queue does), so none wins by replaying one favourite.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from engine.learner.context import ContextState
from engine.learner.observe import LearnOne
from engine.learner.prior import Prior
from engine.learner.variants import make_learner
from engine.queue.ranker import DEFAULT_EXPLORATION, HOLD_BACK_HOURS, Ranker, eligible_songs
from engine.sim import river_baseline
from engine.sim.person import Person

STRATEGIES = ("shuffle", "learner", "learner_int8", "river", "oracle")
# "prior": the learner's starting weights, never updated (the memories still fill in), ranked
# the same way. Not in STRATEGIES: it shows what the weights' learning adds, for tests and by name.
# "oracle_PART[_PART]": a partial oracle, ranking by only some parts of the person's utility
# (taste: audio taste and moods; artists: the artist biases; repeat: the repeat penalty), which
# shows where the oracle's gain over shuffle comes from.
UTILITY_PARTS = ("taste", "artists", "repeat")
PARTIAL_ORACLES = (
    "oracle_taste", "oracle_artists", "oracle_repeat",
    "oracle_taste_repeat", "oracle_artists_repeat", "oracle_taste_artists",
)  # fmt: skip
BASELINES = ("prior", *PARTIAL_ORACLES)


class Strategy(Protocol):
    """Picks songs; ``learn_one(x, y)`` learns from a labelled play's inputs (None: never learns)."""

    def choose(self, now: float, hour: float) -> int: ...

    @property
    def learn_one(self) -> LearnOne[object] | None: ...


def _best(scores: np.ndarray, eligible: np.ndarray) -> int:
    return int(np.argmax(np.where(eligible, scores, -np.inf)))


class Shuffle:
    def __init__(self, ctx: ContextState, rng: np.random.Generator) -> None:
        self.ctx, self.rng = ctx, rng

    def choose(self, now: float, hour: float) -> int:
        ok = eligible_songs(self.ctx.last_played, now, hold_back_hours=HOLD_BACK_HOURS, need=1)
        return int(self.rng.choice(np.flatnonzero(ok)))

    learn_one = None


class LearnerStrategy:
    """The 42-parameter model ranking the whole library, with Thompson exploration.

    It starts from ``prior`` (default: the shipped prior).
    """

    def __init__(
        self,
        ctx: ContextState,
        rng: np.random.Generator,
        *,
        variant: str,
        exploration: float,
        frozen: bool = False,
        prior: Prior | None = None,
    ) -> None:
        self.ctx = ctx
        self.learner = make_learner(variant, rng, prior)
        self.ranker = Ranker(self.learner, ctx, exploration=exploration, rng=rng)
        self.frozen = frozen

    def choose(self, now: float, hour: float) -> int:
        ranking = self.ranker.rank(now, hour)
        return _best(ranking.scores, ranking.eligible)

    @property
    def learn_one(self) -> LearnOne[object] | None:
        return None if self.frozen else self.learner.learn_one


class RiverStrategy:
    """River's logistic regression, greedy, on the same 42 expanded inputs."""

    def __init__(self, ctx: ContextState, lr: float) -> None:
        self.ctx = ctx
        self.model = river_baseline.make_model(lr)

    def choose(self, now: float, hour: float) -> int:
        X = river_baseline.expand_many(self.ctx.inputs_many(now), hour)
        w, b = river_baseline.weight_vector(self.model)
        ok = eligible_songs(self.ctx.last_played, now, hold_back_hours=HOLD_BACK_HOURS, need=1)
        return _best(X @ w + b, ok)

    def learn_one(self, x: np.ndarray, y: float) -> None:
        river_baseline.learn_soft(self.model, river_baseline.expand_one(x), y)


class Oracle:
    """The listener's own ranking: the song it is likeliest to play through now."""

    def __init__(self, ctx: ContextState, person: Person) -> None:
        self.ctx, self.person = ctx, person

    def choose(self, now: float, hour: float) -> int:
        since_h = (now - self.ctx.last_played) / 3600.0
        p = self.person.play_probability(hour, since_h)
        ok = eligible_songs(self.ctx.last_played, now, hold_back_hours=HOLD_BACK_HOURS, need=1)
        return _best(p, ok)

    learn_one = None


class PartialOracle:
    """Ranks by some parts of the person's utility only (``parts`` of ``UTILITY_PARTS``)."""

    def __init__(self, ctx: ContextState, person: Person, parts: tuple[str, ...]) -> None:
        self.ctx, self.person, self.parts = ctx, person, parts

    def choose(self, now: float, hour: float) -> int:
        since_h = (now - self.ctx.last_played) / 3600.0
        by_part = self.person.utility_parts(hour, since_h)
        u = np.sum([by_part[name] for name in self.parts], axis=0)
        ok = eligible_songs(self.ctx.last_played, now, hold_back_hours=HOLD_BACK_HOURS, need=1)
        return _best(u, ok)

    learn_one = None


def make_strategy(
    name: str,
    ctx: ContextState,
    person: Person,
    rng: np.random.Generator,
    *,
    exploration: float = DEFAULT_EXPLORATION,
    river_lr: float = 0.05,
    prior: Prior | None = None,
) -> Strategy:
    """The strategy ``name``; the learners (and "prior") start from ``prior`` (default: the shipped one)."""
    if name == "shuffle":
        return Shuffle(ctx, rng)
    if name == "learner":
        return LearnerStrategy(ctx, rng, variant="float32", exploration=exploration, prior=prior)
    if name == "learner_int8":
        return LearnerStrategy(ctx, rng, variant="int8", exploration=exploration, prior=prior)
    if name == "prior":
        return LearnerStrategy(ctx, rng, variant="float32", exploration=exploration, frozen=True, prior=prior)
    if name == "river":
        return RiverStrategy(ctx, river_lr)
    if name == "oracle":
        return Oracle(ctx, person)
    if name in PARTIAL_ORACLES:
        return PartialOracle(ctx, person, tuple(name.split("_")[1:]))
    raise ValueError(f"unknown strategy {name!r}; known: {', '.join(STRATEGIES + BASELINES)}")
