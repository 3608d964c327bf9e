"""Reading audio with PyAV (the FFmpeg libraries in its wheel): the primary decoder.

FFmpeg is what the player itself plays through (QtMultimedia's FFmpeg backend),
so anything the player can play, this reads. Windows are read by seeking, so
only the packets of the requested windows are demuxed and decoded. Frames are
kept in their native format and converted a window at a time (``resample.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import av
import numpy as np

from engine.features.decode_types import SR, DecodeError
from engine.features.resample import Resampler, to_mono

# Garbage that FFmpeg half-recognises can yield an endless run of bad packets: stop early.
MAX_CONSECUTIVE_ERRORS = 32
_DECODE_ERRORS = (av.error.InvalidDataError, av.error.PatchWelcomeError, av.error.EOFError, ValueError)


# Sample types by FFmpeg format name (planar variants end in "p").
_DTYPES = {
    "u8": np.uint8,
    "s16": np.int16,
    "s32": np.int32,
    "s64": np.int64,
    "flt": np.float32,
    "dbl": np.float64,
}
FLUSH_SAMPLES = 1 << 18  # native samples held before conversion: bounds memory on a whole hour


class _Run:
    """Consecutive frames of one sample format, converted to the analysis format in blocks."""

    def __init__(self, frame: av.AudioFrame) -> None:
        fmt = frame.format
        self.key = (frame.sample_rate, fmt.name, len(frame.layout.channels))
        self.rate, self.channels = frame.sample_rate, len(frame.layout.channels)
        self.planar = fmt.is_planar
        dtype = _DTYPES.get(fmt.name.rstrip("p"))
        if dtype is None:
            raise DecodeError(f"unsupported sample format {fmt.name}")
        self.dtype = np.dtype(dtype)
        self.planes: list[list[np.ndarray]] = [[] for _ in range(self.channels if self.planar else 1)]
        self.held = 0
        self.resampler = Resampler(self.rate)
        self.out: list[np.ndarray] = []

    def add(self, frame: av.AudioFrame) -> None:
        n = frame.samples
        if self.planar:
            for plane, buf in zip(frame.planes, self.planes, strict=False):
                buf.append(np.frombuffer(memoryview(plane), self.dtype, n))
        else:
            self.planes[0].append(np.frombuffer(memoryview(frame.planes[0]), self.dtype, n * self.channels))
        self.held += n
        if self.held >= FLUSH_SAMPLES:
            self._flush(last=False)

    def _flush(self, *, last: bool) -> None:
        if self.held:
            raw = np.stack([np.concatenate(p) for p in self.planes])
            mono = to_mono(raw if self.planar else raw[0], self.channels)
            for p in self.planes:
                p.clear()
            self.held = 0
        else:
            mono = np.zeros(0, dtype=np.float32)
        self.out.append(self.resampler.feed(mono, last=last))

    def finish(self) -> np.ndarray:
        """Everything added, as np.ndarray [shape=(n,)], float32 mono at ``SR``."""
        self._flush(last=True)
        return np.concatenate(self.out)


class AvReader:
    """One open file: its duration, and mono float32 samples at ``SR`` for any window.

    Use as a context manager. Every method raises ``DecodeError`` with a human reason.
    """

    decoder = "av"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        try:
            self._container = av.open(os.fspath(path), mode="r")
        except av.error.FileNotFoundError as exc:
            raise DecodeError("file disappeared") from exc
        except av.error.PermissionError as exc:
            raise DecodeError("permission denied") from exc
        except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
            raise DecodeError("not an audio file (unrecognised format)") from exc
        if not self._container.streams.audio:
            self._container.close()
            raise DecodeError("no audio stream")
        self._stream = self._container.streams.audio[0]
        self._fresh = True
        self.duration_s: float | None = self._metadata_duration()

    def __enter__(self) -> AvReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._container.close()

    def _metadata_duration(self) -> float | None:
        """The duration the stream or container header announces (an estimate for some formats)."""
        s = self._stream
        if s.duration is not None and s.duration > 0 and s.time_base is not None:
            return float(s.duration * s.time_base)
        if self._container.duration is not None and self._container.duration > 0:
            return self._container.duration / av.time_base
        return None

    def read_all(self) -> np.ndarray:
        """The whole stream; also sets ``duration_s`` to the decoded length.

        Returns
        -------
        y : np.ndarray [shape=(n,)], float32 mono at ``SR``
        """
        if not self._fresh:
            self._seek(0.0)
        y = self._decode(start_s=None, length_s=None)
        if y.size == 0:
            raise DecodeError("truncated or corrupt audio stream")
        self.duration_s = y.size / SR
        return y

    def read_window(self, start_s: float, length_s: float) -> np.ndarray:
        """Samples from ``start_s`` for ``length_s`` seconds (fewer at the end of the stream).

        Returns
        -------
        y : np.ndarray [shape=(n,)], float32 mono at ``SR``, n <= round(length_s * SR)
        """
        self._seek(start_s)
        return self._decode(start_s=start_s, length_s=length_s)

    def _seek(self, start_s: float) -> None:
        tb = self._stream.time_base
        try:
            self._container.seek(max(0, int(start_s / tb)) if tb else 0, stream=self._stream)
        except av.FFmpegError as exc:
            raise DecodeError("audio stream cannot be seeked") from exc

    def _decode(self, *, start_s: float | None, length_s: float | None) -> np.ndarray:
        """Decode from the current position and trim to [start_s, start_s + length_s)."""
        self._fresh = False
        pieces: list[np.ndarray] = []
        run: _Run | None = None
        have_s = skip_s = 0.0
        first = True
        for frame in self._frames():
            if frame.samples <= 0 or frame.sample_rate <= 0:
                continue
            if first and start_s is not None:
                # Seeking lands on the packet at or before the target: drop the lead-in.
                t0 = frame.time if frame.time is not None else start_s
                skip_s = max(0.0, start_s - t0)
            first = False
            if run is None or run.key != (frame.sample_rate, frame.format.name, len(frame.layout.channels)):
                # A stream may change its rate or layout midway: convert each run on its own.
                if run is not None:
                    pieces.append(run.finish())
                run = _Run(frame)
            run.add(frame)
            have_s += frame.samples / frame.sample_rate
            if length_s is not None and have_s >= skip_s + length_s:
                break
        if run is not None:
            pieces.append(run.finish())
        y = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
        skip = round(skip_s * SR)
        y = y[skip:] if length_s is None else y[skip : skip + round(length_s * SR)]
        return np.ascontiguousarray(y, dtype=np.float32)

    def _frames(self) -> Iterator[av.AudioFrame]:
        """Decoded frames; bad packets are skipped, a long run of them ends the stream."""
        errors = 0
        packets = self._container.demux(self._stream)
        while errors <= MAX_CONSECUTIVE_ERRORS:
            try:
                packet = next(packets)
                frames = packet.decode()
            except StopIteration:
                return
            except _DECODE_ERRORS:
                errors += 1
                continue
            except av.FFmpegError:
                break
            errors = 0 if frames else errors
            yield from frames
