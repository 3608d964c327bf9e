"""Scans with the real extractor in spawned workers: the demo library, bad input, a version bump."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlite_utils

from engine.features.names import FEATURE_NAMES
from engine.library import scan as scan_module
from engine.library.scan import Scanner
from engine.paths import assets_dir
from engine.store.scanning import list_tracks
from tests.engine.corpus import make_audio, need_ffmpeg
from tests.engine.shared_cache import shared_numba_cache  # noqa: F401 - fixture
from tests.engine.test_scan import formats, messy  # noqa: F401 - fixtures shared with the scanner tests

pytestmark = pytest.mark.usefixtures("shared_numba_cache")

DEMO = assets_dir() / "demo"
# A 120 BPM pulse: a 440 Hz tone struck every half second, decaying.
PULSE = "0.4*sin(2*PI*440*t)*exp(-6*(t-0.5*floor(2*t)))"


def _scan(db: sqlite_utils.Database, folder: Path) -> scan_module.ScanResult:
    return Scanner(db, workers=2).scan([folder])


def _features(db: sqlite_utils.Database) -> dict[str, dict[str, float]]:
    return {Path(t["path"]).name: t["features"] for t in list_tracks(db) if t["features"]}


def test_the_demo_library_is_analysed_and_a_version_bump_analyses_it_again(
    tmp_path: Path, db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = tmp_path / "demo"
    shutil.copytree(DEMO, lib)
    first = _scan(db, lib)
    assert (first.added, first.analysed, first.failed) == (14, 14, [])
    features = _features(db)
    assert len(features) == 14
    for name, values in features.items():
        assert set(values) == set(FEATURE_NAMES), name
        assert all(v is not None and math.isfinite(v) for v in values.values()), name
    assert {r["extractor_version"] for r in db.query("SELECT extractor_version FROM features")} == {
        scan_module.EXTRACTOR_VERSION
    }

    assert _scan(db, lib).analysed == 0, "current features are not computed again"

    bumped = scan_module.EXTRACTOR_VERSION + 1
    monkeypatch.setattr(scan_module, "EXTRACTOR_VERSION", bumped)
    again = _scan(db, lib)
    assert (again.unchanged, again.analysed) == (14, 14)
    assert {r["extractor_version"] for r in db.query("SELECT extractor_version FROM features")} == {bumped}
    for name, values in _features(db).items():
        assert values == pytest.approx(features[name]), f"{name}: the same extractor, the same values"


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Silence, too short, over an hour, mono, 5.1, 96 kHz."""
    folder = tmp_path_factory.mktemp("odd")
    make_audio(folder / "silence.flac", source="anullsrc=r=44100:cl=stereo:d=20", fmt="flac")
    make_audio(folder / "short.wav", seconds=0.5, freq=440.0)
    # The same pulse in every channel, so that every down-mix is the same music.
    pulse = "aevalsrc={exprs}:c={layout}:s={rate}:d={seconds}".format
    mono = pulse(exprs=PULSE, layout="mono", rate=44100, seconds=40)
    make_audio(folder / "mono.flac", source=mono, channels=1)
    stereo = pulse(exprs=f"{PULSE}|{PULSE}", layout="stereo", rate=96000, seconds=40)
    make_audio(folder / "hires.flac", source=stereo)
    surround = pulse(exprs="|".join([PULSE] * 6), layout="5.1", rate=48000, seconds=40)
    make_audio(folder / "surround.flac", source=surround, channels=6)
    # Over an hour: one minute of Opus, its packets copied 62 times (no re-encoding, so it is quick).
    minute = folder / "minute.opus"
    make_audio(minute, source=pulse(exprs=PULSE, layout="mono", rate=48000, seconds=60), channels=1)
    listing = folder / "concat.txt"
    listing.write_text(f"file '{minute}'\n" * 62)
    subprocess.run(
        [need_ffmpeg(), "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
         "-c", "copy", str(folder / "long.opus")],
        check=True, capture_output=True,
    )  # fmt: skip
    minute.unlink()
    listing.unlink()
    return folder


def test_odd_but_valid_audio_gets_values_or_a_clear_reason(odd: Path, db: sqlite_utils.Database) -> None:
    result = _scan(db, odd)
    reasons = {Path(f.path).name: f.reason for f in result.failed}
    assert reasons == {
        "silence.flac": "silent (nothing above -70 LUFS)",
        "short.wav": "too short to analyse (0.50 s; at least 1 s needed)",
    }
    tracks = {Path(t["path"]).name: t for t in list_tracks(db)}
    assert tracks["long.opus"]["duration"] > 3600
    features = _features(db)
    assert set(features) == {"mono.flac", "hires.flac", "surround.flac", "long.opus"}
    for name, values in features.items():
        assert all(math.isfinite(v) for v in values.values()), name
        assert values["tempo"] == pytest.approx(120.0, rel=0.04), name
    # The same music as mono, stereo at 96 kHz and 5.1 is the same music.
    mono = features["mono.flac"]
    for other in ("hires.flac", "surround.flac"):
        assert features[other]["loudness"] == pytest.approx(mono["loudness"], abs=0.5), other
        assert features[other]["brightness"] == pytest.approx(mono["brightness"], rel=0.05), other
        for name in ("energy", "acousticness", "danceability", "percussiveness", "valence"):
            assert features[other][name] == pytest.approx(mono[name], abs=0.05), (other, name)


def test_the_messy_folder_with_the_real_extractor(messy: Path, db: sqlite_utils.Database) -> None:  # noqa: F811
    result = _scan(db, messy)
    reasons = {Path(f.path).name: f.reason for f in result.failed}
    assert reasons["zero.mp3"] == "empty file (0 bytes)"
    assert reasons["notes.m4a"] == "not an audio file (text)"
    assert reasons["dangling.ogg"] == "dangling symlink"
    assert "random.ogg" in reasons
    assert all(reason and "Traceback" not in reason for reason in reasons.values())
    features = _features(db)
    for name in ("really-flac.mp3", "no-extension", "🎵 emoji song.ogg", "caf\udce9.ogg", "corrupt-id3.mp3"):
        assert name in features, f"{name} was analysed"
        assert all(math.isfinite(v) for v in features[name].values()), name
    truncated = [n for n in {Path(t["path"]).name for t in list_tracks(db)} if n.startswith("truncated")]
    assert len(truncated) == 1
    assert truncated[0] in features or truncated[0] in reasons
