"""The first run: choose a music folder, or start with the bundled demo library."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from app.icons import app_icon


class WelcomeDialog(QDialog):
    """``choice`` is the folder to scan, or None when the demo library was chosen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Skipwise")
        self.setWindowIcon(app_icon())
        self.choice: Path | None = None
        self.use_demo = False
        text = QLabel(
            "<h2>Welcome to Skipwise</h2>"
            "<p>Skipwise plays your music and learns, on this computer only, which songs you let play "
            "and which you skip. Where is your music?</p>"
        )
        text.setWordWrap(True)
        self.folder_button = QPushButton("Choose my music folder…")
        self.folder_button.setDefault(True)
        self.folder_button.clicked.connect(self._choose)
        self.demo_button = QPushButton("Try the demo library (14 short songs)")
        self.demo_button.clicked.connect(self.choose_demo)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.folder_button)
        layout.addWidget(self.demo_button)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Your music folder", str(Path.home()))
        if folder:
            self.choose_folder(Path(folder))

    def choose_folder(self, folder: Path) -> None:
        self.choice = folder
        self.accept()

    def choose_demo(self) -> None:
        self.use_demo = True
        self.accept()
