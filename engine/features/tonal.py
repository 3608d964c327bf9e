"""Key and mode by the Krumhansl-Schmuckler method on the shared STFT's pitch-class energy.

The song's pitch-class profile (each loud frame's chroma normalised to its
strongest class, then averaged) is correlated with the key profiles of the 24
major and minor keys. The profiles are Temperley's (1999) revision of the
Krumhansl-Kessler (1982) probe-tone ratings, with the overtones every note
adds to an audio spectrum folded in as Gómez (2006) proposed: without them a
major key's third, sounding as the fifth partial of the tonic, pulls the
estimate to the minor key a third above. The best major key's correlation
minus the best minor key's is the mode: positive for major, negative for
minor, near zero when the song is tonally ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TEMPERLEY_MAJOR = np.array([5.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 4.5, 2.0, 3.5, 1.5, 4.0])
TEMPERLEY_MINOR = np.array([5.0, 2.0, 3.5, 4.5, 2.0, 4.0, 2.0, 4.5, 3.5, 2.0, 1.5, 4.0])
PARTIALS = 6
PARTIAL_DECAY = 0.6  # amplitude of partial h relative to the fundamental: 0.6 ** (h - 1)
PITCH_CLASSES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True)
class Key:
    """tonic: pitch class 0 (C) to 11 (B) of the best key; major: its mode;
    mode: best major minus best minor correlation, in [-1, 1]."""

    tonic: int
    major: bool
    mode: float

    @property
    def name(self) -> str:
        return f"{PITCH_CLASSES[self.tonic]} {'major' if self.major else 'minor'}"


def with_partials(profile: np.ndarray) -> np.ndarray:
    """The pitch-class energy a profile's notes produce with their first partials.

    profile : np.ndarray [shape=(12,)] -> np.ndarray [shape=(12,)]
    """
    out = np.zeros(12)
    for h in range(1, PARTIALS + 1):
        out += PARTIAL_DECAY ** (h - 1) * np.roll(profile, round(12 * np.log2(h)) % 12)
    return out


def _profiles() -> np.ndarray:
    """The 24 key profiles, z-scored so a dot product over 12 is a Pearson correlation.

    Returns
    -------
    K : np.ndarray [shape=(2, 12, 12)], [major/minor, tonic, pitch class]
    """
    base = (with_partials(TEMPERLEY_MAJOR), with_partials(TEMPERLEY_MINOR))
    rows = np.array([[np.roll(p, t) for t in range(12)] for p in base])
    rows = rows - rows.mean(axis=-1, keepdims=True)
    return rows / rows.std(axis=-1, keepdims=True)


_KEYS = _profiles()


def pitch_profile(chroma: np.ndarray, gate: np.ndarray) -> np.ndarray:
    """Average of the loud frames' chroma, each normalised to its strongest pitch class.

    Parameters
    ----------
    chroma : np.ndarray [shape=(12, n_frames)]
    gate : np.ndarray [shape=(n_frames,)], bool

    Returns
    -------
    profile : np.ndarray [shape=(12,)], in [0, 1] (all zeros when no frame is loud)
    """
    c = chroma[:, gate].astype(np.float64)
    peak = c.max(axis=0, initial=0.0)
    c = c[:, peak > 0] / peak[peak > 0]
    return c.mean(axis=1) if c.shape[1] else np.zeros(12)


def key(profile: np.ndarray) -> Key:
    """Krumhansl-Schmuckler key of a pitch-class profile [shape=(12,)]."""
    sd = profile.std()
    if not np.isfinite(sd) or sd <= 0:
        return Key(tonic=0, major=True, mode=0.0)
    z = (profile - profile.mean()) / sd
    r = _KEYS @ z / 12.0  # (2, 12) Pearson correlations
    best_major, best_minor = float(r[0].max()), float(r[1].max())
    major = best_major >= best_minor
    tonic = int(np.argmax(r[0] if major else r[1]))
    return Key(tonic=tonic, major=major, mode=float(np.clip(best_major - best_minor, -1.0, 1.0)))
