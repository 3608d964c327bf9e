"""The 42 parameters: groups, labels, bounds and per-group learning rates.

Layout of the flat weight vector ``w`` [shape=(42,)]:

====  ========  ===========================================================
0:10  mood      one weight per z-scored audio feature
10:14 history   song affinity, artist affinity, session similarity, heard recently
14:18 skip      early skips of the song, late skips, artist skips, streak
18:24 time      hour-specific preference for energy, valence, acousticness
                (a cos/sin daily cycle per feature)
24:42 scoring   per time bin (6 bins of 4 h): mood gain, behaviour gain, bias
====  ========  ===========================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.features.names import FEATURE_NAMES, N_FEATURES

HISTORY_INPUTS = ("song affinity", "artist affinity", "session similarity", "heard recently")
SKIP_INPUTS = ("early skips of song", "late skips of song", "skips of artist", "session skip streak")
TIME_FEATURES = ("energy", "valence", "acousticness")
TIME_BINS = ("00-04", "04-08", "08-12", "12-16", "16-20", "20-24")
SCORING_COLUMNS = ("mood gain", "behaviour gain", "bias")


@dataclass(frozen=True)
class Group:
    """One named block of the weight vector."""

    key: str
    title: str
    start: int
    stop: int
    bound: float  # |w| <= bound after every step; also sets the INT8 scale
    lr: float

    @property
    def slice(self) -> slice:
        return slice(self.start, self.stop)

    @property
    def size(self) -> int:
        return self.stop - self.start


def _groups(*spec: tuple[str, str, int]) -> tuple[Group, ...]:
    """Consecutive groups from (key, title, size); every group has bound 4 and learning rate 0.6."""
    out, start = [], 0
    for key, title, size in spec:
        out.append(Group(key, title, start, start + size, bound=4.0, lr=0.6))
        start += size
    return tuple(out)


GROUPS: tuple[Group, ...] = _groups(
    ("mood", "Mood", N_FEATURES),  # one weight per feature
    ("history", "History", len(HISTORY_INPUTS)),
    ("skip", "Skip behaviour", len(SKIP_INPUTS)),
    ("time_of_day", "Time of day", 2 * len(TIME_FEATURES)),  # a (sin, cos) pair per feature
    ("scoring", "Scoring layer", len(TIME_BINS) * len(SCORING_COLUMNS)),
)
GROUP_BY_KEY: dict[str, Group] = {g.key: g for g in GROUPS}
N_PARAMS = GROUPS[-1].stop
N_GROUPS = len(GROUPS)  # INT8 keeps one scale per group
GROUP_SIZES: dict[str, int] = {g.key: g.size for g in GROUPS}

MOOD = GROUP_BY_KEY["mood"].slice
HISTORY = GROUP_BY_KEY["history"].slice
SKIP = GROUP_BY_KEY["skip"].slice
TIME = GROUP_BY_KEY["time_of_day"].slice
SCORING = GROUP_BY_KEY["scoring"].slice


def _labels() -> tuple[str, ...]:
    labels = [f"mood: {name}" for name in FEATURE_NAMES]
    labels += [f"history: {name}" for name in HISTORY_INPUTS]
    labels += [f"skip: {name}" for name in SKIP_INPUTS]
    for feature in TIME_FEATURES:
        labels += [f"time: {feature} (morning-evening)", f"time: {feature} (midnight-midday)"]
    for hours in TIME_BINS:
        labels += [f"scoring {hours}h: {col}" for col in SCORING_COLUMNS]
    return tuple(labels)


LABELS: tuple[str, ...] = _labels()
assert N_PARAMS == 42 and len(LABELS) == N_PARAMS


def group_of(index: int) -> Group:
    """The group that holds parameter ``index``."""
    for group in GROUPS:
        if group.start <= index < group.stop:
            return group
    raise IndexError(index)


def bounds() -> np.ndarray:
    """Per-parameter bound [shape=(42,)]."""
    out = np.empty(N_PARAMS)
    for g in GROUPS:
        out[g.slice] = g.bound
    return out


def learning_rates() -> np.ndarray:
    """Per-parameter learning rate [shape=(42,)]."""
    out = np.empty(N_PARAMS)
    for g in GROUPS:
        out[g.slice] = g.lr
    return out
