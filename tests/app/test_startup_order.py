"""``skipwise`` paints its window first and opens the library in it: the first-run choice comes
over the shown window, and a library that cannot be opened is said so over it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app import gui
from app.main_window import MainWindow
from app.welcome import WelcomeDialog
from tests.engine.helpers import another_programs_database

TRIES = 400  # turns of 25 ms waiting for the dialog, then the window is closed and the test fails


def _answer_when_modal(seen: list[tuple[str, bool, str]], tries: int = TRIES) -> None:
    """Once a modal dialog is up, note it (its kind, whether the window is shown behind it) and close it."""
    dialog = QApplication.activeModalWidget()
    if dialog is None:
        if tries:
            QTimer.singleShot(25, lambda: _answer_when_modal(seen, tries - 1))
        else:
            QApplication.instance().exit(99)  # type: ignore[union-attr]
        return
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    text = dialog.text() if isinstance(dialog, QMessageBox) else ""
    seen.append((type(dialog).__name__, any(w.isVisible() for w in windows), text))
    dialog.reject() if isinstance(dialog, WelcomeDialog) else dialog.close()


def test_the_first_run_choice_comes_over_the_shown_window_and_cancel_quits(
    qapp: Any, tmp_path: Path, skipwise_home: Path
) -> None:
    seen: list[tuple[str, bool, str]] = []
    QTimer.singleShot(0, lambda: _answer_when_modal(seen))
    assert gui.run(["--db", str(tmp_path / "new.db"), "--no-scan"]) == 0
    assert seen == [("WelcomeDialog", True, "")]
    assert not (tmp_path / "new.db").exists(), "nothing was created for a cancelled first run"


def test_a_database_of_another_program_is_said_so_over_the_window(
    qapp: Any, tmp_path: Path, skipwise_home: Path
) -> None:
    foreign = another_programs_database(tmp_path / "other.db", "songs")
    seen: list[tuple[str, bool, str]] = []
    QTimer.singleShot(0, lambda: _answer_when_modal(seen))
    assert gui.run(["--db", str(foreign), "--no-scan"]) == 2
    ((kind, shown, text),) = seen
    assert kind == "QMessageBox" and shown and "not made by Skipwise" in text
