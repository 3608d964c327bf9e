"""Light or dark, as the desktop says, and again whenever the desktop changes its mind."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

Role = QPalette.ColorRole


def dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor(30, 31, 34), QColor(43, 45, 48), QColor(223, 225, 229)
    for role, color in (
        (Role.Window, window), (Role.WindowText, text), (Role.Base, base), (Role.AlternateBase, window),
        (Role.ToolTipBase, window), (Role.ToolTipText, text), (Role.Text, text), (Role.Button, window),
        (Role.ButtonText, text), (Role.BrightText, QColor(255, 85, 85)), (Role.Link, QColor(96, 165, 250)),
        (Role.Highlight, QColor(59, 130, 246)), (Role.HighlightedText, QColor(255, 255, 255)),
        (Role.PlaceholderText, QColor(140, 143, 150)),
    ):  # fmt: skip
        p.setColor(role, color)
    for role in (Role.Text, Role.ButtonText, Role.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(120, 122, 128))
    return p


def is_dark(palette: QPalette) -> bool:
    return palette.color(Role.Window).lightness() < 128


def apply_scheme(app: QApplication, scheme: Qt.ColorScheme) -> None:
    """Dark palette for a dark desktop; the style's own light palette otherwise."""
    app.setPalette(dark_palette() if scheme == Qt.ColorScheme.Dark else app.style().standardPalette())


def follow_system(app: QApplication) -> None:
    app.setStyle("Fusion")  # the same widgets everywhere; the palette carries the system's scheme
    hints = app.styleHints()
    apply_scheme(app, hints.colorScheme())
    hints.colorSchemeChanged.connect(lambda scheme: apply_scheme(app, scheme))
