"""Stand-in analysers for the worker-pool tests: they run in real spawned workers.

The file name decides what happens, so one scan can mix good, failing,
crashing and hanging files.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from engine.features.names import FEATURE_NAMES


@dataclass(frozen=True)
class Result:
    values: dict[str, float]
    duration_s: float
    decoder: str


def by_name(path: str) -> Result:
    name = Path(path).name
    if "crash" in name:
        os.kill(os.getpid(), signal.SIGKILL)
    if "hang" in name:
        time.sleep(3600)
    if "bad" in name:
        raise ValueError("this file is bad on purpose")
    if "exit" in name:
        os._exit(3)
    size = os.path.getsize(path)
    return Result({n: float(size % 97 + i) for i, n in enumerate(FEATURE_NAMES)}, 1.0, "test")


def record_pid(path: str) -> Result:
    """Append this worker's pid to the file beside ``path`` (to count workers)."""
    with open(Path(path).parent / "pids.txt", "a") as f:
        f.write(f"{os.getpid()}\n")
    time.sleep(0.05)
    return by_name(path)


def slow(path: str) -> Result:
    """Like ``by_name`` after two seconds: a file whose analysis takes a while."""
    time.sleep(2.0)
    return by_name(path)
