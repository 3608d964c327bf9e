"""The .deb: the frozen bundle under /usr/lib/skipwise, a launcher, desktop integration, Depends.

Layout (all owned by root, as ``dpkg-deb --root-owner-group`` records it)::

    /usr/lib/skipwise/            the one-folder build (skipwise + _internal/)
    /usr/bin/skipwise             -> ../lib/skipwise/skipwise (relative: works in any unpacked root)
    /usr/share/applications/skipwise.desktop
    /usr/share/icons/hicolor/{16x16..512x512,scalable}/apps/skipwise.{png,svg}
    /usr/share/metainfo/io.github.skipwise.Skipwise.metainfo.xml
    /usr/share/doc/skipwise/copyright
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import elf_deps

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = "skipwise"
METAINFO = "io.github.skipwise.Skipwise.metainfo.xml"
MAINTAINER = "Skipwise developers <skipwise@users.noreply.github.com>"
# Packages of qt-runtime-packages.txt that later Debian and Ubuntu releases renamed (64-bit time_t).
RENAMED = {"libglib2.0-0": "libglib2.0-0t64 | libglib2.0-0"}
# GLIBCXX symbol version -> the GCC release whose libstdc++6 first provides it.
GLIBCXX_GCC = {28: 10, 29: 11, 30: 12, 31: 13, 32: 14, 33: 15}
DESCRIPTION = """\
offline music player that learns your taste on your computer
 Skipwise plays the music on your computer and learns, on your computer only,
 which songs you let play and which you skip. After every play or skip a
 42-weight model updates from how long you really listened, and the queue
 reorders on the spot. Media keys and desktop widgets control it via MPRIS.
 .
 This package bundles its own Python, Qt and audio libraries.
"""


@dataclass(frozen=True)
class DebInfo:
    path: Path
    installed_size_kib: int
    depends: str


def _read_list(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def depends(bundle: Path) -> list[str]:
    """The Depends relations: libc6 and libstdc++6 at the versions the binaries need, then the lists."""
    versions = elf_deps.required_versions(bundle)
    glibc = ".".join(map(str, versions["GLIBC"]))
    glibcxx = versions["GLIBCXX"][2] if len(versions["GLIBCXX"]) > 2 else 0
    if glibcxx > max(GLIBCXX_GCC):
        raise SystemExit(f"GLIBCXX_3.4.{glibcxx} needed: add its GCC release to GLIBCXX_GCC in {__file__}")
    stdcxx = f"libstdc++6 (>= {GLIBCXX_GCC[glibcxx]})" if glibcxx in GLIBCXX_GCC else "libstdc++6"
    qt = [RENAMED.get(p, p) for p in _read_list(HERE / "qt-runtime-packages.txt")]
    return [f"libc6 (>= {glibc})", stdcxx, *qt, *_read_list(HERE / "deb-depends.txt")]


def undeclared_libraries(bundle: Path, relations: list[str]) -> dict[str, str | None]:
    """System libraries the bundle links that no package named in ``relations`` provides."""
    declared = {alt.split("(")[0].strip() for rel in relations for alt in rel.split("|")}
    external = elf_deps.external_libraries(bundle)
    providers = elf_deps.debian_packages(external)
    return {lib: pkg for lib, pkg in providers.items() if pkg not in declared}


def _installed_size_kib(tree: Path) -> int:
    """Like dpkg-gencontrol: 1 KiB per directory or symlink, each file's size rounded up to KiB."""
    total = 0
    for dirpath, dirnames, filenames in os.walk(tree):
        if Path(dirpath).name == "DEBIAN":
            continue
        total += len(dirnames) + 1
        for name in filenames:
            path = Path(dirpath, name)
            total += 1 if path.is_symlink() else -(-path.stat().st_size // 1024)
    return total


def _install(src: Path, dest: Path, mode: int = 0o644) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    dest.chmod(mode)


def stage(bundle: Path, tree: Path) -> None:
    """Lay out the package's files under ``tree`` (which must not exist)."""
    assets = ROOT / "assets"
    shutil.copytree(bundle, tree / "usr" / "lib" / PACKAGE, symlinks=True)
    (tree / "usr" / "bin").mkdir(parents=True)
    (tree / "usr" / "bin" / PACKAGE).symlink_to(f"../lib/{PACKAGE}/{PACKAGE}")
    share = tree / "usr" / "share"
    _install(assets / "skipwise.desktop", share / "applications" / "skipwise.desktop")
    _install(assets / METAINFO, share / "metainfo" / METAINFO)
    for icon in sorted((assets / "icons" / "hicolor").glob("*/apps/skipwise.*")):
        _install(icon, share / "icons" / "hicolor" / icon.relative_to(assets / "icons" / "hicolor"))
    _install(HERE / "debian" / "copyright", share / "doc" / PACKAGE / "copyright")
    for dirpath, _, filenames in os.walk(tree):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            path = Path(dirpath, name)
            if not path.is_symlink():
                path.chmod(0o755 if path.stat().st_mode & 0o111 else 0o644)


def build_deb(bundle: Path, version: str, work: Path, out_dir: Path) -> DebInfo:
    """Stage, write DEBIAN/, and build ``skipwise_<version>_<arch>.deb`` into ``out_dir``."""
    relations = depends(bundle)
    missing = undeclared_libraries(bundle, relations)
    if missing:
        found = ", ".join(f"{lib} ({pkg or 'no package'})" for lib, pkg in sorted(missing.items()))
        raise SystemExit(f"the bundle links system libraries the Depends do not cover: {found}")
    tree = work / "deb-root"
    shutil.rmtree(tree, ignore_errors=True)
    stage(bundle, tree)
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True)
    size = _installed_size_kib(tree)
    control = {
        "Package": PACKAGE,
        "Version": version,
        "Architecture": arch.stdout.strip(),
        "Maintainer": MAINTAINER,
        "Installed-Size": str(size),
        "Depends": ", ".join(relations),
        "Section": "sound",
        "Priority": "optional",
        "Description": DESCRIPTION.rstrip("\n"),
    }
    debian = tree / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text("".join(f"{k}: {v}\n" for k, v in control.items()), encoding="utf-8")
    for script in ("postinst", "postrm"):
        _install(HERE / "debian" / script, debian / script, 0o755)
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{version}_{control['Architecture']}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "-z6", "--build", str(tree), str(deb)],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    shutil.rmtree(tree)
    return DebInfo(deb, size, control["Depends"])
