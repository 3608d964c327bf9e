"""The tags-only half of ``skipwise bench scan``: 10,000 small tagged files, scanned twice."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
from mutagen import File as MutagenFile

from engine.library.scan import Scanner
from engine.store import open_db

TEMPLATE_FORMATS = (("ogg", "OGG", "VORBIS"), ("flac", "FLAC", "PCM_16"), ("mp3", "MP3", "MPEG_LAYER_III"))


def _templates(folder: Path) -> list[Path]:
    """One tiny tagged file per format (1 s of a tone at 22,050 Hz)."""
    y = 0.2 * np.sin(2 * np.pi * 440 * np.arange(22050) / 22050)
    out = []
    for ext, fmt, subtype in TEMPLATE_FORMATS:
        path = folder / f"template.{ext}"
        try:
            sf.write(path, y, 22050, format=fmt, subtype=subtype)
        except (sf.LibsndfileError, ValueError, TypeError):
            continue  # an old libsndfile without MP3 support: the other formats still count
        audio = MutagenFile(path, easy=True)
        if audio is not None:
            if audio.tags is None:
                audio.add_tags()
            audio["title"], audio["artist"], audio["album"] = "Template song", "Template artist", "Templates"
            audio.save()
        out.append(path)
    return out


def make_tagged_library(folder: Path, n: int = 10_000) -> Path:
    """``n`` small tagged files in artist/album folders (copies of the templates)."""
    templates = _templates(folder)
    lib = folder / "library"
    for i in range(n):
        src = templates[i % len(templates)]
        album = lib / f"Artist {i % 250:03d}" / f"Album {i % 40:02d}"
        album.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, album / f"{i:05d} - Song {i}{src.suffix}")
    return lib


def bench_tag_scan(n: int = 10_000) -> dict[str, float]:
    """Files per second of a tags-only first scan, and the seconds of an unchanged rescan."""
    with tempfile.TemporaryDirectory(prefix="skipwise-tagbench-") as tmp:
        lib = make_tagged_library(Path(tmp), n)
        db = open_db(Path(tmp) / "bench.db")
        scanner = Scanner(db, analyse=False)
        t0 = time.perf_counter()
        first = scanner.scan([lib])
        first_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = scanner.scan([lib])
        rescan_s = time.perf_counter() - t0
        db.close()
    if first.added != n or again.unchanged != n:
        raise RuntimeError(f"tag benchmark scanned {first.added} new / {again.unchanged} unchanged of {n}")
    return {"tag_scan_files_per_second": n / first_s, "unchanged_rescan_10k_seconds": rescan_s}
