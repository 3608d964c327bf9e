"""Running medians for harmonic-percussive separation, compiled with numba.

``scipy.ndimage.median_filter`` sorts every window from scratch; keeping the
window sorted and replacing one value per step is about twenty times faster
for the short kernels used here. Edges repeat the nearest value.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def _running_median(x: np.ndarray, k: int, out: np.ndarray) -> None:  # pragma: no cover - compiled
    rows, n = x.shape
    half = k // 2
    window = np.empty(k, dtype=x.dtype)
    for r in range(rows):
        # The first window: x[r, 0] repeated half times, then x[r, 0..half].
        for j in range(k):
            window[j] = x[r, min(max(j - half, 0), n - 1)]
        window.sort()
        for t in range(n):
            out[r, t] = window[half]
            if t + 1 == n:
                break
            leaving = x[r, min(max(t - half, 0), n - 1)]
            entering = x[r, min(t + 1 + half, n - 1)]
            i = 0
            while i < k - 1 and window[i] != leaving:
                i += 1
            # Drop ``leaving`` and slide ``entering`` into its sorted place.
            while i > 0 and window[i - 1] > entering:
                window[i] = window[i - 1]
                i -= 1
            while i < k - 1 and window[i + 1] < entering:
                window[i] = window[i + 1]
                i += 1
            window[i] = entering


def median_along_time(x: np.ndarray, k: int) -> np.ndarray:
    """Median of ``k`` (odd) neighbouring frames of every row.

    x : np.ndarray [shape=(n_rows, n_frames)], float32 -> np.ndarray [shape=(n_rows, n_frames)]
    """
    x = np.ascontiguousarray(x, dtype=np.float32)
    out = np.empty_like(x)
    if x.size:
        _running_median(x, k, out)
    return out


def median_along_rows(x: np.ndarray, k: int) -> np.ndarray:
    """Median of ``k`` (odd) neighbouring rows of every frame.

    x : np.ndarray [shape=(n_rows, n_frames)], float32 -> np.ndarray [shape=(n_rows, n_frames)]
    """
    return np.ascontiguousarray(median_along_time(np.ascontiguousarray(x.T), k).T)
