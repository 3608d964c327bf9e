"""Down-mixing and sample-rate conversion to the analysis format (mono float32 at ``SR``).

Both decoders hand their native samples here in blocks: converting many codec
frames at once costs a fraction of converting each on its own.
"""

from __future__ import annotations

from math import gcd

import numpy as np

from engine.features.decode_types import SR

try:  # libsoxr (a librosa dependency): fast, streaming, with a clean anti-aliasing response
    import soxr
except ImportError:  # pragma: no cover - scipy's polyphase filter is the slower stand-in
    soxr = None

_INT_SCALE = {np.dtype(np.int16): 2.0**15, np.dtype(np.int32): 2.0**31, np.dtype(np.int64): 2.0**63}


def to_mono(samples: np.ndarray, channels: int) -> np.ndarray:
    """Average the channels of raw decoder output, as float32 in [-1, 1].

    Parameters
    ----------
    samples : np.ndarray [shape=(channels, n)], planar, or [shape=(n * channels,)], interleaved;
        uint8, int16, int32, int64, float32 or float64 (FFmpeg's sample types)

    Returns
    -------
    y : np.ndarray [shape=(n,)], float32
    """
    x = samples if samples.ndim == 2 else samples.reshape(-1, max(channels, 1)).T
    if x.dtype == np.uint8:
        y = (x.mean(axis=0, dtype=np.float32) - 128.0) / 128.0
    elif x.dtype in _INT_SCALE:
        y = x.mean(axis=0, dtype=np.float64) / _INT_SCALE[x.dtype]
    else:
        y = x[0] if x.shape[0] == 1 else x.mean(axis=0, dtype=np.float32)
    return np.ascontiguousarray(y, dtype=np.float32)


class Resampler:
    """Converts one stream of mono blocks at ``rate`` to ``SR``, without clicks between blocks."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._stream = soxr.ResampleStream(rate, SR, 1, dtype="float32") if soxr and rate != SR else None
        self._held: list[np.ndarray] = []  # without soxr: everything, converted at the end

    def feed(self, y: np.ndarray, *, last: bool = False) -> np.ndarray:
        """y : np.ndarray [shape=(n,)] at ``rate`` -> np.ndarray [shape=(~n * SR / rate,)], float32"""
        y = np.ascontiguousarray(y, dtype=np.float32)
        if self.rate == SR:
            return y
        if self._stream is not None:
            return self._stream.resample_chunk(y, last=last)
        self._held.append(y)
        if not last:
            return np.zeros(0, dtype=np.float32)
        whole = np.concatenate(self._held)
        self._held.clear()
        return to_analysis_rate(whole, self.rate)


def to_analysis_rate(y: np.ndarray, rate: int) -> np.ndarray:
    """Resample mono samples to ``SR`` in one go.

    y : np.ndarray [shape=(n,)] at ``rate`` -> np.ndarray [shape=(~n * SR / rate,)], float32
    """
    y = np.ascontiguousarray(y, dtype=np.float32)
    if rate == SR or y.size == 0:
        return y
    if soxr is not None:
        return soxr.resample(y, rate, SR, quality="HQ")
    from scipy.signal import resample_poly

    g = gcd(SR, rate)
    return resample_poly(y, SR // g, rate // g).astype(np.float32, copy=False)
