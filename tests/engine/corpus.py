"""Real audio files for the scanner tests, made with ffmpeg (installed by ``make test``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

FORMATS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "64k"],
    "flac": ["-c:a", "flac"],
    "ogg": ["-c:a", "libvorbis", "-q:a", "1"],
    "opus": ["-c:a", "libopus", "-b:a", "32k"],
    "m4a": ["-c:a", "aac", "-b:a", "64k"],
    "wav": ["-c:a", "pcm_s16le"],
    "aiff": ["-c:a", "pcm_s16be"],
    "wma": ["-c:a", "wmav2", "-b:a", "64k"],
}


def need_ffmpeg() -> str:
    exe = shutil.which("ffmpeg")
    if exe is None:
        pytest.fail("ffmpeg is missing: `make test` installs it (packaging/ensure-system-deps.sh)")
    return exe


def make_audio(
    path: Path,
    *,
    seconds: float = 3.0,
    freq: float = 440.0,
    fmt: str | None = None,
    channels: int = 2,
    rate: int = 44100,
    tags: dict[str, str] | None = None,
    source: str | None = None,
) -> Path:
    """Write a tone (or any lavfi ``source``) as ``fmt`` (default: the suffix) to ``path``."""
    fmt = fmt or path.suffix.lstrip(".")
    layout = {1: "mono", 2: "stereo", 6: "5.1"}[channels]
    src = source or f"sine=frequency={freq}:sample_rate={rate}:duration={seconds}"
    cmd = [
        need_ffmpeg(),
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        src,
        "-af",
        f"aformat=channel_layouts={layout}",
    ]
    for key, value in (tags or {}).items():
        cmd += ["-metadata", f"{key}={value}"]
    cmd += [*FORMATS[fmt], "-f", {"m4a": "mp4", "aiff": "aiff", "wma": "asf"}.get(fmt, fmt), str(path)]
    subprocess.run(cmd, check=True, capture_output=True)
    return path
