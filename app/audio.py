"""The audio adapter: one QMediaPlayer and its QAudioOutput behind a small interface.

It hides QtMultimedia's status machine from the rest of the app: a track is
loaded and played, its position and duration are reported, and it either
``finished`` (played to the end) or ``failed`` with a reason a person can read.
A missing file fails at once instead of waiting for FFmpeg to say so.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Q_ARG, QLoggingCategory, QMetaObject, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

# Qt's FFmpeg backend logs every file it opens (stream dumps, container warnings) at info level;
# a music player's terminal should stay quiet. QT_LOGGING_RULES in the environment still wins.
QUIET_RULES = "qt.multimedia.ffmpeg*=false\nqt.multimedia.symbolsresolver=false"

FILE_MISSING = "the file is missing"  # the reason ``failed`` gives for a file that is not there


class AudioPlayer(QObject):
    positionChanged = Signal("qint64")  # ms
    durationChanged = Signal("qint64")  # ms
    playingChanged = Signal(bool)
    finished = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        QLoggingCategory.setFilterRules(QUIET_RULES)
        self._player = QMediaPlayer(self)
        self._output = QAudioOutput(self)
        self._player.setAudioOutput(self._output)
        # QMediaPlayer reports qint64; a millisecond count fits a Python int either way.
        self._player.positionChanged.connect(lambda ms: self.positionChanged.emit(int(ms)))
        self._player.durationChanged.connect(lambda ms: self.durationChanged.emit(int(ms)))
        self._player.playbackStateChanged.connect(self._on_state)
        self._player.mediaStatusChanged.connect(self._on_status)
        self._player.errorOccurred.connect(self._on_error)
        self._loaded = False
        self._failed = False
        self._generation = 0  # bumped by every load, so a late failure of an old file is dropped
        self._start_ms = 0  # where the file just loaded is to start
        self._meant_to_play = False  # play() was asked for, and no pause, stop, end or failure since

    def load(self, path: str, *, start_ms: int = 0) -> bool:
        """Load ``path``, to play from ``start_ms``; False (and ``failed`` emitted) if it cannot be opened."""
        self._start_ms = max(int(start_ms), 0)
        self._failed = False
        self._loaded = True
        self._generation += 1
        if not os.path.exists(path):
            self._fail(FILE_MISSING)
            return False
        if not os.access(path, os.R_OK):
            self._fail("the file cannot be read (permission denied)")
            return False
        self._player.setSource(QUrl.fromLocalFile(path))
        return not self._failed

    def play(self) -> None:
        if self._loaded and not self._failed:
            self._meant_to_play = True
            self._call("play")

    def pause(self) -> None:
        self._meant_to_play = False
        self._call("pause")

    def stop(self) -> None:
        self._meant_to_play = False
        self._loaded = False
        self._call("stop")
        self._player.setSource(QUrl())

    def seek(self, position_ms: int) -> None:
        self._call("setPosition", Q_ARG("qint64", max(int(position_ms), 0)))

    def _call(self, slot: str, *args: object) -> None:
        """Call one of QMediaPlayer's slots now, with the GIL released while it runs.

        PySide holds the GIL through ``QMediaPlayer.stop()``, ``play()``,
        ``pause()`` and ``setPosition()``. These (dis)connect the FFmpeg
        backend's renderer objects, which needs Qt's lock on our QAudioOutput;
        meanwhile the audio thread, deleting a renderer object, holds that lock
        and waits for the GIL to call the Python wrapper's ``disconnectNotify``:
        a deadlock (seen as a hung ``stop()``). ``QMetaObject.invokeMethod``
        releases the GIL around the call, as PySide already does for
        ``setSource``.
        """
        QMetaObject.invokeMethod(self._player, slot, Qt.ConnectionType.DirectConnection, *args)

    def position(self) -> int:
        return int(self._player.position())

    def duration(self) -> int:
        return int(self._player.duration())

    def is_playing(self) -> bool:
        return self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def intend_to_play(self) -> None:
        """A file is about to be loaded and played (see ``meant_to_play``)."""
        self._meant_to_play = True

    def meant_to_play(self) -> bool:
        """Playing, or about to (a new file loading after play()): what a media widget should show."""
        return self._meant_to_play or self.is_playing()

    def volume(self) -> float:
        return float(self._output.volume())

    def set_volume(self, volume: float) -> None:
        self._output.setVolume(min(max(float(volume), 0.0), 1.0))

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        self.playingChanged.emit(state == QMediaPlayer.PlaybackState.PlayingState)

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._start_ms:
            start, self._start_ms = self._start_ms, 0  # a position set before the media loaded is lost
            self.seek(start)
        elif status == QMediaPlayer.MediaStatus.EndOfMedia and self._loaded:
            self._loaded = False
            self._meant_to_play = False
            self.finished.emit()
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._fail(self._player.errorString() or "the file cannot be played")

    def _on_error(self, error: QMediaPlayer.Error, message: str) -> None:
        if error != QMediaPlayer.Error.NoError:
            self._fail(message or error.name)

    def _fail(self, reason: str) -> None:
        if self._failed:
            return  # FFmpeg reports one problem through both the status and the error signal
        self._failed = True
        self._loaded = False
        self._meant_to_play = False
        self._call("stop")
        # Reported from the event loop, never from inside load(): the listener may load the next file.
        generation = self._generation
        QTimer.singleShot(0, self, lambda: self._emit_failed(generation, reason))

    def _emit_failed(self, generation: int, reason: str) -> None:
        if generation == self._generation:
            self.failed.emit(reason)
