"""The rules of the transport buttons, without a screen: what Previous does, and when to stop.

The player's controller (app/) asks these rules and does what they say; they
are plain Python, tested in milliseconds:

- **history**: the songs heard before the current one, newest last. A song
  that ended by "previous" or by an error is not a step back to take, and
  starting the same song again is not a new step.
- **Previous**: later than 3 s into a song, or with no history, it restarts
  the song; earlier, it goes back to the song before, and the song that was
  left comes up next again.
- **missing songs**: three songs missing one after another while the queue
  moves on by itself means the music's drive or folder is likely gone
  (unplugged, unmounted), so the player stops instead of passing over, and
  marking missing, the whole library one song at a time.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from engine.learner.labels import Ended

RESTART_AFTER_MS = 3000  # "previous" later than this restarts the song instead of going back
STOP_AFTER_MISSING = 3


@dataclass(frozen=True)
class BackStep:
    """What Previous does: start ``to`` (the same song again when ``restart``); ``requeue``, the
    song that was left, comes up next again. ``to`` None: nothing to do."""

    to: int | None
    restart: bool = False
    requeue: int | None = None


@dataclass
class PlaybackRules:
    """History and the missing-songs count of one run of the player; songs are track ids."""

    history: list[int] = field(default_factory=list)
    missing_in_a_row: int = 0

    def previous(self, current: int | None, position_ms: int, unplayable: Collection[int] = ()) -> BackStep:
        """What Previous does with ``current`` playing at ``position_ms`` (``current`` None: stopped).

        Songs that failed to play in this run leave the history first. Going
        back takes the song off the history.
        """
        self.history = [t for t in self.history if t not in unplayable]
        if current is not None and (position_ms > RESTART_AFTER_MS or not self.history):
            return BackStep(current, restart=True)
        if not self.history:
            return BackStep(None)
        return BackStep(self.history.pop(), requeue=current)

    def started(self, track_id: int) -> None:
        """A song starts: starting the song again (Play after Stop, picking the song that plays)
        is not a step in the history, so Previous never goes back onto the song itself."""
        while self.history and self.history[-1] == track_id:
            self.history.pop()

    def ended(self, track_id: int, how: Ended) -> None:
        """A play ended and was stored; a song left by Previous or an error is no step back."""
        if how not in (Ended.PREVIOUS, Ended.ERROR):
            self.history.append(track_id)

    def can_go_back(self, current: int | None) -> bool:
        return current is not None or bool(self.history)

    def playing(self) -> None:
        """A song really plays: whatever was missing before, the music is there."""
        self.missing_in_a_row = 0

    def failed(self, *, missing: bool) -> bool:
        """A song could not play (``missing``: its file is gone); True when the player should stop."""
        self.missing_in_a_row = self.missing_in_a_row + 1 if missing else 0
        if self.missing_in_a_row >= STOP_AFTER_MISSING:
            self.missing_in_a_row = 0
            return True
        return False
