"""The pooled log of a population: what the student saw, what the teacher sees besides, the label.

Every row is one song at one moment of one listener's life:

- ``inputs`` [shape=(n, 26)]: the student's inputs at that moment
  (:mod:`engine.learner.inputs`), exactly as the learner saw them;
- ``context`` [shape=(n, len(CONTEXT))]: the richer context only the teacher
  sees (the raw hour, raw counts, the artist's play-through with its
  evidence, the session's aggregates), named by ``CONTEXT``;
- ``target`` [shape=(n,)]: the play's label (``engine.learner.labels``: 1 a
  play-through, 0 an early skip, 0.3..0.84 a late skip); NaN for a candidate;
- ``listener`` [shape=(n,)]: the listener's index in the population;
- ``played`` [shape=(n,)]: True for a play, False for a *candidate* (a song of
  the library picked at random at that moment and not played: the teacher
  labels it, so the transfer set covers songs the policy did not choose).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CONTEXT = (
    "hour",  # raw hour 0..24 (the student sees six soft bins and a sin/cos)
    "song plays",  # labelled plays of the song so far (raw count, no decay)
    "song skips",  # of which skipped
    "hours since song heard",  # capped at 1000 (never heard: 1000)
    "artist plays",
    "artist play-through rate",  # (through + 1) / (plays + 2)
    "artist skips",
    "session position",  # plays so far in this session
    "session skips",  # skips so far in this session
    "session skip share",  # (skips + 0.5) / (position + 1)
    "listener plays",  # labelled plays of the listener so far
    "listener play-through rate",  # (through + 1) / (plays + 2)
)
NEVER_HEARD_HOURS = 1000.0


@dataclass(frozen=True)
class PooledLog:
    """Rows of a population's plays and candidates (see the module docstring for the shapes)."""

    inputs: np.ndarray
    context: np.ndarray
    target: np.ndarray
    listener: np.ndarray
    played: np.ndarray

    def __len__(self) -> int:
        return len(self.target)

    @property
    def teacher_features(self) -> np.ndarray:
        """What the teacher learns from [shape=(n, 26 + len(CONTEXT))]: the inputs and the context."""
        return np.hstack([self.inputs, self.context])

    def rows(self, mask: np.ndarray) -> PooledLog:
        """The rows where ``mask`` [shape=(n,)] is True."""
        return PooledLog(
            self.inputs[mask], self.context[mask], self.target[mask], self.listener[mask], self.played[mask]
        )

    @classmethod
    def concat(cls, logs: list[PooledLog]) -> PooledLog:
        return cls(
            *(
                np.concatenate([getattr(g, f) for g in logs])
                for f in ("inputs", "context", "target", "listener", "played")
            )
        )
