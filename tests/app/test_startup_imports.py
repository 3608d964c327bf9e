"""The window comes up without the analysis stack: librosa, numba and flwr stay out of the GUI process,
and libsndfile's binding is loaded only once a song needs the second playback path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.app.conftest import WAIT_S

ROOT = Path(__file__).parents[2]
HEAVY = ("librosa", "numba", "flwr", "soundfile")

SHOW = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.gui import open_player
player = open_player(Path(sys.argv[1]), [], mpris=False, scan=False)
player.window.show()
app.processEvents()
print(sorted(m for m in {heavy!r} if m in sys.modules))
player.close()
"""


def test_the_window_starts_without_the_analysis_stack_or_libsndfile(db_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", SHOW.format(heavy=HEAVY), str(db_path)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=WAIT_S, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_faster_pyside_import_test_gives_pysides_answers() -> None:
    import shibokensupport.feature as feature  # type: ignore[import-not-found]

    import app.audio
    import engine.listening
    from app import pyside_import_hook

    original = feature._mod_uses_pyside
    try:
        assert pyside_import_hook.speed_up(), "PySide's own test was in place"
        faster = feature._mod_uses_pyside
        assert not pyside_import_hook.speed_up(), "installed once"
        for module in (app.audio, engine.listening, os, sys):
            assert faster(module) == original(module), module.__name__
        assert faster(app.audio) and not faster(engine.listening)
    finally:
        feature._mod_uses_pyside = original


BLAS_THREADS = """
import sys
import app.gui
from app.launcher import main

def run(argv):
    import numpy  # noqa: F401 - the BLAS the re-rank uses
    from threadpoolctl import threadpool_info
    print(sorted({p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}))
    return 0

app.gui.run = run  # what the window's process has once it starts
sys.exit(main(["--db", sys.argv[1]]))
"""


def test_the_window_does_its_matrix_products_on_one_blas_thread(db_path: Path) -> None:
    """The re-rank after a skip waits for a second OpenBLAS thread when the other core is busy."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run(
        [sys.executable, "-c", BLAS_THREADS, str(db_path)],
        capture_output=True, text=True, cwd=ROOT, env={**env, "QT_QPA_PLATFORM": "offscreen"},
        timeout=WAIT_S, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1] == "[1]"
