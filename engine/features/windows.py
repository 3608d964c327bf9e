"""Which stretches of a song the extractor listens to.

Long songs are analysed from a few evenly spaced windows (decoded by seeking,
so the rest of the file is never decoded); short songs are analysed whole.
The plan is validated by ``skipwise bench scan``, which compares windowed and
whole-song values of every feature (``docs/features.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.features.decode_types import Window


@dataclass(frozen=True)
class WindowPlan:
    """``count`` windows of ``length_s`` seconds, centred on evenly spaced points of the song.

    Songs shorter than ``whole_below_s`` are analysed whole: for them the windows
    would cover most of the song anyway, and seeking would save little.
    """

    count: int = 5
    length_s: float = 5.0
    whole_below_s: float = 37.5  # 1.5 times what the windows cover

    def __call__(self, duration_s: float) -> list[Window]:
        """The windows of a song of ``duration_s`` seconds, as (start_s, length_s) pairs."""
        if duration_s < self.whole_below_s or duration_s <= self.count * self.length_s:
            return [(0.0, duration_s)]
        # The centres of ``count`` equal parts of the song: a stratified sample of it.
        half = self.length_s / 2
        return [
            (
                min(max(0.0, duration_s * (i + 0.5) / self.count - half), duration_s - self.length_s),
                self.length_s,
            )
            for i in range(self.count)
        ]


DEFAULT_PLAN = WindowPlan()
WHOLE_SONG = WindowPlan(count=1, length_s=float("inf"), whole_below_s=float("inf"))
"""Analyse every song whole (the reference the benchmark compares the windows with)."""
