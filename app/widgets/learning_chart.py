"""A small live chart of the learner: loss per update and how often its recent guesses were right.

QtCharts draws it (a Qt module the app already ships), so nothing is painted by hand.
"""

from __future__ import annotations

from collections import deque

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from engine.api import Update

HISTORY = 200  # updates shown
ACCURACY_WINDOW = 20  # a guess is right when p >= 0.5 exactly when the target is >= 0.5


class LearningChart(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setMargins(QMargins(2, 2, 2, 2))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.loss = QLineSeries(name="loss (BCE)")
        self.accuracy = QLineSeries(name=f"right, last {ACCURACY_WINDOW}")
        chart.addSeries(self.loss)
        chart.addSeries(self.accuracy)
        self.x_axis = QValueAxis(labelFormat="%d", titleText="update")
        self.y_axis = QValueAxis(min=0.0, max=1.5, labelFormat="%.1f")
        chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        for s in (self.loss, self.accuracy):
            s.attachAxis(self.x_axis)
            s.attachAxis(self.y_axis)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(170)
        # (the profile's update number, loss, whether the guess was right), oldest first
        self._points: deque[tuple[int, float, bool]] = deque(maxlen=HISTORY)
        self._x_axis_range()

    @property
    def count(self) -> int:
        """The update number of the newest point (0: none yet)."""
        return self._points[-1][0] if self._points else 0

    def add(self, update: Update, step: int) -> None:
        """``update`` took the profile to ``step`` updates."""
        self._points.append((step, min(update.loss, 1.5), (update.p >= 0.5) == (update.target >= 0.5)))
        self.loss.append(step, self._points[-1][1])
        self.accuracy.append(step, self.recent_accuracy() or 0.0)
        for s in (self.loss, self.accuracy):
            if s.count() > HISTORY:
                s.removePoints(0, s.count() - HISTORY)
        self._x_axis_range()

    def keep_up_to(self, step: int) -> None:
        """Drop the points after update ``step`` (an undo took them back; a reset takes all)."""
        if self.count <= step:
            return
        while self._points and self._points[-1][0] > step:
            self._points.pop()
        self.loss.removePoints(len(self._points), self.loss.count() - len(self._points))
        self.accuracy.removePoints(len(self._points), self.accuracy.count() - len(self._points))
        self._x_axis_range()

    def clear(self) -> None:
        """Another profile (a reset, an import): none of the points are its history."""
        self._points.clear()
        self.loss.clear()
        self.accuracy.clear()
        self._x_axis_range()

    def recent_accuracy(self) -> float | None:
        recent = [right for _, _, right in list(self._points)[-ACCURACY_WINDOW:]]
        return sum(recent) / len(recent) if recent else None

    def _x_axis_range(self) -> None:
        first = self._points[0][0] if self._points else 1
        self.x_axis.setRange(first, max(self.count, first + 9))
