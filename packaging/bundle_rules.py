"""What the frozen build leaves out: modules never reached, Qt files no code path loads, system libraries.

Used by skipwise.spec. Every exclusion is exercised by the package test, which
runs the packaged self-test (spawned workers, numba, librosa, QtMultimedia) in
a bare environment after excluding.
"""

from __future__ import annotations

import posixpath
import sys
from fnmatch import fnmatch
from pathlib import PurePath

EXCLUDED_MODULES = [
    # The simulator's baseline and the benchmark only (the `bench`/`test` extras, not app dependencies);
    # engine/sim/river_baseline.py imports it lazily.
    "river",
    # librosa imports scikit-learn in decompose/segment only; the extractor uses librosa.filters.mel.
    "sklearn",
    # Test, notebook and terminal tooling that installed packages mention but the app never runs.
    "pytest", "_pytest", "pytestqt", "hypothesis", "IPython", "tkinter", "matplotlib", "pandas",
    "readline", "pydoc_data",
    # numba's GPU target: the extractor compiles for the CPU only.
    "numba.cuda",
    # The fleet's simulation engine (the `fleet-sim` extra, never the player's) and the type checker that
    # pydantic's mypy plugin would drag in (with curses): a listener's SuperNode needs neither.
    "ray", "mypy", "mypyc", "pydantic.mypy", "pydantic.v1.mypy",
    # Python bindings nothing imports (their shared libraries still come along where Qt links them).
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.Qt3DCore",
    "PySide6.QtPdf", "PySide6.QtDBus",
]  # fmt: skip

# A listener's SuperNode, the SuperExec it starts and the flwr-clientapp processes that run Skipwise's
# ClientApp (engine/fleet/flower_commands.py runs them in the frozen app): their packages whole, for the
# modules Flower picks at run time. The SuperLink, the `flwr` CLI and the Simulation Engine are not
# for a listener.
FLOWER_LISTENER_PACKAGES = [
    "flwr.supernode", "flwr.supercore", "flwr.clientapp", "flwr.client", "flwr.app", "flwr.common",
    "flwr.proto", "flwr.compat",
]  # fmt: skip

# Modules imported from C, which PyInstaller cannot see: numba's dispatcher (a C extension) imports
# numba._devicearray, which otherwise only numba.cuda imports from Python.
HIDDEN_IMPORTS = ["numba._devicearray"]


def mypyc_runtime_modules(distributions: list[str]) -> list[str]:
    """The shared runtime module (``<hash>__mypyc``) of each mypyc-compiled distribution in ``distributions``.

    A mypyc-compiled module (tomli's, which Flower reads its app config with) imports it
    from C, so PyInstaller's analysis never sees it.
    """
    from importlib import metadata

    found = set()
    for name in distributions:
        for file in metadata.distribution(name).files or []:
            module = file.name.split(".")[0]
            if len(file.parts) == 1 and module.endswith("__mypyc"):
                found.add(module)
    return sorted(found)


# Qt plugins (PySide6[/Qt]/plugins/<type>/<file>): a plugin is kept only if its type and name are listed.
QT_PLUGINS = {
    # offscreen for the headless self-test, xcb for X11, wayland for Wayland sessions (Qt falls back to xcb).
    "platforms": ["*offscreen*", "*qxcb*", "*qwayland*", "qwindows*", "*qcocoa*"],
    "wayland-shell-integration": ["*xdg-shell*"],
    "wayland-decoration-client": ["*"],
    "wayland-graphics-integration-client": ["*wayland-egl*"],
    "xcbglintegrations": ["*"],
    # The portal's file dialogs; GTK's theme plugin would load the system's GTK into the process.
    "platformthemes": ["*xdgdesktopportal*"],
    # Compose key and IBus; not the virtual keyboard, which pulls in Qt Quick's controls.
    "platforminputcontexts": ["*compose*", "*ibus*"],
    "imageformats": ["*jpeg*", "*svg*", "*gif*", "*webp*"],  # cover art and the SVG icon; PNG is built in
    "iconengines": ["*svg*"],
    "multimedia": ["*ffmpeg*", "*windowsmedia*", "*darwin*"],  # not GStreamer: it needs system GStreamer
    "styles": ["*"],  # macOS and Windows native styles
}

# Shared libraries of the Linux desktop stack come from the system (the .deb depends on their packages):
# a bundled libglib, libX11 or libstdc++ from the build machine breaks when system plugins (GL drivers,
# input methods, PulseAudio) load the newer system copy next to it. libpython comes from the build.
SYSTEM_LIB_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/local/lib/")


def _is_system_library(dest: str, src: str | None) -> bool:
    if not sys.platform.startswith("linux") or not src:
        return False
    name = PurePath(dest).name
    if not name.startswith("lib") or ".so" not in name or name.startswith("libpython"):
        return False
    # A library inside a Python package (site-packages/*.libs, PySide6/Qt/lib) is never a system one.
    return src.startswith(SYSTEM_LIB_DIRS) and "-packages/" not in src


def keep(dest: str, src: str | None = None) -> bool:
    """Whether the file bound for ``dest`` (its path inside the bundle), from ``src``, is kept."""
    parts = PurePath(dest.replace("\\", "/")).parts
    if _is_system_library(dest, src) or "__pycache__" in parts:
        return False
    qt = parts[:1] == ("PySide6",)  # PySide6/Qt/{plugins,translations} (Linux, macOS), PySide6/... (Windows)
    if qt and "translations" in parts:
        return False  # the app installs no QTranslator: its text and Qt's stay English
    if qt and "plugins" in parts:
        i = parts.index("plugins")
        if len(parts) > i + 2:
            patterns = QT_PLUGINS.get(parts[i + 1])
            return patterns is not None and any(fnmatch(parts[-1], p) for p in patterns)
    # numba's OpenMP and TBB threading layers need libgomp/libtbb; the extractor never runs parallel code.
    return not ("numba" in parts and any(fnmatch(parts[-1], p) for p in ("omppool*", "tbbpool*")))


def _linked_qt_libraries(entries: list[tuple[str, str, str]]) -> set[str]:
    """Names of the libraries in PySide6/Qt/lib that some kept binary needs, transitively."""
    from PyInstaller.depend import bindepend

    qt_lib = {
        PurePath(dest).name: src for dest, src, kind in entries if _in_qt_lib(dest) and kind != "SYMLINK"
    }
    todo = [src for dest, src, kind in entries if kind != "SYMLINK" and not _in_qt_lib(dest)]
    linked: set[str] = set()
    while todo:
        for name, _ in bindepend.get_imports(todo.pop()):
            if name in qt_lib and name not in linked:
                linked.add(name)
                todo.append(qt_lib[name])
    return linked


def _in_qt_lib(dest: str) -> bool:
    return "/Qt/lib/" in "/" + dest.replace("\\", "/")


def trim(binaries: list, datas: list) -> tuple[list, list]:
    """The spec's binaries and datas without what ``keep`` rejects.

    On Linux also without the Qt libraries that only a dropped plugin needed (PyInstaller
    collects a plugin's dependencies before the spec can drop the plugin), and without
    the symbolic links left pointing at something dropped.
    """
    binaries = [e for e in binaries if keep(e[0], e[1])]
    datas = [e for e in datas if keep(e[0], e[1])]
    if sys.platform.startswith("linux"):
        linked = _linked_qt_libraries(binaries)
        binaries = [
            e for e in binaries if not _in_qt_lib(e[0]) or e[2] == "SYMLINK" or PurePath(e[0]).name in linked
        ]
    kept = {PurePath(e[0]).as_posix() for e in binaries + datas if e[2] != "SYMLINK"}

    def resolves(entry: tuple[str, str, str]) -> bool:
        dest, target, kind = entry
        return kind != "SYMLINK" or posixpath.normpath(f"{PurePath(dest).parent.as_posix()}/{target}") in kept

    return [e for e in binaries if resolves(e)], [e for e in datas if resolves(e)]
