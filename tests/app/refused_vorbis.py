"""An Ogg Vorbis file that FFmpeg refuses and libsndfile plays, built byte by byte.

Some real files carry a stray, malformed copy of the Vorbis comment header
after the setup header (left there by a tagger). libvorbis, and libsndfile
with it, reads the three real headers and skips a packet that is not audio.
FFmpeg's Ogg demuxer is still reading headers there: it takes the packet,
whose type byte (1) says identification header, for a second identification
header of the wrong size and gives up with "Header processing failed:
Invalid data found when processing input"; QMediaPlayer then says "Could not
open file". This module writes such a file: a tone encoded by libsndfile,
the damaged comment copy added to the page that holds the comment and setup
headers, every page's serial number fixed (libsndfile picks a random one) and
its CRC computed again, so the bytes are the same on every run.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import soundfile as sf

SERIAL = 0x5C1B5715
RATE = 44_100


def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else r << 1
        table.append(r & 0xFFFFFFFF)
    return table


_TABLE = _crc_table()


def ogg_crc(page: bytes) -> int:
    """The Ogg page checksum (CRC-32, polynomial 0x04C11DB7, no reflection), CRC field zeroed."""
    crc = 0
    for byte in page:
        crc = ((crc << 8) ^ _TABLE[((crc >> 24) & 0xFF) ^ byte]) & 0xFFFFFFFF
    return crc


def split_pages(data: bytes) -> list[bytearray]:
    pages, i = [], 0
    while i < len(data):
        assert data[i : i + 4] == b"OggS", f"no Ogg page at byte {i}"
        segments = data[i + 26]
        size = 27 + segments + sum(data[i + 27 : i + 27 + segments])
        pages.append(bytearray(data[i : i + size]))
        i += size
    return pages


def lacing(page: bytes) -> list[int]:
    return list(page[27 : 27 + page[26]])


def seal(page: bytearray) -> bytes:
    """The page with its serial number fixed and its CRC computed again."""
    page[14:18] = struct.pack("<I", SERIAL)
    page[22:26] = b"\0\0\0\0"
    page[22:26] = struct.pack("<I", ogg_crc(bytes(page)))
    return bytes(page)


def tone(seconds: float) -> np.ndarray:
    """A stereo 440/660 Hz tone at half scale, gently rising and falling.

    Returns
    -------
    y : np.ndarray [shape=(round(seconds * RATE), 2)], float32
    """
    t = np.arange(round(seconds * RATE)) / RATE
    envelope = 0.5 + 0.2 * np.sin(2 * np.pi * t / 4)
    left = envelope * np.sin(2 * np.pi * 440 * t)
    right = envelope * np.sin(2 * np.pi * 660 * t)
    return np.stack([left, right], axis=1).astype(np.float32)


def write_refused_vorbis(path: Path, seconds: float = 20.0) -> Path:
    """Write the file described above to ``path``; returns ``path``."""
    sf.write(path, tone(seconds), RATE, format="OGG", subtype="VORBIS")
    pages = split_pages(path.read_bytes())
    headers = pages[1]  # the comment header, then the setup header (libsndfile writes them so)
    sizes = lacing(headers)
    assert headers[27 + len(sizes)] == 3, "the second page starts with the comment header"
    comment_size = sizes[0]
    assert comment_size < 255, "a short comment header (one lacing value)"
    body = 27 + len(sizes)
    comment = bytes(headers[body : body + comment_size])
    stray = b"\x01" + comment[1:]  # the copy's type byte damaged: it claims to be an identification header
    new_sizes = [*sizes, len(stray)]
    page = bytearray(headers[:26]) + bytes([len(new_sizes), *new_sizes]) + headers[body:] + stray
    pages[1] = bytearray(page)
    path.write_bytes(b"".join(seal(p) for p in pages))
    return path
