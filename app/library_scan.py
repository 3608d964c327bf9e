"""Keeping the library in step with the music folders, in the background.

Starts a :class:`ScanJob`, shows its progress, and hands what it stored to the
player as it arrives: songs can be played as soon as their tags are stored,
and their features fill in while analysis goes on (the player takes them in
at most every few seconds, so a long analysis does not keep the queue moving).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from app.controller import PlayerController
from app.scan_job import ScanJob
from engine.api import ScanResult, printable

REFRESH_EVERY_MS = 5000


class LibraryScan(QObject):
    progress = Signal(str, int, int)  # stage, done, total
    finished = Signal(object)  # ScanResult, or None when the scan crashed or was cancelled

    def __init__(
        self,
        controller: PlayerController,
        db_path: Path,
        *,
        workers: int | None = None,
        analyser: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.db_path = db_path
        self.workers = workers
        self.analyser = analyser
        self.job: ScanJob | None = None
        self._refresh = QTimer(self, singleShot=True, interval=REFRESH_EVERY_MS)
        self._refresh.timeout.connect(controller.refresh_library_in_background)

    def running(self) -> bool:
        return self.job is not None and self.job.isRunning()

    def start(self, folders: list[Path]) -> bool:
        if self.running() or not folders:
            return False
        job = ScanJob(self.db_path, folders, workers=self.workers, analyser=self.analyser)
        job.progress.connect(self._on_progress)
        job.tagsStored.connect(self.controller.refresh_library_in_background)
        job.done.connect(self._on_done)
        job.crashed.connect(self._on_crashed)
        self.job = job
        job.start()
        return True

    def cancel(self, wait_ms: int = 10_000) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job.wait(wait_ms)

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        self.progress.emit(stage, done, total)
        if stage == "analysis" and not self._refresh.isActive():
            self._refresh.start()

    def _on_done(self, result: ScanResult) -> None:
        failed = ""
        if result.failed:
            first = result.failed[0]
            where = f"{printable(first.path)}: {first.reason}"
            failed = f", {len(result.failed)} could not be used (the first: {where})"
        self._finish(
            f"Library: {result.files} files, {result.added} new, {result.missing} missing, "
            f"{result.analysed} analysed{failed}.",
            result,
        )

    def _on_crashed(self, reason: str) -> None:
        self._finish(f"The library scan stopped: {reason}", None)

    def _finish(self, text: str, result: ScanResult | None) -> None:
        """Announce the end once the player has taken in everything the scan stored."""
        self._refresh.stop()

        def taken_in() -> None:
            self.controller.refreshed.disconnect(taken_in)
            self.controller.message.emit(text)
            self.finished.emit(result)

        self.controller.refreshed.connect(taken_in)
        self.controller.refresh_library_in_background()
