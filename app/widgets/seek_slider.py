"""A slider that jumps to where it is clicked, as media players' position bars do."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QSlider, QStyle, QStyleOptionSlider, QWidget

STEP_MS = 5000  # arrow keys (and, three at a time, a wheel notch)
PAGE_MS = 30000  # Page Up / Page Down, and a click beside the handle's groove with the middle button


class SeekSlider(QSlider):
    """Values are milliseconds. Dragging seeks on release; a click, a key or the wheel seeks at once."""

    seekRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSingleStep(STEP_MS)
        self.setPageStep(PAGE_MS)
        self.sliderReleased.connect(lambda: self.seekRequested.emit(self.value()))
        self.actionTriggered.connect(self._on_action)

    def _on_action(self, action: int) -> None:
        # Keys and the wheel: sliderPosition already holds the new place (the value follows later).
        # The wheel reports SliderMove, as a drag does; a drag holds the handle down and seeks on release.
        if not self.isSliderDown():
            self.seekRequested.emit(self.sliderPosition())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            opt = QStyleOptionSlider()
            self.initStyleOption(opt)
            handle = self.style().subControlRect(
                QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, self
            )
            if not handle.contains(event.position().toPoint()):
                value = QStyle.sliderValueFromPosition(
                    self.minimum(), self.maximum(), int(event.position().x()), max(self.width(), 1)
                )
                self.setValue(value)
                self.seekRequested.emit(value)
                event.accept()
                return
        super().mousePressEvent(event)

    def set_position(self, value: int) -> None:
        """Follow playback, unless the user is dragging the handle."""
        if not self.isSliderDown():
            self.blockSignals(True)
            self.setValue(value)
            self.blockSignals(False)
