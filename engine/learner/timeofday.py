"""Time of day as the model sees it: six soft 4-hour bins and the hour angle."""

from __future__ import annotations

import numpy as np

N_BINS = 6
BIN_HOURS = 24.0 / N_BINS
CENTRES = BIN_HOURS * (np.arange(N_BINS) + 0.5)  # 2, 6, 10, 14, 18, 22


def bins(hour: float) -> np.ndarray:
    """Soft membership [shape=(6,)] summing to 1, interpolating linearly between
    neighbouring bin centres (circularly, so 23:00 leans on 00-04 as well).
    """
    pos = (float(hour) % 24.0) / BIN_HOURS - 0.5
    lo = int(np.floor(pos))
    frac = pos - lo
    out = np.zeros(N_BINS)
    out[lo % N_BINS] += 1.0 - frac
    out[(lo + 1) % N_BINS] += frac
    return out


def angle(hour: float) -> np.ndarray:
    """(sin, cos) of 2 pi hour / 24 [shape=(2,)]: sin peaks at 06:00, cos at 00:00."""
    a = 2.0 * np.pi * (float(hour) % 24.0) / 24.0
    return np.array([np.sin(a), np.cos(a)])


def context(hour: float) -> tuple[np.ndarray, np.ndarray]:
    """(bins, angle) for an hour of the day."""
    return bins(hour), angle(hour)
