"""A small live chart of the learner: loss per update and how often its recent guesses were right.

QtCharts draws it (a Qt module the app already ships), so nothing is painted by hand.
"""

from __future__ import annotations

from collections import deque

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from engine.learner.learner import Update

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
        self._right: deque[bool] = deque(maxlen=ACCURACY_WINDOW)
        self.count = 0
        self._x_axis_range()

    def add(self, update: Update) -> None:
        self.count += 1
        self._right.append((update.p >= 0.5) == (update.target >= 0.5))
        self.loss.append(self.count, min(update.loss, 1.5))
        self.accuracy.append(self.count, sum(self._right) / len(self._right))
        for s in (self.loss, self.accuracy):
            if s.count() > HISTORY:
                s.removePoints(0, s.count() - HISTORY)
        self._x_axis_range()

    def recent_accuracy(self) -> float | None:
        return sum(self._right) / len(self._right) if self._right else None

    def _x_axis_range(self) -> None:
        self.x_axis.setRange(max(1, self.count - HISTORY + 1), max(self.count, 10))
