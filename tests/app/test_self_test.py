"""`skipwise --self-test` from the source tree: scan, 50 simulated plays, 1 s of playback, one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.app.conftest import WAIT_S

ROOT = Path(__file__).parents[2]


def test_self_test_passes_and_says_what_it_did(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SKIPWISE_HOME": str(tmp_path / "unused")}
    out = subprocess.run(
        [sys.executable, "-m", "app.launcher", "--self-test"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=WAIT_S, check=False,
    )  # fmt: skip
    lines = [line for line in out.stdout.splitlines() if line.startswith("skipwise self-test")]
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    (line,) = lines
    assert line.startswith("skipwise self-test PASSED: scan 14/14 analysed")
    assert "50 plays" in line and "50 updates" in line and "played 1.0 s" in line
    assert not (tmp_path / "unused").exists(), "the self-test works in its own temporary home"
