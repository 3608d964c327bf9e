"""``skipwise bench scan DIR --json``: the contract of its output, on a tiny folder (no timings judged)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.bench.scan import correlations, fold_octave
from engine.features.names import FEATURE_NAMES
from tests.engine.corpus import make_audio
from tests.engine.shared_cache import shared_numba_cache  # noqa: F401 - fixture

ROOT = Path(__file__).parents[2]
KEYS = {
    "decode_x_realtime_per_core",
    "analysis_x_realtime_per_core",
    "songs_per_second",
    "window_correlation",
    "two_worker_speedup",
    "tag_scan_files_per_second",
    "unchanged_rescan_10k_seconds",
}


@pytest.mark.usefixtures("shared_numba_cache")
def test_bench_scan_json_contract(tmp_path: Path, skipwise_home: Path) -> None:
    music = tmp_path / "music"
    music.mkdir()
    for i, (bpm, gain) in enumerate(((90, 0.1), (120, 0.3), (150, 0.6))):
        pulse = f"{gain}*sin(2*PI*{330 + 110 * i}*t)*exp(-5*(t-{60 / bpm}*floor(t*{bpm / 60})))"
        make_audio(music / f"{i}.flac", source=f"aevalsrc={pulse}:s=22050:d=40", channels=1)
    (music / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 64)
    cmd = [sys.executable, "-m", "app.launcher", "bench", "scan", str(music), "--json", "--repeats", "1",
           "--tag-files", "30"]  # fmt: skip
    env = {**os.environ, "SKIPWISE_HOME": str(skipwise_home), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert set(doc) >= KEYS
    assert (doc["files"], doc["windowed_files"], doc["tag_files"], doc["analysis_failures"]) == (3, 3, 30, [])
    for key in KEYS - {"window_correlation"}:
        assert isinstance(doc[key], float) and math.isfinite(doc[key]) and doc[key] > 0, key
    corr = doc["window_correlation"]
    assert set(corr) == {*FEATURE_NAMES, "mean"}
    assert all(r is None or -1.0 <= r <= 1.0 for r in corr.values())
    assert corr["tempo"] == pytest.approx(1.0, abs=0.01)


def test_bench_scan_refuses_a_missing_folder(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "app.launcher", "bench", "scan", str(tmp_path / "nowhere"), "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 2 and "is not a folder" in out.stderr


def test_tempo_is_compared_within_one_octave() -> None:
    whole = np.array([60.0, 90.0, 120.0, 170.0])
    assert np.allclose(fold_octave(np.array([120.0, 45.0, 121.0, 85.0]), whole), [60.0, 90.0, 121.0, 170.0])
    rng = np.random.default_rng(0)
    values = rng.uniform(1, 2, size=(6, len(FEATURE_NAMES)))
    doubled = values.copy()
    doubled[::2, FEATURE_NAMES.index("tempo")] *= 2  # octave errors only
    corr = correlations(values, doubled)
    assert corr["tempo"] == pytest.approx(1.0) and corr["mean"] == pytest.approx(1.0)
    flat = values.copy()
    flat[:, 0] = 0.5
    assert correlations(flat, flat)["valence"] is None and correlations(flat, flat)["mean"] is None
