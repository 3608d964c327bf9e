"""The main window: now playing on top, library and queue side by side, the weight panel docked.

It can be shown before the player exists (``MainWindow(None, None, ...)``, then
:meth:`MainWindow.fill`): ``skipwise`` paints the window first and opens the
library, QtMultimedia and the learner after that first paint.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.icons import app_icon
from app.widgets.seek_slider import PAGE_MS, STEP_MS

if TYPE_CHECKING:  # imported by ``fill``, after the first paint: they bring QtMultimedia and the engine
    from app.controller import PlayerController
    from app.library_scan import LibraryScan

SEEK_STEP_MS = 10_000
VOLUME_STEP = 0.05
MESSAGE_MS = 8000

# (menu, label, shortcuts, slot name on the window) - also the Help > Keyboard shortcuts list
SHORTCUTS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("Playback", "Play / pause", ("Space", "Media Play"), "play_pause"),
    ("Playback", "Stop", ("Ctrl+.", "Media Stop"), "stop"),
    ("Playback", "Next (skip)", ("Ctrl+Right", "Media Next"), "next"),
    ("Playback", "Previous", ("Ctrl+Left", "Media Previous"), "previous"),
    ("Playback", "Seek forward 10 s", ("Alt+Right",), "seek_forward"),
    ("Playback", "Seek back 10 s", ("Alt+Left",), "seek_back"),
    ("Playback", "Volume up", ("Ctrl+Up",), "volume_up"),
    ("Playback", "Volume down", ("Ctrl+Down",), "volume_down"),
    ("Library", "Search", ("Ctrl+F",), "focus_search"),
    ("Library", "Add music folder…", ("Ctrl+O",), "add_folder"),
    ("Library", "Rescan music folders", ("F5",), "rescan"),
    ("Library", "Remove a music folder…", (), "remove_folder"),
    ("Learner", "Undo last update", ("Ctrl+Z",), "undo"),
    ("Learner", "Show weight panel", ("Ctrl+L",), "toggle_panel"),
    ("Library", "Quit", ("Ctrl+Q",), "close"),
)
# Keys that are no action of their own: the search box's Return, and QSlider's keys on the position
# bar, with the steps of SeekSlider.
WIDGET_KEYS = [
    ("Search box: play the first hit", "Return"),
    (f"Position bar: seek {STEP_MS // 1000} s", "Left, Right"),
    (f"Position bar: seek {3 * STEP_MS // 1000} s", "mouse wheel"),
    (f"Position bar: seek {PAGE_MS // 1000} s", "Page Up, Page Down"),
    ("Position bar: to the start / the end", "Home / End"),
]


class MainWindow(QMainWindow):
    def __init__(
        self,
        controller: PlayerController | None,
        scan: LibraryScan | None,
        *,
        folders: list[Path],
        on_folders_changed: Callable[[list[Path]], None] | None = None,
    ) -> None:
        """``controller`` and ``scan`` None: the window opens empty, saying so, until :meth:`fill`."""
        super().__init__()
        self.folders = list(folders)
        self.on_folders_changed = on_folders_changed
        self.setWindowTitle("Skipwise")
        self.setWindowIcon(app_icon())
        self.resize(1280, 800)
        self.status_text = QLabel()
        self.message_ms = MESSAGE_MS
        self._message_timer = QTimer(self, singleShot=True)
        self._message_timer.timeout.connect(self.status_text.clear)
        self.progress = QProgressBar(maximumWidth=260, textVisible=True)
        self.progress.hide()
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.actions_by_slot: dict[str, QAction] = {}
        if controller is None or scan is None:
            opening = QLabel("Opening your library…", alignment=Qt.AlignmentFlag.AlignCenter)
            opening.setEnabled(False)
            self.setCentralWidget(opening)
        else:
            self.fill(controller, scan)

    def fill(self, controller: PlayerController, scan: LibraryScan) -> None:
        """Build the player's views around ``controller`` (once)."""
        from app.widgets.library_view import LibraryView
        from app.widgets.now_playing import NowPlaying
        from app.widgets.queue_view import QueueView
        from app.widgets.weight_panel import WeightPanel

        self.controller = controller
        self.scan = scan
        self.now_playing = NowPlaying(controller)
        self.library = LibraryView(controller)
        self.queue = QueueView(controller)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._titled("Library", self.library))
        split.addWidget(self._titled("Queue", self.queue))
        split.setSizes([560, 520])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.now_playing)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)

        self.weights = WeightPanel(controller)
        self.dock = QDockWidget("Learner: 42 weights, live", self, objectName="weights")
        self.dock.setWidget(self.weights)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.resizeDocks([self.dock], [430], Qt.Orientation.Horizontal)
        self._build_menus()

        # What a skip leaves for after the queue's repaint, the last thing the user waits for: queued, so
        # it runs once the paint is done. The durable commit, the weight panel and the cover reading.
        self.queue.table.painted.connect(self._queue_painted, Qt.ConnectionType.QueuedConnection)
        controller.message.connect(self.show_message)
        controller.trackChanged.connect(self._update_title)
        controller.drawNow.connect(self._draw_now)
        scan.progress.connect(self._scan_progress)
        scan.finished.connect(lambda _result: self.progress.hide())
        self._update_title()

    # ------------------------------------------------------------------ commands

    def play_pause(self) -> None:
        self.controller.play_pause()

    def stop(self) -> None:
        self.controller.stop()

    def next(self) -> None:
        self.controller.next()

    def previous(self) -> None:
        self.controller.previous()

    def seek_forward(self) -> None:
        self.controller.seek_by(SEEK_STEP_MS)

    def seek_back(self) -> None:
        self.controller.seek_by(-SEEK_STEP_MS)

    def volume_up(self) -> None:
        self.controller.set_volume(self.controller.volume() + VOLUME_STEP)

    def volume_down(self) -> None:
        self.controller.set_volume(self.controller.volume() - VOLUME_STEP)

    def focus_search(self) -> None:
        self.library.focus_search()

    def undo(self) -> None:
        if not self.controller.undo():
            self.show_message("Nothing to undo.")

    def toggle_panel(self) -> None:
        self.dock.setVisible(not self.dock.isVisible())

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a music folder")
        if folder:
            self.add_music_folder(Path(folder))

    def add_music_folder(self, folder: Path) -> None:
        if not folder.is_dir():
            self.show_message(f"{folder} is not a folder: nothing was added.")
            return
        if folder not in self.folders:
            self.folders.append(folder)
            if self.on_folders_changed:
                self.on_folders_changed(self.folders)
        self.rescan()

    def remove_folder(self) -> None:
        if not self.folders:
            self.show_message("No music folder to remove.")
            return
        names = [str(f) for f in self.folders]
        name, ok = QInputDialog.getItem(
            self, "Remove a music folder",
            "Its songs leave the library (their plays are kept; adding the folder again brings them back):",
            names, 0, False,
        )  # fmt: skip
        if ok:
            self.remove_music_folder(self.folders[names.index(name)])

    def remove_music_folder(self, folder: Path) -> None:
        """``folder`` is no longer scanned; its songs leave the library (not its other folders')."""
        if folder not in self.folders:
            return
        scanning = self.scan.running()
        self.scan.cancel()  # a scan of the old folder list must not bring them back
        self.folders.remove(folder)
        if self.on_folders_changed:
            self.on_folders_changed(self.folders)
        from engine.api import leave_library

        gone = leave_library(self.controller.db, folder, self.folders)
        self.controller.refresh_library()
        self.show_message(f"Removed {folder}: {gone} song{'s' * (gone != 1)} left the library.")
        if scanning and self.folders:
            self.scan.start(self.folders)  # the rest of the scan that was cut short

    def rescan(self) -> None:
        if not self.folders:
            self.show_message("No music folder yet: Library > Add music folder.")
        elif not self.scan.start(self.folders):
            self.show_message("A scan is already running.")

    def show_message(self, text: str) -> None:
        """Show ``text`` for ``message_ms`` (a newer one replaces it); the tooltip keeps it."""
        self.status_text.setText(text)
        self.statusBar().setToolTip(text)
        self._message_timer.start(self.message_ms)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(what, keys) for Help > Keyboard shortcuts: the window's, then those of the library and
        the queue, read from their actions so that the list cannot fall behind the bindings."""
        rows = [(label, ", ".join(keys)) for _, label, keys, _ in SHORTCUTS]
        for part, view in (("Library", self.library), ("Queue", self.queue)):
            for action in view.actions_:
                keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
                if keys:
                    rows.append((f"{part}: {action.text()}", ", ".join(keys)))
        rows += WIDGET_KEYS
        return rows

    def show_shortcuts(self) -> None:
        lines = [f"<tr><td>{html.escape(what)}</td><td><b>{html.escape(keys)}</b></td></tr>"
                 for what, keys in self.shortcut_rows()]  # fmt: skip
        QMessageBox.information(self, "Keyboard shortcuts", "<table>" + "".join(lines) + "</table>")

    def about(self) -> None:
        QMessageBox.about(
            self,
            "About Skipwise",
            "<b>Skipwise</b><br>An offline music player that learns your taste from how long you listen."
            "<br>42 weights, trained on this computer after every play and skip. Nothing leaves it.",
        )

    # ------------------------------------------------------------------ plumbing

    def _titled(self, title: str, widget: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(f"<b>{title}</b>")
        layout.addWidget(label)
        layout.addWidget(widget, 1)
        return box

    def _build_menus(self) -> None:
        menus: dict[str, object] = {}
        for menu_name, label, keys, slot in SHORTCUTS:
            menu = menus.get(menu_name) or self.menuBar().addMenu(f"&{menu_name}")
            menus[menu_name] = menu
            action = QAction(label, self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.triggered.connect(getattr(self, slot))
            menu.addAction(action)  # type: ignore[attr-defined]
            self.addAction(action)  # shortcuts work wherever the focus is in the window
            self.actions_by_slot[slot] = action
        learner = menus["Learner"]
        for label, slot in (
            ("Reset profile…", self.weights.ask_reset),
            ("Export profile…", self.weights.ask_export),
            ("Import profile…", self.weights.ask_import),
        ):
            action = QAction(label, self)
            action.triggered.connect(slot)
            learner.addAction(action)  # type: ignore[attr-defined]
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("Keyboard shortcuts", self.show_shortcuts)
        help_menu.addAction("About Skipwise", self.about)

    def _draw_now(self) -> None:
        if self.isVisible() and not self.isMinimized() and self.queue.table.isVisible():
            self.queue.table.draw_now()

    def _queue_painted(self) -> None:
        self.controller.commit_pending()
        self.now_playing.read_cover_now()
        self.weights.catch_up_soon()

    def _scan_progress(self, stage: str, done: int, total: int) -> None:
        self.progress.show()
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        what = "Reading tags" if stage == "tags" else "Analysing audio"
        self.progress.setFormat(f"{what} %v/%m")

    def _update_title(self) -> None:
        now = self.controller.now
        if now is None:
            self.setWindowTitle("Skipwise")
            return
        song = " — ".join(part for part in (now.track.title or "Untitled", now.track.artist) if part)
        self.setWindowTitle(f"{song} · Skipwise")

    def _headers(self) -> tuple[QHeaderView, QHeaderView]:
        return self.library.table.horizontalHeader(), self.queue.table.horizontalHeader()

    def layout_state(self) -> str:
        """Geometry, dock layout, and the library's and queue's columns (widths, order, sort), base64."""
        parts = [self.saveGeometry(), self.saveState(), *(h.saveState() for h in self._headers())]
        return "|".join(p.toBase64().data().decode("ascii") for p in parts)

    def restore_geometry(self, text: str) -> None:
        """The window's place and size from ``layout_state`` (before ``fill``: the rest needs the views)."""
        data = QByteArray.fromBase64(text.encode("ascii", "ignore").split(b"|")[0])
        if not data.isEmpty():
            self.restoreGeometry(data)

    def restore_layout(self, text: str) -> None:
        """The layout of ``layout_state``; a damaged or older (shorter) setting restores what it can."""
        parts = [QByteArray.fromBase64(p) for p in text.encode("ascii", "ignore").split(b"|")]
        restore = [self.restoreGeometry, self.restoreState, *(h.restoreState for h in self._headers())]
        for apply, data in zip(restore, parts, strict=False):
            if not data.isEmpty():
                apply(data)

    def closeEvent(self, event: QCloseEvent) -> None:
        if hasattr(self, "controller"):  # not closed while the library was still being opened
            self.scan.cancel()
            self.controller.shutdown()
        super().closeEvent(event)
