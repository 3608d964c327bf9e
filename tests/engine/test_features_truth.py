"""The real extractor against the demo library's ground truth (assets/demo/truth.json).

Thresholds, decided before looking for excuses (docs/features.md):

- tempo within 4 % of the truth on every track, except octave errors (within
  4 % of half or double the truth), which are counted apart: at most 3 of the
  14, and none at or below 152 BPM. The fast tracks' patterns repeat every two
  beats, and half time is how many listeners tap them too (MIREX counts such
  answers under its second accuracy measure);
- mode (the sign of the mode feature) right on at least 90 % of the tracks;
- every acoustic-like track above every electronic one on acousticness;
- every loud track above every quiet one on energy.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.features.extract import Analysis, analyse_file
from engine.paths import assets_dir

DEMO = assets_dir() / "demo"
TEMPO_TOLERANCE = 0.04
MAX_OCTAVE_ERRORS = 3
OCTAVE_ERRORS_ONLY_ABOVE_BPM = 152.0
MIN_MODE_ACCURACY = 0.9


@pytest.fixture(scope="module")
def analysed() -> list[tuple[dict[str, Any], Analysis]]:
    truth = json.loads((DEMO / "truth.json").read_text())
    return [(t, analyse_file(DEMO / t["file"])) for t in truth]


def _near(value: float, target: float) -> bool:
    return abs(value / target - 1.0) <= TEMPO_TOLERANCE


def test_tempo_within_4_percent_octave_errors_counted_apart(
    analysed: list[tuple[dict[str, Any], Analysis]],
) -> None:
    exact, octave, wrong = [], [], []
    for t, a in analysed:
        bpm, got = t["bpm"], a.values["tempo"]
        if _near(got, bpm):
            exact.append(t["file"])
        elif _near(got, bpm / 2) or _near(got, bpm * 2):
            octave.append((t["file"], bpm, round(got, 1)))
        else:
            wrong.append((t["file"], bpm, round(got, 1)))
    assert wrong == []
    assert len(octave) <= MAX_OCTAVE_ERRORS, octave
    assert all(bpm > OCTAVE_ERRORS_ONLY_ABOVE_BPM for _, bpm, _ in octave), octave
    assert len(exact) >= len(analysed) - MAX_OCTAVE_ERRORS


def test_mode_right_on_at_least_90_percent(analysed: list[tuple[dict[str, Any], Analysis]]) -> None:
    right = [(a.values["mode"] > 0) == (t["mode"] == "major") for t, a in analysed]
    misses = [(t["file"], a.details["key"]) for (t, a), ok in zip(analysed, right, strict=True) if not ok]
    assert sum(right) / len(right) >= MIN_MODE_ACCURACY, misses


def test_every_acoustic_track_is_above_every_electronic_one_on_acousticness(
    analysed: list[tuple[dict[str, Any], Analysis]],
) -> None:
    acoustic = [a.values["acousticness"] for t, a in analysed if t["timbre"] == "acoustic"]
    electronic = [a.values["acousticness"] for t, a in analysed if t["timbre"] == "electronic"]
    assert len(acoustic) >= 5 and len(electronic) >= 5
    assert min(acoustic) > max(electronic)


def test_every_loud_track_is_above_every_quiet_one_on_energy(
    analysed: list[tuple[dict[str, Any], Analysis]],
) -> None:
    loud = [a.values["energy"] for t, a in analysed if t["loudness"] == "loud"]
    quiet = [a.values["energy"] for t, a in analysed if t["loudness"] == "quiet"]
    assert len(loud) >= 5 and len(quiet) >= 5
    assert min(loud) > max(quiet)
    loud_lufs = [a.values["loudness"] for t, a in analysed if t["loudness"] == "loud"]
    quiet_lufs = [a.values["loudness"] for t, a in analysed if t["loudness"] == "quiet"]
    assert min(loud_lufs) > max(quiet_lufs)


def test_the_demo_library_is_analysed_from_windows(analysed: list[tuple[dict[str, Any], Analysis]]) -> None:
    for t, a in analysed:
        assert a.duration_s == pytest.approx(t["duration_s"], abs=0.1)
        assert a.details["analysed_s"] < 0.7 * a.duration_s, "the speed comes from the windows"
