"""A simulated listener driving the real player pipeline: store, learner, profile, queue.

Unlike the simulator's runner (which keeps everything in memory), every play
here goes through ``ListeningSession.record`` on a real database, exactly as
the player's plays do. The installer's self-test uses it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.learner.labels import Ended
from engine.listening import ListeningSession
from engine.sim.library import library_from_arrays
from engine.sim.listener_spec import ListenerSpec
from engine.sim.person import Person
from engine.store.plays import PlayRecord


@dataclass(frozen=True)
class DriveResult:
    plays: int
    skips: int
    updates: int
    queue_changes: int  # plays after which the queue's order changed


def drive(
    session: ListeningSession,
    spec: ListenerSpec,
    plays: int,
    *,
    seed: int = 0,
    start: float = 1_767_600_000.0,
) -> DriveResult:
    """``plays`` plays of the queue's first song, each reacted to by a simulated person."""
    lib = session.library
    if np.isnan(lib.raw).all(axis=1).any():
        raise ValueError("every track must be analysed before a simulated listener can hear it")
    sim = library_from_arrays(lib.raw, lib.artist, lib.duration_ms, "self-test")
    person = Person(spec, sim, np.random.default_rng(seed))
    now, skips, updates, changes = start, 0, 0, 0
    session.rerank(now)
    for _ in range(plays):
        song = session.queue.pop_next()
        if song is None:
            session.rerank(now)
            song = session.queue.pop_next()
        if song is None:
            break
        hour = (now / 3600.0) % 24.0
        person.at(day=(now - start) / 86400.0, session=0)
        since_h = (now - session.context.last_played[song]) / 3600.0
        reaction = person.react(song, hour, since_h)
        before = session.upcoming
        track = int(lib.ids[song])
        session.current = track
        play = PlayRecord(track, "self-test", now, hour, reaction.listened_ms, reaction.listened_ms,
                          reaction.duration_ms, reaction.ended)  # fmt: skip
        report = session.record(play)
        session.current = None
        skips += reaction.ended is Ended.SKIP
        updates += len(report.updates)
        changes += session.upcoming != before
        now += reaction.listened_ms / 1000.0 + 2.0
    return DriveResult(plays, skips, updates, changes)
