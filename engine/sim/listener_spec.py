"""Listener files: a simulated person's hidden taste, as JSON.

See ``docs/simulator.md``. Every key but ``name`` is optional::

    {"name": "daypart",
     "taste": {"valence": 0.5},
     "hours": {"6-12": {"energy": 1.5}, "19-24": {"acousticness": 1.2}},
     "artists": {"liked": 5, "disliked": 5, "strength": 1.0},
     "repeat_tolerance_hours": 12, "patience": 1.0, "noise": 0.3}
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.features.names import N_FEATURES, feature_index
from engine.paths import assets_dir

KEYS = {"name", "description", "taste", "hours", "artists", "repeat_tolerance_hours", "patience", "noise"}
ARTIST_KEYS = {"liked", "disliked", "strength"}


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
class ListenerSpec:
    name: str
    taste: np.ndarray  # [shape=(10,)] weights on z-scored features
    hours: tuple[HourWindow, ...] = ()
    liked_artists: int = 0
    disliked_artists: int = 0
    artist_strength: float = 1.0
    repeat_tolerance_hours: float = 12.0
    patience: float = 1.0
    noise: float = 0.3
    description: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


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
    return ListenerSpec(
        name=name,
        description=str(data.get("description", "")),
        taste=_taste(data.get("taste", {}), "taste"),
        hours=hours,
        liked_artists=int(_number(artists.get("liked", 0), "artists.liked", low=0, high=10_000)),
        disliked_artists=int(_number(artists.get("disliked", 0), "artists.disliked", low=0, high=10_000)),
        artist_strength=_number(artists.get("strength", 1.0), "artists.strength", low=0, high=20),
        repeat_tolerance_hours=_number(
            data.get("repeat_tolerance_hours", 12.0), "repeat_tolerance_hours", low=0, high=24 * 365
        ),
        patience=_number(data.get("patience", 1.0), "patience", low=0.05, high=20),
        noise=_number(data.get("noise", 0.3), "noise", low=0, high=10),
        raw=dict(data),
    )


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
