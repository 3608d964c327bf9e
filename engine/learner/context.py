"""History and skip-memory inputs, kept up to date from the event log.

Nothing here is learned: these are the frozen "context" inputs of the model,
derived from what the listener did. Long-term memories (per song, per artist)
decay exponentially with a half-life of weeks; the session's memory is reset
when a new listening session starts.

Every per-song array has shape (n_songs,), every per-artist array
(n_artists,). ``inputs_many`` builds the [f, h, k] rows of the whole library in
a few vectorised operations so that re-ranking stays far below a frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.features.names import N_FEATURES
from engine.learner import inputs as col
from engine.learner import timeofday
from engine.learner.labels import Kind

LONG_HALF_LIFE_DAYS = 30.0
# "Artist affinity": the artist's play-through rate with this many plays' worth of the listener's
# own rate as its prior (a Beta prior), as log-odds against the listener's rate, squashed by tanh.
ARTIST_PRIOR_PLAYS = 2.0
RECENT_HOURS = 24.0  # time constant of "heard recently": 0.88 after the 3-hour hold-back, 0.37 after a day
SESSION_GAP_SECONDS = 30 * 60
STREAK_CAP = 5
_TAU = LONG_HALF_LIFE_DAYS * 86400.0 / np.log(2.0)
# The inputs _song_inputs returns, in its order.
_SONG_COLUMNS = [col.SONG_AFFINITY, col.HEARD_RECENTLY, col.EARLY_SKIPS, col.LATE_SKIPS]


@dataclass
class Session:
    """The current session's memory: centroids of what it let play and skipped."""

    id: str = ""
    last_end: float = -np.inf
    liked_sum: np.ndarray = field(default_factory=lambda: np.zeros(N_FEATURES))
    liked_n: int = 0
    skipped_sum: np.ndarray = field(default_factory=lambda: np.zeros(N_FEATURES))
    skipped_n: int = 0
    streak: int = 0

    def direction(self) -> np.ndarray:
        """Unit vector [shape=(10,)] from skipped towards liked features (zeros if unknown)."""
        d = np.zeros(N_FEATURES)
        if self.liked_n:
            d += self.liked_sum / self.liked_n
        if self.skipped_n:
            d -= self.skipped_sum / self.skipped_n
        norm = float(np.linalg.norm(d))
        return d / norm if norm > 1e-9 else np.zeros(N_FEATURES)


class ContextState:
    """Per-song and per-artist memories plus the current session.

    features : np.ndarray [shape=(n, 10)], z-scored song features
    artist : np.ndarray [shape=(n,)], int artist index of each song
    """

    def __init__(self, features: np.ndarray, artist: np.ndarray) -> None:
        self.features = np.ascontiguousarray(features, dtype=np.float64)
        self.artist = np.asarray(artist, dtype=np.int64)
        n = len(self.features)
        n_artists = int(self.artist.max()) + 1 if n else 0
        self.song_affinity = np.zeros(n)
        self.song_early = np.zeros(n)
        self.song_late = np.zeros(n)
        self.song_time = np.zeros(n)  # when the three song memories were last decayed
        self.last_played = np.full(n, -np.inf)
        self.artist_plays = np.zeros(n_artists)  # labelled plays of the artist, decayed
        self.artist_through = np.zeros(n_artists)  # their targets summed (1 a play-through), decayed
        self.artist_skips = np.zeros(n_artists)
        self.artist_time = np.zeros(n_artists)
        self.listener_plays = 0.0  # every labelled play, and their targets summed, decayed
        self.listener_through = 0.0
        self.listener_time = 0.0
        self.session = Session()
        # column-major: each input is written in one contiguous pass
        self._X = np.zeros((n, col.N_SONG_INPUTS), order="F")
        self._X[:, col.FEATURES] = self.features
        # songs with any memory: every other song's song-level inputs are 0 and stay 0 in _X
        self._heard = np.zeros(n, dtype=bool)

    @property
    def n_songs(self) -> int:
        return len(self.features)

    def start_session(self, session_id: str) -> None:
        self.session = Session(id=session_id)

    def maybe_new_session(self, now: float, session_id: str | None = None) -> None:
        """Start a new session on an explicit id change or after a 30-minute gap."""
        s = self.session
        if (session_id is not None and session_id != s.id) or now - s.last_end > SESSION_GAP_SECONDS:
            self.start_session(session_id if session_id is not None else f"auto-{now:.0f}")

    def inputs_many(self, now: float) -> np.ndarray:
        """The [f, h, k] rows of every song at time ``now`` [shape=(n, 18)].

        The same numbers as :meth:`inputs_one`, computed in few passes: the
        artist inputs once per artist, then spread to the songs; the song
        inputs only for songs that have been heard (the rest are 0, and stay 0
        in the reused array). The returned array is reused by the next call.
        """
        X = self._X
        affinity, skips = self._artist_inputs(slice(None), now)
        X[:, col.ARTIST_AFFINITY], X[:, col.ARTIST_SKIPS] = affinity[self.artist], skips[self.artist]
        heard = np.flatnonzero(self._heard)
        if len(heard):
            for column, values in zip(_SONG_COLUMNS, self._song_inputs(heard, now), strict=True):
                X[heard, column] = values
        self._session_columns(X, self.features)
        return X

    def inputs_one(self, song: int, now: float, hour: float) -> np.ndarray:
        """The model's full input vector for one song [shape=(26,)]."""
        x = np.empty((1, col.N_INPUTS))
        x[0, col.FEATURES] = self.features[song]
        idx = np.array([song])
        x[:, col.ARTIST_AFFINITY], x[:, col.ARTIST_SKIPS] = self._artist_inputs(self.artist[idx], now)
        for column, values in zip(_SONG_COLUMNS, self._song_inputs(idx, now), strict=True):
            x[:, column] = values
        self._session_columns(x, self.features[idx])
        x[0, col.TIME_BINS], x[0, col.HOUR_ANGLE] = timeofday.context(hour)
        return x[0]

    def listener_rate(self) -> float:
        """The listener's play-through rate over the labelled plays (decayed), with one of each as prior."""
        return (self.listener_through + 1.0) / (self.listener_plays + 2.0)

    def _artist_inputs(self, artists: slice | np.ndarray, now: float) -> tuple[np.ndarray, np.ndarray]:
        """Artist affinity and skips of artist of ``artists``, each [shape=(m,)].

        Affinity: with ``n`` plays of the artist of which ``t`` played through (decayed), the
        listener's rate ``p0`` and ``m = ARTIST_PRIOR_PLAYS``, the posterior mean rate
        ``r = (t + m p0) / (n + m)``; the input is ``tanh(logit r - logit p0)``: 0 for an artist
        nothing is known about, and further from 0 the more plays show it better or worse than
        the listener's usual.
        """
        decay = np.exp(-(now - self.artist_time[artists]) / _TAU)
        n, t = self.artist_plays[artists] * decay, self.artist_through[artists] * decay
        p0, m = self.listener_rate(), ARTIST_PRIOR_PLAYS
        # logit r - logit p0 = log(1 + t / (m p0)) - log(1 + (n - t) / (m (1 - p0))): exactly 0 at n = 0
        gain = np.log1p(t / (m * p0)) - np.log1p(np.maximum(n - t, 0.0) / (m * (1.0 - p0)))
        affinity = np.tanh(gain)
        return affinity, -np.expm1(-0.5 * self.artist_skips[artists] * decay)

    def _song_inputs(self, songs: np.ndarray, now: float) -> tuple[np.ndarray, ...]:
        """Song affinity, heard recently, early and late skips of ``songs`` (the ``_SONG_COLUMNS``).

        Each array has shape (m,). "Heard recently" is exp(-hours since played / 24):
        exp(-inf) = 0 for a song never played; like every other memory, "nothing known" is 0.
        """
        decay = np.exp(-(now - self.song_time[songs]) / _TAU)
        hours = np.maximum((now - self.last_played[songs]) / 3600.0, 0.0)
        return (
            np.tanh(0.5 * self.song_affinity[songs] * decay),
            np.exp(-hours / RECENT_HOURS),
            -np.expm1(-self.song_early[songs] * decay),
            -np.expm1(-self.song_late[songs] * decay),
        )

    def _session_columns(self, X: np.ndarray, features: np.ndarray) -> None:
        """Session similarity and skip streak of songs with ``features`` [shape=(m, 10)]."""
        d = self.session.direction()
        if d.any():
            X[:, col.SESSION_SIMILARITY] = np.clip(features @ d / 3.0, -1.0, 1.0)
        else:
            X[:, col.SESSION_SIMILARITY] = 0.0
        X[:, col.SKIP_STREAK] = min(self.session.streak, STREAK_CAP) / STREAK_CAP

    def record(
        self, song: int, now: float, target: float | None, kind: Kind, *, ended_at: float | None = None
    ) -> None:
        """Fold one finished play into the memories (after the learner has seen it).

        ``now`` is when the play started; ``ended_at`` when it ended (the session
        gap is measured from there), defaulting to ``now``.
        """
        self.last_played[song] = now
        self._heard[song] = True
        self.session.last_end = now if ended_at is None else max(ended_at, now)
        if target is None:
            return
        self._decay_song(song, now)
        a = self.artist[song]
        self._decay_artist(a, now)
        signed = 2.0 * target - 1.0
        self.song_affinity[song] += signed
        self.artist_plays[a] += 1.0
        self.artist_through[a] += target
        self._decay_listener(now)
        self.listener_plays += 1.0
        self.listener_through += target
        f = self.features[song]
        if kind is Kind.EARLY_SKIP:
            self.song_early[song] += 1.0
            self.artist_skips[a] += 1.0
        elif kind is Kind.LATE_SKIP:
            self.song_late[song] += 1.0
            self.artist_skips[a] += 0.5
        if kind in (Kind.EARLY_SKIP, Kind.LATE_SKIP):
            self.session.streak += 1
            self.session.skipped_sum += f
            self.session.skipped_n += 1
        else:
            self.session.streak = 0
            self.session.liked_sum += f
            self.session.liked_n += 1

    def _decay_song(self, i: int, now: float) -> None:
        d = np.exp(-(now - self.song_time[i]) / _TAU)
        self.song_affinity[i] *= d
        self.song_early[i] *= d
        self.song_late[i] *= d
        self.song_time[i] = now

    def _decay_artist(self, a: int, now: float) -> None:
        d = np.exp(-(now - self.artist_time[a]) / _TAU)
        self.artist_plays[a] *= d
        self.artist_through[a] *= d
        self.artist_skips[a] *= d
        self.artist_time[a] = now

    def _decay_listener(self, now: float) -> None:
        d = float(np.exp(-(now - self.listener_time) / _TAU))
        self.listener_plays *= d
        self.listener_through *= d
        self.listener_time = now
