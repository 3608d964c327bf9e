"""File paths in the database: text when they are valid UTF-8, raw bytes otherwise.

POSIX file names are bytes; Python turns undecodable ones into lone surrogates,
which SQLite cannot store as text. Those paths are stored as BLOBs of their
exact bytes, so every file can be found again, whatever its name.
"""

from __future__ import annotations

import os


def to_db(path: str) -> str | bytes:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return path


def from_db(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value


def printable(path: str) -> str:
    """A path (or any text) safe to print, store or put in JSON: undecodable bytes shown as U+FFFD."""
    try:
        return os.fsencode(path).decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate that no file name produced
        return path.encode("utf-8", "replace").decode("utf-8")
