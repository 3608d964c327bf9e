"""The upcoming queue: drag to reorder (which pins), Delete to remove, double-click to play now."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QMenu, QTableView, QVBoxLayout, QWidget

from app.controller import PlayerController
from app.queue_model import QueueModel


class QueueTable(QTableView):
    """The queue's table; ``painted`` says when a repaint of its rows is done (``skipwise bench gui``)."""

    painted = Signal()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted.emit()

    def draw_now(self) -> None:
        """Lay out the rows that changed and paint them at once, with whatever else of the window
        waits to be painted, instead of two passes of the event loop later."""
        self.executeDelayedItemsLayout()
        self.viewport().repaint()


class QueueView(QWidget):
    def __init__(self, controller: PlayerController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.model = QueueModel(controller, self)
        self.table = QueueTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.table.setDragEnabled(True)
        self.table.setAcceptDrops(True)
        self.table.setDropIndicatorShown(True)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 30), (2, 120), (3, 52), (4, 52)):
            header.resizeSection(col, width)
        self.table.doubleClicked.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        remove = QAction(
            "Remove from queue", self.table, shortcut=QKeySequence(QKeySequence.StandardKey.Delete)
        )
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_selected)
        unpin = QAction("Unpin (let the learner place it)", self.table)
        unpin.triggered.connect(self._unpin_selected)
        play = QAction("Play now", self.table)
        play.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])  # and keypad
        play.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        play.triggered.connect(self._play_selected)
        self.actions_ = (play, remove, unpin)
        self.table.addActions(list(self.actions_))
        hint = QLabel(
            "Up next, best first. ▲/▼: how far a song moved after your last play or skip. ◆: placed by you."
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(hint)

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def remove_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        self.controller.remove_from_queue(rows)
        # The row that moved into the gap is selected, so Delete can go on removing, as in any list.
        row = min(rows[0], self.model.rowCount() - 1)
        if row >= 0:
            self.table.selectRow(row)

    def _unpin_selected(self) -> None:
        for row in self.selected_rows():
            self.controller.unpin(row)

    def _play_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            self._activated(self.model.index(rows[0], 0))

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row(index.row())
        if row is not None:
            self.controller.play_track(row.track.id)

    def _menu(self, pos: QPoint) -> None:
        if not self.selected_rows():
            return
        menu = QMenu(self)
        menu.addActions(list(self.actions_))
        menu.exec(self.table.viewport().mapToGlobal(pos))
