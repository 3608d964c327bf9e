"""Settings > Fleet: join or leave a fleet, told plainly what leaves the device and what comes back.

Shows the SuperLink's address and its certificate (a file picker), the
statements of ``engine.fleet.statements``, Join and Leave, and the status:
the SuperNode child (running with its id, or stopped with its log's tail),
the last round, the baseline's version and the epsilon spent so far. A bad
address or certificate is said in the dialog and changes nothing.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.fleet_member import FleetMember
from app.menus import menu_named
from engine.api import OFF_BY_DEFAULT, WHAT_COMES_BACK, WHAT_LEAVES, MembershipError

REFRESH_MS = 2000


def _wrapped(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _boxed(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    QVBoxLayout(box).addWidget(widget)
    return box


def epsilon_text(doc: dict[str, Any]) -> str:
    eps, delta = doc.get("epsilon"), doc.get("delta")
    if eps is None:
        return "unknown (no baseline yet, or no differential privacy)"
    return f"{eps:.3g} at delta {delta:g}" if isinstance(delta, float | int) else f"{eps:.3g}"


class FleetDialog(QDialog):
    """The Fleet settings of one player (non-modal; it follows ``FleetMember.changed``)."""

    def __init__(self, fleet: FleetMember, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fleet = fleet
        self.setWindowTitle("Fleet learning")
        self.resize(620, 640)

        self.address = QLineEdit(placeholderText="fleet.example.org:9092")
        self.certificate = QLineEdit(placeholderText="the SuperLink's CA certificate (PEM)")
        self.choose = QPushButton("Choose…")
        self.choose.clicked.connect(self.choose_certificate)
        cert_row = QHBoxLayout()
        cert_row.addWidget(self.certificate, 1)
        cert_row.addWidget(self.choose)
        form = QFormLayout()
        form.addRow("SuperLink address", self.address)
        form.addRow("Certificate", cert_row)

        self.error = _wrapped("")
        self.error.setStyleSheet("color: #c62828")
        self.join_button = QPushButton("Join")
        self.join_button.clicked.connect(self.join)
        self.leave_button = QPushButton("Leave")
        self.leave_button.clicked.connect(self.leave)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.join_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.leave_button, QDialogButtonBox.ButtonRole.ActionRole)

        self.state = _wrapped("")
        self.supernode = _wrapped("")
        self.last_round = QLabel()
        self.version = QLabel()
        self.epsilon = QLabel()
        self.refusal = _wrapped("")
        self.log = QPlainTextEdit(readOnly=True, maximumBlockCount=200)
        self.log.setPlaceholderText("The SuperNode's log appears here once it has run.")
        status = QWidget()
        status_form = QFormLayout(status)
        status_form.addRow("Membership", self.state)
        status_form.addRow("SuperNode", self.supernode)
        status_form.addRow("Last round", self.last_round)
        status_form.addRow("Baseline version", self.version)
        status_form.addRow("Epsilon spent", self.epsilon)
        status_form.addRow("Last refusal", self.refusal)
        status_form.addRow("Log", self.log)

        layout = QVBoxLayout(self)
        layout.addWidget(_wrapped(OFF_BY_DEFAULT))
        layout.addLayout(form)
        layout.addWidget(_boxed("What leaves this device", _wrapped(WHAT_LEAVES)))
        layout.addWidget(_boxed("What comes back", _wrapped(WHAT_COMES_BACK)))
        layout.addWidget(self.error)
        layout.addWidget(_boxed("Status", status), 1)
        layout.addWidget(buttons)

        fleet.changed.connect(self.refresh)
        self._tick = QTimer(self, interval=REFRESH_MS)  # the log grows while the dialog is open
        self._tick.timeout.connect(self.refresh)
        member = fleet.membership()
        self.address.setText(member.address or "")
        self.certificate.setText(member.certificate or "")
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        self._tick.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._tick.stop()
        super().hideEvent(event)

    def choose_certificate(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "The SuperLink's certificate",
            self.certificate.text(),
            "Certificates (*.pem *.crt);;All (*)",
        )
        if path:
            self.certificate.setText(path)

    def join(self) -> bool:
        """Join with the address and certificate typed; a refusal is said here and nothing changes."""
        cert = self.certificate.text().strip()
        try:
            self.fleet.join(self.address.text(), Path(cert).expanduser() if cert else None)
        except MembershipError as exc:
            self.error.setText(f"Not joined: {exc}. Nothing changed.")
            return False
        self.error.clear()
        self.refresh()
        return True

    def leave(self) -> None:
        self.fleet.leave()
        self.error.clear()
        self.refresh()

    def refresh(self) -> None:
        doc = self.fleet.status()
        if not doc["joined"]:
            self.state.setText("Not in a fleet.")
        elif doc["this_library"]:
            self.state.setText(f"Joined the fleet at {doc['address']}.")
        else:
            self.state.setText(f"Joined the fleet at {doc['address']} with another library ({doc['db']}).")
        self.supernode.setText(doc["supernode"])
        self.last_round.setText("none yet" if doc["last_round"] is None else str(doc["last_round"]))
        self.version.setText(doc["baseline_version"] or "none yet (the shipped prior)")
        self.epsilon.setText(epsilon_text(doc))
        self.refusal.setText(html.escape(doc["last_refusal"] or "none"))
        if doc["log_tail"] != self.log.toPlainText():
            self.log.setPlainText(doc["log_tail"])
        running = doc["pid"] is not None
        self.join_button.setText("Start again" if doc["joined"] and not running else "Join")
        self.join_button.setEnabled(not running)
        self.leave_button.setEnabled(bool(doc["joined"]) or running)


def add_fleet_menu(window: QMainWindow, fleet: FleetMember) -> QAction:
    """Settings > Fleet… on the window's menu bar; the dialog is made on first use and kept."""
    action = QAction("Fleet…", window)
    action.setStatusTip("Join or leave a fleet that improves a shared baseline (off until you join)")
    dialogs: list[FleetDialog] = []

    def show() -> None:
        if not dialogs:
            dialogs.append(FleetDialog(fleet, window))
        dialogs[0].show()
        dialogs[0].raise_()

    action.triggered.connect(show)
    menu_named(window, "Settings", before="Help").addAction(action)
    return action
