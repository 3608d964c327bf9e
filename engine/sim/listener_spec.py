"""Listener files: a simulated person's hidden taste, as JSON.

See ``docs/simulator.md``. Every key but ``name`` is optional::

    {"name": "daypart",
     "kind": "feature",
     "taste": {"valence": 0.5},
     "hours": {"6-12": {"energy": 1.5}, "19-24": {"acousticness": 1.2}},
     "artists": {"liked": 5, "disliked": 5, "strength": 1.0, "pick": "uniform"},
     "shared": 0.8,
     "moods": {"regions": [{"center": {"energy": -1.2, "acousticness": 1.0}, "width": 1.0},
                           {"center": {"energy": 1.2, "acousticness": -1.0}, "width": 1.0}],
               "per_session": false},
     "drift": {"taste": {"acousticness": 1.0}, "days": 21},
     "repeat_tolerance_hours": 12, "patience": 1.0, "noise": 0.3}
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from engine.features.names import N_FEATURES, feature_index
from engine.paths import assets_dir
from engine.sim.population import SHARED_HOURS

# The kinds of listener (docs/simulator.md); engine/sim/listener_kinds.py generates each.
KINDS: tuple[str, ...] = ("feature", "artist_loyal", "two_moods", "session_moods", "drifting")
KEYS = {
    "name", "description", "kind", "taste", "hours", "artists", "shared", "moods", "drift",
    "repeat_tolerance_hours", "patience", "noise",
}  # fmt: skip
ARTIST_KEYS = {"liked", "disliked", "strength", "pick"}
ARTIST_PICKS = ("uniform", "by_songs")
MOODS_KEYS = {"regions", "per_session", "off_session"}
REGION_KEYS = {"center", "width", "strength", "share"}
DRIFT_KEYS = {"taste", "days"}
MAX_REGIONS = 8


class ListenerError(ValueError):
    """A listener file that cannot be used, with the reason."""


@dataclass(frozen=True)
class HourWindow:
    """Extra taste between two hours of the day (``end`` may wrap past midnight)."""

    start: float
    end: float
    taste: np.ndarray  # [shape=(10,)]

    def contains(self, hour: float) -> bool:
        h = hour % 24.0
        if self.start <= self.end:
            return self.start <= h < self.end
        return h >= self.start or h < self.end


@dataclass(frozen=True)
class MoodRegion:
    """A liked region of feature space: ``strength * exp(-d^2 / (2 width^2))``.

    ``d`` is the distance from ``center`` over the features the region names
    (``mask``); the other features do not matter to it.

    center : np.ndarray [shape=(10,)] (0 where ``mask`` is False)
    mask : np.ndarray [shape=(10,)] bool
    """

    center: np.ndarray
    mask: np.ndarray
    width: float = 1.0
    strength: float = 2.0
    share: float = 1.0  # relative chance that a session wants this region (per_session moods)

    def utility(self, features: np.ndarray) -> np.ndarray:
        """The region's pull on songs with ``features`` [shape=(n, 10)] -> [shape=(n,)]."""
        d2 = np.sum(((features - self.center) * self.mask) ** 2, axis=-1)
        return self.strength * np.exp(-d2 / (2.0 * self.width**2))


@dataclass(frozen=True)
class Moods:
    """Liked regions of feature space; with ``per_session`` each session wants one of them.

    With ``per_session`` a session draws one region (by ``share``) and the
    others count ``off_session`` times their strength during it.
    """

    regions: tuple[MoodRegion, ...]
    per_session: bool = False
    off_session: float = 0.0

    @property
    def shares(self) -> np.ndarray:
        """Probability of each region for a session [shape=(n_regions,)]."""
        s = np.array([r.share for r in self.regions])
        return s / s.sum()


@dataclass(frozen=True)
class Drift:
    """The all-day taste turns from ``ListenerSpec.taste`` to ``taste`` over ``days`` days.

    At day ``t`` (days since the first play), with ``s = min(t / days, 1)``:
    ``cos(pi s / 2) * start + sin(pi s / 2) * taste``.
    """

    taste: np.ndarray  # [shape=(10,)]
    days: float = 21.0

    def turned(self, start: np.ndarray, day: float) -> np.ndarray:
        """The all-day taste [shape=(10,)] at ``day``."""
        s = min(max(day / self.days, 0.0), 1.0)
        return np.cos(0.5 * np.pi * s) * start + np.sin(0.5 * np.pi * s) * self.taste


@dataclass(frozen=True)
class ListenerSpec:
    name: str
    taste: np.ndarray  # [shape=(10,)] weights on z-scored features
    hours: tuple[HourWindow, ...] = ()
    liked_artists: int = 0
    disliked_artists: int = 0
    artist_strength: float = 1.0
    artist_pick: str = "uniform"  # or "by_songs": an artist's chance is proportional to its songs
    repeat_tolerance_hours: float = 12.0
    patience: float = 1.0
    noise: float = 0.3
    description: str = ""
    kind: str = "feature"
    shared: float = 0.0  # share of the population's taste (engine/sim/population.py) this listener has
    moods: Moods | None = None
    drift: Drift | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def all_hours(self) -> tuple[HourWindow, ...]:
        """The listener's hour windows, then the population's shared ones scaled by ``shared``."""
        if not self.shared:
            return self.hours
        return self.hours + tuple(HourWindow(w.start, w.end, self.shared * w.taste) for w in SHARED_WINDOWS)


def _taste(value: Any, where: str) -> np.ndarray:
    if not isinstance(value, dict):
        raise ListenerError(f"{where} must be an object of feature: weight")
    out = np.zeros(N_FEATURES)
    for key, weight in value.items():
        try:
            idx = feature_index(key)
        except ValueError as exc:
            raise ListenerError(f"{where}: {exc}") from None
        out[idx] = _number(weight, f"{where}.{key}")
    return out


def _number(value: Any, where: str, *, low: float = -1e6, high: float = 1e6) -> float:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or (isinstance(value, float) and not math.isfinite(value)):  # math: ints of any size
        raise ListenerError(f"{where} must be a number, got {value!r}")
    if not low <= value <= high:
        raise ListenerError(f"{where} must be between {low} and {high}, got {value!r}")
    return float(value)


def _window(key: str) -> tuple[float, float]:
    try:
        start_s, end_s = key.split("-")
        start, end = float(start_s), float(end_s)
    except ValueError:
        raise ListenerError(f'hours: {key!r} is not a range like "7-12"') from None
    same = start % 24.0 == end % 24.0 and (start, end) != (0.0, 24.0)  # "24-0" is "0-0"; "0-24" all day
    if not (0 <= start <= 24 and 0 <= end <= 24) or same:
        raise ListenerError(f"hours: {key!r} must be two different hours between 0 and 24")
    return start % 24.0, end if end == 24 else end % 24.0


def _object(value: Any, where: str, keys: set[str], *, required: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ListenerError(f"{where} must be an object with keys {sorted(keys)}")
    unknown = set(value) - keys
    if unknown:
        raise ListenerError(f"unknown keys {sorted(unknown)} in {where}; known: {sorted(keys)}")
    for key in required:
        if key not in value:
            raise ListenerError(f"{where} needs {key!r}")
    return value


def _region(value: Any, where: str) -> MoodRegion:
    data = _object(value, where, REGION_KEYS, required=("center",))
    center = _taste(data["center"], f"{where}.center")
    if not isinstance(data["center"], dict) or not data["center"]:
        raise ListenerError(f"{where}.center must name at least one feature")
    mask = np.zeros(N_FEATURES, dtype=bool)
    mask[[feature_index(k) for k in data["center"]]] = True
    return MoodRegion(
        center=center,
        mask=mask,
        width=_number(data.get("width", 1.0), f"{where}.width", low=0.05, high=10),
        strength=_number(data.get("strength", 2.0), f"{where}.strength", low=-20, high=20),
        share=_number(data.get("share", 1.0), f"{where}.share", low=1e-6, high=1e6),
    )


def _moods(value: Any) -> Moods:
    data = _object(value, "moods", MOODS_KEYS, required=("regions",))
    regions = data["regions"]
    if not isinstance(regions, list) or not 1 <= len(regions) <= MAX_REGIONS:
        raise ListenerError(f"moods.regions must be a list of 1 to {MAX_REGIONS} regions")
    per_session = data.get("per_session", False)
    if not isinstance(per_session, bool):
        raise ListenerError(f"moods.per_session must be true or false, got {per_session!r}")
    if "off_session" in data and not per_session:
        raise ListenerError("moods.off_session needs moods.per_session true")
    return Moods(
        regions=tuple(_region(r, f"moods.regions[{i}]") for i, r in enumerate(regions)),
        per_session=per_session,
        off_session=_number(data.get("off_session", 0.0), "moods.off_session", low=0, high=1),
    )


def _drift(value: Any) -> Drift:
    data = _object(value, "drift", DRIFT_KEYS, required=("taste",))
    return Drift(
        taste=_taste(data["taste"], "drift.taste"),
        days=_number(data.get("days", 21.0), "drift.days", low=0.01, high=3650),
    )


def _kind(data: dict[str, Any]) -> str:
    """The declared kind, else the kind the keys show (artist-loyal listeners must say so)."""
    kind = data.get("kind")
    if kind is not None:
        if kind not in KINDS:
            raise ListenerError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        return str(kind)
    if "drift" in data:
        return "drifting"
    if "moods" in data:
        per_session = isinstance(data["moods"], dict) and data["moods"].get("per_session") is True
        return "session_moods" if per_session else "two_moods"
    return "feature"


def parse_listener(data: Any) -> ListenerSpec:
    """Validate a listener's JSON object."""
    if not isinstance(data, dict):
        raise ListenerError("a listener must be a JSON object")
    unknown = set(data) - KEYS
    if unknown:
        raise ListenerError(f"unknown listener keys {sorted(unknown)}; known: {sorted(KEYS)}")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ListenerError('a listener needs a non-empty "name"')
    hours_in = data.get("hours", {})
    if not isinstance(hours_in, dict):
        raise ListenerError('hours must be an object like {"7-12": {"energy": 1}}')
    hours = tuple(
        HourWindow(*_window(key), taste=_taste(value, f"hours.{key}")) for key, value in hours_in.items()
    )
    artists = data.get("artists", {})
    if not isinstance(artists, dict) or set(artists) - ARTIST_KEYS:
        raise ListenerError(f"artists must be an object with keys {sorted(ARTIST_KEYS)}")
    pick = artists.get("pick", "uniform")
    if pick not in ARTIST_PICKS:
        raise ListenerError(f"artists.pick must be one of {', '.join(ARTIST_PICKS)}, got {pick!r}")
    return ListenerSpec(
        name=name,
        description=str(data.get("description", "")),
        kind=_kind(data),
        taste=_taste(data.get("taste", {}), "taste"),
        hours=hours,
        liked_artists=int(_number(artists.get("liked", 0), "artists.liked", low=0, high=10_000)),
        disliked_artists=int(_number(artists.get("disliked", 0), "artists.disliked", low=0, high=10_000)),
        artist_strength=_number(artists.get("strength", 1.0), "artists.strength", low=0, high=20),
        artist_pick=str(pick),
        shared=_number(data.get("shared", 0.0), "shared", low=0, high=10),
        moods=_moods(data["moods"]) if "moods" in data else None,
        drift=_drift(data["drift"]) if "drift" in data else None,
        repeat_tolerance_hours=_number(
            data.get("repeat_tolerance_hours", 12.0), "repeat_tolerance_hours", low=0, high=24 * 365
        ),
        patience=_number(data.get("patience", 1.0), "patience", low=0.05, high=20),
        noise=_number(data.get("noise", 0.3), "noise", low=0, high=10),
        raw=dict(data),
    )


def _shared_windows() -> tuple[HourWindow, ...]:
    shared = (HourWindow(*_window(k), taste=_taste(v, f"shared hours {k}")) for k, v in SHARED_HOURS.items())
    return tuple(shared)


SHARED_WINDOWS: tuple[HourWindow, ...] = _shared_windows()  # the population's hour windows, unscaled


def builtin_dir() -> Path:
    return assets_dir() / "listeners"


def builtin_names() -> list[str]:
    return sorted(p.stem for p in builtin_dir().glob("*.json"))


def load_listener(name_or_file: str) -> ListenerSpec:
    """A built-in listener by name, or a listener file by path."""
    path = Path(name_or_file)
    if not (path.suffix == ".json" or path.exists()):
        path = builtin_dir() / f"{name_or_file}.json"
        if not path.exists():
            known = ", ".join(builtin_names())
            raise ListenerError(f"no built-in listener {name_or_file!r} (built-in: {known}) and no such file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ListenerError(f"cannot read listener file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ListenerError(f"listener file {path} is not UTF-8 text") from None
    except ValueError as exc:  # also an integer of over 4300 digits
        raise ListenerError(f"listener file {path} is not valid JSON: {exc}") from None
    except RecursionError:
        raise ListenerError(f"listener file {path} is not valid JSON: nested too deeply") from None
    return parse_listener(data)
