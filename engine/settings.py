"""The user's settings: music folders, volume, exploration, resuming; one small JSON file in the config dir.

A settings file that cannot be read is reported and set aside (renamed with a
``.broken`` suffix), never silently overwritten: the defaults are used for
this run and the user's old file stays for inspection.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from engine.atomic import write_text_atomic
from engine.paths import config_dir

# Versions up to 2026-11 wrote their default exploration into every settings file, though nothing
# let the user choose it; such a value means "the default", so a better default reaches them too.
EARLIER_DEFAULT_EXPLORATIONS = (0.3,)


@dataclass
class Settings:
    music_folders: list[str] = field(default_factory=list)
    volume: float = 0.8
    exploration: float | None = None  # None: the learner's default (engine.queue.ranker)
    window: str = ""  # the window's geometry and dock layout, opaque (base64) to the engine
    resume_last_song: bool = True  # bring back, paused where it was, the song the last run stopped in
    problem: str | None = field(default=None, compare=False)  # why the file on disk was not used

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("problem")
        if self.exploration is None:
            doc.pop("exploration")
        return doc


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _set_aside(path, f"cannot read {path}: {exc}")
    try:
        return _parse(doc)
    except (TypeError, ValueError) as exc:
        return _set_aside(path, f"{path} is not valid: {exc}")


def save_settings(settings: Settings, path: Path | None = None) -> None:
    write_text_atomic(path or settings_path(), json.dumps(settings.to_json(), indent=2) + "\n")


def _parse(doc: Any) -> Settings:
    if not isinstance(doc, dict):
        raise TypeError("expected a JSON object")
    out = Settings()
    folders = doc.get("music_folders", [])
    if not isinstance(folders, list) or not all(isinstance(f, str) for f in folders):
        raise TypeError("music_folders must be a list of paths")
    out.music_folders = folders
    volume = float(doc.get("volume", out.volume))
    exploration = doc.get("exploration")
    if exploration is not None:
        exploration = float(exploration)
        if not 0.0 <= exploration <= 5.0:
            raise ValueError("exploration must be in [0, 5]")
        if exploration in EARLIER_DEFAULT_EXPLORATIONS:
            exploration = None
    if not 0.0 <= volume <= 1.0:
        raise ValueError("volume must be in [0, 1]")
    out.volume, out.exploration = volume, exploration
    window = doc.get("window", "")
    if not isinstance(window, str):
        raise TypeError("window must be a string")
    out.window = window
    resume = doc.get("resume_last_song", True)
    if not isinstance(resume, bool):
        raise TypeError("resume_last_song must be true or false")
    out.resume_last_song = resume
    return out


def _set_aside(path: Path, problem: str) -> Settings:
    try:
        os.replace(path, path.with_name(path.name + ".broken"))
        problem += f" (kept as {path.name}.broken; defaults used)"
    except OSError:
        pass
    return Settings(problem=problem)
