"""Rebuilding the library off the GUI thread (the Anki ``QueryOp`` pattern, as a QThread).

Reading 10,000 tracks, refolding the listening history and precomputing the
search keys takes a good tenth of a second; done on the GUI thread after a
scan stored its tags, that would freeze the window. This job does it with its
own connection and hands the result back; the controller swaps it in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from app.library_model import TrackIndex, index_tracks
from engine.api import LibrarySnapshot, TrackRow, library_rows, library_version, load_snapshot, open_db


@dataclass
class PreparedLibrary:
    version: tuple
    snapshot: LibrarySnapshot
    tracks: list[TrackRow]
    index: TrackIndex


def prepare_library(db_path: Path) -> PreparedLibrary:
    db = open_db(db_path, migrate=False)
    try:
        version = library_version(db)  # first: anything stored later is caught by the next refresh
        with db.conn:  # one read transaction: tracks and features from the same moment
            snapshot = load_snapshot(db)
            tracks = library_rows(db)
        return PreparedLibrary(version, snapshot, tracks, index_tracks(tracks))
    finally:
        db.close()


class RefreshJob(QThread):
    done = Signal(object)  # PreparedLibrary
    crashed = Signal(str)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path

    def run(self) -> None:
        try:
            self.done.emit(prepare_library(self.db_path))
        except Exception as exc:  # a failed refresh must not take the player down; the next one retries
            self.crashed.emit(f"{type(exc).__name__}: {exc}")
