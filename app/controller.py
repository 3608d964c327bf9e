"""The player's brain on the GUI side: what plays, how it ended, and what the learner made of it.

Every way a play can end goes through :meth:`PlayerController._finish`, which
builds the ``PlayRecord`` from the listen clock (the player's real position)
and hands it to the engine's ``ListeningSession``: the play is committed, the
learner updates, the profile is saved and the queue re-ranked, all before the
next song starts. The window, the MPRIS adaptor and the tests all drive the
player through this one object, so a skip from a media key is exactly a skip
from the button.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QObject, QTimer, Signal

from app.audio import AudioPlayer
from app.library_model import TrackIndex
from app.refresh_job import PreparedLibrary, RefreshJob
from engine.learner.explain import Part, top_reasons
from engine.learner.profile import Mode
from engine.listen_clock import ListenClock
from engine.listening import EventReport, ListeningSession, local_hour
from engine.queue.upcoming import Move
from engine.store import heartbeat
from engine.store.plays import PlayRecord
from engine.store.scanning import set_status
from engine.store.tracks import TrackRow, library_rows, library_version, track_row

HEARTBEAT_MS = 2000
RESTART_AFTER_MS = 3000  # "previous" later than this restarts the song instead of going back


@dataclass
class NowPlaying:
    track: TrackRow
    started_at: float  # unix seconds
    hour: float
    duration_ms: int
    clock: ListenClock = field(default_factory=ListenClock)


@dataclass(frozen=True)
class QueueRow:
    track: TrackRow
    p: float | None  # predicted chance of playing through
    move: Move | None  # this song's move in the last re-rank
    pinned: bool


def _mono_ms() -> float:
    return time.monotonic() * 1000.0


class PlayerController(QObject):
    trackChanged = Signal()
    playingChanged = Signal(bool)
    positionChanged = Signal(int, int)  # position, duration (ms)
    seeked = Signal(int)
    queueChanged = Signal()
    learned = Signal(object)  # EventReport of a play that trained the learner
    profileChanged = Signal()
    libraryChanged = Signal()
    volumeChanged = Signal(float)
    message = Signal(str)
    refreshed = Signal()  # a background library refresh was taken in (and no other is pending)

    def __init__(
        self,
        db: sqlite_utils.Database,
        *,
        audio: AudioPlayer | None = None,
        exploration: float | None = None,
        queue_length: int = 30,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        kwargs = {} if exploration is None else {"exploration": exploration}
        self.session = ListeningSession(db, queue_length=queue_length, **kwargs)
        self.session_id = uuid.uuid4().hex
        self.audio = audio or AudioPlayer(self)
        self.now: NowPlaying | None = None
        self.history: list[int] = []  # track ids heard before the current one, newest last
        self.moves: dict[int, Move] = {}
        self.last_report: EventReport | None = None
        self.db_path = Path(db.execute("PRAGMA database_list").fetchone()[2])
        self.tracks: dict[int, TrackRow] = {}
        self.track_index: TrackIndex | None = None  # search keys prepared with the tracks, if any
        self._library_version = library_version(db)
        self._refresh_job: RefreshJob | None = None
        self._refresh_again = False
        self._reload_tracks()
        self._beat = QTimer(self, interval=HEARTBEAT_MS)
        self._beat.timeout.connect(self._heartbeat)
        self.audio.positionChanged.connect(self._on_position)
        self.audio.durationChanged.connect(self._on_duration)
        self.audio.playingChanged.connect(self._on_playing)
        self.audio.finished.connect(self._on_finished)
        self.audio.failed.connect(self._on_failed)
        self.session.rerank()
        for problem in self.session.problems:
            QTimer.singleShot(0, self, lambda p=problem: self.message.emit(p))
        if self.session.recovered:
            n = len(self.session.recovered)
            text = f"Recovered {n} play{'s' * (n != 1)} cut short when Skipwise last stopped unexpectedly."
            QTimer.singleShot(0, self, lambda: self.message.emit(text))

    # ------------------------------------------------------------------ transport

    def play(self) -> None:
        if self.now is None:
            self._advance()
        else:
            self.audio.play()

    def pause(self) -> None:
        if self.now is not None:
            self.audio.pause()

    def play_pause(self) -> None:
        if self.now is not None and self.audio.is_playing():
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        """Stop playing: the play is stored as ``closed`` (it trains nothing)."""
        self._finish("closed")
        self.audio.stop()
        self.trackChanged.emit()

    def next(self) -> None:
        """The user skips the current song (from the button, a key or MPRIS)."""
        if self.now is not None:
            self._finish("skip")
        self._advance()

    def previous(self) -> None:
        """Back to the song before; later than 3 s into a song, back to its start."""
        now = self.now
        if now is not None and (self.audio.position() > RESTART_AFTER_MS or not self.history):
            self._finish("previous", back_to=now.track.id)
            self._start(now.track.id)
            return
        if not self.history:
            return
        back = self.history.pop()
        if now is not None:
            self._finish("previous", back_to=back, remember=False)
            song = self.session.song_of(now.track.id)
            if song is not None:
                self.session.queue.play_next(song)  # the song that was left comes up next again
        self._start(back)
        self.queueChanged.emit()

    def seek(self, position_ms: int) -> None:
        now = self.now
        if now is None:
            return
        position_ms = max(0, min(int(position_ms), max(now.duration_ms - 1, 0)))
        now.clock.seek(self.audio.position(), position_ms, _mono_ms())
        self.audio.seek(position_ms)
        self.seeked.emit(position_ms)

    def seek_by(self, delta_ms: int) -> None:
        if self.now is not None:
            self.seek(self.audio.position() + delta_ms)

    def set_volume(self, volume: float) -> None:
        volume = min(max(float(volume), 0.0), 1.0)
        if abs(volume - self.audio.volume()) > 1e-6:
            self.audio.set_volume(volume)
            self.volumeChanged.emit(volume)

    def volume(self) -> float:
        return self.audio.volume()

    def position(self) -> int:
        return self.audio.position() if self.now is not None else 0

    def is_playing(self) -> bool:
        return self.now is not None and self.audio.is_playing()

    # ------------------------------------------------------------------- choosing

    def play_track(self, track_id: int) -> None:
        """The user picks a song from the library: it plays now."""
        if self.now is not None:
            self._finish("pick")
        song = self.session.song_of(track_id)
        if song is not None:
            self.session.queue.entries = [e for e in self.session.queue.entries if e.song != song]
        self._start(track_id)
        self.queueChanged.emit()

    def add_next(self, track_id: int) -> None:
        """Put a song at the front of the queue, pinned."""
        song = self.session.song_of(track_id)
        if song is not None:
            self.session.queue.play_next(song)
            self.queueChanged.emit()

    def enqueue(self, track_id: int) -> None:
        """Add a song after the songs queued by hand, pinned."""
        song = self.session.song_of(track_id)
        if song is not None:
            self.session.queue.enqueue(song)
            self.queueChanged.emit()

    def move_in_queue(self, rows: list[int], before: int) -> None:
        """Drag queue rows so they land before row ``before``; they stay where the user put them."""
        self.session.queue.move_rows(rows, before)
        self.queueChanged.emit()

    def remove_from_queue(self, positions: list[int]) -> None:
        for pos in sorted(set(positions), reverse=True):
            if 0 <= pos < len(self.session.queue.entries):
                self.session.queue.remove(pos)
        self.queueChanged.emit()

    def unpin(self, pos: int) -> None:
        if 0 <= pos < len(self.session.queue.entries):
            self.session.queue.unpin(pos)
            self.queueChanged.emit()

    def queue_rows(self) -> list[QueueRow]:
        ranking = self.session.last_ranking
        ids = self.session.library.ids
        rows = []
        for e in self.session.queue.entries:
            track_id = int(ids[e.song])
            track = self.tracks.get(track_id)
            if track is None:
                continue
            p = None
            if ranking is not None and e.song < len(ranking.p):
                p = float(ranking.p[e.song])
            rows.append(QueueRow(track, p, self.moves.get(track_id), e.pinned))
        return rows

    def reasons(self, n: int = 6) -> list[Part]:
        """The largest parts of the current song's score ("why this song")."""
        if self.now is None:
            return []
        x = self.session.inputs_for(self.now.track.id)
        return [] if x is None else top_reasons(self.session.learner.weights, x, n)

    # -------------------------------------------------------------------- profile

    def undo(self) -> bool:
        done = self.session.undo()
        if done:
            self._profile_changed("Undid the last update.")
        return done

    def reset(self) -> None:
        self.session.reset()
        self._profile_changed("The profile is back at the prior (Undo brings the old one back).")

    def set_mode(self, mode: Mode) -> None:
        if mode != self.session.learner.mode:
            self.session.set_mode(mode)
            self._profile_changed(f"The learner now runs in {mode} mode.")

    def export_profile(self, path: Path) -> None:
        self.session.export_profile(path)
        self.message.emit(f"Exported the profile to {path}.")

    def import_profile(self, path: Path) -> None:
        """Raises ProfileError (and changes nothing) when the file is not a valid profile."""
        self.session.import_profile(path)
        self._profile_changed(f"Imported the profile from {path}.")

    def _profile_changed(self, text: str) -> None:
        self.moves = {m.song: m for m in self.session.rerank()}
        self.profileChanged.emit()
        self.queueChanged.emit()
        self.message.emit(text)

    # -------------------------------------------------------------------- library

    def refresh_library(self) -> None:
        """Take in what the scanner stored (new tracks, new features), now, on this thread."""
        version = library_version(self.db)
        if version != self._library_version:
            self._take_in(version, self.session.refresh_library(), library_rows(self.db), None)

    def refresh_library_in_background(self) -> None:
        """The same, with the reading done by a worker thread (what a running scan uses)."""
        if self._refresh_job is not None:
            self._refresh_again = True
            return
        self._refresh_again = False
        job = RefreshJob(self.db_path, self)
        job.done.connect(self._on_prepared)
        job.crashed.connect(lambda reason: self._on_refresh_done(f"Could not reload the library: {reason}"))
        self._refresh_job = job
        job.start()

    def _on_prepared(self, prepared: PreparedLibrary) -> None:
        if prepared.version != self._library_version:
            changed = self.session.adopt(prepared.snapshot)
            self._take_in(prepared.version, changed, prepared.tracks, prepared.index)
        self._on_refresh_done(None)

    def _on_refresh_done(self, problem: str | None) -> None:
        job, self._refresh_job = self._refresh_job, None
        if job is not None:
            job.wait()
            job.deleteLater()
        if problem:
            self.message.emit(problem)
        if self._refresh_again:
            self.refresh_library_in_background()
        else:
            self.refreshed.emit()

    def _take_in(
        self, version: tuple, changed: bool, tracks: list[TrackRow], index: TrackIndex | None
    ) -> None:
        tracks_changed = version[0] != self._library_version[0]
        self._library_version = version
        if changed:  # row numbers and features moved: the old scores no longer apply
            self.moves = {m.song: m for m in self.session.rerank()}
            self.queueChanged.emit()
        if tracks_changed:
            self.tracks = {t.id: t for t in tracks}
            self.track_index = index
            self.libraryChanged.emit()

    def _reload_tracks(self) -> None:
        self.tracks = {t.id: t for t in library_rows(self.db)}

    # ------------------------------------------------------------------- lifetime

    def shutdown(self) -> None:
        """The app closes: a play in progress is stored as ``closed``."""
        self._finish("closed", rerank=False)
        self.audio.stop()
        if self._refresh_job is not None:
            self._refresh_again = False
            self._refresh_job.wait()

    # ------------------------------------------------------------------ internals

    def _start(self, track_id: int) -> None:
        track = self.tracks.get(track_id) or track_row(self.db, track_id)
        if track is None:
            self.message.emit(f"Track {track_id} is no longer in the library.")
            return
        started = time.time()
        self.now = NowPlaying(track, started, local_hour(started), track.duration_ms)
        self.session.current = track_id
        self.trackChanged.emit()
        if self.audio.load(track.path):
            self.audio.play()
            self._beat.start()

    def _advance(self) -> None:
        song = self.session.queue.pop_next()
        if song is None:
            self.session.rerank()
            song = self.session.queue.pop_next()
        if song is None:
            self.message.emit("Nothing left to play.")
            self.trackChanged.emit()
            return
        self._start(int(self.session.library.ids[song]))
        self.queueChanged.emit()

    def _record_of(self, now: NowPlaying, ended: str) -> PlayRecord:
        position = self.audio.position()
        if ended == "end":
            position = max(position, now.duration_ms)
        clock = now.clock
        clock.set_playing(False, position, _mono_ms())
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

    def _finish(
        self, ended: str, *, back_to: int | None = None, rerank: bool = True, remember: bool = True
    ) -> EventReport | None:
        now = self.now
        if now is None:
            return None
        play = self._record_of(now, ended)
        self.now = None
        self._beat.stop()
        # Still the current song while re-ranking: the song just heard never lands in the queue.
        report = self.session.record(play, rerank=rerank, back_to=back_to)
        self.session.current = None
        heartbeat.clear(self.db, self.session_id)  # after the play is stored, see engine.store.heartbeat
        if remember and ended != "previous":
            self.history.append(now.track.id)
        self.last_report = report
        if rerank:
            self.moves = {m.song: m for m in report.moves}
        if report.updates:
            self.learned.emit(report)
        return report

    def _heartbeat(self) -> None:
        now = self.now
        if now is None:
            return
        now.clock.advance(self.audio.position(), _mono_ms())
        play = PlayRecord(
            now.track.id, self.session_id, now.started_at, now.hour, now.clock.listened_ms,
            max(now.clock.position_ms, 0), now.duration_ms, "interrupted",
            now.clock.seeks_forward, now.clock.seeks_backward,
        )  # fmt: skip
        heartbeat.beat(self.db, play)

    def _on_position(self, position: int) -> None:
        now = self.now
        if now is None:
            return
        now.clock.advance(position, _mono_ms())
        self.positionChanged.emit(position, now.duration_ms)

    def _on_duration(self, duration: int) -> None:
        if self.now is not None and duration > 0:
            self.now.duration_ms = int(duration)

    def _on_playing(self, playing: bool) -> None:
        now = self.now
        if now is not None:
            now.clock.set_playing(playing, self.audio.position(), _mono_ms())
            self._heartbeat()
        self.playingChanged.emit(playing)

    def _on_finished(self) -> None:
        if self.now is not None:
            self._finish("end")
            self._advance()

    def _on_failed(self, reason: str) -> None:
        now = self.now
        if now is None:
            return
        title = now.track.title or Path(now.track.path).name
        self.message.emit(f"Cannot play “{title}”: {reason}. Skipping to the next song.")
        self._finish("error")
        self.session.mark_unplayable(now.track.id)
        if reason == "the file is missing":
            set_status(self.db, [now.track.id], "missing")
        self._advance()
