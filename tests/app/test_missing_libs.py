"""A system library that Qt needs is missing: skipwise names it and its Debian package, says the
command-line tools still work, and exits with status 2 (no traceback, no abort of Qt's).

The library is really missing for the process under test: it runs in a private mount namespace
(``unshare``, as root) where the system's library folder is replaced by a copy made of links to every
file in it but that library's. Nothing on the host changes; the namespace ends with the process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.system_libs import PACKAGE_OF, RENAMED
from tests.app.conftest import WAIT_S

ROOT = Path(__file__).parents[2]
LIBDIR = Path("/usr/lib/x86_64-linux-gnu")
QT_PACKAGES = ROOT / "packaging" / "qt-runtime-packages.txt"

needs_namespaces = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None or not LIBDIR.is_dir(),
    reason="hides a system library in a private mount namespace: root, unshare, Debian's x86_64 lib dir",
)

# Inside the namespace: the real folder is seen at $1, the copy of links ($2) takes its place.
_IN_NAMESPACE = 'mount --bind "$3" "$1" && mount --bind "$2" "$3" && shift 3 && exec "$@"'


def _without(hidden: str, tmp: Path) -> tuple[Path, Path]:
    """A folder of links to every entry of LIBDIR but ``hidden`` and the files its name points to."""
    real = tmp / "real-libs"
    real.mkdir(parents=True)
    shadow = tmp / "libs-without"
    shadow.mkdir()
    gone = {hidden, Path(os.path.realpath(LIBDIR / hidden)).name}  # the soname's link and its file
    for entry in os.scandir(LIBDIR):
        if entry.name not in gone:
            (shadow / entry.name).symlink_to(real / entry.name)
    return real, shadow


def _skipwise_without(hidden: str, tmp: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    real, shadow = _without(hidden, tmp)
    cmd = [
        "unshare", "--mount", "--propagation", "private", "sh", "-c", _IN_NAMESPACE, "sh",
        str(real), str(shadow), str(LIBDIR), sys.executable, "-m", "app.launcher", *args,
    ]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=WAIT_S, check=False)


@needs_namespaces
def test_without_pulseaudios_library_the_window_says_so_and_the_command_line_still_works(
    tmp_path: Path, db_path: Path, skipwise_home: Path
) -> None:
    env = {**os.environ, "SKIPWISE_HOME": str(skipwise_home), "QT_QPA_PLATFORM": "offscreen"}
    out = _skipwise_without("libpulse.so.0", tmp_path / "a", "--db", str(db_path), "--no-scan", env=env)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr, out.stderr
    assert "Qt needs the system library libpulse.so.0, which is missing" in out.stderr
    assert "sudo apt install libpulse0" in out.stderr
    assert "command-line tools" in out.stderr and "still work" in out.stderr
    cli = _skipwise_without(
        "libpulse.so.0", tmp_path / "b", "tracks", "--db", str(db_path), "--json", env=env
    )
    assert cli.returncode == 0 and '"title"' in cli.stdout, cli.stderr


@needs_namespaces
def test_without_an_xcb_library_the_platform_plugin_is_named_before_qt_would_abort(
    tmp_path: Path, db_path: Path, skipwise_home: Path
) -> None:
    env = {**os.environ, "SKIPWISE_HOME": str(skipwise_home), "QT_QPA_PLATFORM": "xcb", "DISPLAY": ":99"}
    out = _skipwise_without("libxcb-cursor.so.0", tmp_path, "--db", str(db_path), "--no-scan", env=env)
    assert out.returncode == 2, out.stderr
    assert "Could not load the Qt platform plugin" not in out.stderr, "checked before Qt tries it"
    assert "Qt's X11 platform plugin (xcb) needs the system library" in out.stderr, out.stderr
    assert "libxcb-cursor.so.0" in out.stderr and "sudo apt install libxcb-cursor0" in out.stderr


def test_every_library_named_belongs_to_a_package_the_project_installs() -> None:
    listed = {
        line.strip() for line in QT_PACKAGES.read_text().splitlines() if line.strip()[:1] not in ("", "#")
    }
    assert set(PACKAGE_OF.values()) == listed, "each package of qt-runtime-packages.txt, and only those"
    if shutil.which("dpkg-query") is None:
        return
    for soname, package in PACKAGE_OF.items():
        found = subprocess.run(
            ["dpkg-query", "-S", f"*/{soname}"], capture_output=True, text=True, check=False
        )
        owners = {line.split(":")[0] for line in found.stdout.splitlines()}
        assert owners & {package, RENAMED.get(package)}, (
            f"{soname} is in {owners or 'no package'}, not {package}"
        )
