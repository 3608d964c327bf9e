"""Scanning in the background: a thread with its own database connection.

The scanner itself starts the analysis worker processes; this thread only
walks folders, reads tags and writes results, so the window stays responsive.
Progress, "tags stored" (songs can be played from now on) and the final
summary come back to the GUI thread as queued signals.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QThread, Signal

from engine.api import Scanner, open_db


class ScanJob(QThread):
    progress = Signal(str, int, int)  # stage ("tags", "analysis"), done, total
    tagsStored = Signal()
    done = Signal(object)  # engine.library.scan.ScanResult
    crashed = Signal(str)

    def __init__(
        self,
        db_path: Path,
        folders: list[Path],
        *,
        workers: int | None = None,
        analyser: str | None = None,
        parent: QThread | None = None,
    ) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.folders = folders
        self.workers = workers
        self.analyser = analyser
        self._scanner: Scanner | None = None

    def run(self) -> None:
        db = open_db(self.db_path)
        try:
            self._scanner = Scanner(db, workers=self.workers, analyser=self.analyser, progress=self._progress)
            self.done.emit(self._scanner.scan(self.folders))
        except Exception as exc:  # a scan must never take the player down with it
            self.crashed.emit(f"{type(exc).__name__}: {exc}")
        finally:
            db.close()

    def cancel(self) -> None:
        """Ask the scan to stop soon; what it stored so far stays (a later scan resumes)."""
        if self._scanner is not None:
            self._scanner.cancel()

    def _progress(self, stage: str, done: int, total: int) -> None:
        if stage == "stored":
            self.tagsStored.emit()
        else:
            self.progress.emit(stage, done, total)
