"""The player's view of the library: track rows for the views, kept in step with the database.

The engine's session holds the library as arrays for the learner; this keeps
the rows the library table shows, and takes in what a scan stores, either at
once (``refresh``) or with the reading done on a worker thread
(``refresh_in_background``, what a running scan uses so the window never
stalls on 10,000 new songs: reading 10,000 tracks, refolding the listening
history and preparing the search keys takes a good tenth of a second).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QObject, Signal

from app.background import Coalesced
from app.library_model import TrackIndex, index_tracks
from engine.api import (
    LibrarySnapshot,
    ListeningSession,
    TrackRow,
    database_path,
    library_rows,
    library_version,
    load_snapshot,
    open_db,
)


@dataclass
class PreparedLibrary:
    """What a background refresh read, all from one moment of the database."""

    version: tuple
    snapshot: LibrarySnapshot
    tracks: list[TrackRow]
    index: TrackIndex


def prepare_library(db_path: Path) -> PreparedLibrary:
    """Read the library with a connection of its own (this runs on a worker thread)."""
    db = open_db(db_path, migrate=False)
    try:
        version = library_version(db)  # first: anything stored later is caught by the next refresh
        with db.conn:  # one read transaction: tracks and features from the same moment
            snapshot = load_snapshot(db)
            tracks = library_rows(db)
        return PreparedLibrary(version, snapshot, tracks, index_tracks(tracks))
    finally:
        db.close()


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
        self._refreshes: Coalesced[PreparedLibrary] = Coalesced(
            self, lambda report: prepare_library(self.db_path), self._on_prepared, self._on_failed
        )

    def refresh(self) -> None:
        """Take in what the scanner stored (new tracks, new features), now, on this thread."""
        version = library_version(self.db)
        if version != self._version:
            self._take_in(version, self.session.refresh_library(), library_rows(self.db), None)

    def refresh_in_background(self) -> None:
        """The same, with the reading done by a worker thread; requests during one run it once more."""
        self._refreshes.request()

    def wait(self) -> None:
        """Let a running background refresh finish (the app is closing): what it prepared is dropped,
        as its result may still arrive after the database is closed (a queued signal)."""
        self._refreshes.close()

    def _on_prepared(self, prepared: PreparedLibrary) -> None:
        if self._refreshes.closed:
            return
        if prepared.version != self._version:
            changed = self.session.adopt(prepared.snapshot)
            self._take_in(prepared.version, changed, prepared.tracks, prepared.index)
        if not self._refreshes.pending():
            self.refreshed.emit()

    def _on_failed(self, reason: str) -> None:
        if self._refreshes.closed:
            return
        self.failed.emit(f"Could not reload the library: {reason}")
        if not self._refreshes.pending():
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
