"""Cover art: embedded in MP3, FLAC, Ogg and M4A files, or an image in the album folder."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, ID3
from mutagen.mp4 import MP4, MP4Cover
from mutagen.oggvorbis import OggVorbis

from engine.library.cover import cover_bytes, embedded_cover
from tests.engine.corpus import make_audio

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _picture() -> Picture:
    pic = Picture()
    pic.type, pic.mime, pic.data = 3, "image/png", PNG
    return pic


@pytest.mark.parametrize("fmt", ["mp3", "flac", "ogg", "m4a"])
def test_embedded_front_covers_are_found(tmp_path: Path, fmt: str) -> None:
    path = make_audio(tmp_path / f"song.{fmt}", seconds=0.5)
    assert embedded_cover(path) is None
    if fmt == "mp3":
        tags = ID3(path)
        tags.add(APIC(encoding=3, mime="image/png", type=3, desc="front", data=PNG))
        tags.save(path)
    elif fmt == "flac":
        audio = FLAC(path)
        audio.add_picture(_picture())
        audio.save()
    elif fmt == "ogg":
        audio = OggVorbis(path)
        audio["metadata_block_picture"] = [base64.b64encode(_picture().write()).decode()]
        audio.save()
    else:
        audio = MP4(path)
        audio["covr"] = [MP4Cover(PNG, imageformat=MP4Cover.FORMAT_PNG)]
        audio.save()
    assert embedded_cover(path) == PNG


def test_a_folder_image_is_the_fallback_and_missing_files_have_none(tmp_path: Path) -> None:
    album = tmp_path / "album"
    album.mkdir()
    path = make_audio(album / "01.ogg", seconds=0.5)
    assert cover_bytes(path) is None
    (album / "Folder.JPG").write_bytes(b"\xff\xd8\xffjpeg")
    assert cover_bytes(path) == b"\xff\xd8\xffjpeg"
    shutil.rmtree(album)
    assert cover_bytes(path) is None
