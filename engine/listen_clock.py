"""How much of a song was actually heard, from the player's own position reports.

The player reports its position many times a second while it plays. Heard
time is the sum of the position's advances while playing, so

- paused time never counts (the position does not move, and reports while
  paused are ignored);
- a seek is a jump, not listening: a seek forward counts only what was heard
  before and after it, a seek back replays nothing twice in the count of the
  jump itself (what is heard again afterwards does count);
- a jump the player made on its own (a glitch, a seek from elsewhere) is
  recognised because the position moved further than the wall clock allows.

Everything here is plain arithmetic on numbers the caller passes in, so it is
tested without a player and used the same way by the GUI and the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass

# A position advance may outrun the wall clock by this much (report jitter) and still count as heard.
JITTER_MS = 250
SPEED_TOLERANCE = 1.25
# After a seek the player may still report a position or two from before it: not a second seek.
SETTLE_MS = 500


@dataclass
class ListenClock:
    """Heard time of one play. All times in milliseconds; ``now_ms`` is any monotonic clock."""

    position_ms: int = 0
    listened_ms: int = 0
    seeks_forward: int = 0
    seeks_backward: int = 0
    playing: bool = False
    _wall_ms: float = 0.0
    _settle_until: float = float("-inf")

    def set_playing(self, playing: bool, position_ms: int, now_ms: float) -> None:
        """The player started or stopped (pause, end, error) at ``position_ms``."""
        if self.playing and not playing:
            self.advance(position_ms, now_ms)
        self.playing = playing
        self.position_ms = max(int(position_ms), 0)
        self._wall_ms = now_ms

    def advance(self, position_ms: int, now_ms: float) -> None:
        """A position report from the player."""
        position_ms = max(int(position_ms), 0)
        if self.playing:
            delta = position_ms - self.position_ms
            allowed = SPEED_TOLERANCE * max(now_ms - self._wall_ms, 0.0) + JITTER_MS
            if 0 <= delta <= allowed:
                self.listened_ms += delta
            elif now_ms < self._settle_until:
                return  # a late report from before the user's own seek: keep the seek's target
            elif delta > 0:
                self.seeks_forward += 1  # the player jumped on its own
            elif delta < 0:
                self.seeks_backward += 1
        self.position_ms = position_ms
        self._wall_ms = now_ms

    def seek(self, from_ms: int, to_ms: int, now_ms: float) -> None:
        """The user moved the position from ``from_ms`` to ``to_ms``."""
        self.advance(from_ms, now_ms)
        if to_ms > from_ms:
            self.seeks_forward += 1
        elif to_ms < from_ms:
            self.seeks_backward += 1
        self.position_ms = max(int(to_ms), 0)
        self._wall_ms = now_ms
        self._settle_until = now_ms + SETTLE_MS
