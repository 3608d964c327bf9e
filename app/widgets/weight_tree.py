"""All 42 weights in their five groups, with the last update's change highlighted.

In INT8 mode a column shows what is really stored: the int8 value and its
group's scale (``-37 x 0.031``).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from engine.api import GROUPS, LABELS, N_PARAMS, LearnerView, expand_scales

COLUMNS = ("Parameter", "Value", "Last change", "INT8 stored")
UP, DOWN = QColor(46, 160, 67), QColor(207, 34, 46)


def change_brush(delta: float, largest: float) -> QBrush:
    """A green (up) or red (down) wash, stronger for bigger changes; none for no change."""
    if delta == 0.0 or largest <= 0.0:
        return QBrush()
    color = QColor(UP if delta > 0 else DOWN)
    color.setAlpha(int(40 + 140 * min(abs(delta) / largest, 1.0)))
    return QBrush(color)


class WeightTree(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(list(COLUMNS))
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed widths: with ResizeToContents every value written re-measures the whole column.
        fm = self.fontMetrics()
        for col, sample in ((1, "-0.0000"), (2, "-0.0000"), (3, "-127 × 0.0000")):
            width = (
                max(fm.horizontalAdvance(sample), fm.horizontalAdvance(COLUMNS[col]))
                + 3 * fm.averageCharWidth()
            )
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        header.setStretchLastSection(False)
        self.items: list[QTreeWidgetItem] = []
        for g in GROUPS:
            top = QTreeWidgetItem([f"{g.title} ({g.size})"])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            self.addTopLevelItem(top)
            for i in range(g.start, g.stop):
                item = QTreeWidgetItem([LABELS[i].split(": ", 1)[-1] if g.key != "scoring" else LABELS[i]])
                item.setToolTip(0, LABELS[i])
                for col in (1, 2, 3):
                    item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                top.addChild(item)
                self.items.append(item)
        self.expandAll()
        self.last_delta = np.zeros(N_PARAMS)
        self._shown: dict[int, tuple] = {}

    def show_profile(self, profile: LearnerView, delta: np.ndarray | None = None) -> None:
        """Write every value; ``delta`` [shape=(42,)] is the last update's change (None: keep)."""
        if delta is not None:
            self.last_delta = np.asarray(delta, dtype=float)
        w = profile.weights
        largest = float(np.max(np.abs(self.last_delta))) if self.last_delta.size else 0.0
        scales = expand_scales(profile.scales) if profile.q is not None else None
        for i, item in enumerate(self.items):
            d = float(self.last_delta[i])
            stored = (
                f"{int(profile.q[i]):+d} × {scales[i]:.4f}"
                if scales is not None and profile.q is not None
                else ""
            )
            self._set(
                item, i, (f"{w[i]:+.4f}", "" if d == 0.0 else f"{d:+.4f}", stored), change_brush(d, largest)
            )
        self.setColumnHidden(3, profile.q is None)

    def _set(self, item: QTreeWidgetItem, i: int, texts: tuple[str, str, str], brush: QBrush) -> None:
        """Touch the item only where something changed: every setText costs a model signal."""
        key = (*texts, brush.color().rgba() if brush.style() != Qt.BrushStyle.NoBrush else None)
        if self._shown.get(i) == key:
            return
        self._shown[i] = key
        for col, text in enumerate(texts, start=1):
            item.setText(col, text)
        for col in range(len(COLUMNS)):
            item.setBackground(col, brush)
