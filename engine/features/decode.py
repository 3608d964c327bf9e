"""Decode audio files to mono float32 at 22,050 Hz, whole or only a few windows.

Decoders are tried in order: PyAV (FFmpeg) first, then soundfile (libsndfile)
when FFmpeg refuses the file or cannot decode a single frame of it. Whatever
goes wrong ends in a ``DecodeError`` whose message is a reason for a human.
This module does not import librosa: the scanner can use it cheaply.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from engine.features.decode_types import SR, DecodeError, Window
from engine.features.sndfile_reader import SndfileReader

__all__ = ["SR", "DecodeError", "Decoded", "Window", "decode_whole", "decode_windows", "probe_duration"]

# Windows that come back this much shorter than asked mean the header lied about the duration.
MIN_WINDOW_YIELD = 0.5

WindowPlan = Sequence[Window] | Callable[[float], Sequence[Window]]


class Reader(Protocol):
    decoder: str
    duration_s: float | None

    def read_all(self) -> np.ndarray: ...
    def read_window(self, start_s: float, length_s: float) -> np.ndarray: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class Decoded:
    """Decoded audio.

    segments : list of np.ndarray [shape=(n_i,)], float32 mono at ``SR``, one per window
        (a single segment for a whole-song decode); empty windows are left out.
    duration_s : the song's duration (from the container, or the decoded length).
    decoder : "av" or "soundfile".
    """

    segments: list[np.ndarray]
    duration_s: float
    decoder: str

    @property
    def decoded_s(self) -> float:
        return sum(s.size for s in self.segments) / SR


def _readers() -> list[Callable[[str], Reader]]:
    try:
        from engine.features.av_reader import AvReader
    except ImportError:  # PyAV missing: libsndfile alone still reads the common formats
        return [SndfileReader]
    return [AvReader, SndfileReader]


def _with_fallback(path: str | os.PathLike[str], work: Callable[[Reader], Decoded]) -> Decoded:
    """Run ``work`` on each decoder in turn until one succeeds; raise the most telling reason."""
    path = os.fspath(path)
    try:
        if os.stat(path).st_size == 0:
            raise DecodeError("empty file")
    except FileNotFoundError:
        raise DecodeError("file disappeared") from None
    except PermissionError:
        raise DecodeError("permission denied") from None
    failures: list[DecodeError] = []
    for open_reader in _readers():
        try:
            reader = open_reader(path)
        except DecodeError as exc:
            failures.append(exc)
            continue
        try:
            return work(reader)
        except DecodeError as exc:
            failures.append(exc)
        finally:
            reader.close()
    if not os.path.exists(path):
        raise DecodeError("file disappeared")
    raise _most_telling(failures)


def _most_telling(failures: list[DecodeError]) -> DecodeError:
    """A reader that recognised the file knows more than one that did not."""
    generic = "not an audio file (unrecognised format)"
    specific = [f for f in failures if f.reason != generic]
    return specific[0] if specific else failures[0]


def decode_whole(path: str | os.PathLike[str]) -> Decoded:
    """Decode the whole file into one segment.

    Returns
    -------
    Decoded with segments [np.ndarray [shape=(n,)]]; duration_s is the decoded length.
    """

    def work(reader: Reader) -> Decoded:
        y = reader.read_all()
        return Decoded([y], y.size / SR, reader.decoder)

    return _with_fallback(path, work)


def decode_windows(path: str | os.PathLike[str], windows: WindowPlan) -> Decoded:
    """Seek to and decode only the given windows.

    Parameters
    ----------
    windows : sequence of (start_s, length_s), or a function of the duration (s) returning them,
        called once the duration is known (from the header, else by decoding the whole file).

    Returns
    -------
    Decoded with one segment np.ndarray [shape=(<= length_s * SR,)] per non-empty window.
    """

    def work(reader: Reader) -> Decoded:
        duration = reader.duration_s
        if duration is not None:
            plan = windows(duration) if callable(windows) else windows
            segments = [reader.read_window(s, n) for s, n in plan]
            asked = sum(n for _, n in plan) * SR
            got = sum(s.size for s in segments)
            if got > 0 and got >= MIN_WINDOW_YIELD * asked:
                return Decoded([s for s in segments if s.size], duration, reader.decoder)
        # Unknown duration, or a header that promised more than the file holds: decode it all.
        y = reader.read_all()
        duration = y.size / SR
        plan = windows(duration) if callable(windows) else windows
        segments = [y[int(s * SR) : int(s * SR) + round(n * SR)] for s, n in plan]
        return Decoded([s for s in segments if s.size] or [y], duration, reader.decoder)

    return _with_fallback(path, work)


def probe_duration(path: str | os.PathLike[str]) -> float:
    """The duration in seconds from the container header; decodes the file only if it has none."""

    def work(reader: Reader) -> Decoded:
        if reader.duration_s is not None:
            return Decoded([], reader.duration_s, reader.decoder)
        y = reader.read_all()
        return Decoded([], y.size / SR, reader.decoder)

    return _with_fallback(path, work).duration_s
