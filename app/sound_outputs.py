"""Where the QAudioSink path's samples go: the sound device, or the clock when there is none.

Both take interleaved float32 bytes and say how much of what they took has
been played. :class:`DeviceOutput` is a ``QAudioSink`` in push mode.
:class:`ClockOutput` stands in where the machine has no sound device
("No audio device detected"): it plays nothing, and counts what it took as
played at the rate of its format by the monotonic clock, which is what
QMediaPlayer does on such a machine (its position runs in real time).
"""

from __future__ import annotations

import time
from typing import Protocol

import numpy as np
from PySide6 import QtMultimedia
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSink, QMediaDevices

from app.pcm_source import BYTES_PER_SAMPLE

# The sink's states and errors: QtAudio since Qt 6.7; the old QAudio enums never compare equal to them.
QtAudio = getattr(QtMultimedia, "QtAudio", None) or QtMultimedia.QAudio


class Output(Protocol):
    def start(self) -> str | None: ...
    def write(self, data: bytes) -> int: ...
    def bytes_free(self) -> int: ...
    def played_ms(self) -> float: ...
    def drained(self) -> bool: ...
    def suspend(self) -> None: ...
    def resume(self) -> None: ...
    def stop(self) -> None: ...
    def set_volume(self, volume: float) -> None: ...


def open_output(rate: int, channels: int, buffer_ms: int, volume: float) -> Output:
    """The default sound device's output for this format, or the clock where there is no device."""
    device = QMediaDevices.defaultAudioOutput()
    if device.isNull():
        return ClockOutput(rate, channels, buffer_ms)
    return DeviceOutput(device, rate, channels, buffer_ms, volume)


class ClockOutput:
    """Takes up to ``buffer_ms`` ahead of the clock; what it took is "played" as the clock runs."""

    def __init__(self, rate: int, channels: int, buffer_ms: int) -> None:
        self._bytes_per_ms = rate * channels * BYTES_PER_SAMPLE / 1000.0
        self._capacity = int(buffer_ms * self._bytes_per_ms)
        self._written = 0
        self._played_before = 0.0  # bytes played before the last resume
        self._since: float | None = None  # monotonic seconds of the last resume; None while suspended

    def start(self) -> str | None:
        self._since = time.monotonic()
        return None

    def _played(self) -> float:
        running = 0.0 if self._since is None else (time.monotonic() - self._since) * 1000 * self._bytes_per_ms
        return min(self._played_before + running, float(self._written))

    def write(self, data: bytes) -> int:
        n = min(len(data), self.bytes_free())
        self._written += n
        return n

    def bytes_free(self) -> int:
        return max(self._capacity - int(self._written - self._played()), 0)

    def played_ms(self) -> float:
        return self._played() / self._bytes_per_ms

    def drained(self) -> bool:
        return self._played() >= self._written

    def suspend(self) -> None:
        self._played_before = self._played()
        self._since = None

    def resume(self) -> None:
        if self._since is None:
            self._since = time.monotonic()

    def stop(self) -> None:
        self.suspend()

    def set_volume(self, volume: float) -> None:
        pass  # nothing is heard


class DeviceOutput:
    """A ``QAudioSink`` in push mode: float32 where the device takes it, else 16-bit integers."""

    def __init__(self, device: QAudioDevice, rate: int, channels: int, buffer_ms: int, volume: float) -> None:
        fmt = QAudioFormat()
        fmt.setSampleRate(rate)
        fmt.setChannelCount(channels)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Float)
        self._as_int16 = not device.isFormatSupported(fmt)
        if self._as_int16:
            fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._sink = QAudioSink(device, fmt)
        self._sink.setBufferSize(fmt.bytesForDuration(buffer_ms * 1000))
        self._sink.setVolume(volume)
        self._io = None

    def start(self) -> str | None:
        self._io = self._sink.start()
        if self._io is None or self._sink.error() != QtAudio.Error.NoError:
            return f"the sound device refused it ({self._sink.error().name})"
        return None

    def write(self, data: bytes) -> int:
        """Hands over what the device takes now; returns how many of the float32 bytes it took."""
        if self._io is None:
            return 0
        if not self._as_int16:
            return max(int(self._io.write(data)), 0)
        # 16-bit: half the bytes per sample; whole samples only.
        take = min(len(data) // BYTES_PER_SAMPLE, int(self._sink.bytesFree()) // 2)
        samples = np.frombuffer(data, dtype=np.float32, count=take)
        pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16).tobytes()
        return max(int(self._io.write(pcm)), 0) // 2 * BYTES_PER_SAMPLE

    def bytes_free(self) -> int:
        free = int(self._sink.bytesFree())
        return free * 2 if self._as_int16 else free

    def played_ms(self) -> float:
        return self._sink.processedUSecs() / 1000.0

    def drained(self) -> bool:
        return self._sink.state() in (QtAudio.State.IdleState, QtAudio.State.StoppedState)

    def suspend(self) -> None:
        self._sink.suspend()

    def resume(self) -> None:
        self._sink.resume()

    def stop(self) -> None:
        self._sink.stop()
        self._io = None

    def set_volume(self, volume: float) -> None:
        self._sink.setVolume(volume)
