"""The library table: every playable track, sortable, with instant search.

Search and sort run in plain Python over precomputed keys rather than through
a ``QSortFilterProxyModel`` calling back into Python once per row, so typing
in the search box stays instant on 10,000 songs. Every word typed must appear
in the title, artist, album or genre (case- and accent-insensitive), the way
Quod Libet's and foobar2000's simple searches behave.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.persistent_rows import follow_rows
from engine.api import TrackRow

Index = QModelIndex | QPersistentModelIndex


def fold(text: str) -> str:
    """Lower-case without accents: ``Beyoncé`` and ``beyonce`` match."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def format_ms(ms: int) -> str:
    seconds = max(int(ms), 0) // 1000
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _album_key(t: TrackRow) -> tuple[str, str, int, int]:
    """Two albums of one name stay apart (by album artist, else artist), each in disc and track order.

    Sorting by Artist uses it after the artist: that artist's albums, each in order.
    """
    return (fold(t.album), fold(t.album_artist or t.artist), t.disc_number or 0, t.track_number or 0)


COLUMNS: tuple[tuple[str, Callable[[TrackRow], Any], Callable[[TrackRow], Any]], ...] = (
    # header, display, sort key
    ("Title", lambda t: t.title, lambda t: fold(t.title)),
    ("Artist", lambda t: t.artist, lambda t: (fold(t.artist), *_album_key(t))),
    ("Album", lambda t: t.album, lambda t: _album_key(t)),
    ("#", lambda t: t.track_number or "", lambda t: t.track_number or 0),
    ("Genre", lambda t: t.genre, lambda t: fold(t.genre)),
    ("Year", lambda t: t.year or "", lambda t: t.year or 0),
    ("Length", lambda t: format_ms(t.duration_ms) if t.duration_ms else "", lambda t: t.duration_ms),
)


@dataclass
class TrackIndex:
    """Folded search text and sort keys per track; pure Python, so it can be built on any thread."""

    hay: dict[TrackRow, str] = field(default_factory=dict)
    keys: dict[TrackRow, tuple] = field(default_factory=dict)


def search_text(t: TrackRow) -> str:
    return fold(f"{t.title}\n{t.artist}\n{t.album}\n{t.genre}")


def index_tracks(tracks: list[TrackRow], previous: TrackIndex | None = None) -> TrackIndex:
    """The index of ``tracks``, reusing what ``previous`` already computed for unchanged rows."""
    old = previous or TrackIndex()
    return TrackIndex(
        {t: old.hay.get(t) or search_text(t) for t in tracks},
        {t: old.keys.get(t) or tuple(key(t) for _, _, key in COLUMNS) for t in tracks},
    )


class LibraryModel(QAbstractTableModel):
    TrackIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[TrackRow] = []
        # Search text and sort keys: from an index prepared off the GUI thread when there is one, else
        # made the first time a search or a sort by that column needs them (10,000 songs fold in 0.2 s).
        self._haystack: list[str] | None = None
        self._index = TrackIndex()
        self._column_keys: dict[int, dict[TrackRow, Any]] = {}
        self._rows: list[TrackRow] = []
        self._row_of: dict[int, int] = {}  # track id -> its row now, so a skip never scans the rows
        self._query = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._playing: int | None = None  # its row is shown in bold
        self._bold = QFont()
        self._bold.setBold(True)

    def set_playing(self, track_id: int | None) -> None:
        """Mark the track now playing (or paused); None: nothing plays."""
        if track_id == self._playing:
            return
        rows = [r for t in (self._playing, track_id) if t is not None and (r := self.row_of(t)) is not None]
        self._playing = track_id
        for r in rows:
            # createIndex, not index(): no rowCount() round trip into Python for a row known to exist
            self.dataChanged.emit(
                self.createIndex(r, 0), self.createIndex(r, len(COLUMNS) - 1), [Qt.ItemDataRole.FontRole]
            )

    def set_tracks(
        self,
        tracks: list[TrackRow],
        *,
        sort: tuple[int, Qt.SortOrder] | None = None,
        index: TrackIndex | None = None,
    ) -> None:
        """Show ``tracks``; ``index`` may bring their search text and keys already computed."""
        self.beginResetModel()
        if sort is not None:
            self._sort = sort
        self._all = list(tracks)
        if index is not None:
            self._index = index
        self._haystack = None
        current = set(self._all)
        for column, keys in self._column_keys.items():
            if len(keys) > 2 * len(current):  # rows replaced by a refresh: their keys go
                self._column_keys[column] = {t: k for t, k in keys.items() if t in current}
        self._show(self._select())
        self.endResetModel()

    def set_query(self, text: str) -> None:
        query = fold(text.strip())
        if query == self._query:
            return
        self._query = query
        self._relayout()

    def track_at(self, row: int) -> TrackRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, track_id: int) -> int | None:
        return self._row_of.get(track_id)

    def tracks(self) -> list[TrackRow]:
        return self._all

    def _relayout(self) -> None:
        """Rows re-filtered and re-sorted; the selection and current row follow their songs."""
        self.layoutAboutToBeChanged.emit()
        before = [t.id for t in self._rows]
        self._show(self._select())
        follow_rows(self, before, [t.id for t in self._rows])
        self.layoutChanged.emit()

    def _show(self, rows: list[TrackRow]) -> None:
        self._rows = rows
        self._row_of = {t.id: i for i, t in enumerate(rows)}

    def _select(self) -> list[TrackRow]:
        words = self._query.split()
        rows = (
            [t for t, hay in zip(self._all, self._hay(), strict=True) if all(w in hay for w in words)]
            if words
            else list(self._all)
        )
        if self._sort is not None:
            column, order = self._sort
            rows.sort(key=self._sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        return rows

    def _hay(self) -> list[str]:
        if self._haystack is None:
            hay = self._index.hay
            self._haystack = [hay.get(t) or hay.setdefault(t, search_text(t)) for t in self._all]
        return self._haystack

    def _sort_key(self, column: int) -> Callable[[TrackRow], Any]:
        prepared = self._index.keys
        made = self._column_keys.setdefault(column, {})
        key = COLUMNS[column][2]

        def sort_key(t: TrackRow) -> Any:
            keys = prepared.get(t)
            if keys is not None:
                return keys[column]
            value = made.get(t)
            if value is None:
                value = made[t] = key(t)
            return value

        return sort_key

    # Qt's model interface

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        track = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(COLUMNS[index.column()][1](track))
        if role == Qt.ItemDataRole.ToolTipRole:
            return track.path
        if role == self.TrackIdRole:
            return track.id
        if role == Qt.ItemDataRole.FontRole and track.id == self._playing:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[index.column()][0] in (
            "#",
            "Year",
            "Length",
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self._sort == (column, order):
            return  # the header says it again (restoring the window's layout): already in that order
        self._sort = (column, order)
        self._relayout()
