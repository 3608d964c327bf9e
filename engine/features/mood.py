"""The three composite features, in [0, 1]: energy, danceability and the valence proxy.

Each is a fixed, documented blend of measured descriptors (``docs/features.md``),
never a trained model: the learner z-scores them against the library anyway,
so what matters is their order, not their scale.
"""

from __future__ import annotations

import numpy as np


def _unit(x: float, lo: float, hi: float) -> float:
    """``x`` mapped linearly from [lo, hi] to [0, 1] and clipped."""
    return float(np.clip((x - lo) / (hi - lo), 0.0, 1.0))


def _signed(x: float, scale: float) -> float:
    """``x / scale`` clipped to [-1, 1]."""
    return float(np.clip(x / scale, -1.0, 1.0))


def tempo_fit(tempo_bpm: float) -> float:
    """How well the pulse suits dancing: 1 at 120 BPM, falling off on a log scale,
    judged at the best of the half, same and double tempo (a 60 BPM groove is danced at 120)."""
    best = min(abs(np.log2(tempo_bpm * f / 120.0)) for f in (0.5, 1.0, 2.0))
    return float(np.exp(-0.5 * (best / 0.5) ** 2))


def energy(loudness_lufs: float, onset_strength: float, dynamic_range_lu: float) -> float:
    """Intensity and activity (after the Echo Nest definition: loud, busy, compressed).

    60 % loudness (-40 to -8 LUFS), 25 % onset activity (spectral flux 0.5 to 3 dB
    per frame), 15 % compression (a dynamic range of 20 LU down to 0).
    """
    return (
        0.60 * _unit(loudness_lufs, -40.0, -8.0)
        + 0.25 * _unit(onset_strength, 0.5, 3.0)
        + 0.15 * (1.0 - _unit(dynamic_range_lu, 0.0, 20.0))
    )


def danceability(pulse_clarity: float, tempo_bpm: float, percussiveness: float) -> float:
    """Regular, strong beat at a danceable tempo (after the Echo Nest definition).

    50 % pulse clarity, 30 % tempo fit, 20 % beat strength (percussive share 0.2 to 0.6).
    """
    return 0.5 * pulse_clarity + 0.3 * tempo_fit(tempo_bpm) + 0.2 * _unit(percussiveness, 0.2, 0.6)


def valence(mode: float, tempo_bpm: float, brightness_hz: float) -> float:
    """A proxy for musical happiness from the cues with the largest effects in the
    literature (Hevner 1935; Gabrielsson and Lindström 2010; Eerola et al. 2013):
    major mode (weight 0.5), faster tempo (0.25), brighter timbre (0.25).

    mode in [-1, 1] saturates at +-0.3; tempo counts from 100 BPM, one octave to
    saturation; brightness from a 1 kHz centroid, two octaves to saturation.
    """
    score = (
        0.50 * _signed(mode, 0.3)
        + 0.25 * _signed(float(np.log2(tempo_bpm / 100.0)), 1.0)
        + 0.25 * _signed(float(np.log2(max(brightness_hz, 1.0) / 1000.0)), 2.0)
    )
    return 0.5 + 0.5 * score
