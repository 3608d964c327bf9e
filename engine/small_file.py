"""Reading a small file that comes from outside (a profile, a prior, a baseline): bounded and UTF-8."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def read_small_text(path: Path, limit: int, what: str, error: Callable[[str], Exception]) -> str:
    """The UTF-8 text of the ``what`` file at ``path``; a file over ``limit`` bytes is refused unread.

    Raises ``error(reason)``: the file cannot be read, is larger than any
    ``what`` ("... is larger than 4 MB: not a prior"), or is not UTF-8.
    """
    try:
        with open(path, "rb") as f:
            raw = f.read(limit + 1)
    except OSError as exc:
        raise error(f"cannot read the {what} {path}: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise error(f"{path} is larger than {limit / 2**20:g} MB: not a {what}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{path} is not UTF-8 text") from None
