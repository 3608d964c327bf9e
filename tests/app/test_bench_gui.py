"""`skipwise bench gui --json`: the keys other tools read, measured on a small library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.app.conftest import WAIT_S

ROOT = Path(__file__).parents[2]
KEYS = {
    "songs", "window_shown_ms", "bare_qt_window_ms", "window_vs_bare_qt", "window_ready_ms",
    "ready_vs_bare_qt", "skip_to_redrawn_ms",
    "skip_to_redrawn_p90_ms", "skip_call_ms", "skip_to_redrawn_cpu_ms",
    "scan_songs", "scan_analysed", "scan_seconds",
    "frame_gap_max_ms", "frame_gap_p99_ms", "frames_over_100ms", "idle_frame_gap_max_ms",
    "idle_frame_gap_p99_ms",
}  # fmt: skip


def test_bench_gui_json_contract(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SKIPWISE_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "app.launcher", "bench", "gui", "--songs", "300", "--scan-songs", "40",
         "--repeats", "1", "--json"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=WAIT_S, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    doc = json.loads(out.stdout)
    assert set(doc) == KEYS
    assert doc["songs"] == 300 and doc["scan_analysed"] == 40
    assert doc["window_shown_ms"] > 0 and doc["bare_qt_window_ms"] > 0  # two timings: no order between them
    assert doc["window_ready_ms"] > doc["window_shown_ms"], "painted before the library is in it"
    assert doc["skip_to_redrawn_ms"] > 0 and doc["frame_gap_max_ms"] >= doc["frame_gap_p99_ms"] > 0
