"""Finding (or making) one of the main window's menus by its name, for the settings added to it."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu


def _label(text: str) -> str:
    return text.replace("&", "")


def menu_named(window: QMainWindow, name: str, *, before: str | None = None) -> QMenu:
    """The menu bar's menu ``name``; made when missing, placed before the menu ``before`` if there is one."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and _label(action.text()) == name:
            return menu
    menu = QMenu(f"&{name}", window)
    place = next((a for a in window.menuBar().actions() if _label(a.text()) == before), None)
    if place is not None:
        window.menuBar().insertMenu(place, menu)
    else:
        window.menuBar().addMenu(menu)
    return menu
