"""Playback > "Resume the last song at start-up": the setting that brings back, paused where it was,
the song the last run was closed (or killed) in, as Strawberry and foobar2000 offer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from app.menus import menu_named
from engine.api import Settings

LABEL = "Resume the last song at start-up"
TIP = "Bring back, paused where it was, the song Skipwise was closed or stopped in"


def add_resume_toggle(window: QMainWindow, settings: Settings, save: Callable[[Settings], None]) -> QAction:
    """A checkable action at the end of the window's Playback menu; a change is saved at once."""
    action = QAction(LABEL, window, checkable=True, checked=settings.resume_last_song)
    action.setToolTip(TIP)
    action.setStatusTip(TIP)

    def toggled(on: bool) -> None:
        settings.resume_last_song = on
        save(settings)

    action.toggled.connect(toggled)
    menu = menu_named(window, "Playback")
    menu.addSeparator()
    menu.addAction(action)
    return action
