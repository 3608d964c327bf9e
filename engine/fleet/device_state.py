"""What a device remembers of the fleet: the last round, the baseline's version, the privacy spent.

Written by the ClientApp (in the SuperNode's child processes) after each
baseline it adopted or refused; read by ``skipwise fleet status`` and the
player's Fleet settings. One small JSON file, written atomically.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from engine.atomic import write_text_atomic


@dataclass
class DeviceState:
    last_round: int | None = None
    baseline_version: str | None = None
    epsilon: float | None = None  # privacy spent so far by the fleet's baseline (None: unknown or no DP)
    delta: float | None = None
    dp_mode: str | None = None
    fleet: str | None = None
    rounds_contributed: int = 0
    last_refusal: str | None = None  # why the last refused baseline was refused
    updated_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def read_state(path: Path) -> DeviceState:
    """The stored state, or a fresh one when the file is missing or unreadable."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return DeviceState()
    if not isinstance(doc, dict):
        return DeviceState()
    known = DeviceState.__dataclass_fields__
    try:
        return DeviceState(**{k: v for k, v in doc.items() if k in known})
    except TypeError:
        return DeviceState()


def write_state(path: Path, state: DeviceState) -> None:
    state.updated_at = time.time()
    write_text_atomic(path, json.dumps(state.to_json(), indent=1) + "\n")
