"""Before the window: are the system libraries Qt needs there? If not, say which, and where to get it.

Installed with pip or pipx, Skipwise brings Qt in its wheels but takes a few
dozen libraries from the system (PulseAudio's client for QtMultimedia, the
xcb family for the X11 platform plugin, OpenGL, fontconfig...). Without one,
Python stops with ``ImportError: libpulse.so.0: cannot open shared object
file``, or Qt aborts with "Could not load the Qt platform plugin xcb". Both
are checked here first, without creating a QApplication: importing the Qt
modules the window uses, and loading the xcb plugin (with all it links) the
way Qt would. A missing library is then named with the Debian package that
has it, from the same list the project installs and the .deb depends on
(``packaging/qt-runtime-packages.txt``; a test keeps the two in step).
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
from pathlib import Path

# soname -> the Debian package of packaging/qt-runtime-packages.txt that has it
PACKAGE_OF: dict[str, str] = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgmodule-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libpulse.so.0": "libpulse0",
    "libpulse-simple.so.0": "libpulse0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libXrandr.so.2": "libxrandr2",
    "libXrender.so.1": "libxrender1",
    "libXext.so.6": "libxext6",
}
# Debian 13 and Ubuntu 24.04 renamed some (the 64-bit time_t transition): apt offers the right one.
RENAMED = {"libglib2.0-0": "libglib2.0-0t64"}
CLI = "skipwise scan, tracks, plays, profile, simulate, bench, demo"
MISSING = re.compile(r"([\w.+-]+\.so(?:\.[\w.]+)?): cannot open shared object file")
NOT_FOUND = re.compile(r"^\s*(\S+\.so\S*) => not found", re.MULTILINE)


def window_problem() -> str | None:
    """What keeps the window from starting for want of a system library, or None if nothing does."""
    try:
        import PySide6.QtWidgets  # noqa: F401

        _load_multimedia()
    except (ImportError, OSError) as exc:
        missing = MISSING.findall(str(exc))
        return explain(missing) if missing else None
    if not _uses_xcb():
        return None
    plugin = _xcb_plugin()
    if plugin is None:
        return None
    try:
        ctypes.CDLL(str(plugin))  # what Qt's plugin loader does, with everything the plugin links
    except OSError as exc:
        missing = _all_missing(plugin) or MISSING.findall(str(exc))
        return explain(missing, what="Qt's X11 platform plugin (xcb)") if missing else None
    return None


def _load_multimedia() -> None:
    """Load QtMultimedia's binding with every library it links (libpulse), as its import would, but
    without importing it: the window imports it after its first paint. OSError names what is missing."""
    import PySide6

    for binding in sorted(Path(PySide6.__file__).parent.glob("QtMultimedia.*so")):
        ctypes.CDLL(str(binding))


def explain(sonames: list[str], what: str = "Qt") -> str:
    """The message for a person: the libraries, the packages that have them, the command to run."""
    sonames = list(dict.fromkeys(sonames))
    packages = list(dict.fromkeys(PACKAGE_OF[s] for s in sonames if s in PACKAGE_OF))
    unknown = [s for s in sonames if s not in PACKAGE_OF]
    libs = ", ".join(sonames)
    which = "which is" if len(sonames) == 1 else "which are"
    lines = [
        f"skipwise: the player window cannot start: {what} needs the system "
        f"{_plural(sonames, 'library')} {libs}, {which} missing."
    ]
    if packages:
        lines.append(
            f"On Debian and Ubuntu {'it is' if len(sonames) == 1 else 'they are'} in the "
            f"{_plural(packages, 'package')} {', '.join(packages)}:"
        )
        lines.append(f"    sudo apt install {' '.join(packages)}")
        renamed = [f"{RENAMED[p]} instead of {p}" for p in packages if p in RENAMED]
        if renamed:
            lines.append(f"(On Debian 13 and Ubuntu 24.04: {', '.join(renamed)}.)")
    if unknown:
        lines.append(f"Install the package that has {', '.join(unknown)} (apt-file search finds it).")
    lines.append(f"The command-line tools ({CLI}) do not need {'it' if len(sonames) == 1 else 'them'} "
                 "and still work.")  # fmt: skip
    return "\n".join(lines)


def _plural(items: list[str], word: str) -> str:
    return word if len(items) == 1 else ("libraries" if word == "library" else word + "s")


def _uses_xcb() -> bool:
    """Qt will load the xcb plugin: asked for it, or on an X11 display with nothing else asked for."""
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    if platform:
        return platform == "xcb"
    return bool(os.environ.get("DISPLAY")) and not os.environ.get("WAYLAND_DISPLAY")


def _xcb_plugin() -> Path | None:
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def _all_missing(library: Path) -> list[str]:
    """Every library ``library`` needs that the loader cannot find (ldd), not only the first."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        out = subprocess.run([ldd, str(library)], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return NOT_FOUND.findall(out.stdout)
