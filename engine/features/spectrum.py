"""The one STFT every feature shares, reduced at once to a few per-frame descriptors.

Each segment (a decoded window, or the whole song) is cut into Hann frames of
2048 samples every 512 (93 ms every 23 ms at 22,050 Hz), and the power
spectrum of every frame is projected in a single matrix product onto the
rows every feature reads: mel bands (onsets, timbre, percussive separation),
pitch-class energy (key and mode), unweighted and K-weighted mean square
(level, loudness) and the centroid's numerator (brightness). The full
spectrogram is never kept, so memory stays small even for a whole hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.fft
import scipy.signal

from engine.features.decode_types import SR

N_FFT = 2048
HOP = 512
FRAME_RATE = SR / HOP
N_MELS = 64
CHUNK_FRAMES = 128  # frames transformed at a time: keeps the working set in a core's own cache

# ITU-R BS.1770-4 K-weighting at 48 kHz: a +4 dB high shelf, then the RLB high-pass.
_K_STAGES = (
    ((1.53512485958697, -2.69169618940638, 1.19839281085285), (1.0, -1.69065929318241, 0.73248077421585)),
    ((1.0, -2.0, 1.0), (1.0, -1.99004745483398, 0.99007225036621)),
)


@dataclass(frozen=True)
class Spectra:
    """Per-frame descriptors of the shared STFT, frames of all segments side by side.

    mel : np.ndarray [shape=(N_MELS, n_frames)], mel-band power
    chroma : np.ndarray [shape=(12, n_frames)], pitch-class energy (C, C#, ..., B)
    power : np.ndarray [shape=(n_frames,)], mean square of each frame
    k_power : np.ndarray [shape=(n_frames,)], K-weighted mean square (BS.1770)
    centroid : np.ndarray [shape=(n_frames,)], spectral centroid in Hz (0 for silent frames)
    bounds : np.ndarray [shape=(n_segments + 1,)], the first frame of each segment and the end
    """

    mel: np.ndarray
    chroma: np.ndarray
    power: np.ndarray
    k_power: np.ndarray
    centroid: np.ndarray
    bounds: np.ndarray

    @property
    def n_frames(self) -> int:
        return int(self.power.size)

    def segment_slices(self) -> list[slice]:
        return [slice(int(a), int(b)) for a, b in zip(self.bounds[:-1], self.bounds[1:], strict=True)]


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    return scipy.signal.get_window("hann", N_FFT).astype(np.float32)


@lru_cache(maxsize=1)
def _projection() -> np.ndarray:
    """Rows that map a power spectrum to the descriptors.

    Returns
    -------
    W : np.ndarray [shape=(N_MELS + 12 + 3, 1 + N_FFT // 2)], float32: mel, chroma,
        mean square, K-weighted mean square, centroid numerator.
    """
    import librosa

    freqs = np.fft.rfftfreq(N_FFT, 1.0 / SR)
    # Parseval for a one-sided, Hann-windowed spectrum: the frame's mean square.
    fold = np.full(freqs.size, 2.0)
    fold[0] = fold[-1] = 1.0
    to_ms = fold / (N_FFT * float(np.sum(_window().astype(np.float64) ** 2)))
    k_gain = np.ones(freqs.size)
    for b, a in _K_STAGES:
        _, h = scipy.signal.freqz(b, a, worN=freqs, fs=48000)
        k_gain *= np.abs(h) ** 2
    mel = librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=N_MELS, fmin=0.0, fmax=SR / 2)
    chroma = chroma_filters()
    rows = np.vstack([mel, chroma, to_ms, to_ms * k_gain, to_ms * freqs])
    return rows.astype(np.float32)


def chroma_filters(*, ctroct: float = 5.0, octwidth: float = 2.0) -> np.ndarray:
    """Pitch-class weights of the FFT bins: ``librosa.filters.chroma`` (Ellis's chromagram_E).

    The same Gaussian bumps around each pitch class, each bin normalised to
    unit L2 norm, weighted towards the octaves around C5, in C..B order and at
    A = 440 Hz. Rewritten in a few lines because ``librosa.filters.chroma``
    imports ``librosa.util.utils``, whose numba code compiles eagerly: about
    nine seconds in every worker whose numba cache is cold.

    Returns
    -------
    wts : np.ndarray [shape=(12, 1 + N_FFT // 2)]
    """
    freqs = np.linspace(0, SR, N_FFT, endpoint=False)[1:]
    bins = 12 * np.log2(freqs / (440.0 / 16))
    bins = np.concatenate(([bins[0] - 18.0], bins))  # 0 Hz: 1.5 octaves under the first bin
    width = np.concatenate((np.maximum(np.diff(bins), 1.0), [1.0]))
    D = np.subtract.outer(bins, np.arange(12.0)).T
    D = np.remainder(D + 6.0 + 120.0, 12.0) - 6.0
    wts = np.exp(-0.5 * (2 * D / width) ** 2)
    wts /= np.linalg.norm(wts, axis=0, keepdims=True)
    wts *= np.exp(-0.5 * ((bins / 12 - ctroct) / octwidth) ** 2)
    return np.roll(wts, -3, axis=0)[:, : 1 + N_FFT // 2]


def frame_count(n_samples: int) -> int:
    """Frames of a segment of ``n_samples`` (a short segment is padded to one frame)."""
    return 1 + max(0, n_samples - N_FFT) // HOP


def spectra(segments: list[np.ndarray]) -> Spectra:
    """Transform every segment once and keep only the descriptors.

    Parameters
    ----------
    segments : list of np.ndarray [shape=(n_i,)], float32 mono at ``SR``

    Returns
    -------
    Spectra with one column per frame of every segment, in order.
    """
    W = _projection()
    win = _window()
    blocks: list[np.ndarray] = []
    bounds = [0]
    for y in segments:
        y = np.ascontiguousarray(y, dtype=np.float32)
        if y.size < N_FFT:
            y = np.pad(y, (0, N_FFT - y.size))
        n = frame_count(y.size)
        frames = np.lib.stride_tricks.sliding_window_view(y, N_FFT)[::HOP][:n]
        for start in range(0, n, CHUNK_FRAMES):
            X = scipy.fft.rfft(frames[start : start + CHUNK_FRAMES] * win, axis=1)
            P = np.square(X.real) + np.square(X.imag)
            blocks.append(W @ P.T)
        bounds.append(bounds[-1] + n)
    D = np.hstack(blocks) if blocks else np.zeros((W.shape[0], 0), dtype=np.float32)
    np.maximum(D, 0.0, out=D)  # float32 rounding can leave tiny negatives
    power = D[N_MELS + 12]
    with np.errstate(divide="ignore", invalid="ignore"):
        centroid = np.where(power > 0, D[N_MELS + 14] / power, 0.0)
    return Spectra(
        mel=D[:N_MELS],
        chroma=D[N_MELS : N_MELS + 12],
        power=power,
        k_power=D[N_MELS + 13],
        centroid=centroid.astype(np.float32),
        bounds=np.asarray(bounds, dtype=np.int64),
    )
