"""Stripped copies of the bundle's ELF files, keeping the original wherever stripping would break it.

PyInstaller's own ``strip=True`` strips every binary, and binutils' strip
corrupts libraries whose headers patchelf rewrote (auditwheel's vendored
OpenBLAS, gfortran, Qt's FFmpeg): the loader then refuses them with "ELF load
command address/offset not page-aligned". So each copy is checked the way the
loader checks it, and a copy that fails is thrown away.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
from collections.abc import Iterable
from pathlib import Path

PT_LOAD = 1


def is_elf(path: str | os.PathLike[str]) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def loads_aligned(path: str | os.PathLike[str]) -> bool:
    """Whether every loadable segment satisfies the loader's rule (vaddr - offset) % align == 0."""
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2 or head[5] != 1:  # only 64-bit little-endian is built
            return True
        (phoff,) = struct.unpack_from("<Q", head, 32)
        phentsize, phnum = struct.unpack_from("<HH", head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, _, _, p_align = struct.unpack_from("<IIQQQQQQ", table, i * phentsize)
        if p_type == PT_LOAD and p_align > 1 and (p_vaddr - p_offset) % p_align:
            return False
    return True


def stripped_copy(src: str, cache: Path) -> str:
    """A stripped copy of ``src`` from ``cache`` (made once per source version), or ``src`` itself."""
    st = os.stat(src)
    key = hashlib.sha256(f"{os.path.realpath(src)}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()[:24]
    copy = cache / key / Path(src).name
    refused = copy.with_name(copy.name + ".refused")
    if copy.exists():
        return str(copy)
    if refused.exists():
        return src
    copy.parent.mkdir(parents=True, exist_ok=True)
    tmp = copy.with_name(copy.name + ".tmp")
    shutil.copyfile(src, tmp)
    os.chmod(tmp, 0o755)
    done = subprocess.run(["strip", "--strip-unneeded", str(tmp)], capture_output=True, check=False)
    if done.returncode != 0 or not loads_aligned(tmp) or os.path.getsize(tmp) >= st.st_size:
        tmp.unlink()
        refused.touch()
        return src
    tmp.replace(copy)
    return str(copy)


def strip_entries(entries: Iterable[tuple[str, str, str]], cache: Path) -> list[tuple[str, str, str]]:
    """PyInstaller TOC entries with every strippable ELF binary replaced by its stripped copy."""
    out = []
    for dest, src, kind in entries:
        if kind in ("BINARY", "EXTENSION") and is_elf(src):
            src = stripped_copy(src, cache)
        out.append((dest, src, kind))
    return out
