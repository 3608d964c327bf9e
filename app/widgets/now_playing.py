"""Now playing: cover, title, artist, album, position with elapsed and remaining time, transport, volume.

The cover is read (tags, else an image in the song's folder) and scaled on a
worker thread: a skip shows the new title at once, and the cover a moment later.
The thread is a daemon: a cover on a drive that hangs never holds up closing.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QVBoxLayout, QWidget

from app.controller import PlayerController
from app.icons import app_icon
from app.library_model import format_ms
from app.widgets.elided_label import ElidedLabel
from app.widgets.seek_slider import SeekSlider
from engine.api import cover_bytes

COVER_PX = 112
COVER_WAIT_MS = 100  # the longest the cover's reading waits for the window's redraw
COVERS_KEPT = 32  # scaled covers of the songs shown last, so going back shows one at once


def scaled_cover(path: str) -> QImage | None:
    """The track's cover at the size shown, or None; any thread (QImage, not QPixmap)."""
    data = cover_bytes(path)
    image = QImage()
    if not (data and image.loadFromData(data)):
        return None
    return image.scaled(
        COVER_PX, COVER_PX, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


class CoverReader:
    """One daemon thread that reads covers in the order asked; started on the first request."""

    def __init__(self) -> None:
        self._requests: queue.SimpleQueue[tuple[str, Callable[[str, QImage | None], None]]] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def read(self, path: str, then: Callable[[str, QImage | None], None]) -> None:
        """``then(path, image)`` is called on the reading thread (emit a signal from it)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="cover-reader", daemon=True)
                self._thread.start()
        self._requests.put((path, then))

    def _run(self) -> None:
        while True:
            path, then = self._requests.get()
            try:
                image = scaled_cover(path)
            except Exception:  # a broken file or image must not end the thread: no cover
                image = None
            with contextlib.suppress(RuntimeError):  # the window closed meanwhile
                then(path, image)


COVERS = CoverReader()


class NowPlaying(QWidget):
    coverRead = Signal(str, object)  # path, QImage or None; emitted by the reading thread

    def __init__(self, controller: PlayerController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._covers: OrderedDict[str, QImage | None] = OrderedDict()
        self._cover_for = ""  # the path whose cover is shown, or is being read
        self._placeholder = app_icon().pixmap(COVER_PX - 16, COVER_PX - 16)
        self.coverRead.connect(self._cover_read)  # queued: it comes from the reading thread
        self._cover_due = QTimer(self, singleShot=True, interval=COVER_WAIT_MS)
        self._cover_due.timeout.connect(self.read_cover_now)
        self._cover_wanted = False  # the cover of ``_cover_for`` is still to be read
        self.cover = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.cover.setFixedSize(COVER_PX, COVER_PX)
        self.title = ElidedLabel(objectName="title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.artist = ElidedLabel(objectName="artist")
        self.album = ElidedLabel(objectName="album")
        self.elapsed = QLabel("0:00")
        self.remaining = QLabel("-0:00")
        self.slider = SeekSlider()
        self.slider.setToolTip("Position (click, drag, arrow keys or the wheel to seek)")
        self.slider.seekRequested.connect(controller.seek)

        style = self.style()
        self.previous = self._button(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward), "Previous"
        )
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self._shows_playing = False
        self.play = self._button(self._play_icon, "Play")
        self.next = self._button(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward), "Next (skip)")
        self.stop = self._button(style.standardIcon(QStyle.StandardPixmap.SP_MediaStop), "Stop")
        self.previous.clicked.connect(controller.previous)
        self.play.clicked.connect(controller.play_pause)
        self.next.clicked.connect(controller.next)
        self.stop.clicked.connect(controller.stop)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setFixedWidth(110)
        self.volume.setToolTip("Volume")
        self.volume.setValue(round(controller.volume() * 100))
        self.volume.valueChanged.connect(lambda v: controller.set_volume(v / 100))
        volume_icon = QLabel()
        volume_icon.setPixmap(style.standardIcon(QStyle.StandardPixmap.SP_MediaVolume).pixmap(16, 16))

        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.artist)
        text.addWidget(self.album)
        text.addStretch(1)
        position = QHBoxLayout()
        position.addWidget(self.elapsed)
        position.addWidget(self.slider, 1)
        position.addWidget(self.remaining)
        text.addLayout(position)
        controls = QHBoxLayout()
        for b in (self.previous, self.play, self.stop, self.next):
            controls.addWidget(b)
        controls.addStretch(1)
        controls.addWidget(volume_icon)
        controls.addWidget(self.volume)
        text.addLayout(controls)
        top = QHBoxLayout(self)
        top.addWidget(self.cover)
        top.addLayout(text, 1)

        controller.trackChanged.connect(self.show_track)
        controller.positionChanged.connect(self.show_position)
        controller.seeked.connect(lambda pos: self.show_position(pos, self._duration()))
        controller.playingChanged.connect(self.show_playing)
        controller.volumeChanged.connect(self._show_volume)
        self.show_track()

    def _button(self, icon: object, tip: str) -> QToolButton:
        b = QToolButton()
        b.setIcon(icon)  # type: ignore[arg-type]
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.setIconSize(b.iconSize() * 1.5)
        return b

    def _duration(self) -> int:
        now = self.controller.now
        return now.duration_ms if now else 0

    def show_track(self) -> None:
        now = self.controller.now
        if now is None:
            self.title.setText("Nothing playing")
            self.artist.setText("Press play to start the queue")
            self.album.setText("")
            self.show_position(0, 0)
            self._cover_for = ""
            self._cover_wanted = False
            self._set_cover(None)
            self.show_playing(False)
            return
        t = now.track
        self.title.setText(t.title or "Untitled")
        self.artist.setText(t.artist or "Unknown artist")
        self.album.setText(t.album)
        self.show_position(0, now.duration_ms)
        self._show_cover_of(t.path)

    def _show_cover_of(self, path: str) -> None:
        if path == self._cover_for:
            return
        self._cover_for = path
        self._cover_wanted = False
        if path in self._covers:
            self._covers.move_to_end(path)
            self._set_cover(self._covers[path])
            return
        self._set_cover(None)  # until it is read: never the last song's cover under this title
        self._cover_wanted = True
        self._cover_due.start()  # the reading thread takes the GIL: not before the window has redrawn

    def read_cover_now(self) -> None:
        """Start reading the cover shown next (the window calls it once it has redrawn a skip)."""
        self._cover_due.stop()
        if self._cover_wanted:
            self._cover_wanted = False
            COVERS.read(self._cover_for, self.coverRead.emit)

    def _cover_read(self, path: str, image: QImage | None) -> None:
        self._covers[path] = image
        while len(self._covers) > COVERS_KEPT:
            self._covers.popitem(last=False)
        if path == self._cover_for:
            self._set_cover(image)

    def _set_cover(self, image: QImage | None) -> None:
        if image is None:
            self.cover.setPixmap(self._placeholder)
        else:
            self.cover.setPixmap(QPixmap.fromImage(image))

    def show_position(self, position: int, duration: int) -> None:
        self.slider.setRange(0, max(duration, 0))
        self.slider.set_position(position)
        self.elapsed.setText(format_ms(position))
        self.remaining.setText("-" + format_ms(max(duration - position, 0)))

    def show_playing(self, playing: bool) -> None:
        if playing == self._shows_playing:
            return
        self._shows_playing = playing
        self.play.setIcon(self._pause_icon if playing else self._play_icon)
        self.play.setToolTip("Pause" if playing else "Play")

    def _show_volume(self, volume: float) -> None:
        self.volume.blockSignals(True)
        self.volume.setValue(round(volume * 100))
        self.volume.blockSignals(False)
