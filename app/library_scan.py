"""Keeping the library in step with the music folders, in the background.

Runs the scanner on a worker thread with its own database connection (the
scanner itself starts the analysis worker processes; the thread only walks
folders, reads tags and writes results, so the window stays responsive), shows
its progress, and hands what it stored to the player as it arrives: songs can
be played as soon as their tags are stored, and their features fill in while
analysis goes on (the player takes them in at most every few seconds, so a
long analysis does not keep the queue moving).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from app.background import BackgroundOp, Report
from app.controller import PlayerController
from engine.api import Scanner, ScanResult, ScanStage, open_db, printable

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
        self.job: BackgroundOp[ScanResult] | None = None
        self._scanner: Scanner | None = None
        self._cancelled = False  # asked to stop, perhaps before the worker made its scanner
        self._refresh = QTimer(self, singleShot=True, interval=REFRESH_EVERY_MS)
        self._refresh.timeout.connect(controller.refresh_library_in_background)

    def running(self) -> bool:
        return self.job is not None and self.job.running()

    def start(self, folders: list[Path]) -> bool:
        if self.running() or not folders:
            return False
        self._cancelled = False
        self.job = BackgroundOp(self, lambda report: self._scan(list(folders), report), self._on_done)
        self.job.failure(self._on_crashed).on_progress(self._on_progress).run_in_background()
        return True

    def cancel(self, wait_ms: int = 10_000) -> None:
        """Ask the scan to stop soon and wait for it; what it stored so far stays (a later scan resumes)."""
        self._cancelled = True
        if self._scanner is not None:
            self._scanner.cancel()
        if self.job is not None:
            self.job.wait(wait_ms)

    def _scan(self, folders: list[Path], report: Report) -> ScanResult:
        """On the worker thread: the whole scan, with a connection of its own."""
        db = open_db(self.db_path)
        try:
            scanner = Scanner(db, workers=self.workers, analyser=self.analyser, progress=lambda *p: report(p))
            self._scanner = scanner
            if self._cancelled:
                scanner.cancel()
            return scanner.scan(folders)
        finally:
            self._scanner = None
            db.close()

    def _on_progress(self, progress: tuple[ScanStage, int, int]) -> None:
        stage, done, total = progress
        if stage is ScanStage.STORED:  # songs can be played from now on
            self.controller.refresh_library_in_background()
            return
        self.progress.emit(str(stage), done, total)
        if stage is ScanStage.ANALYSIS and not self._refresh.isActive():
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
