"""A one-line label that shortens its text with "…" to the width it gets, as players' title lines do."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget


class ElidedLabel(QLabel):
    """``text()`` is the whole text; what does not fit is drawn as "…", and the tooltip shows it all.

    Its minimum width does not depend on the text, so a 300-character title
    cannot make the window too wide to shrink.
    """

    def __init__(self, parent: QWidget | None = None, *, objectName: str = "") -> None:
        super().__init__(parent, objectName=objectName)
        self._shown: tuple[str, int, str] = ("", -1, "")  # text, width: the text as drawn

    def setText(self, text: str) -> None:
        if text == self.text():
            return  # nothing to lay out or draw again
        super().setText(text)
        self._update_tooltip()

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def shown_text(self) -> str:
        """The text as drawn at the current width (worked out again only when either changes)."""
        text, width = self.text(), self.contentsRect().width()
        if self._shown[:2] != (text, width):
            elided = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width)
            self._shown = (text, width, elided)
        return self._shown[2]

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._shown = ("", -1, "")  # elided with the old font
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.style().drawItemText(
            painter, self.contentsRect(), int(self.alignment()), self.palette(), self.isEnabled(),
            self.shown_text(), self.foregroundRole(),
        )  # fmt: skip

    def _update_tooltip(self) -> None:
        self.setToolTip(self.text() if self.shown_text() != self.text() else "")
