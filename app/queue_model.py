"""The upcoming queue as a table: song, predicted play-through, and how far it just moved.

Rows can be dragged to a new place (which pins them: re-ranking leaves them
where the user put them) and removed; both go through the controller, and the
model is rebuilt from the controller's queue afterwards.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.controller import PlayerController, QueueRow
from app.persistent_rows import follow_rows

Index = QModelIndex | QPersistentModelIndex
MIME = "application/x-skipwise-queue-rows"
COLUMNS = ("", "Song", "Artist", "Finish", "Moved")
HEADER_TIPS = (
    "Position; ◆ marks a song you placed, which re-ranking leaves where it is",
    "",
    "",
    "The learner's predicted chance that you let the song play through",
    "How far the song moved in the queue after your last play or skip",
)
UP, DOWN = QColor(46, 160, 67), QColor(207, 34, 46)


def move_text(row: QueueRow) -> str:
    """``▲ 3``, ``▼ 2``, ``new`` or nothing, from the last re-rank."""
    move = row.move
    if move is None:
        return ""
    if move.delta is None:
        return "new"
    if move.delta > 0:
        return f"▲ {move.delta}"
    if move.delta < 0:
        return f"▼ {-move.delta}"
    return ""


class QueueModel(QAbstractTableModel):
    TrackIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, controller: PlayerController, parent: Any = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._rows: list[QueueRow] = []
        controller.queueChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """The queue as the controller has it now; a selected song stays selected wherever it moved."""
        self.layoutAboutToBeChanged.emit()
        before = [r.track.id for r in self._rows]
        self._rows = self.controller.queue_rows()
        follow_rows(self, before, [r.track.id for r in self._rows])
        self.layoutChanged.emit()

    def row(self, i: int) -> QueueRow | None:
        return self._rows[i] if 0 <= i < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return "◆" if row.pinned else str(index.row() + 1)
            if col == 1:
                return row.track.title
            if col == 2:
                return row.track.artist
            if col == 3:
                return "" if row.p is None else f"{row.p:.0%}"
            return move_text(row)
        if role == Qt.ItemDataRole.ForegroundRole and col == 4 and row.move and row.move.delta:
            return UP if row.move.delta > 0 else DOWN
        if role == Qt.ItemDataRole.ToolTipRole:
            pin = "\nPinned: you placed it here, re-ranking leaves it." if row.pinned else ""
            return f"{row.track.title} — {row.track.artist}\n{row.track.album}{pin}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.TrackIdRole:
            return row.track.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        return None

    # drag and drop within the queue

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        data = QMimeData()
        rows = sorted({i.row() for i in indexes})
        data.setData(MIME, QByteArray(",".join(map(str, rows)).encode()))
        return data

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if action != Qt.DropAction.MoveAction or not data.hasFormat(MIME):
            return False
        src_rows = [int(r) for r in bytes(data.data(MIME).data()).decode().split(",") if r]
        if not src_rows:
            return False
        before = row if row >= 0 else (parent.row() if parent.isValid() else len(self._rows))
        self.controller.move_in_queue(src_rows, before)
        return False  # the controller rebuilt the queue; Qt must not remove the source rows itself
