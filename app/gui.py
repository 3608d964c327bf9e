"""Starting the player window: paths, first run, single instance, scan, MPRIS.

:func:`open_player` builds everything around one database and is what the
tests use; :func:`run` is ``skipwise`` / ``skipwise --demo`` on a desktop. It
paints the window first, then opens the library in it: the database layer,
QtMultimedia and the learner are imported and built after that first paint.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import theme
from app.icons import app_icon
from app.main_window import MainWindow
from engine.api import Settings, default_db_path, install_demo, load_settings, save_settings

if TYPE_CHECKING:  # imported when the library is opened, after the window's first paint
    import sqlite_utils

    from app.controller import PlayerController
    from app.fleet_member import FleetMember
    from app.library_scan import LibraryScan


@dataclass
class Player:
    """One open player: its database, controller, window, scanner, fleet membership and MPRIS adaptor."""

    db: sqlite_utils.Database
    controller: PlayerController
    window: MainWindow
    scan: LibraryScan
    fleet: FleetMember
    mpris: object | None = None

    def close(self) -> None:
        self.window.close()  # stores a play in progress as "closed", stops the scan
        self.fleet.stop()  # the SuperNode child, by its id
        if self.mpris is not None:
            self.mpris.stop()  # type: ignore[attr-defined]
        self.db.close()


def open_player(
    db_path: Path,
    folders: list[Path],
    *,
    settings: Settings | None = None,
    analyser: str | None = None,
    workers: int | None = None,
    exploration: float | None = None,
    mpris: bool = True,
    scan: bool = True,
    window: MainWindow | None = None,
) -> Player:
    """``window``: an empty ``MainWindow`` (already shown) to fill in, instead of a new one."""
    from app.controller import PlayerController
    from app.fleet_dialog import add_fleet_menu
    from app.fleet_member import FleetMember
    from app.library_scan import LibraryScan
    from app.resume_setting import add_resume_toggle
    from engine.api import open_db

    settings = settings or Settings()
    db = open_db(db_path)
    controller = PlayerController(
        db, exploration=settings.exploration if exploration is None else exploration
    )
    controller.set_volume(settings.volume)
    scanner = LibraryScan(controller, db_path, workers=workers, analyser=analyser)

    def folders_changed(new: list[Path]) -> None:
        settings.music_folders = [str(f) for f in new]
        save_settings(settings)

    if window is None:
        window = MainWindow(controller, scanner, folders=folders, on_folders_changed=folders_changed)
    else:
        window.folders, window.on_folders_changed = list(folders), folders_changed
        window.fill(controller, scanner)
    add_resume_toggle(window, settings, save_settings)
    fleet = FleetMember(controller, db_path, parent=controller)
    add_fleet_menu(window, fleet)
    if settings.resume_last_song:
        controller.restore_last_song()
    player = Player(db, controller, window, scanner, fleet)
    fleet.start_if_joined()  # off by default: nothing starts unless the listener joined a fleet
    fleet.watch_for_join()  # ... from the dialog or, while the player runs, from a terminal
    if mpris:
        player.mpris = start_mpris(player)
    if scan and folders:
        scanner.start(folders)
    return player


def start_mpris(player: Player) -> object | None:
    """The MPRIS adaptor, or None (with a message) where there is no session bus."""
    if not sys.platform.startswith("linux"):
        return None
    from app.mpris.server import MprisError, MprisServer

    window = player.window

    def raise_window() -> None:
        window.showNormal()
        window.raise_()
        window.activateWindow()

    server = MprisServer(player.controller, raise_window=raise_window, quit_app=window.close)
    try:
        server.start()
    except MprisError as exc:
        text = f"Media keys are off: {exc}."
        QTimer.singleShot(0, lambda: player.controller.message.emit(text))
        return None
    return server


def on_next_paint(window: QWidget, then: Callable[[], None], *, after: bool = True) -> None:
    """Call ``then`` at the window's next paint: on the turn of the event loop after it (``after``),
    or as the paint begins."""

    class NextPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                obj.removeEventFilter(self)
                if after:
                    QTimer.singleShot(0, then)
                else:
                    then()
            return False

    window.installEventFilter(NextPaint(window))


def report_paint(window: QWidget, what: str, then: Callable[[], None] | None = None) -> None:
    """For ``skipwise bench gui``: print "<what> <unix time>" as the window's next paint begins."""

    def say() -> None:
        print(f"{what} {time.time():.6f}", flush=True)
        if then is not None:
            QTimer.singleShot(0, then)

    on_next_paint(window, say, after=False)


def _has_tracks(db_path: Path) -> bool:
    """A database that already knows songs needs no first-run choice."""
    from engine.api import has_tracks, open_db

    if not db_path.exists():
        return False
    db = open_db(db_path)
    try:
        return has_tracks(db)
    finally:
        db.close()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="skipwise", description="Open the Skipwise player window.")
    p.add_argument("--demo", action="store_true", help="open on the bundled demo library")
    p.add_argument("--db", type=Path, metavar="PATH", help=f"database (default: {default_db_path()})")
    p.add_argument("--no-scan", action="store_true", help="do not rescan the music folders at start")
    p.add_argument("--play", action="store_true", help="start playing the queue at once")
    return p


def profile_damaged_message(db_path: Path, exc: Exception) -> str:
    return (
        f"The learned profile in {db_path} cannot be used: {exc}\n\n"
        "Your library and plays are untouched. To start learning again from the prior, run\n"
        f"    skipwise profile reset --db {db_path}\n"
        "(the damaged snapshots are kept for inspection), or import an exported profile with "
        "skipwise profile import."
    )


READY_ENV = (
    "SKIPWISE_REPORT_SHOWN"  # print "shown <unix time>" at the first paint, "ready ..." once filled in
)


def _open_library(
    window: MainWindow, db_path: Path, folders: list[Path], settings: Settings, *, scan: bool
) -> Player | int:
    """Fill the shown window with the player of ``db_path``; else the exit status (after a message,
    or 0 when the first-run choice was cancelled)."""
    from engine.api import ProfileError, SchemaError

    try:
        if not folders and not _has_tracks(db_path):
            from app.welcome import WelcomeDialog

            dialog = WelcomeDialog(window)
            if not dialog.exec():
                return 0
            folders.append(install_demo() if dialog.use_demo else dialog.choice)  # type: ignore[arg-type]
            settings.music_folders = [str(f) for f in folders]
            save_settings(settings)
        player = open_player(db_path, folders, settings=settings, scan=scan, window=window)
    except SchemaError as exc:
        QMessageBox.critical(window, "Skipwise", str(exc))
        return 2
    except ProfileError as exc:  # every stored profile is damaged: say so, never start over silently
        QMessageBox.critical(window, "Skipwise", profile_damaged_message(db_path, exc))
        return 2
    if settings.problem:
        player.controller.message.emit(settings.problem)
    if settings.window:
        player.window.restore_layout(settings.window)
    return player


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.demo and not os.environ.get("SKIPWISE_HOME"):
        # The demo never mixes its songs and plays into the user's own library.
        os.environ["SKIPWISE_HOME"] = str(Path(platformdirs.user_data_dir("skipwise")) / "demo")
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    ):
        print(
            "skipwise: no display found. The player needs a desktop session; "
            "`skipwise demo` shows the learner in a terminal, and `skipwise --help` lists the commands.",
            file=sys.stderr,
        )
        return 2
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Skipwise")
    app.setDesktopFileName("skipwise")
    app.setWindowIcon(app_icon())
    theme.follow_system(app)  # type: ignore[arg-type]

    from app.single_instance import acquire

    db_path = args.db or default_db_path()
    lock = acquire(db_path)
    if lock is None:
        QMessageBox.information(None, "Skipwise", "Skipwise is already running with this library.")
        return 1
    settings = load_settings()
    folders = [Path(f) for f in settings.music_folders]
    if args.demo:
        folders = [install_demo()]
    window = MainWindow(None, None, folders=folders)
    if settings.window:
        window.restore_geometry(settings.window)
    report = bool(os.environ.get(READY_ENV))  # ``skipwise bench gui``: "shown", then "ready", then quit
    opened: list[Player] = []

    def open_library() -> None:
        try:
            player = _open_library(window, db_path, folders, settings, scan=not args.no_scan)
        except BaseException:
            app.exit(2)
            raise
        if isinstance(player, int):
            app.exit(player)
            return
        opened.append(player)
        if args.play:
            QTimer.singleShot(0, player.controller.play)
        if report:
            report_paint(window, "ready", app.quit)

    if report:
        report_paint(window, "shown")
    on_next_paint(window, open_library)
    window.show()
    code = app.exec()
    if opened:
        player = opened[0]
        settings.volume = player.controller.volume()
        settings.window = player.window.layout_state()
        save_settings(settings)
        player.close()
    else:
        window.close()
    lock.unlock()
    return code
