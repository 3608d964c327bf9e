"""``skipwise scan``: folders in, tracks and features out, whatever the files are like.

1. walk the folders (symlinks followed once, loops and dangling links reported);
2. unchanged files (same path, size and mtime) are not opened again;
3. new and changed files are recognised by content and their tags read;
4. files that vanished are marked missing, never deleted (their plays stay);
5. every playable track without current features is analysed in worker
   processes, and the results are committed in small batches by this process,
   so a killed scan resumes where it stopped.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlite_utils

from engine.analysis.pool import DEFAULT_TIMEOUT_S, AnalysisPool, Job, Outcome
from engine.features.version import EXTRACTOR_VERSION
from engine.library.discover import Found, under_any, walk
from engine.library.sniff import HEAD_BYTES, describe_non_audio, has_audio_extension, sniff
from engine.library.tags import TAGS_VERSION, read_tags
from engine.store import scanning
from engine.store.pathcodec import printable

WRITE_BATCH = 500
ANALYSIS_COMMIT_EVERY = 16  # outcomes per transaction: small enough that a kill loses little


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class ScanResult:
    files: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retagged: int = 0  # unchanged files whose tags a newer tag reader read again (features kept)
    missing: int = 0
    analysed: int = 0
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "retagged": self.retagged,
            "missing": self.missing,
            "analysed": self.analysed,
            "failed": [{"path": printable(f.path), "reason": f.reason} for f in self.failed],
            "seconds": round(self.seconds, 3),
        }


class ScanStage(StrEnum):
    """What a scan's progress report counts."""

    TAGS = "tags"  # files whose tags were read, of those to read
    STORED = "stored"  # tracks added or updated so far, of the files found (once, after the tags)
    ANALYSIS = "analysis"  # tracks analysed, of those to analyse


ProgressFn = Callable[[ScanStage, int, int], None]  # (stage, done, total)


class Scanner:
    def __init__(
        self,
        db: sqlite_utils.Database,
        *,
        workers: int | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        analyse: bool = True,
        analyser: str | None = None,
        progress: ProgressFn | None = None,
        retry_failed: bool = False,
    ) -> None:
        """``retry_failed``: analyse again the files whose analysis failed before (otherwise
        a failure is remembered until the file changes or the extractor does)."""
        self.db = db
        self.analyse = analyse
        self.retry_failed = retry_failed
        self.progress = progress
        kwargs = {"analyser": analyser} if analyser else {}
        self.pool = AnalysisPool(workers, timeout_s=timeout_s, **kwargs)
        self.cancelled = False

    def cancel(self) -> None:
        """Stop soon (from another thread): what is stored stays, and the next scan resumes."""
        self.cancelled = True
        self.pool.cancel()

    def scan(self, roots: list[Path]) -> ScanResult:
        t0 = time.perf_counter()
        result = ScanResult()
        if self.retry_failed and self.analyse:
            scanning.forget_analysis_errors(self.db)
        known = scanning.known_tracks(self.db, EXTRACTOR_VERSION)
        seen: set[str] = set()
        new_rows: list[dict[str, Any]] = []
        changed: list[tuple[int, dict[str, Any]]] = []
        retag: list[tuple[int, dict[str, Any]]] = []
        back: list[int] = []
        found = list(walk(roots))
        todo = [f for f in found if not self._unchanged(f, known, result, seen, back)]
        for i, f in enumerate(todo):
            if self.cancelled:
                break
            row = self._examine(f, result)
            if self.progress and (i % 50 == 0 or i == len(todo) - 1):
                self.progress(ScanStage.TAGS, i + 1, len(todo))
            if row is None:
                continue
            seen.add(f.path)
            old = known.get(f.path)
            if old is None:
                new_rows.append(row)
            elif _same_file(old, f) and row["status"] == "ok":
                retag.append((old.id, row))
                result.unchanged += 1
            else:
                changed.append((old.id, row))
            if len(new_rows) >= WRITE_BATCH:
                result.added += scanning.insert_tracks(self.db, new_rows)
                new_rows.clear()
        result.added += scanning.insert_tracks(self.db, new_rows)
        result.updated += scanning.update_tracks(self.db, changed) + scanning.set_status(self.db, back, "ok")
        result.retagged = scanning.update_tags(self.db, retag)
        result.missing = 0 if self.cancelled else self._mark_missing(roots, known, seen)
        if self.progress:
            self.progress(ScanStage.STORED, result.added + result.updated, result.files)
        if self.analyse and not self.cancelled:
            result.analysed = self._analyse(result)
        result.seconds = time.perf_counter() - t0
        return result

    def _unchanged(
        self, f: Found, known: dict[str, scanning.Known], result: ScanResult, seen: set[str], back: list[int]
    ) -> bool:
        if f.problem is not None:
            return False
        old = known.get(f.path)
        if old is None or not _same_file(old, f):
            return False
        if old.tags_version < TAGS_VERSION and old.status in ("ok", "missing"):
            return False  # read by an older tag reader: its tags are read again
        seen.add(f.path)
        result.files += 1
        if old.status == "missing":
            back.append(old.id)  # the drive came back: the track returns with its history
        else:
            result.unchanged += 1
        if old.error and old.status != "missing":
            result.failed.append(Failure(f.path, old.error))  # still broken: say so on every scan
        return True

    def _examine(self, f: Found, result: ScanResult) -> dict[str, Any] | None:
        """A tracks row for a new or changed file, or None when it is not a track."""
        if f.problem is not None:
            result.failed.append(Failure(f.path, f.problem))
            return None
        try:
            with open(f.path, "rb") as fh:
                head = fh.read(HEAD_BYTES)
        except FileNotFoundError:
            result.failed.append(Failure(f.path, "file disappeared during the scan"))
            return None
        except OSError as exc:
            result.failed.append(Failure(f.path, f"cannot read: {exc.strerror or exc}"))
            return None
        kind = sniff(head)
        base: dict[str, Any] = {"path": f.path, "size": f.size, "mtime": f.mtime}
        if kind is None:
            if not has_audio_extension(f.path):
                return None  # not music, and not named like music: nothing to report
            reason = describe_non_audio(head)
            result.failed.append(Failure(f.path, reason))
            result.files += 1
            return {**base, "title": Path(f.path).name, "status": "failed", "error": reason}
        result.files += 1
        tags = read_tags(Path(f.path))
        if tags.tag_error and not os.path.exists(f.path):
            result.failed.append(Failure(f.path, "file disappeared during the scan"))
            return None
        return {
            **base,
            "title": tags.title,
            "artist": tags.artist,
            "album": tags.album,
            "album_artist": tags.album_artist,
            "genre": tags.genre,
            "track_number": tags.track_number,
            "disc_number": tags.disc_number,
            "year": tags.year,
            "duration_ms": tags.duration_ms,
            "status": "ok",
            "error": None,
            "format": kind,
            "has_cover": int(tags.has_cover),
            "tag_error": tags.tag_error,
            "tags_version": TAGS_VERSION,
        }

    def _mark_missing(self, roots: list[Path], known: dict[str, scanning.Known], seen: set[str]) -> int:
        under = {p: k for p, k in known.items() if under_any(p, roots)}
        gone = [k.id for p, k in under.items() if p not in seen and k.status != "missing"]
        scanning.set_status(self.db, gone, "missing")
        return sum(1 for p, k in under.items() if p not in seen)

    def _analyse(self, result: ScanResult) -> int:
        jobs = [Job(i, p) for i, p in scanning.pending_analysis(self.db, EXTRACTOR_VERSION)]
        batch: list[Outcome] = []
        done = {"n": 0, "ok": 0}

        def on_outcome(o: Outcome) -> None:
            batch.append(o)
            done["n"] += 1
            if o.error is None:
                done["ok"] += 1
            else:
                result.failed.append(Failure(o.path, o.error))
            if len(batch) >= ANALYSIS_COMMIT_EVERY:
                scanning.store_outcomes(self.db, batch, EXTRACTOR_VERSION)
                batch.clear()
            if self.progress:
                self.progress(ScanStage.ANALYSIS, done["n"], len(jobs))

        try:
            self.pool.run(jobs, on_outcome)
        finally:
            scanning.store_outcomes(self.db, batch, EXTRACTOR_VERSION)
        return done["ok"]


def _same_file(old: scanning.Known, f: Found) -> bool:
    """Whether ``f`` is the file as the database knows it (same size and modification time)."""
    return old.size == f.size and old.mtime == f.mtime
