"""What a file is, from its first bytes rather than its name.

Real collections hold FLAC files named ``.mp3``, MP3s with no extension, and
text files named ``.m4a``; the extension only decides how loudly a file that
is *not* audio gets reported.
"""

from __future__ import annotations

from pathlib import Path

AUDIO_EXTENSIONS = frozenset(
    {".mp3", ".mp2", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".m4b", ".mp4", ".aac", ".alac",
     ".wav", ".wave", ".aif", ".aiff", ".aifc", ".wma", ".asf", ".wv", ".ape", ".mka", ".webm"}
)  # fmt: skip
_ASF_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
HEAD_BYTES = 64


def has_audio_extension(path: str | Path) -> bool:
    return Path(path).suffix.lower() in AUDIO_EXTENSIONS


def sniff(head: bytes) -> str | None:
    """The audio container of a file from its first bytes, or None if it is not audio.

    Returns one of ``mp3, flac, ogg, opus, m4a, wav, aiff, wma, aac, wavpack, ape, matroska``.
    """
    if head.startswith(b"ID3"):
        return "mp3"  # ID3v2 almost always fronts MPEG audio (it can front AAC/FLAC; the decoder will tell)
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "opus" if b"OpusHead" in head else "ogg"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"RIFF") and head[8:12] in (b"WAVE", b"RF64"):
        return "wav"
    if head.startswith(b"FORM") and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head.startswith(_ASF_GUID):
        return "wma"
    if head.startswith(b"wvpk"):
        return "wavpack"
    if head.startswith(b"MAC "):
        return "ape"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:
            return "aac"  # ADTS
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
            return "mp3"  # MPEG audio frame sync, layer set
    return None


def describe_non_audio(head: bytes) -> str:
    """A short human reason for a file with an audio name that is not audio."""
    if not head:
        return "empty file (0 bytes)"
    if head[:4] in (b"\x89PNG", b"GIF8") or head[:3] == b"\xff\xd8\xff":
        return "not an audio file (an image)"
    if head.startswith(b"%PDF"):
        return "not an audio file (a PDF document)"
    if head.startswith(b"PK\x03\x04"):
        return "not an audio file (a zip archive)"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "not an audio file (unrecognised content)"
    if all(c.isprintable() or c.isspace() for c in text):
        return "not an audio file (text)"
    return "not an audio file (unrecognised content)"
