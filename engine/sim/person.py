"""A simulated listener: hidden taste, daily pattern, artists, impatience, skip timing.

Calibration against published shuffle behaviour (Lamere, "The Skip", 2014):
with a patience of 1, the person's offset is set so that on *this* library, at
random hours, 48.6 % of shuffled plays are skipped, and the timing of a skip is
set so that 24 % of plays end within 5 s and 35 % within 30 s. Strong dislike
skips early (the first seconds tell), mild dislike late.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.learner.labels import Ended
from engine.sim.library import SimLibrary
from engine.sim.listener_spec import ListenerSpec

SHUFFLE_SKIP = 0.486
SHUFFLE_WITHIN_5S = 0.24
SHUFFLE_WITHIN_30S = 0.35
EARLY_SLOPE = 1.5
REPEAT_PENALTY = 3.0
_CALIBRATION_DRAWS = 20_000


@dataclass(frozen=True)
class Reaction:
    """How one play ended."""

    ended: Ended  # END or SKIP
    listened_ms: int
    duration_ms: int


def _sig(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -60, 60)))


def _bisect(f, lo: float, hi: float, iters: int = 60) -> float:
    """Root of an increasing function ``f`` on [lo, hi]."""
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


class Person:
    """Reacts to songs the way ``spec`` says, on ``library``."""

    def __init__(self, spec: ListenerSpec, library: SimLibrary, rng: np.random.Generator) -> None:
        self.spec = spec
        self.library = library
        self.rng = rng
        self.artist_bias = self._artist_bias(rng)
        self._song_bias = self.artist_bias[library.artist]
        self.offset, self.early_shift = self._calibrate(np.random.default_rng(12345))
        self.offset += float(np.log(spec.patience))

    def _artist_bias(self, rng: np.random.Generator) -> np.ndarray:
        n = self.library.n_artists
        bias = np.zeros(n)
        liked = min(self.spec.liked_artists, n)
        disliked = min(self.spec.disliked_artists, n - liked)
        order = rng.permutation(n)
        bias[order[:liked]] = self.spec.artist_strength
        bias[order[liked : liked + disliked]] = -self.spec.artist_strength
        return bias

    def hour_taste(self, hour: float) -> np.ndarray:
        """The taste [shape=(10,)] in force at ``hour``."""
        taste = self.spec.taste.copy()
        for window in self.spec.hours:
            if window.contains(hour):
                taste += window.taste
        return taste

    def utility(self, hour: float, since_heard_h: np.ndarray) -> np.ndarray:
        """How much the person wants each song now [shape=(n,)], before noise and offset.

        since_heard_h : np.ndarray [shape=(n,)], hours since each song last played (inf: never)
        """
        u = self.library.features @ self.hour_taste(hour) + self._song_bias
        tol = self.spec.repeat_tolerance_hours
        if tol > 0:
            recent = since_heard_h < tol
            u = u - REPEAT_PENALTY * recent * (1.0 - np.minimum(since_heard_h, tol) / tol)
        return u

    def play_probability(self, hour: float, since_heard_h: np.ndarray) -> np.ndarray:
        """The oracle's view: P(play through) of every song now, noise averaged out."""
        return np.asarray(_sig(self.utility(hour, since_heard_h) + self.offset))

    def react(self, song: int, hour: float, since_heard_h: float) -> Reaction:
        """Listen to ``song`` and decide whether, and when, to skip it."""
        lib = self.library
        u = float(lib.features[song] @ self.hour_taste(hour) + self._song_bias[song])
        tol = self.spec.repeat_tolerance_hours
        if tol > 0 and since_heard_h < tol:
            u -= REPEAT_PENALTY * (1.0 - since_heard_h / tol)
        margin = u + self.offset + self.rng.normal(0.0, self.spec.noise)
        duration_ms = int(lib.duration_s[song] * 1000)
        if self.rng.random() < _sig(margin):
            return Reaction(Ended.END, duration_ms, duration_ms)
        return Reaction(Ended.SKIP, self._skip_time_ms(-margin, duration_ms), duration_ms)

    def _skip_time_ms(self, dislike: float, duration_ms: int) -> int:
        r = self.rng
        if r.random() < _sig(EARLY_SLOPE * (dislike - self.early_shift)):
            seconds = r.uniform(0.5, 5.0)
        elif r.random() < (SHUFFLE_WITHIN_30S - SHUFFLE_WITHIN_5S) / (SHUFFLE_SKIP - SHUFFLE_WITHIN_5S):
            seconds = r.uniform(5.0, 30.0)
        else:
            seconds = r.uniform(30.0, max(31.0, 0.9 * duration_ms / 1000))
        # Below 90 %: a listener who leaves later than that has, by the label rules, heard the song.
        return int(min(seconds * 1000, 0.89 * duration_ms))

    def _calibrate(self, rng: np.random.Generator) -> tuple[float, float]:
        """Offset and early-skip shift that reproduce the shuffle curve on this library."""
        songs = rng.integers(0, self.library.n_songs, _CALIBRATION_DRAWS)
        hours = rng.uniform(0, 24, _CALIBRATION_DRAWS)
        u = np.array(
            [self.library.features[s] @ self.hour_taste(h) for s, h in zip(songs, hours, strict=True)]
        )
        u = u + self._song_bias[songs] + rng.normal(0.0, self.spec.noise, _CALIBRATION_DRAWS)
        offset = _bisect(lambda c: float(np.mean(_sig(u + c))) - (1 - SHUFFLE_SKIP), -20, 20)
        skip_w = 1.0 - _sig(u + offset)
        dislike = -(u + offset)
        target = SHUFFLE_WITHIN_5S / SHUFFLE_SKIP

        def early_share(shift: float) -> float:
            return target - float(np.sum(skip_w * _sig(EARLY_SLOPE * (dislike - shift))) / np.sum(skip_w))

        return offset, _bisect(early_share, -20, 20)
