"""A song as PCM blocks, decoded by libsndfile: what the QAudioSink path plays.

libsndfile (``soundfile``) is the project's fallback decoder: it reads some
files FFmpeg refuses (an Ogg Vorbis stream with a stray header packet after
its setup header, for one). Here it decodes at the file's own rate and channel
count, a block at a time, so a long song is never held in memory whole.
``soundfile`` is imported on the first open, so the window's start-up does not
pay for it.
"""

from __future__ import annotations

import os
from typing import Any

BYTES_PER_SAMPLE = 4  # float32


class PcmError(Exception):
    """libsndfile cannot read the file; the message is a reason for a person."""


class PcmSource:
    """One open file: interleaved float32 blocks at its own rate, from any position.

    Use :meth:`close` when done. Every method raises ``PcmError`` with a human reason.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        import soundfile as sf

        self._sf: Any = sf
        try:
            self._file = sf.SoundFile(os.fspath(path))
        except (sf.LibsndfileError, RuntimeError, TypeError, ValueError, OSError) as exc:
            raise PcmError(f"libsndfile cannot read it either ({_short(exc)})") from exc
        self.rate = int(self._file.samplerate)
        self.channels = int(self._file.channels)
        frames = int(self._file.frames)
        if self.rate <= 0 or self.channels <= 0 or not 0 < frames < 2**62:
            self._file.close()
            raise PcmError("libsndfile finds no audio in it")
        self.frames = frames
        # A header can promise audio that the stream does not hold (the setup header is damaged):
        # read the first block now, so that such a file is refused here and not once it "plays".
        first = self.read(1024)
        if not first:
            self._file.close()
            raise PcmError("libsndfile cannot decode its audio")
        self.seek_frame(0)

    @property
    def duration_ms(self) -> int:
        return self.frames * 1000 // self.rate

    @property
    def bytes_per_frame(self) -> int:
        return self.channels * BYTES_PER_SAMPLE

    def frame_of(self, ms: int) -> int:
        return min(max(int(ms), 0) * self.rate // 1000, self.frames)

    def seek_frame(self, frame: int) -> None:
        try:
            self._file.seek(min(max(int(frame), 0), self.frames))
        except (self._sf.LibsndfileError, RuntimeError) as exc:
            raise PcmError(f"cannot seek in it ({_short(exc)})") from exc

    def read(self, frames: int) -> bytes:
        """Up to ``frames`` frames from the current position; b"" at the end of the stream.

        Returns
        -------
        bytes : float32 samples, interleaved, ``len == n * bytes_per_frame`` for n <= ``frames``
        """
        try:
            block = self._file.read(frames, dtype="float32", always_2d=True)
        except (self._sf.LibsndfileError, RuntimeError) as exc:
            raise PcmError(f"its audio stream is damaged ({_short(exc)})") from exc
        return block.tobytes()

    def close(self) -> None:
        self._file.close()


def _short(exc: BaseException) -> str:
    """libsndfile's own words without the path it repeats ("File contains data in an unimplemented
    format"), lower-cased to sit inside a sentence."""
    text = str(getattr(exc, "error_string", "") or exc).strip().rstrip(".")
    if not text:
        return type(exc).__name__
    return text[0].lower() + text[1:]
