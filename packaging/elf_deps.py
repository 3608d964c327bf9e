"""Which system libraries a frozen bundle needs, and which Debian packages provide them.

The .deb declares its Depends by hand (qt-runtime-packages.txt, deb-depends.txt);
this module measures what the bundle really links against, so the build and
the package test can refuse a Depends that misses a library.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from strip_binaries import is_elf

# Provided by libc6 and loaded by every process: never a separate dependency.
LIBC_NAMES = re.compile(r"^(libc|libm|libdl|libpthread|librt|libutil|libresolv|libmvec|ld-linux[-\w]*)\.so")
SYMBOL_VERSION = re.compile(rb"(GLIBC|GLIBCXX)_(\d+(?:\.\d+)+)\x00")


def elf_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p))


def needed(files: Iterable[Path]) -> dict[Path, list[str]]:
    """DT_NEEDED entries of each file (``readelf -d``, one call for all)."""
    files = list(files)
    out = subprocess.run(
        ["readelf", "-d", "-W", *map(str, files)], capture_output=True, text=True, check=False
    ).stdout
    result: dict[Path, list[str]] = {f: [] for f in files}
    current: Path | None = None
    by_name = {str(f): f for f in files}
    for line in out.splitlines():
        if line.startswith("File: "):
            current = by_name.get(line[6:].strip())
        elif current is not None and "(NEEDED)" in line:
            result[current].append(line.rsplit("[", 1)[1].rstrip("]"))
    return result


def external_libraries(root: Path) -> dict[str, list[str]]:
    """Sonames the bundle links against but does not contain (libc's excluded), with who needs them."""
    files = elf_files(root)
    inside = {p.name for p in root.rglob("*")}
    missing: dict[str, list[str]] = {}
    for path, names in needed(files).items():
        for name in names:
            if name not in inside and not LIBC_NAMES.match(name):
                missing.setdefault(name, []).append(str(path.relative_to(root)))
    return missing


def required_versions(root: Path) -> dict[str, tuple[int, ...]]:
    """The newest GLIBC_x.y and GLIBCXX_x.y.z symbol versions that any file of the bundle names.

    The bundle holds no libc or libstdc++, so every such version string is a requirement.
    """
    best: dict[str, tuple[int, ...]] = {"GLIBC": (2, 17), "GLIBCXX": (3, 4)}
    for path in elf_files(root):
        for match in SYMBOL_VERSION.finditer(path.read_bytes()):
            name = match.group(1).decode()
            best[name] = max(best[name], tuple(int(x) for x in match.group(2).split(b".")))
    return best


def debian_packages(sonames: Iterable[str]) -> dict[str, str | None]:
    """The installed Debian package that ships each soname (None when none does)."""
    names = sorted(set(sonames))
    result: dict[str, str | None] = dict.fromkeys(names)
    if not names:
        return result
    out = subprocess.run(
        ["dpkg-query", "-S", *(f"*/{n}" for n in names)], capture_output=True, text=True, check=False
    ).stdout
    for line in out.splitlines():
        packages, _, path = line.partition(": ")
        name = Path(path).name
        if name in result and result[name] is None:
            result[name] = packages.split(",")[0].split(":")[0].strip()
    return result
