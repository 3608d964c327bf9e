"""Heard time from position reports: pauses, seeks and glitches."""

from __future__ import annotations

from engine.listen_clock import ListenClock


def _play(clock: ListenClock, start_pos: int, start_wall: float, seconds: float, step: int = 100) -> float:
    """Report positions every ``step`` ms for ``seconds``; returns the wall time at the end."""
    wall = start_wall
    pos = start_pos
    for _ in range(int(seconds * 1000 / step)):
        wall += step
        pos += step
        clock.advance(pos, wall)
    return wall


def test_plain_listening_counts_every_heard_millisecond() -> None:
    clock = ListenClock()
    clock.set_playing(True, 0, 0.0)
    wall = _play(clock, 0, 0.0, 3.0)
    clock.set_playing(False, 3000, wall)
    assert clock.listened_ms == 3000
    assert (clock.seeks_forward, clock.seeks_backward) == (0, 0)


def test_paused_time_is_not_heard() -> None:
    clock = ListenClock()
    clock.set_playing(True, 0, 0.0)
    wall = _play(clock, 0, 0.0, 2.0)
    clock.set_playing(False, 2000, wall)
    clock.advance(2000, wall + 60_000)  # reports while paused
    clock.set_playing(True, 2000, wall + 60_000)
    wall = _play(clock, 2000, wall + 60_000, 1.0)
    assert clock.listened_ms == 3000


def test_a_seek_forward_counts_only_what_was_heard() -> None:
    clock = ListenClock()
    clock.set_playing(True, 0, 0.0)
    wall = _play(clock, 0, 0.0, 2.0)
    clock.seek(2000, 100_000, wall)
    clock.advance(2050, wall + 10)  # a stale report from before the seek
    wall = _play(clock, 100_000, wall + 10, 1.0)
    assert clock.listened_ms == 3000
    assert (clock.seeks_forward, clock.seeks_backward) == (1, 0)


def test_a_seek_back_counts_the_replayed_part_once_heard_again() -> None:
    clock = ListenClock()
    clock.set_playing(True, 0, 0.0)
    wall = _play(clock, 0, 0.0, 5.0)
    clock.seek(5000, 1000, wall)
    wall = _play(clock, 1000, wall, 2.0)
    assert clock.listened_ms == 7000
    assert (clock.seeks_forward, clock.seeks_backward) == (0, 1)


def test_a_jump_the_player_made_on_its_own_is_not_listening() -> None:
    clock = ListenClock()
    clock.set_playing(True, 0, 0.0)
    wall = _play(clock, 0, 0.0, 1.0)
    clock.advance(61_000, wall + 100)  # 60 s further in 0.1 s of wall time
    assert clock.listened_ms == 1000
    assert clock.seeks_forward == 1
