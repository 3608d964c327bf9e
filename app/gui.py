"""Starting the player window: paths, first run, single instance, scan, MPRIS.

:func:`open_player` builds everything around one database and is what the
tests use; :func:`run` is ``skipwise`` / ``skipwise --demo`` on a desktop.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import sqlite_utils
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import theme
from app.controller import PlayerController
from app.fleet_dialog import add_fleet_menu
from app.fleet_member import FleetMember
from app.icons import app_icon
from app.library_scan import LibraryScan
from app.main_window import MainWindow
from app.resume_setting import add_resume_toggle
from engine.api import (
    ProfileError,
    SchemaError,
    Settings,
    default_db_path,
    has_tracks,
    install_demo,
    load_settings,
    open_db,
    save_settings,
)


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
) -> Player:
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

    window = MainWindow(controller, scanner, folders=folders, on_folders_changed=folders_changed)
    add_resume_toggle(window, settings, save_settings)
    fleet = FleetMember(controller, db_path, parent=controller)
    add_fleet_menu(window, fleet)
    if settings.resume_last_song:
        controller.restore_last_song()
    player = Player(db, controller, window, scanner, fleet)
    fleet.start_if_joined()  # off by default: nothing starts unless the listener joined a fleet
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


def report_first_paint(window: QWidget, app: QApplication) -> None:
    """For ``skipwise bench gui``: print "shown <unix time>" at the window's first paint, then quit."""

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                print(f"shown {time.time():.6f}", flush=True)
                obj.removeEventFilter(self)
                QTimer.singleShot(0, app.quit)
            return False

    window.installEventFilter(FirstPaint(window))


def _has_tracks(db_path: Path) -> bool:
    """A database that already knows songs needs no first-run choice."""
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
    elif not folders and not _has_tracks(db_path):
        from app.welcome import WelcomeDialog

        dialog = WelcomeDialog()
        if not dialog.exec():
            return 0
        folders = [install_demo() if dialog.use_demo else dialog.choice]  # type: ignore[list-item]
        settings.music_folders = [str(f) for f in folders]
        save_settings(settings)
    try:
        player = open_player(db_path, folders, settings=settings, scan=not args.no_scan)
    except SchemaError as exc:
        QMessageBox.critical(None, "Skipwise", str(exc))
        return 2
    except ProfileError as exc:  # every stored profile is damaged: say so, never start over silently
        QMessageBox.critical(None, "Skipwise", profile_damaged_message(db_path, exc))
        return 2
    if settings.problem:
        player.controller.message.emit(settings.problem)
    if settings.window:
        player.window.restore_layout(settings.window)
    if os.environ.get("SKIPWISE_REPORT_SHOWN"):
        report_first_paint(player.window, app)
    player.window.show()
    if args.play:
        QTimer.singleShot(0, player.controller.play)
    code = app.exec()
    settings.volume = player.controller.volume()
    settings.window = player.window.layout_state()
    save_settings(settings)
    player.close()
    lock.unlock()
    return code
