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
from engine.sim.population import shared_taste

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
    """Reacts to songs the way ``spec`` says, on ``library``.

    The person lives in time: :meth:`at` tells it the day (since its first
    play; a drifting taste turns with it) and the listening session (a
    session-mood listener wants one mood region per session). Until then it
    is at day 0, session 0.
    """

    def __init__(self, spec: ListenerSpec, library: SimLibrary, rng: np.random.Generator) -> None:
        self.spec = spec
        self.library = library
        self.rng = rng
        self.artist_bias = self._artist_bias(rng)
        self._song_bias = self.artist_bias[library.artist]
        self.day = 0.0
        self.session = 0
        self._session_moods: dict[int, int] = {}
        per_session = spec.moods is not None and spec.moods.per_session
        # Drawn only for session moods, so that every other listener's reactions stay as they were.
        self._mood_seed = int(rng.integers(2**62)) if per_session else 0
        self._base = spec.taste + spec.shared * shared_taste() if spec.shared else spec.taste
        self.offset, self.early_shift = self._calibrate(np.random.default_rng(12345))
        self.offset += float(np.log(spec.patience))

    def at(self, *, day: float, session: int) -> None:
        """Move the person to ``day`` (days since its first play) in listening session ``session``."""
        self.day, self.session = day, session

    def _artist_bias(self, rng: np.random.Generator) -> np.ndarray:
        n = self.library.n_artists
        bias = np.zeros(n)
        if self.spec.artist_pick == "by_songs":
            songs = np.bincount(self.library.artist, minlength=n).astype(float)
            picked = min(self.spec.liked_artists + self.spec.disliked_artists, int(np.count_nonzero(songs)))
            order = rng.choice(n, size=picked, replace=False, p=songs / songs.sum())
        else:
            order = rng.permutation(n)
        liked = min(self.spec.liked_artists, len(order))
        disliked = min(self.spec.disliked_artists, len(order) - liked)
        bias[order[:liked]] = self.spec.artist_strength
        bias[order[liked : liked + disliked]] = -self.spec.artist_strength
        return bias

    def base_taste(self, day: float | None = None) -> np.ndarray:
        """The all-day taste [shape=(10,)] on ``day`` (default: the person's day), shared part included."""
        drift = self.spec.drift
        if drift is None:
            return self._base
        own = drift.turned(self.spec.taste, self.day if day is None else day)
        return own + self.spec.shared * shared_taste() if self.spec.shared else own

    def hour_taste(self, hour: float, day: float | None = None) -> np.ndarray:
        """The linear taste [shape=(10,)] in force at ``hour`` (of ``day``, default the person's day)."""
        taste = self.base_taste(day).copy()
        for window in self.spec.all_hours:
            if window.contains(hour):
                taste += window.taste
        return taste

    def session_mood(self, session: int | None = None) -> int:
        """The mood region the session wants (session moods only; the person's session by default)."""
        k = self.session if session is None else session
        if k not in self._session_moods:
            moods = self.spec.moods
            assert moods is not None and moods.per_session
            pick = np.random.default_rng([self._mood_seed, k]).choice(len(moods.regions), p=moods.shares)
            self._session_moods[k] = int(pick)
        return self._session_moods[k]

    def mood_utility(self, features: np.ndarray, session: int | None = None) -> np.ndarray | float:
        """The mood regions' pull on songs with ``features`` [shape=(n, 10)] -> [shape=(n,)] (0 without)."""
        moods = self.spec.moods
        if moods is None:
            return 0.0
        if not moods.per_session:
            return sum(r.utility(features) for r in moods.regions)
        wanted = self.session_mood(session)
        return sum(
            (1.0 if i == wanted else moods.off_session) * r.utility(features)
            for i, r in enumerate(moods.regions)
        )

    def utility(self, hour: float, since_heard_h: np.ndarray) -> np.ndarray:
        """How much the person wants each song now [shape=(n,)], before noise and offset.

        since_heard_h : np.ndarray [shape=(n,)], hours since each song last played (inf: never)
        """
        features = self.library.features
        u = features @ self.hour_taste(hour) + self._song_bias
        if self.spec.moods is not None:
            u = u + self.mood_utility(features)
        tol = self.spec.repeat_tolerance_hours
        if tol > 0:
            recent = since_heard_h < tol
            u = u - REPEAT_PENALTY * recent * (1.0 - np.minimum(since_heard_h, tol) / tol)
        return u

    def utility_parts(self, hour: float, since_heard_h: np.ndarray) -> dict[str, np.ndarray]:
        """The utility's parts [each shape=(n,)]: "taste" (audio taste and moods), "artists", "repeat".

        They add up to :meth:`utility`; a partial oracle ranks by some of them.
        """
        features = self.library.features
        taste = features @ self.hour_taste(hour) + self.mood_utility(features)
        tol = self.spec.repeat_tolerance_hours
        repeat = np.zeros(len(features))
        if tol > 0:
            recent = since_heard_h < tol
            repeat = -REPEAT_PENALTY * recent * (1.0 - np.minimum(since_heard_h, tol) / tol)
        return {"taste": taste, "artists": self._song_bias, "repeat": repeat}

    def play_probability(self, hour: float, since_heard_h: np.ndarray) -> np.ndarray:
        """The oracle's view: P(play through) of every song now, noise averaged out."""
        return np.asarray(_sig(self.utility(hour, since_heard_h) + self.offset))

    def react(self, song: int, hour: float, since_heard_h: float) -> Reaction:
        """Listen to ``song`` and decide whether, and when, to skip it."""
        lib = self.library
        u = float(lib.features[song] @ self.hour_taste(hour) + self._song_bias[song])
        if self.spec.moods is not None:
            u += float(np.sum(self.mood_utility(lib.features[song : song + 1])))
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

    def _calibration_taste_utility(self, songs: np.ndarray, hours: np.ndarray) -> np.ndarray:
        """``features[s] @ hour_taste(h, day 0)`` for every draw [shape=(draws,)], row by row as before.

        The taste depends on the hour only through which windows hold it, so it is built once per
        combination of windows (the same additions in the same order as :meth:`hour_taste`).
        """
        windows = self.spec.all_hours
        codes = np.zeros(len(hours), dtype=np.int64)
        for i, w in enumerate(windows):
            h = hours % 24.0
            inside = (w.start <= h) & (h < w.end) if w.start <= w.end else (h >= w.start) | (h < w.end)
            codes |= inside.astype(np.int64) << i
        tastes = {}
        for code in np.unique(codes).tolist():
            taste = self.base_taste(0.0).copy()
            for i, w in enumerate(windows):
                if code >> i & 1:
                    taste += w.taste
            tastes[code] = taste
        features = self.library.features
        return np.array(
            [features[s] @ tastes[c] for s, c in zip(songs.tolist(), codes.tolist(), strict=True)]
        )

    def _calibration_extras(self, rng: np.random.Generator, songs: np.ndarray) -> np.ndarray | float:
        """Utility of drift and moods at random days and sessions [shape=(draws,)] (0 without either).

        Drawn after everything else, so a listener without them calibrates exactly as before.
        A drifting taste is calibrated over its turn (days uniform in 0..days).
        """
        spec, f = self.spec, self.library.features[songs]
        extra: np.ndarray | float = 0.0
        if spec.drift is not None:
            s = rng.uniform(0.0, 1.0, len(songs))[:, None]
            turned = np.cos(0.5 * np.pi * s) * spec.taste + np.sin(0.5 * np.pi * s) * spec.drift.taste
            extra = extra + np.sum(f * (turned - spec.taste), axis=1)
        if spec.moods is not None:
            pulls = np.stack([r.utility(f) for r in spec.moods.regions], axis=1)  # (draws, regions)
            if spec.moods.per_session:
                wanted = rng.choice(len(spec.moods.regions), size=len(songs), p=spec.moods.shares)
                weight = np.full(pulls.shape, spec.moods.off_session)
                weight[np.arange(len(songs)), wanted] = 1.0
                pulls = pulls * weight
            extra = extra + pulls.sum(axis=1)
        return extra

    def _calibrate(self, rng: np.random.Generator) -> tuple[float, float]:
        """Offset and early-skip shift that reproduce the shuffle curve on this library."""
        songs = rng.integers(0, self.library.n_songs, _CALIBRATION_DRAWS)
        hours = rng.uniform(0, 24, _CALIBRATION_DRAWS)
        u = self._calibration_taste_utility(songs, hours)
        u = u + self._song_bias[songs] + rng.normal(0.0, self.spec.noise, _CALIBRATION_DRAWS)
        u = u + self._calibration_extras(rng, songs)
        offset = _bisect(lambda c: float(np.mean(_sig(u + c))) - (1 - SHUFFLE_SKIP), -20, 20)
        skip_w = 1.0 - _sig(u + offset)
        dislike = -(u + offset)
        target = SHUFFLE_WITHIN_5S / SHUFFLE_SKIP

        def early_share(shift: float) -> float:
            return target - float(np.sum(skip_w * _sig(EARLY_SLOPE * (dislike - shift))) / np.sum(skip_w))

        return offset, _bisect(early_share, -20, 20)
