"""Observing one play: the step that the player, the simulator and the fleet's local training share.

After a play ends (``docs/events.md``), in this order:

1. a new listening session starts if this play opens one;
2. the learner sees the play's inputs *as they were before it* and learns from
   its label (and, after "previous", from the extra positive event of the song
   the listener went back to);
3. the play is folded into the context memories (song, artist, session).

Rebuilding the memories from the stored plays is the same step without a
learner, so what the player learned from and what it remembers cannot drift
apart. The learner is any callable ``learn(x, y)``: the 42-parameter model's
``Learner.learn_one``, or a baseline's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from engine.learner.context import ContextState
from engine.learner.labels import Label, replay_label

U = TypeVar("U")
LearnOne = Callable[[np.ndarray, float], U]  # (x [shape=(26,)], target in [0, 1]) -> what the step reports


@dataclass(frozen=True, slots=True)
class Observation:
    """One finished play, in library rows.

    ``back_to`` is the row of the song the listener went back to when the play
    ended with "previous" (None otherwise); ``session_id`` None lets a gap of
    30 minutes decide whether a new session starts.
    """

    song: int
    started_at: float
    hour: float
    label: Label
    listened_s: float
    session_id: str | None = None
    back_to: int | None = None


def observe(ctx: ContextState, obs: Observation, learn: LearnOne[U] | None = None) -> list[U]:
    """Learn from one play (when ``learn`` is given) and fold it into ``ctx``; the learner's reports."""
    ctx.maybe_new_session(obs.started_at, obs.session_id)
    reports: list[U] = []
    if learn is not None:
        if obs.label.target is not None:
            reports.append(learn(ctx.inputs_one(obs.song, obs.started_at, obs.hour), obs.label.target))
        if obs.back_to is not None:
            x = ctx.inputs_one(obs.back_to, obs.started_at, obs.hour)
            reports.append(learn(x, _REPLAY_TARGET))
    ctx.record(
        obs.song, obs.started_at, obs.label.target, obs.label.kind, ended_at=obs.started_at + obs.listened_s
    )
    return reports


_REPLAY_TARGET: float = replay_label().target or 1.0
