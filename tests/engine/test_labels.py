"""Every row of the label table in docs/events.md."""

from __future__ import annotations

import pytest

from engine.learner.labels import Ended, Kind, label_play

MIN = 60_000
# (ended, listened_ms, duration_ms, expected target, expected kind)
TABLE = [
    # reached the end, or listened past 90 %
    ("end", 240_000, 240_000, 1.0, Kind.PLAY_THROUGH),
    ("end", 10_000, 240_000, 1.0, Kind.PLAY_THROUGH),  # the track ended (a seek to the end included)
    ("skip", 217_000, 240_000, 1.0, Kind.PLAY_THROUGH),  # 90.4 % heard
    ("skip", 216_000, 240_000, 1.0, Kind.PLAY_THROUGH),  # exactly 90 %
    # early skip: less than min(30 s, 25 %) heard
    ("skip", 3_000, 4 * MIN, 0.0, Kind.EARLY_SKIP),
    ("skip", 29_999, 4 * MIN, 0.0, Kind.EARLY_SKIP),
    ("skip", 0, 4 * MIN, 0.0, Kind.EARLY_SKIP),
    ("skip", 24_000, 100_000, 0.0, Kind.EARLY_SKIP),  # 25 % of 100 s is 25 s < 30 s
    # late skip: soft target 0.3 + 0.6 x fraction
    ("skip", 30_000, 4 * MIN, 0.3 + 0.6 * 0.125, Kind.LATE_SKIP),
    ("skip", 120_000, 4 * MIN, 0.3 + 0.6 * 0.5, Kind.LATE_SKIP),
    ("skip", 25_000, 100_000, 0.3 + 0.6 * 0.25, Kind.LATE_SKIP),
    # tracks under 30 s: the percentage rule alone
    ("skip", 4_000, 20_000, 0.0, Kind.EARLY_SKIP),  # 20 % < 25 %
    ("skip", 6_000, 20_000, 0.3 + 0.6 * 0.3, Kind.LATE_SKIP),  # 30 % >= 25 %
    ("skip", 19_000, 20_000, 1.0, Kind.PLAY_THROUGH),  # 95 %
    # picking another song within 5 s is browsing; later it is judged like a skip
    ("pick", 4_999, 4 * MIN, None, Kind.BROWSE),
    ("pick", 1_000, 4 * MIN, None, Kind.BROWSE),
    ("pick", 12_000, 4 * MIN, 0.0, Kind.EARLY_SKIP),
    ("pick", 60_000, 4 * MIN, 0.3 + 0.6 * 0.25, Kind.LATE_SKIP),
    # previous: no label for the song left (the song returned to gets an extra positive)
    ("previous", 2_000, 4 * MIN, None, Kind.BACK),
    ("previous", 100_000, 4 * MIN, None, Kind.BACK),
    # closed, crash, playback error, missing file: no label
    ("closed", 100_000, 4 * MIN, None, Kind.NO_LABEL),
    ("interrupted", 100_000, 4 * MIN, None, Kind.NO_LABEL),
    ("error", 0, 4 * MIN, None, Kind.NO_LABEL),
    ("error", 0, 0, None, Kind.NO_LABEL),
    # unknown duration: only a finished play or an early skip can be judged
    ("end", 50_000, 0, 1.0, Kind.PLAY_THROUGH),
    ("skip", 5_000, 0, 0.0, Kind.EARLY_SKIP),
    ("skip", 50_000, 0, None, Kind.NO_LABEL),
    ("pick", 2_000, 0, None, Kind.BROWSE),
]


@pytest.mark.parametrize(("ended", "listened", "duration", "target", "kind"), TABLE)
def test_label_table(ended: str, listened: int, duration: int, target: float | None, kind: Kind) -> None:
    label = label_play(ended, listened, duration)
    assert label.kind is kind
    if target is None:
        assert label.target is None and not label.trains
    else:
        assert label.target == pytest.approx(target)


def test_more_listening_never_lowers_a_skip_label() -> None:
    previous = -1.0
    for listened in range(0, 240_001, 1_000):
        target = label_play("skip", listened, 240_000).target
        assert target is not None and target >= previous
        previous = target


def test_unknown_ending_is_refused() -> None:
    with pytest.raises(ValueError):
        label_play("paused", 1000, 2000)


def test_a_play_record_takes_only_known_endings() -> None:
    from engine.store.plays import PlayRecord

    play = PlayRecord(1, "s", 0.0, 0.0, 1_000, 1_000, 200_000, "skip")  # type: ignore[arg-type]
    assert play.ended is Ended.SKIP
    with pytest.raises(ValueError, match="'skipped' is not a valid Ended"):
        PlayRecord(1, "s", 0.0, 0.0, 1_000, 1_000, 200_000, "skipped")  # type: ignore[arg-type]
