"""The second way to play a song: libsndfile decodes it in blocks into a QAudioSink.

:class:`AudioPlayer` turns to it when QMediaPlayer (FFmpeg) refuses a file
that libsndfile reads. It reports like QMediaPlayer does: the position (what
the output has played, from where it started or was seeked to) several times
a second while playing, the duration once the file is open, playing or not,
and the end of the song once the output has played the last block. A timer
on the GUI thread keeps the output about half a second ahead, a block of
decoded audio at a time, so a song is never decoded whole.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app.pcm_source import PcmError, PcmSource
from app.sound_outputs import Output, open_output

FEED_MS = 20  # how often the output is topped up
BUFFER_MS = 500  # how far ahead of what is heard the output is filled
REPORT_MS = 50  # position reports while playing, as often as QMediaPlayer's
BLOCK_FRAMES = 4096


class SinkPlayback(QObject):
    positionChanged = Signal("qint64")  # ms
    durationChanged = Signal("qint64")  # ms
    playingChanged = Signal(bool)
    finished = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: PcmSource | None = None
        self._output: Output | None = None
        self._base_ms = 0  # the position the output started from
        self._pending = b""  # decoded, not yet taken by the output
        self._eof = False
        self._playing = False
        self._volume = 1.0
        self._reported = -1
        self._since_report = 0
        self._timer = QTimer(self, interval=FEED_MS, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def open(self, path: str, start_ms: int = 0) -> str | None:
        """Open ``path`` paused at ``start_ms``; None, or why libsndfile cannot play it."""
        self.stop()
        try:
            self._source = PcmSource(path)
        except PcmError as exc:
            return str(exc)
        self._restart_at(min(max(int(start_ms), 0), self._source.duration_ms))
        self.durationChanged.emit(self._source.duration_ms)
        self._report(force=True)
        return None

    def play(self) -> None:
        source = self._source
        if source is None or self._playing:
            return
        if self._output is not None:
            self._output.resume()
        elif not self._start_output(source):
            return
        self._playing = True
        self._feed()
        self._timer.start()
        self.playingChanged.emit(True)

    def pause(self) -> None:
        if not self._playing:
            return
        self._playing = False
        self._timer.stop()
        if self._output is not None:
            self._output.suspend()
        self._report(force=True)
        self.playingChanged.emit(False)

    def stop(self) -> None:
        was_playing = self._playing
        self._playing = False
        self._timer.stop()
        self._drop_output()
        if self._source is not None:
            self._source.close()
            self._source = None
        self._base_ms = 0
        if was_playing:
            self.playingChanged.emit(False)

    def seek(self, position_ms: int) -> None:
        """Go to ``position_ms``, playing on if playing (what was buffered is dropped, not heard)."""
        source = self._source
        if source is None:
            return
        try:
            self._restart_at(min(max(int(position_ms), 0), source.duration_ms))
        except PcmError as exc:
            self._broken(str(exc))
            return
        if self._playing and self._start_output(source):
            self._feed()
        self._report(force=True)

    def position(self) -> int:
        if self._source is None:
            return 0
        played = 0.0 if self._output is None else self._output.played_ms()
        return min(self._base_ms + int(played), self._source.duration_ms)

    def duration(self) -> int:
        return 0 if self._source is None else self._source.duration_ms

    def is_playing(self) -> bool:
        return self._playing

    def set_volume(self, volume: float) -> None:
        self._volume = volume
        if self._output is not None:
            self._output.set_volume(volume)

    # ------------------------------------------------------------------ internals

    def _restart_at(self, position_ms: int) -> None:
        """The next block read is at ``position_ms``; a new output will play from there."""
        assert self._source is not None
        self._drop_output()
        self._source.seek_frame(self._source.frame_of(position_ms))
        self._base_ms = position_ms
        self._pending = b""
        self._eof = False

    def _start_output(self, source: PcmSource) -> bool:
        output = open_output(source.rate, source.channels, BUFFER_MS, self._volume)
        reason = output.start()
        if reason is not None:
            self._broken(reason)
            return False
        self._output = output
        return True

    def _drop_output(self) -> None:
        if self._output is not None:
            self._output.stop()
            self._output = None

    def _feed(self) -> None:
        """Top the output up with decoded blocks, as far as it takes them."""
        source, output = self._source, self._output
        if source is None or output is None:
            return
        while not self._eof and output.bytes_free() > 0:
            if not self._pending:
                try:
                    self._pending = source.read(BLOCK_FRAMES)
                except PcmError as exc:
                    if self.position() > 0:
                        self._eof = True  # a damaged tail ends the song, as it does in QMediaPlayer
                        break
                    self._broken(str(exc))
                    return
                if not self._pending:
                    self._eof = True
                    break
            taken = output.write(self._pending)
            if taken <= 0:
                break
            self._pending = self._pending[taken:]

    def _tick(self) -> None:
        self._feed()
        output = self._output
        if self._playing and self._eof and not self._pending and output is not None and output.drained():
            self._end()
            return
        self._report()

    def _report(self, force: bool = False) -> None:
        position = self.position()
        self._since_report += FEED_MS
        if position != self._reported and (force or self._since_report >= REPORT_MS):
            self._reported = position
            self._since_report = 0
            self.positionChanged.emit(position)

    def _end(self) -> None:
        self._playing = False
        self._timer.stop()
        assert self._source is not None
        self._base_ms = self._source.duration_ms
        self._drop_output()
        self._report(force=True)
        self.playingChanged.emit(False)
        self.finished.emit()

    def _broken(self, reason: str) -> None:
        self.stop()
        self.failed.emit(reason)
