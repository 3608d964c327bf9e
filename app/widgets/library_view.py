"""The library: a search box over a sortable table; double-click or Enter plays a song now."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.controller import PlayerController
from app.library_model import LibraryModel


class LibraryView(QWidget):
    def __init__(self, controller: PlayerController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.model = LibraryModel(self)
        self.search = QLineEdit(placeholderText="Search title, artist, album, genre  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.model.set_query)
        self.search.returnPressed.connect(self._play_first_hit)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for col, width in enumerate((200, 150, 150, 32, 90, 48, 56)):
            header.resizeSection(col, width)
        self.table.doubleClicked.connect(self._activated)
        controller.trackChanged.connect(
            lambda: self.model.set_playing(controller.now.track.id if controller.now else None)
        )
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        play = QAction("Play now", self.table)
        play.setShortcuts(
            [QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)]
        )  # and the keypad's
        play.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        play.triggered.connect(lambda: self._on_selected(controller.play_track))
        add_next = QAction("Play next", self.table)
        add_next.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        add_next.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        add_next.triggered.connect(lambda: self._on_selected(controller.add_next, reverse=True))
        enqueue = QAction("Add to queue", self.table)
        enqueue.setShortcuts([QKeySequence("Shift+Return"), QKeySequence("Shift+Enter")])
        enqueue.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        enqueue.triggered.connect(lambda: self._on_selected(controller.enqueue))
        self.actions_ = (play, add_next, enqueue)
        self.table.addActions(list(self.actions_))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        controller.libraryChanged.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        tracks = list(self.controller.tracks.values())
        if tracks == self.model.tracks():
            return  # features filled in: nothing the table shows has changed
        selected = self.selected_ids()
        header = self.table.horizontalHeader()
        self.model.set_tracks(
            tracks,
            sort=(header.sortIndicatorSection(), header.sortIndicatorOrder()),
            index=self.controller.library.index,
        )
        self._select_ids(selected)

    def _select_ids(self, ids: list[int]) -> None:
        """Select the rows of ``ids`` again after a reload (the first one current)."""
        rows = [r for t in ids if (r := self.model.row_of(t)) is not None]
        if not rows:
            return
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for r in rows:
            selection.select(self.model.index(r, 0), self.model.index(r, last))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.table.selectionModel().select(selection, flags)
        current = self.model.index(rows[0], 0)
        self.table.selectionModel().setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [t.id for r in rows if (t := self.model.track_at(r)) is not None]

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_selected(self, action: object, *, reverse: bool = False) -> None:
        ids = self.selected_ids()
        if action is self.controller.play_track:
            ids = ids[:1]
        for track_id in reversed(ids) if reverse else ids:
            action(track_id)  # type: ignore[operator]

    def _activated(self, index: QModelIndex) -> None:
        track = self.model.track_at(index.row())
        if track is not None:
            self.controller.play_track(track.id)

    def _play_first_hit(self) -> None:
        track = self.model.track_at(0)
        if track is not None:
            self.controller.play_track(track.id)

    def _menu(self, pos: QPoint) -> None:
        if not self.selected_ids():
            return
        menu = QMenu(self)
        menu.addActions(list(self.actions_))
        menu.exec(self.table.viewport().mapToGlobal(pos))
