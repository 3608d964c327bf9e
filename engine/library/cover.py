"""Cover art for the now-playing view: embedded in the file, else an image beside it."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import mutagen
from mutagen.flac import Picture

from engine.library.tags import MUTAGEN_ERRORS

# What people name the album image in the album's folder, best first.
FOLDER_IMAGES = ("cover", "folder", "front", "album", "albumart")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
FRONT_COVER = 3  # ID3 / FLAC picture type


def cover_bytes(path: str | os.PathLike[str]) -> bytes | None:
    """The track's cover image (JPEG/PNG bytes), or None."""
    return embedded_cover(path) or folder_cover(path)


def embedded_cover(path: str | os.PathLike[str]) -> bytes | None:
    """The front cover embedded in the file's tags (any picture if no front cover is marked)."""
    try:
        audio = mutagen.File(path)
    except MUTAGEN_ERRORS:
        return None
    if audio is None:
        return None
    pictures = list(getattr(audio, "pictures", None) or [])  # FLAC picture blocks
    tags = audio.tags
    if tags is not None:
        pictures += _tag_pictures(tags)
    if not pictures:
        return None
    front = [p for p in pictures if getattr(p, "type", FRONT_COVER) == FRONT_COVER]
    best = (front or pictures)[0]
    data = getattr(best, "data", best)
    return bytes(data) if data else None


def _tag_pictures(tags: Any) -> list[Any]:
    found: list[Any] = []
    try:
        keys = list(tags.keys())
    except (AttributeError, TypeError):
        return found
    for key in keys:
        name = str(key)
        try:
            values = tags[key] if not hasattr(tags, "getall") else tags.getall(key)
        except (KeyError, ValueError, TypeError):
            continue
        values = values if isinstance(values, list) else [values]
        if name.startswith("APIC"):
            found += values  # ID3 frames: .data, .type
        elif name == "covr":
            found += [bytes(v) for v in values]  # MP4 cover atoms
        elif name.lower() == "metadata_block_picture":
            for v in values:
                try:
                    found.append(Picture(base64.b64decode(str(v))))
                except (ValueError, TypeError, mutagen.MutagenError):
                    continue
        elif name == "WM/Picture":
            found += [_asf_picture(v) for v in values]
    return [p for p in found if p is not None]


def _asf_picture(value: Any) -> bytes | None:
    """The image bytes of an ASF WM/Picture blob (type, size, mime, description, data)."""
    raw = bytes(getattr(value, "value", b""))
    try:
        pos = 5
        for _ in range(2):  # two UTF-16 strings ending in a double NUL
            end = raw.index(b"\x00\x00", pos)
            end += (end - pos) % 2
            pos = end + 2
        return raw[pos:] or None
    except ValueError:
        return None


def folder_cover(path: str | os.PathLike[str]) -> bytes | None:
    """``cover.jpg``, ``Folder.png``... in the track's folder.

    Asks for the usual names and their usual spellings rather than listing
    the folder, which in a flat collection can hold thousands of files.
    """
    folder = Path(path).parent
    for stem in FOLDER_IMAGES:
        for name in (stem, stem.capitalize(), stem.upper()):
            for ext in IMAGE_EXTENSIONS:
                for suffix in (ext, ext.upper()):
                    try:
                        return (folder / f"{name}{suffix}").read_bytes()
                    except OSError:
                        continue
    return None
