"""The player's view of the library: track rows for the views, kept in step with the database.

The engine's session holds the library as arrays for the learner; this keeps
the rows the library table shows, and takes in what a scan stores, either at
once (``refresh``) or with the reading done on a worker thread
(``refresh_in_background``, what a running scan uses so the window never
stalls on 10,000 new songs).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils
from PySide6.QtCore import QObject, Signal

from app.library_model import TrackIndex
from app.refresh_job import PreparedLibrary, RefreshJob
from engine.api import ListeningSession, TrackRow, database_path, library_rows, library_version


class LibraryKeeper(QObject):
    changed = Signal()  # the track rows changed
    refreshed = Signal()  # a background refresh was taken in, and no other is pending
    failed = Signal(str)

    def __init__(
        self,
        db: sqlite_utils.Database,
        session: ListeningSession,
        *,
        on_features: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.db_path = database_path(db)
        self.session = session
        self.on_features = on_features  # the session's library changed: the queue must be re-ranked
        self.tracks: dict[int, TrackRow] = {t.id: t for t in library_rows(db)}
        self.index: TrackIndex | None = None  # search keys prepared with the rows, if any
        self._version = library_version(db)
        self._job: RefreshJob | None = None
        self._again = False
        self._closed = False

    def refresh(self) -> None:
        """Take in what the scanner stored (new tracks, new features), now, on this thread."""
        version = library_version(self.db)
        if version != self._version:
            self._take_in(version, self.session.refresh_library(), library_rows(self.db), None)

    def refresh_in_background(self) -> None:
        """The same, with the reading done by a worker thread; requests during one run it once more."""
        if self._closed:
            return
        if self._job is not None:
            self._again = True
            return
        self._again = False
        job = RefreshJob(self.db_path, self)
        job.done.connect(self._on_prepared)
        job.crashed.connect(lambda reason: self._done(f"Could not reload the library: {reason}"))
        self._job = job
        job.start()

    def wait(self) -> None:
        """Let a running background refresh finish (the app is closing): what it prepared is dropped,
        as its result may still arrive after the database is closed (a queued signal)."""
        self._again = False
        self._closed = True
        if self._job is not None:
            self._job.wait()

    def _on_prepared(self, prepared: PreparedLibrary) -> None:
        if self._closed:
            self._done(None)
            return
        if prepared.version != self._version:
            changed = self.session.adopt(prepared.snapshot)
            self._take_in(prepared.version, changed, prepared.tracks, prepared.index)
        self._done(None)

    def _done(self, problem: str | None) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.wait()
            job.deleteLater()
        if problem:
            self.failed.emit(problem)
        if self._again:
            self.refresh_in_background()
        else:
            self.refreshed.emit()

    def _take_in(
        self, version: tuple, session_changed: bool, tracks: list[TrackRow], index: TrackIndex | None
    ) -> None:
        tracks_changed = version[0] != self._version[0]
        self._version = version
        if session_changed:
            self.on_features()
        if tracks_changed:
            self.tracks = {t.id: t for t in tracks}
            self.index = index
            self.changed.emit()
