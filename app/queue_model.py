"""The upcoming queue as a table: song, predicted play-through, and how far it just moved.

Rows can be dragged to a new place (which pins them: re-ranking leaves them
where the user put them) and removed; both go through the controller. When
the controller's queue changes, the model tells its views only what did:
rows removed, moved and inserted (``beginRemoveRows``, ``beginMoveRows``,
``beginInsertRows``) and the cells whose text changed, never a reset. So a
skip redraws a few rows, and a selected song stays selected wherever it went.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.controller import PlayerController, QueueRow

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
DISPLAY, TOOLTIP, FOREGROUND, ALIGNMENT = (
    int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                     Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole)
)  # fmt: skip
TRACK_ID = int(Qt.ItemDataRole.UserRole) + 1
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
Cells = tuple[dict[int, Any], ...]  # one dict of role -> value per column


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


def _cells_of(position: int, row: QueueRow) -> Cells:
    """What each column of the queue row at ``position`` shows, role by role."""
    track = row.track
    pin = "\nPinned: you placed it here, re-ranking leaves it." if row.pinned else ""
    tip = f"{track.title} — {track.artist}\n{track.album}{pin}"
    texts = (
        "◆" if row.pinned else str(position + 1),
        track.title,
        track.artist,
        "" if row.p is None else f"{row.p:.0%}",
        move_text(row),
    )
    cells = []
    for col, text in enumerate(texts):
        cell: dict[int, Any] = {DISPLAY: text, TOOLTIP: tip, TRACK_ID: track.id}
        if col in (0, 3, 4):
            cell[ALIGNMENT] = RIGHT
        if col == 4 and row.move is not None and row.move.delta:
            cell[FOREGROUND] = UP if row.move.delta > 0 else DOWN
        cells.append(cell)
    return tuple(cells)


class QueueModel(QAbstractTableModel):
    TrackIdRole = TRACK_ID

    def __init__(self, controller: PlayerController, parent: Any = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._rows: list[QueueRow] = []
        self._cells: list[Cells] = []  # row by row, as shown; empty while the rows are being moved
        controller.queueChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """The queue as the controller has it now, told to the views as removals, moves and inserts."""
        new = self.controller.queue_rows()
        ids = [r.track.id for r in new]
        if len(set(ids)) != len(ids):  # a song twice: no way to say which one moved
            self.beginResetModel()
            self._rows = new
            self._cells = [_cells_of(i, r) for i, r in enumerate(new)]
            self.endResetModel()
            return
        self._cells = []
        was_at = {r.track.id: i for i, r in enumerate(self._rows)}
        self._remove_gone(set(ids))
        self._move_and_insert(new)
        old, self._rows = self._rows, new
        self._cells = [_cells_of(i, r) for i, r in enumerate(new)]
        # A cell changed when its song's numbers did, or when the row's number (column 0) did.
        changed = [
            i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b or was_at.get(b.track.id) != i
        ]
        if changed:
            self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], len(COLUMNS) - 1))

    def _remove_gone(self, keep: set[int]) -> None:
        """Rows whose song left the queue, removed bottom up, a run of neighbours at a time."""
        row = len(self._rows) - 1
        while row >= 0:
            if self._rows[row].track.id in keep:
                row -= 1
                continue
            last = row
            while row > 0 and self._rows[row - 1].track.id not in keep:
                row -= 1
            self.beginRemoveRows(QModelIndex(), row, last)
            del self._rows[row : last + 1]
            self.endRemoveRows()
            row -= 1

    def _move_and_insert(self, new: list[QueueRow]) -> None:
        """Rows put in ``new``'s order: each song already there moved up to its place, new ones inserted."""
        for target, row in enumerate(new):
            if target < len(self._rows) and self._rows[target].track.id == row.track.id:
                continue
            source = next(
                (i for i in range(target + 1, len(self._rows)) if self._rows[i].track.id == row.track.id),
                None,
            )
            if source is None:
                self.beginInsertRows(QModelIndex(), target, target)
                self._rows.insert(target, row)
                self.endInsertRows()
            else:
                self.beginMoveRows(QModelIndex(), source, source, QModelIndex(), target)
                self._rows.insert(target, self._rows.pop(source))
                self.endMoveRows()

    def row(self, i: int) -> QueueRow | None:
        return self._rows[i] if 0 <= i < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called some ten times per cell at every repaint: one dict lookup, made when the rows change.
        r = index.row()
        if r < 0 or r >= len(self._rows):
            return None
        cells = self._cells[r] if r < len(self._cells) else None
        if cells is None:  # asked while the rows are being moved (the views do not, but may)
            cells = _cells_of(r, self._rows[r])
        return cells[index.column()].get(role)

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
        # Asked for every cell at every repaint: constants, not an enum "|" (a Python call) each time.
        return ROW_FLAGS if index.isValid() else Qt.ItemFlag.ItemIsDropEnabled

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
