"""The transport's rules without a screen: history, Previous, and stopping after missing songs."""

from __future__ import annotations

from engine.learner.labels import Ended
from engine.playback_rules import RESTART_AFTER_MS, STOP_AFTER_MISSING, BackStep, PlaybackRules


def _heard(*tracks: int) -> PlaybackRules:
    rules = PlaybackRules()
    for t in tracks:
        rules.started(t)
        rules.ended(t, Ended.END)
    return rules


def test_previous_early_in_a_song_goes_back_and_the_song_left_comes_up_next() -> None:
    rules = _heard(1, 2)
    assert rules.previous(3, RESTART_AFTER_MS - 1) == BackStep(2, requeue=3)
    assert rules.history == [1], "going back takes the song off the history"


def test_previous_late_in_a_song_or_with_no_history_restarts_it() -> None:
    assert _heard(1).previous(3, RESTART_AFTER_MS + 1) == BackStep(3, restart=True)
    assert PlaybackRules().previous(3, 0) == BackStep(3, restart=True)


def test_previous_when_stopped_goes_back_or_does_nothing() -> None:
    assert _heard(1, 2).previous(None, 0) == BackStep(2)
    assert PlaybackRules().previous(None, 0) == BackStep(None)


def test_songs_that_failed_to_play_leave_the_history() -> None:
    rules = _heard(1, 2, 3)
    assert rules.previous(4, 0, unplayable={3, 2}) == BackStep(1, requeue=4)


def test_an_error_or_a_previous_is_no_step_back_and_a_restart_is_no_new_step() -> None:
    rules = _heard(1)
    rules.ended(2, Ended.ERROR)
    rules.ended(3, Ended.PREVIOUS)
    assert rules.history == [1]
    for ended in (Ended.SKIP, Ended.PICK, Ended.CLOSED):
        rules.ended(5, ended)
    assert rules.history == [1, 5, 5, 5]
    rules.started(5)  # the same song again (Play after Stop)
    assert rules.history == [1]


def test_can_go_back_with_a_song_or_a_history() -> None:
    assert not PlaybackRules().can_go_back(None)
    assert PlaybackRules().can_go_back(7) and _heard(1).can_go_back(None)


def test_three_missing_songs_in_a_row_stop_the_player_but_not_two_nor_broken_ones() -> None:
    rules = PlaybackRules()
    assert [rules.failed(missing=True) for _ in range(STOP_AFTER_MISSING)] == [False, False, True]
    assert rules.missing_in_a_row == 0, "counting starts again"
    rules.failed(missing=True)
    rules.failed(missing=True)
    rules.playing()  # one song played: the music is there
    assert not rules.failed(missing=True)
    rules.failed(missing=False)  # a broken file is not a sign the drive is gone
    assert not rules.failed(missing=True) and not rules.failed(missing=True)
