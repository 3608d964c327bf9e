"""The play in progress: its listen clock, its heartbeat, and its record when it ends.

It follows the audio player's own reports (position, playing or paused), so
the heard time is the player's real position (the engine's ``ListenClock``),
and it saves the play every two seconds and at every pause, so a killed
player loses at most that much (the engine's heartbeat, see docs/events.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import sqlite_utils
from PySide6.QtCore import QObject, QTimer, Signal

from app.audio import AudioPlayer
from engine.api import Ended, ListenClock, PlayRecord, TrackRow, clear_heartbeat, local_hour, save_heartbeat

HEARTBEAT_MS = 2000


@dataclass
class NowPlaying:
    track: TrackRow
    started_at: float  # unix seconds
    hour: float
    duration_ms: int
    clock: ListenClock = field(default_factory=ListenClock)


def mono_ms() -> float:
    return time.monotonic() * 1000.0


class PlayTracker(QObject):
    positionChanged = Signal(int, int)  # position, duration (ms)

    def __init__(
        self, db: sqlite_utils.Database, audio: AudioPlayer, session_id: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.audio = audio
        self.session_id = session_id
        self.now: NowPlaying | None = None
        self._beat = QTimer(self, interval=HEARTBEAT_MS)
        self._beat.timeout.connect(self.beat)
        audio.positionChanged.connect(self._on_position)
        audio.durationChanged.connect(self._on_duration)
        audio.playingChanged.connect(self._on_playing)

    def start(self, track: TrackRow, *, position_ms: int = 0, listened_ms: int = 0) -> NowPlaying:
        """A new play of ``track``; a resumed one starts at ``position_ms`` with ``listened_ms`` heard."""
        started = time.time()
        clock = ListenClock(position_ms=position_ms, listened_ms=listened_ms)
        self.now = NowPlaying(track, started, local_hour(started), track.duration_ms, clock)
        self._beat.start()
        return self.now

    def end(self, ended: Ended) -> PlayRecord | None:
        """The record of the play in progress, which is over (None when nothing was playing)."""
        now, self.now = self.now, None
        self._beat.stop()
        if now is None:
            return None
        position = self.audio.position()
        if ended is Ended.END:
            position = max(position, now.duration_ms)
        now.clock.set_playing(False, position, mono_ms())
        return self._record(now, ended, position)

    def forget_beat(self) -> None:
        """Once the play is stored: its beat would otherwise come back as ``interrupted``."""
        clear_heartbeat(self.db, self.session_id)

    def seek(self, to_ms: int) -> None:
        if self.now is not None:
            self.now.clock.seek(self.audio.position(), to_ms, mono_ms())

    def beat(self) -> None:
        now = self.now
        if now is not None:
            now.clock.advance(self.audio.position(), mono_ms())
            save_heartbeat(self.db, self._record(now, Ended.INTERRUPTED, now.clock.position_ms))

    def _record(self, now: NowPlaying, ended: Ended, position: int) -> PlayRecord:
        clock = now.clock
        return PlayRecord(
            track_id=now.track.id,
            session_id=self.session_id,
            started_at=now.started_at,
            hour=now.hour,
            listened_ms=clock.listened_ms,
            position_ms=max(position, 0),
            duration_ms=now.duration_ms,
            ended=ended,
            seeks_forward=clock.seeks_forward,
            seeks_backward=clock.seeks_backward,
        )

    def _on_position(self, position: int) -> None:
        if self.now is not None:
            self.now.clock.advance(position, mono_ms())
            self.positionChanged.emit(position, self.now.duration_ms)

    def _on_duration(self, duration: int) -> None:
        if self.now is not None and duration > 0:
            self.now.duration_ms = int(duration)

    def _on_playing(self, playing: bool) -> None:
        if self.now is not None:
            changed = playing != self.now.clock.playing  # a new song's file replacing the last one: no
            self.now.clock.set_playing(playing, self.audio.position(), mono_ms())
            if changed:
                self.beat()
