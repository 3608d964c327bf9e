"""Onsets, tempo and pulse clarity from the shared STFT's mel bands.

The onset strength is the spectral flux of the log-mel spectrogram (rises
only, averaged over bands), as in librosa's ``onset_strength``. Its
autocorrelation, computed within each window and averaged over the windows,
is scored at every candidate beat period together with two to four multiples
of it (a comb: a real beat repeats), then weighted by Ellis's (2007) log-normal
preference for periods near 0.5 s (120 BPM, one octave wide). Where nothing
repeats (noise, a drone, a window too short), or the envelope hardly moves
(a steady tone, whose autocorrelation alone, scale-free, would find the
period of its rounding noise), the tempo is the preference's centre and the
pulse clarity 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.features.spectrum import FRAME_RATE, Spectra

TOP_DB = 80.0
MIN_BPM, MAX_BPM = 50.0, 220.0
PRIOR_BPM, PRIOR_OCTAVES = 120.0, 1.0
COMB = 4  # multiples of the period scored; lags beyond a window's reach are skipped
COMB_WEIGHTS = 1.0 / np.arange(1, COMB + 1)  # the period itself counts most
GRID = 2.0 ** (np.arange(0.0, np.log2(MAX_BPM / MIN_BPM), 1 / 240))  # ~0.3 % steps
MIN_FRAMES = round(1.0 * FRAME_RATE)  # a window under a second says nothing of tempo
# Below this spread of the onset envelope (dB per frame) nothing is heard as a beat: a steady
# tone's envelope is rounding noise (1e-4 dB), noise and a held chord stay near 0.15; music
# with any pulse measures 0.9-3 dB on the demo library, clicks and drums 5-11.
MIN_FLUX_SD = 0.3


@dataclass(frozen=True)
class Rhythm:
    """tempo_bpm: the beat; pulse_clarity: autocorrelation at it, in [0, 1];
    onset_strength: mean spectral flux in dB per frame (activity)."""

    tempo_bpm: float
    pulse_clarity: float
    onset_strength: float


def log_mel(spec: Spectra) -> np.ndarray:
    """Mel power in dB, floored 80 dB under the song's peak.

    Returns
    -------
    L : np.ndarray [shape=(N_MELS, n_frames)], float32
    """
    L = 10.0 * np.log10(np.maximum(spec.mel, 1e-10))
    return np.maximum(L, L.max(initial=-100.0) - TOP_DB)


def onset_envelope(spec: Spectra, L: np.ndarray) -> np.ndarray:
    """Mean positive rise of the log-mel bands from one frame to the next, 0 on each window's first frame.

    Returns
    -------
    onset : np.ndarray [shape=(n_frames,)], float32, dB
    """
    flux = np.zeros(spec.n_frames, dtype=np.float32)
    if spec.n_frames > 1:
        flux[1:] = np.maximum(np.diff(L, axis=1), 0.0).mean(axis=0)
    flux[spec.bounds[:-1][spec.bounds[:-1] < spec.n_frames]] = 0.0
    return flux


def _autocorrelation(onset: np.ndarray, spec: Spectra, max_lag: int) -> np.ndarray | None:
    """Unbiased autocorrelation of the onset envelope, averaged over windows (weighted by length).

    Returns
    -------
    r : np.ndarray [shape=(reach + 1,)], normalised to r[0] = 1, up to the longest lag
        (at most ``max_lag``) that some window covers; None if no window is long enough.
    """
    total = np.zeros(max_lag + 1)
    weight = np.zeros(max_lag + 1)
    for seg in spec.segment_slices():
        o = onset[seg][1:].astype(np.float64)  # the first frame of a window has no flux
        n = o.size
        if n < MIN_FRAMES:
            continue
        o -= o.mean()
        size = 1 << int(np.ceil(np.log2(2 * n)))
        f = np.fft.rfft(o, size)
        ac = np.fft.irfft(f.real**2 + f.imag**2, size)[: min(max_lag + 1, n)]
        lags = np.arange(ac.size)
        total[: ac.size] += ac  # sum of products, n - lag of them per lag
        weight[: ac.size] += n - lags
    if weight[0] == 0 or total[0] <= MIN_FLUX_SD**2 * weight[0]:  # r[0] is the envelope's variance
        return None
    reach = int(np.flatnonzero(weight)[-1])
    r = total[: reach + 1] / weight[: reach + 1]
    return r / r[0]


def rhythm(spec: Spectra, onset: np.ndarray, gate: np.ndarray) -> Rhythm:
    """Tempo, pulse clarity and activity.

    Parameters
    ----------
    onset : np.ndarray [shape=(n_frames,)], from ``onset_envelope``
    gate : np.ndarray [shape=(n_frames,)], bool, the frames loud enough to count
    """
    strength = float(onset[gate].mean()) if gate.any() else 0.0
    periods = 60.0 * FRAME_RATE / (MIN_BPM * GRID)  # frames per beat, longest first
    max_lag = int(np.ceil(periods[0] * COMB)) + 1
    r = _autocorrelation(onset, spec, max_lag)
    if r is None:
        return Rhythm(tempo_bpm=PRIOR_BPM, pulse_clarity=0.0, onset_strength=strength)
    reach = r.size - 1
    lags = np.arange(1, COMB + 1)[:, None] * periods[None, :]  # (COMB, n_grid)
    usable = lags <= reach
    values = np.where(usable, np.interp(lags, np.arange(r.size), r), 0.0)
    w = np.where(usable, COMB_WEIGHTS[:, None], 0.0)
    total = w.sum(axis=0)
    comb = np.where(total > 0, (w * values).sum(axis=0) / np.maximum(total, 1e-12), -1.0)
    bpm = MIN_BPM * GRID
    prior = np.exp(-0.5 * (np.log2(bpm / PRIOR_BPM) / PRIOR_OCTAVES) ** 2)
    score = np.maximum(comb, 0.0) * prior
    best = int(np.argmax(score))
    if score[best] <= 0:  # noise or a drone: no period repeats
        return Rhythm(tempo_bpm=PRIOR_BPM, pulse_clarity=0.0, onset_strength=strength)
    tempo = float(bpm[best])
    if 0 < best < bpm.size - 1:
        a, b, c = score[best - 1 : best + 2]
        denom = a - 2 * b + c
        if denom < 0:
            step = np.log2(bpm[best + 1] / bpm[best])
            tempo *= 2.0 ** (np.clip(0.5 * (a - c) / denom, -0.5, 0.5) * step)
    clarity = float(np.clip(np.interp(periods[best], np.arange(r.size), r), 0.0, 1.0))
    return Rhythm(tempo_bpm=tempo, pulse_clarity=clarity, onset_strength=strength)
