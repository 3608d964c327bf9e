"""The engine side of the player: plays in; learning, saving and re-ranking out.

After each play (``docs/events.md``):

1. the play is stored, with its label;
2. if it is labelled, forward pass, loss, backward pass and one step;
3. the profile is saved (a new snapshot): play and snapshot are one durable transaction;
4. the upcoming queue is re-ranked (pinned songs and the current song stay);
5. a report says what changed: weight deltas, the loss, each song's move.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import sqlite_utils

from engine.atomic import write_text_atomic
from engine.learner.explain import Part, top_reasons
from engine.learner.labels import Ended, Label, label_play
from engine.learner.learner import Learner, Update
from engine.learner.observe import Observation, observe
from engine.learner.prior import Prior, origin_of
from engine.learner.profile import Mode, Profile
from engine.library_snapshot import LibrarySnapshot, fold_plays, load_snapshot
from engine.queue.ranker import DEFAULT_EXPLORATION, Ranker, Ranking
from engine.queue.upcoming import Entry, UpcomingQueue
from engine.start_prior import start_prior
from engine.store import heartbeat
from engine.store.db import at_commit, commit_pending, commit_waits, transaction
from engine.store.plays import PlayRecord, ResumePoint, insert_play_in, resume_point
from engine.store.profiles import load_profile, save_profile, save_profile_in, undo_last, undo_preview
from engine.store.queue_pins import load_pins, save_pins
from engine.store.scanning import set_status
from engine.store.tracks import LibraryArrays, TrackRow, missing_count, track_row


@dataclass(frozen=True)
class QueueMove:
    """One song's move in a re-rank, by track id; ``old`` is None for a song new to the queue."""

    track_id: int
    old: int | None
    new: int

    @property
    def delta(self) -> int | None:
        """Positive when the song moved up (towards the front)."""
        return None if self.old is None else self.old - self.new


@dataclass(frozen=True)
class QueueEntry:
    """One row of the upcoming queue: the song, its predicted chance of playing through, its pin."""

    track_id: int
    p: float | None
    pinned: bool


@dataclass(frozen=True)
class LearnerView:
    """What the learner's panel shows; arrays [shape=(42,)] but ``scales`` [shape=(5,)], copies.

    ``q`` holds the int8 weights in INT8 mode (None in float32 mode).
    """

    weights: np.ndarray
    prior: np.ndarray
    mode: Mode
    steps: int
    q: np.ndarray | None
    scales: np.ndarray


@dataclass
class EventReport:
    """What one play did to the model and the queue."""

    play_id: int
    label: Label
    updates: list[Update] = field(default_factory=list)
    moves: list[QueueMove] = field(default_factory=list)

    @property
    def loss(self) -> float | None:
        return self.updates[-1].loss if self.updates else None


class ListeningSession:
    """Owns the learner, the context memories and the queue for one database."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        *,
        exploration: float = DEFAULT_EXPLORATION,
        queue_length: int = 30,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.db = db
        self.rng = rng or np.random.default_rng()
        self.recovered = heartbeat.recover(db)  # plays a killed player left behind
        loaded = load_profile(db)
        self.problems = loaded.problems if loaded else []
        if loaded is None:
            profile = Profile.from_prior(start_prior(db))
            save_profile(db, profile, "prior")
        else:
            profile = loaded.profile
        self.learner = Learner(profile, rng=self.rng)
        self.exploration = exploration
        self.queue = UpcomingQueue(queue_length)
        self.current: int | None = None
        self.unplayable: set[int] = set()  # track ids that failed to play in this run
        self.removed: set[int] = set()  # track ids the user took out of the queue in this run
        self.last_ranking: Ranking | None = None
        self._load()
        self._saved_pins = load_pins(db)
        self._restore_queue()

    def _load(self) -> None:
        """(Re)build the library arrays, the context memories and the ranker from the database."""
        self._adopt(load_snapshot(self.db))

    def _adopt(self, snap: LibrarySnapshot) -> None:
        fold_plays(self.db, snap)  # plays stored while the snapshot was being built elsewhere
        self.library: LibraryArrays = snap.library
        self.index = snap.index
        self.context = snap.context
        self.ranker = Ranker(self.learner, self.context, exploration=self.exploration, rng=self.rng)
        self._previous_track: int | None = snap.previous_track

    def adopt(self, snap: LibrarySnapshot) -> bool:
        """Swap in a snapshot built from the database (on any thread, see ``load_snapshot``).

        The queue keeps its songs (by track id) and its pins. Returns False,
        and changes nothing, when the library's tracks and features are the same.
        """
        old_ids, old_raw = self.library.ids, self.library.raw
        if np.array_equal(old_ids, snap.library.ids) and np.array_equal(
            old_raw, snap.library.raw, equal_nan=True
        ):
            return False
        queued = [(int(old_ids[e.song]), e.pinned) for e in self.queue.entries]
        self._adopt(snap)
        self.queue.entries = [Entry(self.index[t], pinned) for t, pinned in queued if t in self.index]
        return True

    def refresh_library(self) -> bool:
        """Pick up tracks and features the scanner stored since the last load (see ``adopt``)."""
        return self.adopt(load_snapshot(self.db))

    def record(
        self, play: PlayRecord, *, rerank: bool = True, back_to: int | None = None, commit_later: bool = False
    ) -> EventReport:
        """Store one finished play, learn from it, save the profile and re-rank.

        For a play that ended with ``previous``, ``back_to`` is the track the
        listener went back to (the same track for a restart); it gets the
        extra positive event. By default it is the track played before.

        The play, the profile snapshot it led to (written just before the
        commit) and the dropping of its heartbeat are one durable transaction, committed before this returns
        unless ``commit_later``: then the commit waits for :meth:`commit_pending`
        or the next durable write on this connection, whichever comes first (the
        player redraws a skip before it waits for the disk). A crash before the
        commit leaves the heartbeat, stored as ``interrupted`` at the next start
        (``docs/events.md``). A learner that fails still lets the play be stored.
        """
        label = label_play(play.ended, play.listened_ms, play.duration_ms)
        failure: Exception | None = None
        with transaction(self.db.conn, commit_later=commit_later) as conn:
            report = EventReport(insert_play_in(conn, play, label), label)  # first: the play is checked here
            heartbeat.clear_in(conn, play.session_id)
            i = self.index.get(play.track_id)
            try:
                if i is not None:  # None: a track added after start-up, which the model has no row for yet
                    report.updates = self._learn(i, play, label, back_to)
                if report.updates:  # serialised at the commit (0.5 ms), a copy of the profile as it is now
                    at_commit(conn, partial(save_profile_in, profile=self.learner.profile.copy()))
            except Exception as exc:  # re-raised once the play is committed
                failure = exc
        if failure is not None:
            raise failure
        if i is None:
            return report
        if rerank:
            report.moves = self.rerank(play.started_at + play.listened_ms / 1000.0, play.hour)
        if self.current == play.track_id:
            self.current = None  # only now: while re-ranking the song just heard stays out of the queue
        return report

    def _learn(self, song: int, play: PlayRecord, label: Label, back_to: int | None) -> list[Update]:
        """Learn from a play of library row ``song`` and fold it into the context memories."""
        back = self._previous_track if back_to is None else back_to
        obs = Observation(
            song, play.started_at, play.hour, label, play.listened_ms / 1000, play.session_id,
            back_to=self.index.get(back) if play.ended == Ended.PREVIOUS and back is not None else None,
        )  # fmt: skip
        updates = observe(self.context, obs, self.learner.learn_one)
        self._previous_track = play.track_id
        return updates

    def commit_pending(self) -> bool:
        """Commit a play ``record(..., commit_later=True)`` left waiting; whether there was one."""
        return commit_pending(self.db.conn)

    @property
    def commit_waits(self) -> bool:
        """A play stored with ``commit_later`` is not durable yet (nor seen by other connections)."""
        return commit_waits(self.db.conn)

    def rerank(self, now: float | None = None, hour: float | None = None) -> list[QueueMove]:
        """Score the whole library and refill the queue's unpinned slots."""
        now = time.time() if now is None else now
        hour = local_hour(now) if hour is None else hour
        usable = None
        left_out = self.unplayable | self.removed
        if left_out:
            usable = ~np.isin(self.library.ids, np.fromiter(left_out, dtype=np.int64))
        ranking = self.ranker.rank(now, hour, need=self.queue.length + 1, usable=usable)
        self.last_ranking = ranking
        current = self.index.get(self.current) if self.current is not None else None
        moves = self.queue.rerank(ranking.scores, ranking.eligible, current=current)
        return [QueueMove(int(self.library.ids[m.row]), m.old, m.new) for m in moves]

    def _restore_queue(self) -> None:
        """Put back the songs queued by hand in an earlier run; a song that is gone closes up its row."""
        pins, gone = [], 0
        for pos, track in self._saved_pins:
            if track in self.index:
                pins.append((pos - gone, self.index[track]))
            else:
                gone += 1
        self.queue.restore(pins)

    def save_queue(self) -> None:
        """Store the songs queued by hand (with their places), when they changed since the last save."""
        ids = self.library.ids
        pins = [(pos, int(ids[song])) for pos, song in self.queue.pins()]
        if pins != self._saved_pins:
            save_pins(self.db, pins)
            self._saved_pins = pins

    def remove_from_queue(self, positions: list[int]) -> list[int]:
        """The user takes songs out of the queue: they stay out of it for the rest of this run,
        unless the user queues or picks them again (``allow``). Returns their track ids."""
        gone = []
        for pos in sorted(set(positions), reverse=True):
            if 0 <= pos < len(self.queue.entries):
                gone.append(int(self.library.ids[self.queue.remove(pos)]))
        self.removed.update(gone)
        return gone

    def allow(self, track_id: int) -> None:
        """The user queued or picked a song: if it was taken out of the queue, that is over."""
        self.removed.discard(track_id)

    def mark_unplayable(self, track_id: int) -> None:
        """Keep a track that failed to play out of the queue for the rest of this run."""
        self.unplayable.add(track_id)
        song = self.song_of(track_id)
        if song is not None:
            self.queue.drop(song)

    def mark_missing(self, track_id: int) -> None:
        """A track whose file is gone: marked missing in the database (it leaves the library's
        playable songs, its plays stay) and kept out of the queue for the rest of this run."""
        set_status(self.db, [track_id], "missing")
        self.mark_unplayable(track_id)

    # ------------------------------------------------------------------ the queue, by track id

    def play_next(self, track_id: int) -> bool:
        """Put a song at the front of the queue, pinned; False for a track the queue cannot hold."""
        self.allow(track_id)
        song = self.song_of(track_id)
        if song is not None:
            self.queue.play_next(song)
        return song is not None

    def enqueue(self, track_id: int) -> bool:
        """Add a song after the songs queued by hand, pinned; False for a track the queue cannot hold."""
        self.allow(track_id)
        song = self.song_of(track_id)
        if song is not None:
            self.queue.enqueue(song)
        return song is not None

    def move(self, positions: list[int], before: int) -> None:
        """Drag the songs at ``positions`` so that they land, in order, before ``before``; pinned."""
        self.queue.move_rows(positions, before)

    def unpin(self, position: int) -> bool:
        """Let re-ranking move the song at ``position`` again; False when there is no such row."""
        if 0 <= position < len(self.queue.entries):
            self.queue.unpin(position)
            return True
        return False

    def start(self, track_id: int) -> bool:
        """``track_id`` becomes the current song, which is never queued; whether the queue changed."""
        self.current = track_id
        song = self.song_of(track_id)
        return song is not None and self.queue.drop(song)

    def next_track(self) -> int | None:
        """Take the song at the front of the queue (re-ranking first when it is empty); None: none left."""
        song = self.queue.pop_next()
        if song is None:
            self.rerank()
            song = self.queue.pop_next()
        return None if song is None else int(self.library.ids[song])

    def queue_entries(self) -> list[QueueEntry]:
        """The upcoming queue, front first, with the last re-rank's predictions."""
        ranking = self.last_ranking
        ids = self.library.ids
        out = []
        for e in self.queue.entries:
            p = float(ranking.p[e.song]) if ranking is not None and e.song < len(ranking.p) else None
            out.append(QueueEntry(int(ids[e.song]), p, e.pinned))
        return out

    @property
    def can_play(self) -> bool:
        """Whether Next has something to play (the queue, or the library it is refilled from)."""
        return bool(self.queue.entries) or self.library.n_songs > 0

    # ------------------------------------------------------------------- the library and the store

    def track(self, track_id: int) -> TrackRow | None:
        """A track's row as the views show it, read from the database (None: no such track)."""
        return track_row(self.db, track_id)

    def missing_count(self) -> int:
        """How many of the library's songs are marked missing."""
        return missing_count(self.db)

    def resume_point(self) -> ResumePoint | None:
        """Where the song the last run was closed (or killed) in was cut short; None if it was not."""
        return resume_point(self.db)

    def reasons(self, track_id: int, n: int = 6) -> list[Part]:
        """The largest parts of a track's score right now ("why this song"); [] when it is unknown."""
        x = self.inputs_for(track_id)
        return [] if x is None else top_reasons(self.learner.weights, x, n)

    def learner_view(self) -> LearnerView:
        """The learner's weights and state, as the panel shows them (copies)."""
        p = self.learner.profile
        q = None if p.q is None else p.q.copy()
        return LearnerView(p.weights.copy(), p.prior.copy(), p.mode, p.steps, q, p.scales.copy())

    @property
    def mode(self) -> Mode:
        return self.learner.mode

    def song_of(self, track_id: int) -> int | None:
        """The library row of a track id (None when it is not playable)."""
        return self.index.get(track_id)

    def inputs_for(self, track_id: int, now: float | None = None) -> np.ndarray | None:
        """The model's input vector [shape=(26,)] for a track right now (None if unknown)."""
        i = self.index.get(track_id)
        if i is None:
            return None
        now = time.time() if now is None else now
        return self.context.inputs_one(i, now, local_hour(now))

    @property
    def upcoming(self) -> list[int]:
        """Track ids of the upcoming queue, front first."""
        return [int(self.library.ids[i]) for i in self.queue.songs]

    def undo(self) -> str | None:
        """Restore the snapshot before the newest; what was undone ("update", "reset"...), or None."""
        loaded = undo_last(self.db)
        if loaded is None:
            return None
        self.learner.profile = loaded.profile
        return loaded.undid

    def reset(self) -> None:
        """Back to the prior: the shipped one, or the fleet's when the device adopted a fleet baseline
        (``engine.start_prior``); the old snapshots stay, so a reset can be undone."""
        self.learner.profile = Profile.from_prior(start_prior(self.db), mode=self.learner.mode)
        save_profile(self.db, self.learner.profile, "reset")

    def take_prior(self, prior: Prior) -> bool:
        """The fleet's adopted prior (``fleet_prior``): its mean [shape=(42,)] becomes the pull target.

        The profile's prior becomes ``prior.mean`` and its origin ``prior``'s
        (as ``adopt_baseline`` does in the database); the personal weights,
        posterior, prior covariance and steps stay as they are. The profile is
        saved again (reason ``fleet-baseline``) only when the newest stored
        snapshot does not already hold this prior and these weights (the
        ClientApp's ``adopt_baseline`` wrote one; a play saved since would not
        have it). False, and nothing changed, when it is the prior already.
        ``prior.mean`` must be validated by the caller (``check_weights``).
        """
        mean, origin = np.array(prior.mean, dtype=np.float64), origin_of(prior)
        profile = self.learner.profile
        if np.array_equal(profile.prior, mean) and profile.origin == origin:
            return False
        profile.prior, profile.origin = mean, origin
        stored = load_profile(self.db)
        same = stored is not None and np.array_equal(stored.profile.prior, mean)
        if not (same and np.array_equal(stored.profile.weights, profile.weights)):  # type: ignore[union-attr]
            save_profile(self.db, profile, "fleet-baseline")
        return True

    def set_mode(self, mode: Mode) -> None:
        """Switch float32 / INT8. Switching straight back, with nothing learned in between, undoes
        the first switch, so the weights are exactly as they were (quantising rounds them) and
        the undo history does not fill with switches."""
        before = self.learner.profile
        preview = undo_preview(self.db)
        if preview is not None:
            reason, earlier = preview
            if reason == f"mode:{before.mode}" and earlier.mode == mode and earlier.steps == before.steps:
                self.learner.profile = undo_last(self.db).profile  # type: ignore[union-attr]
                return
        self.learner.profile = before.with_mode(mode)
        save_profile(self.db, self.learner.profile, f"mode:{mode}")

    def export_profile(self, path: Path) -> None:
        write_text_atomic(path, self.learner.profile.dumps() + "\n")

    def import_profile(self, path: Path) -> None:
        """Validate ``path`` fully before it replaces anything."""
        profile = Profile.read(path)
        save_profile(self.db, profile, "import")
        self.learner.profile = profile


def local_hour(ts: float) -> float:
    """Local time of day in hours [0, 24) for a unix time."""
    t = time.localtime(ts)
    return (t.tm_hour + t.tm_min / 60.0 + t.tm_sec / 3600.0) % 24.0
