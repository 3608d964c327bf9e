"""Scoring the whole library for the queue: one vectorised pass per re-rank."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.learner.context import ContextState
from engine.learner.learner import Learner

HOLD_BACK_HOURS = 3.0
DEFAULT_EXPLORATION = 0.15  # chosen on the simulator, see docs/notebook-model.md


@dataclass
class Ranking:
    """One re-rank: sampled scores that order the queue, mean probabilities shown to the user.

    scores, p, eligible : np.ndarray [shape=(n,)]
    """

    scores: np.ndarray
    p: np.ndarray
    eligible: np.ndarray


def eligible_songs(
    last_played: np.ndarray,
    now: float,
    *,
    hold_back_hours: float,
    need: int,
    usable: np.ndarray | None = None,
) -> np.ndarray:
    """Songs not heard within ``hold_back_hours`` [shape=(n,)] bool.

    When fewer than ``need`` songs qualify (a small library), the songs heard
    longest ago are let back in until ``need`` are eligible.
    """
    ok = last_played < now - hold_back_hours * 3600.0
    if usable is not None:
        ok &= usable
    n_usable = int(usable.sum()) if usable is not None else len(ok)
    need = min(need, n_usable)
    if int(ok.sum()) < need:
        order = np.argsort(last_played, kind="stable")
        if usable is not None:
            order = order[usable[order]]
        ok = np.zeros_like(ok)
        ok[order[:need]] = True
    return ok


class Ranker:
    """Scores every song with the learner, with Thompson-sampling exploration.

    ``exploration`` scales the posterior standard deviation of the weights that
    each re-rank samples from: 0 ranks greedily by the mean weights, 1 is plain
    Thompson sampling, more explores harder.
    """

    def __init__(
        self,
        learner: Learner,
        context: ContextState,
        *,
        exploration: float = DEFAULT_EXPLORATION,
        hold_back_hours: float = HOLD_BACK_HOURS,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.learner = learner
        self.context = context
        self.exploration = exploration
        self.hold_back_hours = hold_back_hours
        self.rng = rng or np.random.default_rng()

    def rank(self, now: float, hour: float, *, need: int = 1, usable: np.ndarray | None = None) -> Ranking:
        X = self.context.inputs_many(now)
        z_mean = self.learner.logits(X, hour)
        if self.exploration > 0:
            w = self.learner.sample_weights(self.rng, self.exploration)
            scores = self.learner.logits(X, hour, weights=w)
        else:
            scores = z_mean
        elig = eligible_songs(
            self.context.last_played, now, hold_back_hours=self.hold_back_hours, need=need, usable=usable
        )
        return Ranking(scores=scores, p=1.0 / (1.0 + np.exp(-np.clip(z_mean, -60, 60))), eligible=elig)
