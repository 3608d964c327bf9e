"""``skipwise bench scan``: decoding and analysis speed, window safety and tag-scan speed in one run.

Everything is measured on the same files (the demo library unless a folder is
given), and every time is the median of ``repeats`` passes:

- decode only: whole songs, then only the analysis windows, in this process (one core);
- analysis: the real extractor in warm spawned workers (``AnalysisPool(warm=True)``),
  once with one worker (per core) and once with two (the speed-up);
- window safety: every feature of every song, from the windows and from the
  whole song, and their Pearson correlation across the songs;
- tags: ``engine.bench.tags.bench_tag_scan`` on a generated library of small tagged files.
"""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from engine.analysis.pool import AnalysisPool, Job, Outcome, default_workers
from engine.features.decode import decode_whole, decode_windows, probe_duration
from engine.features.names import FEATURE_NAMES
from engine.features.windows import DEFAULT_PLAN
from engine.library.discover import walk
from engine.library.sniff import HEAD_BYTES, sniff
from engine.paths import assets_dir

MIN_PASS_SONGS = 40  # a timed pass repeats a small folder's songs up to this many, to time more than noise
Progress = Callable[[str], None]


def audio_files(folder: Path) -> list[str]:
    """Files under ``folder`` that are audio by content, in path order."""
    out = []
    for f in walk([folder]):
        if f.problem is None:
            with open(f.path, "rb") as fh:
                if sniff(fh.read(HEAD_BYTES)) is not None:
                    out.append(f.path)
    return sorted(out)


def fold_octave(tempo: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``tempo`` moved by whole octaves to the octave nearest ``reference``, element-wise.

    tempo, reference : np.ndarray [shape=(n,)], BPM -> np.ndarray [shape=(n,)]
    """
    return tempo * 2.0 ** np.round(np.log2(reference / tempo))


def correlations(whole: np.ndarray, windowed: np.ndarray) -> dict[str, float | None]:
    """Per-feature Pearson correlation across songs, and their mean.

    whole, windowed : np.ndarray [shape=(n_songs, 10)], columns in ``FEATURE_NAMES`` order.
    A feature that does not vary over the songs has no correlation (None).
    """
    out: dict[str, float | None] = {}
    for i, name in enumerate(FEATURE_NAMES):
        a, b = whole[:, i], windowed[:, i]
        if name == "tempo":
            b = fold_octave(b, a)
        if len(a) < 3 or np.std(a) == 0 or np.std(b) == 0:
            out[name] = None
            continue
        out[name] = float(np.corrcoef(a, b)[0, 1])
    known = [v for v in out.values() if v is not None]
    out["mean"] = float(np.mean(known)) if len(known) == len(FEATURE_NAMES) else None
    return out


def _timed(work: Callable[[], float], repeats: int) -> float:
    """Median seconds of ``work``, which returns its own elapsed seconds."""
    return statistics.median(work() for _ in range(repeats))


def _decode_seconds(files: list[str], windowed: bool) -> float:
    t0 = time.perf_counter()
    for path in files:
        decode_windows(path, DEFAULT_PLAN) if windowed else decode_whole(path)
    return time.perf_counter() - t0


def _pool_seconds(files: list[str], workers: int, failures: list[str]) -> float:
    """From the first job handed to warm workers to the last result (not the workers' exit)."""
    last = [0.0]

    def collect(o: Outcome) -> None:
        last[0] = time.monotonic()
        if o.error is not None:
            failures.append(f"{o.path}: {o.error}")

    jobs = [Job(i, p) for i, p in enumerate(files)]
    first_dispatch = AnalysisPool(workers).run(jobs, collect, warm=True)
    return last[0] - first_dispatch


def window_values(files: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """Every feature of every file from the whole song and from the plan's windows.

    Returns whole, windowed : np.ndarray [shape=(n_ok, 10)], and how many files the plan windowed.
    """
    from engine.features.decode import DecodeError
    from engine.features.extract import AnalysisError, analyse_file

    whole, windowed, n_windowed = [], [], 0
    for path in files:
        try:
            w = analyse_file(path, plan=None)
            n = analyse_file(path, plan=DEFAULT_PLAN)
        except (AnalysisError, DecodeError):
            continue
        whole.append([w.values[f] for f in FEATURE_NAMES])
        windowed.append([n.values[f] for f in FEATURE_NAMES])
        n_windowed += n.details["analysed_s"] < w.details["analysed_s"] - 1.0
    shape = (-1, len(FEATURE_NAMES))
    return np.reshape(whole, shape), np.reshape(windowed, shape), n_windowed


def bench_scan(
    folder: Path | None = None,
    *,
    repeats: int = 3,
    tag_files: int | None = 10_000,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Measure everything; ``tag_files=None`` skips the tag-scan part."""
    say = progress or (lambda _: None)
    load_before = round(os.getloadavg()[0], 2)  # other work on the machine skews every time below
    folder = folder or assets_dir() / "demo"
    files = audio_files(folder)
    if not files:
        raise ValueError(f"no audio files in {folder}")
    durations = [probe_duration(p) for p in files]
    rounds = math.ceil(MIN_PASS_SONGS / len(files))
    timed_files, timed_s = files * rounds, sum(durations) * rounds
    say("decoding")
    decode_s = _timed(lambda: _decode_seconds(timed_files, windowed=False), repeats)
    window_decode_s = _timed(lambda: _decode_seconds(timed_files, windowed=True), repeats)
    plan = {
        "count": DEFAULT_PLAN.count,
        "length_s": DEFAULT_PLAN.length_s,
        "whole_below_s": DEFAULT_PLAN.whole_below_s,
    }
    failures: list[str] = []
    say("analysing with 1 and 2 workers")
    # Passes alternate, so that anything else the machine does weighs on both alike.
    passes = [
        (_pool_seconds(timed_files, 1, failures), _pool_seconds(timed_files, 2, failures))
        for _ in range(repeats)
    ]
    one_s = statistics.median(p[0] for p in passes)
    two_s = statistics.median(p[1] for p in passes)
    say("windows against whole songs")
    whole, windowed, n_windowed = window_values(files)
    doc: dict[str, Any] = {
        "folder": str(folder),
        "cores": default_workers(),
        "load_average_before": load_before,
        "files": len(files),
        "library_seconds": round(sum(durations), 1),
        "passes_repeat_files": rounds,
        "repeats": repeats,
        "window_plan": plan,
        "decode_x_realtime_per_core": timed_s / decode_s,
        "window_decode_x_realtime_per_core": timed_s / window_decode_s,
        "decode_songs_per_second": len(timed_files) / decode_s,
        "analysis_x_realtime_per_core": timed_s / one_s,
        "songs_per_second": len(timed_files) / one_s,
        "two_worker_songs_per_second": len(timed_files) / two_s,
        "two_worker_x_realtime_per_core": timed_s / two_s / 2,
        "two_worker_speedup": one_s / two_s,
        "window_correlation": correlations(whole, windowed),
        "windowed_files": n_windowed,
        "analysis_failures": sorted(set(failures)),
    }
    if tag_files:
        from engine.bench.tags import bench_tag_scan

        say(f"tag scan of {tag_files:,} files")
        doc.update(bench_tag_scan(tag_files))
        doc["tag_files"] = tag_files
    else:
        doc.update({"tag_scan_files_per_second": None, "unchanged_rescan_10k_seconds": None, "tag_files": 0})
    return doc
