"""The live weight panel: the 42 weights moving, the learning curve, and why the current song was chosen.

It follows plays and skips a frame later: a skip redraws the queue and the
now-playing line first, and the panel in the next frame (the window calls
``catch_up_soon`` once the queue has repainted; ``FOLLOW_MS`` at the latest).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.controller import PlayerController
from app.widgets.elided_label import ElidedLabel
from app.widgets.learning_chart import LearningChart
from app.widgets.weight_tree import DOWN, UP, WeightTree
from engine.api import EventReport, ProfileError

FOLLOW_MS = 100  # at the latest: the window's repaint of the queue comes first


class WeightPanel(QWidget):
    def __init__(self, controller: PlayerController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.int8 = QCheckBox("INT8")
        self.int8.setToolTip("Quantization-aware mode: 42 int8 weights plus five scales")
        self.int8.setChecked(controller.learner_view().mode == "int8")
        self.int8.toggled.connect(lambda on: controller.set_mode("int8" if on else "float32"))
        self.undo = QPushButton("Undo")
        self.undo.setToolTip("Undo the last update (Ctrl+Z)")
        self.undo.clicked.connect(self._undo)
        self.reset = QPushButton("Reset…")
        self.reset.clicked.connect(self.ask_reset)
        self.export = QPushButton("Export…")
        self.export.clicked.connect(self.ask_export)
        self.import_ = QPushButton("Import…")
        self.import_.clicked.connect(self.ask_import)
        self.status = ElidedLabel()  # its width never follows the text: no relayout of the window per play
        buttons = QHBoxLayout()
        for w in (self.int8, self.undo, self.reset, self.export, self.import_):
            buttons.addWidget(w)
        buttons.addStretch(1)

        self.tree = WeightTree()
        self.chart = LearningChart()
        self.reasons = QListWidget()
        self.reasons.setToolTip("The largest parts of the current song's score: green helps, red hurts")
        why = QWidget()
        why_layout = QVBoxLayout(why)
        why_layout.setContentsMargins(0, 0, 0, 0)
        why_layout.addWidget(QLabel("<b>Why this song</b>"))
        why_layout.addWidget(self.reasons)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.chart)
        split.addWidget(why)
        split.setSizes([420, 170, 150])
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)

        self._pending: list[tuple[EventReport, int]] = []  # plays learned from, with the steps then
        self._reasons_due = False
        self._follow = QTimer(self, singleShot=True, interval=FOLLOW_MS)
        self._follow.timeout.connect(self.catch_up)
        controller.learned.connect(self._learned)
        controller.profileChanged.connect(self.on_profile_changed)
        controller.trackChanged.connect(self._track_changed)
        self.on_profile_changed()

    def _learned(self, report: EventReport) -> None:
        self._pending.append((report, self.controller.learner_view().steps))
        self._follow.start(FOLLOW_MS)

    def _track_changed(self) -> None:
        self._reasons_due = True
        self._follow.start(FOLLOW_MS)

    def catch_up_soon(self) -> None:
        """The window has redrawn: show what waits at the next turn of the event loop."""
        if self._follow.isActive():
            self._follow.start(0)

    def catch_up(self) -> None:
        """Show now what the plays and song changes since the last frame did."""
        self._follow.stop()
        pending, self._pending = self._pending, []
        for report, steps in pending:
            self.on_learned(report, steps)
        if self._reasons_due and not pending:
            self.show_reasons()
        self._reasons_due = False

    def on_learned(self, report: EventReport, steps: int | None = None) -> None:
        """``steps``: the profile's updates just after ``report`` (default: now)."""
        view = self.controller.learner_view()
        steps = view.steps if steps is None else steps
        for i, update in enumerate(report.updates):
            self.chart.add(update, steps - len(report.updates) + 1 + i)
        delta = report.updates[-1].after - report.updates[0].before
        self.tree.show_profile(view, delta)
        self._show_status(report)
        self.show_reasons()

    def on_profile_changed(self, why: str = "") -> None:
        """``why``: "undo" (the chart drops what was undone), "reset" or "import" (it starts again)."""
        self.catch_up()  # the plays before it first
        profile = self.controller.learner_view()
        if why in ("reset", "import"):
            self.chart.clear()
        elif why == "undo":
            self.chart.keep_up_to(profile.steps)
        self.int8.blockSignals(True)
        self.int8.setChecked(profile.mode == "int8")
        self.int8.blockSignals(False)
        self.tree.show_profile(profile, profile.weights * 0.0)
        self._show_status(None)
        self.show_reasons()

    def _show_status(self, report: EventReport | None) -> None:
        profile = self.controller.learner_view()
        text = f"{profile.steps} updates, {profile.mode}"
        if report is not None and report.loss is not None:
            text += f"; last: {report.label.kind.value.replace('_', ' ')}, loss {report.loss:.3f}"
        accuracy = self.chart.recent_accuracy()
        if accuracy is not None:
            text += f"; recent guesses right {accuracy:.0%}"
        self.status.setText(text)

    def show_reasons(self) -> None:
        self.reasons.clear()
        for part in self.controller.reasons():
            item = QListWidgetItem(f"{part.value:+.2f}   {part.name}   (input {part.input:+.2f})")
            item.setForeground(UP if part.value > 0 else DOWN)
            self.reasons.addItem(item)
        if self.reasons.count() == 0:
            self.reasons.addItem("Play a song to see what its score is made of.")

    def _undo(self) -> None:
        if not self.controller.undo():
            self.status.setText("Nothing to undo.")

    def ask_reset(self) -> None:
        no = QMessageBox.StandardButton.No
        answer = QMessageBox.question(
            self, "Reset the profile", "Start again from the prior? Undo brings the current profile back.",
            QMessageBox.StandardButton.Yes | no, no,
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self.controller.reset()

    def ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export profile", str(Path.home() / "skipwise-profile.json"), "JSON (*.json)"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> bool:
        try:
            self.controller.export_profile(path)
        except OSError as exc:
            QMessageBox.warning(self, "Profile not exported", f"{path} could not be written.\n\n{exc}")
            return False
        return True

    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import profile", "", "JSON (*.json)")
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> bool:
        try:
            self.controller.import_profile(path)
        except ProfileError as exc:
            QMessageBox.warning(
                self, "Profile not imported", f"{path} was not imported; nothing changed.\n\n{exc}"
            )
            return False
        return True
