"""``make package``: freeze Skipwise with PyInstaller, then build the .deb and the portable .tar.gz.

    python packaging/build.py [--force]

Outputs go to dist/ (``skipwise_<version>_<arch>.deb``,
``skipwise-<version>-linux-<machine>.tar.gz`` and ``package-manifest.json``,
which records their sizes and a fingerprint of everything they were built
from); intermediate files go to build/package/. When the manifest's fingerprint
matches the checkout and the outputs exist, nothing is rebuilt, so the package
test reuses a fresh ``make package``. Linux only (the .deb needs dpkg-deb);
Windows and macOS run PyInstaller on skipwise.spec directly.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from debian_package import build_deb  # noqa: E402
from portable import build_tarball  # noqa: E402

DIST = ROOT / "dist"
WORK = ROOT / "build" / "package"
MANIFEST = DIST / "package-manifest.json"
# What the package is made of: a change to any of these files makes the next build a real one.
SOURCES = ("app", "engine", "assets", "packaging", "pyproject.toml")
IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache"}
IGNORED_SUFFIXES = {".pyc", ".md", ".nbi", ".nbc"}


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def fingerprint() -> str:
    """A hash of the source files, the installed distributions and the Python that freezes them."""
    h = hashlib.sha256(f"{sys.version}\0{sys.platform}\0".encode())
    for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()):
        h.update(dist.encode() + b"\0")
    for top in SOURCES:
        paths = [ROOT / top] if (ROOT / top).is_file() else sorted((ROOT / top).rglob("*"))
        for path in paths:
            rel = path.relative_to(ROOT)
            if path.is_file() and not IGNORED_PARTS & set(rel.parts) and path.suffix not in IGNORED_SUFFIXES:
                h.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def up_to_date(stamp: str) -> dict | None:
    """The manifest of the last build if it was made from exactly this checkout and its outputs exist."""
    try:
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("fingerprint") != stamp:
        return None
    if not all((DIST / manifest[k]).is_file() for k in ("deb", "tarball")):
        return None
    return manifest


@contextlib.contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """One build at a time per checkout (``make package`` and the test suite may race)."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def freeze() -> Path:
    """Run PyInstaller on skipwise.spec; returns the one-folder bundle."""
    log = WORK / "pyinstaller.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        done = subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
             "--distpath", str(WORK / "dist"), "--workpath", str(WORK / "work"), str(HERE / "skipwise.spec")],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=False,
        )  # fmt: skip
    if done.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-40:]
        raise SystemExit("PyInstaller failed (full log: {}):\n{}".format(log, "\n".join(tail)))
    return WORK / "dist" / "skipwise"


def add_flower_wrappers(bundle: Path) -> list[Path]:
    """``bin/<command>`` in the bundle for each Flower command a listener's SuperNode runs, by name.

    The frozen app has no Python for Flower's console scripts; each wrapper runs
    the bundle's executable with the command's option (``engine/fleet/flower_commands.py``).
    """
    from engine.fleet.flower_commands import FROZEN_BIN, LISTENER_COMMANDS, wrapper_script

    folder = bundle / FROZEN_BIN
    folder.mkdir(exist_ok=True)
    made = []
    for name in LISTENER_COMMANDS:
        path = folder / name
        path.write_text(wrapper_script(name), encoding="utf-8")
        path.chmod(0o755)
        made.append(path)
    return made


def build(stamp: str) -> dict:
    t0 = time.monotonic()
    ver = version()
    bundle = freeze()
    add_flower_wrappers(bundle)
    frozen_s = time.monotonic() - t0
    deb = build_deb(bundle, ver, WORK, DIST)
    tarball = build_tarball(bundle, ver, DIST)
    manifest = {
        "fingerprint": stamp,
        "version": ver,
        "deb": deb.path.name,
        "tarball": tarball.name,
        "deb_bytes": deb.path.stat().st_size,
        "installed_size_kib": deb.installed_size_kib,
        "tarball_bytes": tarball.stat().st_size,
        "depends": deb.depends,
        "pyinstaller_seconds": round(frozen_s, 1),
        "total_seconds": round(time.monotonic() - t0, 1),
    }
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if dist/ is up to date")
    args = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        raise SystemExit(
            "build.py makes the Linux packages; elsewhere run: pyinstaller packaging/skipwise.spec"
        )
    for tool in ("dpkg-deb", "readelf", "strip", "tar"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing (Debian: apt-get install dpkg binutils tar)")
    with exclusive(WORK / ".lock"):
        stamp = fingerprint()
        manifest = None if args.force else up_to_date(stamp)
        if manifest is not None:
            print(f"dist/ is up to date: {manifest['deb']}, {manifest['tarball']} (--force rebuilds)")
        else:
            manifest = build(stamp)
            seconds = manifest["total_seconds"], manifest["pyinstaller_seconds"]
            print("built in {:.0f} s (PyInstaller {:.0f} s)".format(*seconds))
    mb = 1024 * 1024
    print(f"  dist/{manifest['deb']}: {manifest['deb_bytes'] / mb:.1f} MB, "
          f"installed {manifest['installed_size_kib'] / 1024:.1f} MB")  # fmt: skip
    print(f"  dist/{manifest['tarball']}: {manifest['tarball_bytes'] / mb:.1f} MB")
    return 0


if __name__ == "__main__":
    os.umask(0o022)
    sys.exit(main())
