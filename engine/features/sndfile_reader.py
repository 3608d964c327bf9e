"""Reading audio with soundfile (libsndfile): the fallback when FFmpeg refuses a file.

libsndfile reads WAV/AIFF/FLAC/Ogg Vorbis/Opus/MP3 and is more forgiving than
FFmpeg about some malformed headers (and stricter about others). Channels are
averaged and the rate converted by ``resample.to_analysis_rate``.
"""

from __future__ import annotations

import os

import numpy as np
import soundfile as sf

from engine.features.decode_types import SR, DecodeError
from engine.features.resample import Resampler

# Read long files in blocks so a 1 h WAV is never held at its own rate and channel count.
BLOCK_FRAMES = 1 << 20


class SndfileReader:
    """One open file: its duration, and mono float32 samples at ``SR`` for any window.

    Use as a context manager. Every method raises ``DecodeError`` with a human reason.
    """

    decoder = "soundfile"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        try:
            self._file = sf.SoundFile(os.fspath(path))
        except FileNotFoundError as exc:
            raise DecodeError("file disappeared") from exc
        except PermissionError as exc:
            raise DecodeError("permission denied") from exc
        except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as exc:
            raise DecodeError("not an audio file (unrecognised format)") from exc
        self._rate = int(self._file.samplerate)
        if self._rate <= 0 or self._file.channels <= 0:
            self._file.close()
            raise DecodeError("no audio stream")
        frames = self._file.frames
        self.duration_s: float | None = frames / self._rate if 0 < frames < 2**62 else None

    def __enter__(self) -> SndfileReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def read_all(self) -> np.ndarray:
        """The whole file; also sets ``duration_s`` to the decoded length.

        Returns
        -------
        y : np.ndarray [shape=(n,)], float32 mono at ``SR``
        """
        y = self._read(0.0, None)
        if y.size == 0:
            raise DecodeError("truncated or corrupt audio stream")
        self.duration_s = y.size / SR
        return y

    def read_window(self, start_s: float, length_s: float) -> np.ndarray:
        """Samples from ``start_s`` for ``length_s`` seconds (fewer at the end of the file).

        Returns
        -------
        y : np.ndarray [shape=(n,)], float32 mono at ``SR``
        """
        return self._read(start_s, length_s)

    def _read(self, start_s: float, length_s: float | None) -> np.ndarray:
        total = None if length_s is None else round(length_s * self._rate)
        resampler = Resampler(self._rate)
        blocks: list[np.ndarray] = []
        try:
            if self._file.seekable():
                self._file.seek(round(start_s * self._rate))
            elif start_s > 0:
                raise DecodeError("audio stream cannot be seeked")
            while total is None or total > 0:
                n = BLOCK_FRAMES if total is None else min(total, BLOCK_FRAMES)
                block = self._file.read(n, dtype="float32", always_2d=True)
                if block.shape[0] == 0:
                    break
                blocks.append(resampler.feed(block.mean(axis=1, dtype=np.float32)))
                total = None if total is None else total - block.shape[0]
        except (sf.LibsndfileError, RuntimeError) as exc:
            if not blocks:
                raise DecodeError("truncated or corrupt audio stream") from exc
        blocks.append(resampler.feed(np.zeros(0, dtype=np.float32), last=True))
        return np.concatenate(blocks)
