"""The player's brain on the GUI side: what plays, how it ended, and what the learner made of it.

Every way a play can end goes through :meth:`PlayerController._finish`, which
builds the ``PlayRecord`` from the listen clock (the player's real position)
and hands it to the engine's ``ListeningSession``: the play is stored, the
learner updates, the profile is saved and the queue re-ranked, all before the
next song starts; the durable commit of the play and profile follows once the
window has redrawn (``docs/events.md``, "What is durable when"). The window,
the MPRIS adaptor and the tests all drive the player through this one object,
so a skip from a media key is exactly a skip from the button.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QObject, QTimer, Signal

from app.audio import FILE_MISSING, AudioPlayer
from app.library_keeper import LibraryKeeper
from app.play_tracker import NowPlaying, PlayTracker
from engine.api import (
    STOP_AFTER_MISSING,
    Ended,
    EventReport,
    LearnerView,
    ListeningSession,
    Mode,
    Part,
    PlaybackRules,
    Prior,
    QueueMove,
    TrackRow,
    undone_what,
)

COMMIT_WAIT_MS = 100  # the longest a stored play waits for the window's redraw before its durable commit


@dataclass(frozen=True)
class QueueRow:
    track: TrackRow
    p: float | None  # predicted chance of playing through
    move: QueueMove | None  # this song's move in the last re-rank
    pinned: bool


class PlayerController(QObject):
    trackChanged = Signal()
    playingChanged = Signal(bool)
    positionChanged = Signal(int, int)  # position, duration (ms)
    seeked = Signal(int)
    queueChanged = Signal()
    # A new song and its queue are set and told: the views draw them now, before the audio backend opens
    # the file (QMediaPlayer.setSource can wait milliseconds on FFmpeg's thread for the song before).
    drawNow = Signal()
    learned = Signal(object)  # EventReport of a play that trained the learner
    profileChanged = Signal(str)  # why: "undo", "reset", "mode", "import" or "fleet"
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
        self.tracker = PlayTracker(db, self.audio, self.session_id, self)
        self.rules = PlaybackRules()  # history, Previous, stop after songs missing in a row
        self.moves: dict[int, QueueMove] = {}
        self.last_report: EventReport | None = None
        self._restored = False  # the song now is the one brought back at start-up, not played yet
        self._stopped: int | None = None  # the song Stop ended, which Play starts again
        self.library = LibraryKeeper(
            db, self.session, on_features=self._rerank_after_library_change, parent=self
        )
        self.library.changed.connect(self.libraryChanged)
        self.library.refreshed.connect(self.refreshed)
        self.library.failed.connect(self.message)
        self.tracker.positionChanged.connect(self.positionChanged)
        self.audio.playingChanged.connect(self.playingChanged)
        self.audio.playingChanged.connect(self._on_playing)
        self.audio.finished.connect(self._on_finished)
        self.audio.failed.connect(self._on_failed)
        self.queueChanged.connect(self.session.save_queue)
        self._commit_timer = QTimer(self, singleShot=True, interval=COMMIT_WAIT_MS)
        self._commit_timer.timeout.connect(self.commit_pending)
        self.session.rerank()
        for problem in self.session.problems:
            QTimer.singleShot(0, self, lambda p=problem: self.message.emit(p))
        if self.session.recovered:
            n = len(self.session.recovered)
            text = f"Recovered {n} play{'s' * (n != 1)} cut short when Skipwise last stopped unexpectedly."
            QTimer.singleShot(0, self, lambda: self.message.emit(text))

    def commit_pending(self) -> None:
        """Make the last play and its profile durable now (the window calls it once it has redrawn)."""
        self._commit_timer.stop()
        self.session.commit_pending()

    # ------------------------------------------------------------------ transport

    def play(self) -> None:
        self._restored = False
        stopped, self._stopped = self._stopped, None
        if self.now is None and stopped is not None and stopped in self.tracks:
            self._start(stopped)  # after Stop, Play starts the stopped song again, as players do
        elif self.now is None:
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
        """Stop playing: the play is stored as ``closed`` (it trains nothing); Play starts it again."""
        if self.now is not None:
            self._stopped = self.now.track.id
        self._finish(Ended.CLOSED)
        self.audio.stop()
        self.trackChanged.emit()

    def next(self) -> None:
        """The user skips the current song (from the button, a key or MPRIS)."""
        if self.now is not None:
            self._finish(Ended.SKIP)
        self._advance()

    def previous(self) -> None:
        """Back to the song before; later than 3 s into a song, back to its start."""
        now = self.now
        current = None if now is None else now.track.id
        step = self.rules.previous(current, self.audio.position(), self.session.unplayable)
        if step.to is None:
            return
        if now is not None:
            self._finish(Ended.PREVIOUS, back_to=step.to)
        if step.requeue is not None:
            self.session.play_next(step.requeue)  # the song that was left comes up next again
        self._start(step.to, queue_changed=not step.restart)

    @property
    def history(self) -> list[int]:
        """Track ids heard before the current one, newest last."""
        return self.rules.history

    def can_go_previous(self) -> bool:
        return self.rules.can_go_back(None if self.now is None else self.now.track.id)

    def can_go_next(self) -> bool:
        return self.session.can_play

    def seek(self, position_ms: int) -> None:
        now = self.now
        if now is None:
            return
        position_ms = max(0, min(int(position_ms), max(now.duration_ms - 1, 0)))
        self.tracker.seek(position_ms)
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
        """0 to 1, to three decimals: Qt keeps a float32, and 0.37 should read 0.37, not 0.3700000047."""
        return round(self.audio.volume(), 3)

    def position(self) -> int:
        return self.audio.position() if self.now is not None else 0

    def is_playing(self) -> bool:
        return self.now is not None and self.audio.is_playing()

    # ------------------------------------------------------------------- choosing

    def play_track(self, track_id: int) -> None:
        """The user picks a song from the library: it plays now (a missing one changes nothing)."""
        track = self.tracks.get(track_id) or self.session.track(track_id)
        if track is not None and not os.path.exists(track.path):
            self._missing(track)
            return
        if self.now is not None:
            self._finish(Ended.PICK)
        self.session.allow(track_id)
        self._start(track_id, queue_changed=True)

    def add_next(self, track_id: int) -> None:
        """Put a song at the front of the queue, pinned."""
        if self.session.play_next(track_id):
            self.queueChanged.emit()

    def enqueue(self, track_id: int) -> None:
        """Add a song after the songs queued by hand, pinned."""
        if self.session.enqueue(track_id):
            self.queueChanged.emit()

    def move_in_queue(self, rows: list[int], before: int) -> None:
        """Drag queue rows so they land before row ``before``; they stay where the user put them."""
        self.session.move(rows, before)
        self.queueChanged.emit()

    def remove_from_queue(self, positions: list[int]) -> None:
        """Take songs out of the queue; re-ranking does not bring them back in this run."""
        self.session.remove_from_queue(positions)
        self.queueChanged.emit()

    def unpin(self, pos: int) -> None:
        if self.session.unpin(pos):
            self.queueChanged.emit()

    def queue_rows(self) -> list[QueueRow]:
        rows = []
        for entry in self.session.queue_entries():
            track = self.tracks.get(entry.track_id)
            if track is not None:
                rows.append(QueueRow(track, entry.p, self.moves.get(entry.track_id), entry.pinned))
        return rows

    def reasons(self, n: int = 6) -> list[Part]:
        """The largest parts of the current song's score ("why this song")."""
        return [] if self.now is None else self.session.reasons(self.now.track.id, n)

    def learner_view(self) -> LearnerView:
        """The learner's weights and state, for the panel."""
        return self.session.learner_view()

    # -------------------------------------------------------------------- profile

    def undo(self) -> bool:
        undid = self.session.undo()
        if undid is not None:
            self._profile_changed("undo", f"Undid {undone_what(undid)}.")
        return undid is not None

    def reset(self) -> None:
        self.session.reset()
        self._profile_changed("reset", "The profile is back at the prior (Undo brings the old one back).")

    def set_mode(self, mode: Mode) -> None:
        if mode != self.session.mode:
            self.session.set_mode(mode)
            self._profile_changed("mode", f"The learner now runs in {mode} mode.")

    def export_profile(self, path: Path) -> None:
        self.session.export_profile(path)
        self.message.emit(f"Exported the profile to {path}.")

    def import_profile(self, path: Path) -> None:
        """Raises ProfileError (and changes nothing) when the file is not a valid profile."""
        self.session.import_profile(path)
        self._profile_changed("import", f"Imported the profile from {path}.")

    def take_prior(self, prior: Prior, version: str) -> bool:
        """The prior the fleet's adopted baseline made (its mean validated) becomes the profile's;
        the weights stay."""
        changed = self.session.take_prior(prior)
        if changed:
            self._profile_changed(
                "fleet", f"The fleet's baseline {version} is now your profile's prior; your own weights stay."
            )
        return changed

    def _profile_changed(self, why: str, text: str) -> None:
        self.moves = {m.track_id: m for m in self.session.rerank()}
        self.profileChanged.emit(why)
        self.queueChanged.emit()
        self.message.emit(text)

    # -------------------------------------------------------------------- library

    @property
    def now(self) -> NowPlaying | None:
        """The song playing (or paused), with its listen clock; None when stopped."""
        return self.tracker.now

    @property
    def tracks(self) -> dict[int, TrackRow]:
        """Every playable track by id, as the views list them."""
        return self.library.tracks

    def refresh_library(self) -> None:
        self.library.refresh()

    def refresh_library_in_background(self) -> None:
        self.library.refresh_in_background()

    def _rerank_after_library_change(self) -> None:
        # Row numbers and features moved: the old scores no longer apply.
        self.moves = {m.track_id: m for m in self.session.rerank()}
        self.queueChanged.emit()

    # ------------------------------------------------------------------- lifetime

    def shutdown(self) -> None:
        """The app closes: a play in progress is stored as ``closed``.

        A song brought back at start-up and never played is not stored again: its
        ``closed`` play is still the newest, so the next start brings it back the same way.
        """
        if self._restored:
            self._restored = False
            self.tracker.end(Ended.CLOSED)
            self.tracker.forget_beat()
        self._finish(Ended.CLOSED, rerank=False)
        self.commit_pending()  # a skip just before closing
        self.audio.stop()
        self.library.wait()

    def restore_last_song(self) -> bool:
        """Bring back, paused where it was, the song the last run was closed (or killed) in."""
        point = self.session.resume_point()
        if point is None or self.now is not None or point.track_id not in self.tracks:
            return False
        track = self.tracks[point.track_id]
        if not os.path.exists(track.path):  # gone since: start stopped, as without a resume
            return False
        self.tracker.start(track, position_ms=point.position_ms, listened_ms=point.listened_ms)
        self.session.start(track.id)
        self.moves = {m.track_id: m for m in self.session.rerank()}  # it leaves the queue it may be in
        self.trackChanged.emit()
        self.queueChanged.emit()
        self._restored = True  # until it plays: if it cannot, nothing else starts by itself
        self.audio.load(track.path, start_ms=point.position_ms)
        return True

    # ------------------------------------------------------------------ internals

    def _start(self, track_id: int, *, queue_changed: bool = False) -> None:
        """Play ``track_id``: the views are told (``queueChanged`` too when ``queue_changed`` or the song
        left the queue) and drawn, then the file is opened."""
        self._restored = False
        self._stopped = None
        track = self.tracks.get(track_id) or self.session.track(track_id)
        if track is None:
            self.message.emit(f"Track {track_id} is no longer in the library.")
            if queue_changed:
                self.queueChanged.emit()
            return
        self.tracker.start(track)
        self.rules.started(track_id)
        dropped = self.session.start(track_id)  # the song playing is never queued
        self.audio.intend_to_play()  # so that listeners of trackChanged (MPRIS) see it playing, not paused
        self.trackChanged.emit()
        if dropped or queue_changed:
            self.queueChanged.emit()
        self.drawNow.emit()
        if self.audio.load(track.path):
            self.audio.play()

    def _advance(self) -> None:
        track_id = self.session.next_track()
        if track_id is None:
            self.message.emit(self._nothing_to_play())
            self.trackChanged.emit()
            return
        self._start(track_id, queue_changed=True)

    def _nothing_to_play(self) -> str:
        if self.tracks:
            return "Nothing left to play."
        gone = self.session.missing_count()
        if gone:
            return (
                f"None of the {gone} songs of your library can be found: if they are on a drive, connect it "
                "and rescan (F5); or add a music folder (Ctrl+O)."
            )
        return "The library is empty: Library > Add music folder… (Ctrl+O)."

    def _finish(self, ended: Ended, *, back_to: int | None = None, rerank: bool = True) -> EventReport | None:
        play = self.tracker.end(ended)
        if play is None:
            return None
        # Its commit (an fsync) waits for the window's redraw (``commit_pending``), at most COMMIT_WAIT_MS;
        # any other write on the database commits it first.
        report = self.session.record(play, rerank=rerank, back_to=back_to, commit_later=rerank)
        if rerank:
            self._commit_timer.start()
        self.rules.ended(play.track_id, ended)
        self.last_report = report
        if rerank:
            self.moves = {m.track_id: m for m in report.moves}
        if report.updates:
            self.learned.emit(report)
        return report

    def _on_finished(self) -> None:
        if self.now is not None:
            self._finish(Ended.END)
            self._advance()

    def _on_playing(self, playing: bool) -> None:
        if playing:
            self.rules.playing()

    def _on_failed(self, reason: str) -> None:
        now = self.now
        if now is None:
            return
        self._finish(Ended.ERROR)
        if self.rules.failed(missing=reason == FILE_MISSING):
            self._keep_out(
                now.track, reason,
                f"{STOP_AFTER_MISSING} songs in a row are missing: is the drive or folder with your music "
                "there? Stopped; Library > Rescan (F5) finds them again once it is.",
            )  # fmt: skip
            self.trackChanged.emit()
            return
        self._keep_out(now.track, reason, "Skipping to the next song.")
        if self._restored:  # the song brought back at start-up: stay stopped
            self._restored = False
            self.trackChanged.emit()
            return
        self._advance()

    def _missing(self, track: TrackRow) -> None:
        """A song the user asked for whose file is gone: say so, keep it out, leave what plays alone."""
        self._keep_out(track, FILE_MISSING)
        self.queueChanged.emit()

    def _keep_out(self, track: TrackRow, reason: str, then: str = "") -> None:
        """Say why ``track`` cannot play and keep it out of this run; a missing file is marked so
        in the database and leaves the library view."""
        title = track.title or Path(track.path).name
        self.message.emit(f"Cannot play “{title}”: {reason}." + (f" {then}" if then else ""))
        if reason == FILE_MISSING:
            self.session.mark_missing(track.id)
            self.library.refresh_in_background()
        else:
            self.session.mark_unplayable(track.id)
