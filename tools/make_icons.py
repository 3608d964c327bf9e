"""Render ``assets/icons/skipwise.svg`` to the hicolor PNG sizes desktops look for.

Usage::

    python tools/make_icons.py

Writes ``assets/icons/hicolor/<N>x<N>/apps/skipwise.png`` for N in 16 ... 512
and copies the SVG to ``hicolor/scalable/apps``. Uses QtSvg, so it runs
anywhere PySide6 does (offscreen is fine).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "assets" / "icons"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    svg = ICONS / "skipwise.svg"
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"cannot render {svg}")
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        out = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "skipwise.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(out), "PNG")
        print(out.relative_to(ICONS.parent.parent))
    scalable = ICONS / "hicolor" / "scalable" / "apps" / "skipwise.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    del app


if __name__ == "__main__":
    main()
