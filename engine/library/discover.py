"""Walking music folders: every regular file once, symlinks followed safely."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Files never worth opening: artwork, text, playlists, documents next to the music.
SKIP_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".txt", ".nfo", ".log", ".cue",
     ".m3u", ".m3u8", ".pls", ".xspf", ".pdf", ".md", ".html", ".htm", ".xml", ".json", ".db", ".ini",
     ".sfv", ".md5", ".accurip", ".url", ".lnk", ".ds_store"}
)  # fmt: skip


@dataclass(frozen=True)
class Found:
    """One file found under a root; ``problem`` is set when it cannot be read at all."""

    path: str
    size: int = 0
    mtime: float = 0.0
    problem: str | None = None


def under_any(path: str, roots: list[Path]) -> bool:
    """Whether ``path`` is one of ``roots`` or inside one of them (by path, not by following links)."""
    for root in roots:
        top = os.path.abspath(os.fspath(root))
        if path == top or path.startswith(os.path.join(top, "")):
            return True
    return False


def walk(roots: list[Path]) -> Iterator[Found]:
    """Every candidate file under ``roots`` once (directories followed through symlinks once).

    A file named twice (a root that is also inside another root, the same root
    given twice) is found once.
    """
    seen_dirs: set[tuple[int, int]] = set()
    seen_paths: set[str] = set()
    for root in roots:
        for found in _walk_root(os.path.abspath(os.fspath(root)), seen_dirs):
            if found.path not in seen_paths:
                seen_paths.add(found.path)
                yield found


def _walk_root(root: str, seen_dirs: set[tuple[int, int]]) -> Iterator[Found]:
    try:
        st = os.stat(root)
    except OSError as exc:
        missing = exc.errno == errno.ENOENT
        yield Found(root, problem="no such file or folder" if missing else _reason(exc, root))
        return
    if stat.S_ISDIR(st.st_mode):
        yield from _walk_dir(root, seen_dirs)
    else:
        yield from _file(root)


def _walk_dir(top: str, seen: set[tuple[int, int]]) -> Iterator[Found]:
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
        except OSError as exc:
            yield Found(folder, problem=_reason(exc, folder))
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:  # a symlink loop, or two links to one folder: visit it once
            continue
        seen.add(key)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Found(folder, problem=_reason(exc, folder))
            continue
        subdirs = []
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError as exc:
                yield Found(entry.path, problem=_reason(exc, entry.path))
                continue
            if is_dir:
                subdirs.append(entry.path)
            elif Path(entry.name).suffix.lower() not in SKIP_EXTENSIONS and not entry.name.startswith("."):
                yield from _file(entry.path)
        stack.extend(reversed(subdirs))


def _file(path: str) -> Iterator[Found]:
    try:
        st = os.stat(path)
    except OSError as exc:
        yield Found(path, problem=_reason(exc, path))
        return
    if not stat.S_ISREG(st.st_mode):
        return  # sockets, fifos, devices: never music
    if not os.access(path, os.R_OK):
        yield Found(path, st.st_size, st.st_mtime, problem="permission denied (not readable)")
        return
    yield Found(path, st.st_size, st.st_mtime)


def _reason(exc: OSError, path: str) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT:
        return "dangling symlink" if os.path.islink(path) else "file disappeared during the scan"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}"
