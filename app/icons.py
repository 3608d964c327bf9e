"""The application icon, from ``assets/icons`` (SVG, with PNG sizes for desktops that want them)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from engine.api import assets_dir

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


@cache
def app_icon() -> QIcon:
    folder = assets_dir() / "icons"
    icon = QIcon()
    for size in SIZES:
        png = folder / "hicolor" / f"{size}x{size}" / "apps" / "skipwise.png"
        if png.exists():
            icon.addFile(str(png))
    svg = folder / "skipwise.svg"
    if icon.isNull() and svg.exists():
        icon.addFile(str(svg))
    return icon
