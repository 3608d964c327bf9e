"""Libraries the simulator plays: synthetic ones, or the songs of a real database.

A synthetic library draws songs from genres and artists through four latent
traits (arousal, mood, acoustic-ness, groove), then maps them to the ten raw
features in their natural units with noise, so the features are correlated the
way real ones are (energetic songs are loud, fast and rarely acoustic) and
songs by one artist resemble each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.features.names import FEATURE_NAMES, N_FEATURES
from engine.features.normalize import Normalizer


@dataclass(frozen=True)
class SimLibrary:
    """Songs as the simulator sees them.

    features : np.ndarray [shape=(n, 10)], z-scored (the learner's f)
    artist : np.ndarray [shape=(n,)], int artist index
    duration_s : np.ndarray [shape=(n,)]
    """

    features: np.ndarray
    artist: np.ndarray
    duration_s: np.ndarray
    name: str

    @property
    def n_songs(self) -> int:
        return len(self.features)

    @property
    def n_artists(self) -> int:
        return int(self.artist.max()) + 1 if len(self.artist) else 0


def _sig(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def synthetic_raw(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw features in natural units, artist index and duration for ``n`` songs.

    Returns raw [shape=(n, 10)], artist [shape=(n,)], duration_s [shape=(n,)].
    """
    rng = np.random.default_rng(seed)
    n_genres = 12
    n_artists = int(np.clip(n // 8, 2, 500))
    genre_traits = rng.normal(0.0, 1.0, size=(n_genres, 4))
    artist_genre = rng.integers(0, n_genres, size=n_artists)
    artist_traits = genre_traits[artist_genre] + rng.normal(0.0, 0.55, size=(n_artists, 4))
    # Popular artists have more songs (a Zipf-like spread, as in real collections).
    weights = 1.0 / np.arange(1, n_artists + 1) ** 0.7
    artist = rng.choice(n_artists, size=n, p=weights / weights.sum())
    a, v, c, g = (artist_traits[artist] + rng.normal(0.0, 0.6, size=(n, 4))).T
    e = lambda scale: rng.normal(0.0, scale, size=n)  # noqa: E731
    raw = np.empty((n, N_FEATURES))
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    raw[:, col["energy"]] = _sig(1.3 * a - 0.5 * c + e(0.3))
    raw[:, col["tempo"]] = np.clip(118.0 * np.exp(0.16 * a + 0.05 * g + e(0.12)), 55, 200)
    raw[:, col["acousticness"]] = _sig(1.4 * c - 0.7 * a + e(0.4))
    raw[:, col["valence"]] = _sig(1.1 * v + 0.35 * a + 0.2 * g + e(0.35))
    raw[:, col["danceability"]] = _sig(1.2 * g + 0.3 * a - 0.3 * c + e(0.35))
    raw[:, col["brightness"]] = 1800.0 * np.exp(0.25 * a - 0.25 * c + e(0.15))
    raw[:, col["loudness"]] = np.clip(-14.0 + 3.5 * a - 1.5 * c + e(1.5), -35.0, -3.0)
    raw[:, col["dynamic_range"]] = np.clip(9.0 - 2.5 * a + 2.0 * c + e(1.5), 2.0, 25.0)
    raw[:, col["mode"]] = np.tanh(0.9 * v + e(0.6))
    raw[:, col["percussiveness"]] = _sig(1.0 * g + 0.6 * a - 0.8 * c + e(0.4))
    duration = np.clip(rng.lognormal(np.log(215.0), 0.3, size=n), 60.0, 900.0)
    return raw, artist, duration


def synthetic_library(n: int, seed: int = 0) -> SimLibrary:
    """A synthetic library of ``n`` songs and a few hundred artists."""
    if n < 2:
        raise ValueError("a synthetic library needs at least 2 songs")
    raw, artist, duration = synthetic_raw(n, seed)
    _, artist = np.unique(artist, return_inverse=True)
    z = Normalizer.fit(raw).transform(raw)
    return SimLibrary(features=z, artist=artist, duration_s=duration, name=f"synthetic:{n}")


def library_from_arrays(
    raw: np.ndarray, artist: np.ndarray, duration_ms: np.ndarray, name: str
) -> SimLibrary:
    """A simulator library from a real database's analysed tracks.

    raw : np.ndarray [shape=(n, 10)], NaN rows (not analysed) are left out
    """
    analysed = ~np.all(np.isnan(raw), axis=1)
    if analysed.sum() < 2:
        raise ValueError(
            f"{name}: the simulator needs at least 2 analysed tracks, found {int(analysed.sum())}"
        )
    raw = raw[analysed]
    _, artist_idx = np.unique(artist[analysed], return_inverse=True)
    seconds = duration_ms[analysed] / 1000.0
    seconds = np.where(seconds > 1.0, seconds, 210.0)
    return SimLibrary(Normalizer.fit(raw).transform(raw), artist_idx, seconds, name)
