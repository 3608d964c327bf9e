"""The audio adapter: one QMediaPlayer and its QAudioOutput behind a small interface.

It hides QtMultimedia's status machine from the rest of the app: a track is
loaded and played, its position and duration are reported, and it either
``finished`` (played to the end) or ``failed`` with a reason a person can read.
A missing file fails at once instead of waiting for FFmpeg to say so.

A file that QMediaPlayer (FFmpeg) refuses is handed to the second path,
:class:`app.sink_playback.SinkPlayback` (libsndfile into a QAudioSink), which
reports the same way; only a file that neither reads ``failed``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import Q_ARG, QLoggingCategory, QMetaObject, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

if TYPE_CHECKING:
    from app.sink_playback import SinkPlayback

# Qt's FFmpeg backend logs every file it opens (stream dumps, container warnings) at info level;
# a music player's terminal should stay quiet. QT_LOGGING_RULES in the environment still wins.
QUIET_RULES = "qt.multimedia.ffmpeg*=false\nqt.multimedia.symbolsresolver=false"

FILE_MISSING = "the file is missing"  # the reason ``failed`` gives for a file that is not there
NOT_READABLE = "the file cannot be read (permission denied)"


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
        self._player.positionChanged.connect(self._on_position)
        self._player.durationChanged.connect(self._on_duration)
        self._player.playbackStateChanged.connect(self._on_state)
        self._player.mediaStatusChanged.connect(self._on_status)
        self._player.errorOccurred.connect(self._on_error)
        self._loaded = False
        self._failed = False
        self._generation = 0  # bumped by every load, so a late failure of an old file is dropped
        self._start_ms = 0  # where the file just loaded is to start
        self._meant_to_play = False  # play() was asked for, and no pause, stop, end or failure since
        self._path = ""
        self._sink: SinkPlayback | None = None  # the second path, made the first time a file needs it
        self._on_sink = False  # the file loaded plays through the second path
        self._switching = False  # inside load(), replacing a song with one that is to play

    def load(self, path: str, *, start_ms: int = 0) -> bool:
        """Load ``path``, to play from ``start_ms``; False (and ``failed`` emitted) if it cannot be opened."""
        self._leave_sink()
        self._start_ms = max(int(start_ms), 0)
        self._failed = False
        self._loaded = True
        self._generation += 1
        self._path = path
        if not os.path.exists(path):
            self._fail(FILE_MISSING)
            return False
        if not os.access(path, os.R_OK):
            self._fail(NOT_READABLE)
            return False
        # The song before stops as this one loads: no pause to announce when this one is to play on.
        self._switching = self._meant_to_play
        try:
            self._player.setSource(QUrl.fromLocalFile(path))
        finally:
            self._switching = False
        return not self._failed

    def play(self) -> None:
        if self._loaded and not self._failed:
            self._meant_to_play = True
            if self._sink is not None and self._on_sink:
                self._sink.play()
            else:
                self._call("play")

    def pause(self) -> None:
        self._meant_to_play = False
        if self._sink is not None and self._on_sink:
            self._sink.pause()
        else:
            self._call("pause")

    def stop(self) -> None:
        self._meant_to_play = False
        self._loaded = False
        self._leave_sink()
        self._call("stop")
        self._player.setSource(QUrl())

    def seek(self, position_ms: int) -> None:
        if self._sink is not None and self._on_sink:
            self._sink.seek(max(int(position_ms), 0))
        else:
            self._call("setPosition", Q_ARG("qint64", max(int(position_ms), 0)))

    def plays_through_sink(self) -> bool:
        """The file loaded is played by libsndfile into a QAudioSink (QMediaPlayer refused it)."""
        return self._on_sink

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
        if self._sink is not None and self._on_sink:
            return self._sink.position()
        return int(self._player.position())

    def duration(self) -> int:
        if self._sink is not None and self._on_sink:
            return self._sink.duration()
        return int(self._player.duration())

    def is_playing(self) -> bool:
        if self._sink is not None and self._on_sink:
            return self._sink.is_playing()
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
        if self._sink is not None:
            self._sink.set_volume(self.volume())

    # QMediaPlayer's reports; none counts while the second path plays the file it refused.

    def _on_position(self, ms: int) -> None:
        if not self._on_sink:
            self.positionChanged.emit(int(ms))

    def _on_duration(self, ms: int) -> None:
        if not self._on_sink:
            self.durationChanged.emit(int(ms))

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        if self._on_sink or (self._switching and not playing):
            return
        self.playingChanged.emit(playing)

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        if self._on_sink:
            return
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
        if self._on_sink:
            return
        if error != QMediaPlayer.Error.NoError:
            self._fail(message or error.name)

    def _fail(self, reason: str) -> None:
        if self._failed:
            return  # FFmpeg reports one problem through both the status and the error signal
        self._failed = True
        self._call("stop")
        # A file FFmpeg refuses may still be read by libsndfile: tried from the event loop, as the
        # failure itself is reported, never from inside load() (the listener may load the next file).
        rescue = reason not in (FILE_MISSING, NOT_READABLE) and self._loaded
        if not rescue:
            self._loaded = False
            self._meant_to_play = False
        generation = self._generation
        QTimer.singleShot(0, self, lambda: self._after_failure(generation, reason, rescue))

    def _after_failure(self, generation: int, reason: str, rescue: bool) -> None:
        if generation != self._generation:
            return  # another file was loaded since
        if rescue:
            why_not = self._open_on_sink()
            if why_not is None:
                return  # it plays on through the second path
            reason = f"{reason}; {why_not}"
            self._loaded = False
            self._meant_to_play = False
        self.failed.emit(reason)

    def _open_on_sink(self) -> str | None:
        """Play the file loaded through libsndfile and a QAudioSink; None, or why it cannot."""
        if self._sink is None:
            from app.sink_playback import SinkPlayback  # soundfile is loaded only when a file needs it

            sink = SinkPlayback(self)
            sink.positionChanged.connect(self.positionChanged)
            sink.durationChanged.connect(self.durationChanged)
            sink.playingChanged.connect(self.playingChanged)
            sink.finished.connect(self._sink_finished)
            sink.failed.connect(self._sink_failed)
            self._sink = sink
        self._player.setSource(QUrl())  # FFmpeg lets go of the file
        why_not = self._sink.open(self._path, self._start_ms)
        if why_not is not None:
            return why_not
        self._start_ms = 0
        self._on_sink = True
        self._failed = False
        self._sink.set_volume(self.volume())
        if self._meant_to_play:
            self._sink.play()
        return None

    def _leave_sink(self) -> None:
        if self._sink is not None and self._on_sink:
            self._on_sink = False
            self._sink.stop()

    def _sink_finished(self) -> None:
        if self._on_sink and self._loaded:
            self._loaded = False
            self._meant_to_play = False
            self.finished.emit()

    def _sink_failed(self, reason: str) -> None:
        """The second path broke off mid-way (its device refused, the stream is damaged)."""
        if not self._on_sink:
            return
        self._on_sink = False
        self._failed = True
        self._loaded = False
        self._meant_to_play = False
        generation = self._generation
        QTimer.singleShot(0, self, lambda: self._after_failure(generation, reason, rescue=False))
