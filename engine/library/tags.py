"""Reading tags with mutagen (one open per file): what the library shows before any decoding."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mutagen
from mutagen import MutagenError

# What read_tags reads. A track stored by an older reader has its tags read again at the next scan,
# its features kept (the audio did not change). 1: the disc number.
TAGS_VERSION = 1

MUTAGEN_ERRORS = (
    MutagenError,
    OSError,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    EOFError,
    OverflowError,
)


@dataclass(frozen=True)
class Tags:
    title: str
    artist: str | None = None
    album: str | None = None
    album_artist: str | None = None
    genre: str | None = None
    track_number: int | None = None
    disc_number: int | None = None
    year: int | None = None
    duration_ms: int | None = None
    has_cover: bool = False
    tag_error: str | None = None  # the tags could not be read; the file may still play


# Keys per field, for every tag flavour mutagen returns: ID3 frames, MP4 atoms,
# Vorbis comments (Ogg, FLAC, Opus) and ASF attributes. First match wins.
_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("TIT2", "\xa9nam", "title", "Title"),
    "artist": ("TPE1", "\xa9ART", "artist", "Author", "WM/AlbumArtist"),
    "album": ("TALB", "\xa9alb", "album", "WM/AlbumTitle"),
    "album_artist": ("TPE2", "aART", "albumartist", "album artist", "WM/AlbumArtist"),
    "genre": ("TCON", "\xa9gen", "genre", "WM/Genre"),
    "track_number": ("TRCK", "trkn", "tracknumber", "WM/TrackNumber"),
    "disc_number": ("TPOS", "disk", "discnumber", "WM/PartOfSet"),
    "year": ("TDRC", "TYER", "\xa9day", "date", "year", "WM/Year"),
}
_COVER_PREFIXES = ("APIC", "covr", "metadata_block_picture", "WM/Picture")
_NUMBER = re.compile(r"\d+")
_MAX_DIGITS = 6  # track numbers and years; a longer one is junk (and would not fit SQLite's INTEGER)


def title_from_path(path: Path) -> str:
    """A readable title from a file name: ``03 - Some_Song.mp3`` -> ``Some Song``."""
    stem = Path(path).stem
    stem = re.sub(r"^\d{1,3}\s*[-._ ]\s*", "", stem).replace("_", " ").strip()
    return stem or Path(path).name


def _text(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    if hasattr(value, "text"):  # ID3 frame
        return _text(value.text)
    if isinstance(value, tuple):  # MP4 trkn: (number, total)
        value = value[0]
    text = str(getattr(value, "value", value)).strip().strip("\x00")
    return text or None


def _lookup(tags: Any, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        try:
            value = tags.get(key)
        except (KeyError, ValueError, TypeError):
            continue
        if isinstance(value, list) and value and isinstance(value[0], tuple):  # MP4 trkn, disk
            value = value[0][0]
        text = _text(value)
        if text:
            return text
    return None


def _number(value: str | None) -> int | None:
    """The first number in a track-number, disc-number or date tag; None for none or an implausible one."""
    match = _NUMBER.search(value or "")
    if not match or len(match.group()) > _MAX_DIGITS:
        return None
    return int(match.group())


def _cover(audio: Any, tags: Any) -> bool:
    if getattr(audio, "pictures", None):  # FLAC picture blocks
        return True
    try:
        return any(str(k).startswith(_COVER_PREFIXES) for k in tags.keys())  # noqa: SIM118 - Vorbis comments iterate as pairs
    except (AttributeError, TypeError, ValueError):
        return False


def read_tags(path: Path) -> Tags:
    """Tags of one file; a file whose tags cannot be read gets its title from the file name."""
    fallback = title_from_path(path)
    try:
        audio = mutagen.File(path)
    except MUTAGEN_ERRORS as exc:
        return Tags(title=fallback, tag_error=f"unreadable tags: {type(exc).__name__}: {exc}"[:200])
    if audio is None:
        return Tags(title=fallback, tag_error="no tags recognised")
    length = getattr(getattr(audio, "info", None), "length", None)
    duration_ms = int(length * 1000) if isinstance(length, int | float) and 0 < length < 1e7 else None
    tags = audio.tags
    if tags is None:
        return Tags(title=fallback, duration_ms=duration_ms, has_cover=_cover(audio, {}))
    values = {name: _lookup(tags, keys) for name, keys in _KEYS.items()}
    return Tags(
        title=values["title"] or fallback,
        artist=values["artist"],
        album=values["album"],
        album_artist=values["album_artist"],
        genre=values["genre"],
        track_number=_number(values["track_number"]),
        disc_number=_number(values["disc_number"]),
        year=_number(values["year"]),
        duration_ms=duration_ms,
        has_cover=_cover(audio, tags),
    )
