"""Brightness, percussiveness and acousticness from the shared STFT's frames."""

from __future__ import annotations

import numpy as np

from engine.features.medfilt import median_along_rows, median_along_time
from engine.features.spectrum import Spectra

HARMONIC_FRAMES = 17  # 0.4 s: a steady tone outlasts it, a hit does not
PERCUSSIVE_BANDS = 9  # of 64 mel bands: a hit spreads wider, a tone does not
ACTIVE_DB = 40.0  # cells this far under the song's loudest cell take no part in acousticness
DECAY_DB = (-3.0, -0.1)  # a fall per frame (23 ms) that is a free decay, not a cut or a tremor
DECAY_CENTRE, DECAY_SCALE = 0.45, 0.03


def brightness(spec: Spectra, gate: np.ndarray) -> float:
    """Spectral centroid of the loud frames pooled by power, in Hz (Grey 1977; Schubert and Wolfe 2006).

    ``sum(f P) / sum(P)`` over every gated frame's spectrum at once: the quiet
    frames between hits, which the 400 ms loudness gate lets through, weigh as
    little as they sound, instead of pulling a plain mean of per-frame centroids
    towards 0 Hz (digital silence) or towards their noise floor (dither, codec
    noise, resampler ripple).

    gate : np.ndarray [shape=(n_frames,)], bool
    """
    p = spec.power[gate].astype(np.float64)
    total = float(p.sum())
    return float(np.dot(spec.centroid[gate].astype(np.float64), p) / total) if total > 0 else 0.0


def percussiveness(spec: Spectra, gate: np.ndarray) -> float:
    """Share of the loud frames' energy that median filtering assigns to percussion (Fitzgerald 2010).

    On the mel magnitudes S: H is the median over 17 frames (steady tones
    survive), P the median over 9 neighbouring bands (broadband hits survive),
    and the soft mask P^2 / (H^2 + P^2) weighs the energy S^2. The time
    medians run within each window, never across two.

    gate : np.ndarray [shape=(n_frames,)], bool
    """
    if not gate.any():
        return 0.0
    S = np.sqrt(spec.mel)
    H = np.empty_like(S)
    for seg in spec.segment_slices():
        H[:, seg] = median_along_time(S[:, seg], HARMONIC_FRAMES)
    P = median_along_rows(S, PERCUSSIVE_BANDS)
    H2, P2, S2 = np.square(H[:, gate]), np.square(P[:, gate]), np.square(S[:, gate])
    total = float(S2.sum())
    if total <= 0:
        return 0.0
    mask = P2 / np.maximum(H2 + P2, np.finfo(np.float32).tiny)
    return float(np.sum(mask * S2) / total)


def decay_share(spec: Spectra, L: np.ndarray, gate: np.ndarray) -> float:
    """Share of the sounding time-frequency cells whose level is falling gently.

    A struck or plucked string, a piano or a drum is excited and then rings
    out, so most of the time its partials fade by a fraction of a decibel per
    frame; oscillators hold their level (or are cut, or pumped) instead.
    Counts, over the loud frames, log-mel cells within 40 dB of the song's
    loudest that fell by 0.1 to 3 dB since the previous frame of the same window.

    Parameters
    ----------
    L : np.ndarray [shape=(N_MELS, n_frames)], log-mel power in dB
    gate : np.ndarray [shape=(n_frames,)], bool
    """
    floor = L.max(initial=-100.0) - ACTIVE_DB
    decaying = active = 0
    for seg in spec.segment_slices():
        Ls = L[:, seg]
        if Ls.shape[1] < 2:
            continue
        dL = np.diff(Ls, axis=1)
        sounding = (Ls[:, 1:] > floor) & gate[seg][None, 1:]
        decaying += int(np.count_nonzero(sounding & (dL > DECAY_DB[0]) & (dL < DECAY_DB[1])))
        active += int(np.count_nonzero(sounding))
    return decaying / active if active else 0.0


def acousticness(share: float) -> float:
    """A logistic of the decay share: 0.5 at 45 % of cells decaying, 0.9 near 52 %."""
    return float(1.0 / (1.0 + np.exp(-(share - DECAY_CENTRE) / DECAY_SCALE)))
