"""What every decoder shares: the analysis sample rate, a window, and the one error type."""

from __future__ import annotations

SR = 22050
"""Every decoder returns mono float32 samples at this rate."""

Window = tuple[float, float]
"""A stretch of a song to decode: (start_s, length_s)."""


class DecodeError(Exception):
    """A file that cannot be decoded; ``str(exc)`` is a short reason for a human.

    Reasons used: "empty file", "file disappeared", "permission denied",
    "not an audio file (unrecognised format)", "no audio stream",
    "truncated or corrupt audio stream", "audio stream cannot be seeked".
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
