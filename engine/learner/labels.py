"""From how a play ended, and how long it was heard, to the learner's target.

One pure function, :func:`label_play`, implements the table of ``docs/events.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Ended(StrEnum):
    """How a play ended, as the player records it."""

    END = "end"  # reached the end of the track
    SKIP = "skip"  # user pressed next
    PICK = "pick"  # user picked another song
    PREVIOUS = "previous"  # user pressed previous
    CLOSED = "closed"  # the app was closed mid-song
    ERROR = "error"  # the file was missing or failed to play
    INTERRUPTED = "interrupted"  # crash / kill, recovered from the heartbeat


class Kind(StrEnum):
    """Why a play got the label it got."""

    PLAY_THROUGH = "play_through"
    EARLY_SKIP = "early_skip"
    LATE_SKIP = "late_skip"
    BROWSE = "browse"
    BACK = "back"
    NO_LABEL = "no_label"


EARLY_SKIP_SECONDS = 30.0
EARLY_SKIP_FRACTION = 0.25
PLAY_THROUGH_FRACTION = 0.90
BROWSE_SECONDS = 5.0
SHORT_TRACK_SECONDS = 30.0
LATE_SKIP_BASE = 0.3
LATE_SKIP_SLOPE = 0.6


@dataclass(frozen=True)
class Label:
    """The learner's target for one play; ``target`` is None when it trains nothing."""

    target: float | None
    kind: Kind

    @property
    def trains(self) -> bool:
        return self.target is not None


def early_skip_threshold_ms(duration_ms: int) -> float:
    """Listening below this is an early skip: min(30 s, 25 %); tracks under 30 s use 25 %."""
    quarter = EARLY_SKIP_FRACTION * max(duration_ms, 0)
    if duration_ms < SHORT_TRACK_SECONDS * 1000:
        return quarter
    return min(EARLY_SKIP_SECONDS * 1000, quarter)


def label_play(ended: Ended | str, listened_ms: int, duration_ms: int) -> Label:
    """The target for one play.

    Parameters
    ----------
    ended : an :class:`Ended` (or its value, which is checked)
    listened_ms : milliseconds actually heard (pauses excluded, seeks accounted for)
    duration_ms : the track's duration; 0 or negative when unknown

    ``previous`` trains nothing for the song that was left; the caller gives the
    song that is returned to an extra positive event (see :func:`replay_label`).
    """
    how = Ended(ended)
    if how in (Ended.CLOSED, Ended.ERROR, Ended.INTERRUPTED):
        return Label(None, Kind.NO_LABEL)
    if how is Ended.PREVIOUS:
        return Label(None, Kind.BACK)
    listened = max(int(listened_ms), 0)
    if duration_ms <= 0:
        # Without a duration only a finished play or an early skip can be judged.
        if how is Ended.END:
            return Label(1.0, Kind.PLAY_THROUGH)
        if how is Ended.PICK and listened < BROWSE_SECONDS * 1000:
            return Label(None, Kind.BROWSE)
        if listened < EARLY_SKIP_SECONDS * 1000:
            return Label(0.0, Kind.EARLY_SKIP)
        return Label(None, Kind.NO_LABEL)
    fraction = min(listened / duration_ms, 1.0)
    if how is Ended.END or fraction >= PLAY_THROUGH_FRACTION:
        return Label(1.0, Kind.PLAY_THROUGH)
    if how is Ended.PICK and listened < BROWSE_SECONDS * 1000:
        return Label(None, Kind.BROWSE)
    if listened < early_skip_threshold_ms(duration_ms):
        return Label(0.0, Kind.EARLY_SKIP)
    return Label(LATE_SKIP_BASE + LATE_SKIP_SLOPE * fraction, Kind.LATE_SKIP)


def replay_label() -> Label:
    """The extra positive event for a song the listener went back to."""
    return Label(1.0, Kind.PLAY_THROUGH)
