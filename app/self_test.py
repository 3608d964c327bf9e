"""``skipwise --self-test``: does this installation work, from end to end, without a screen?

1. scans the bundled demo library into a temporary home, analysing it in
   spawned worker processes (as the player does);
2. runs 50 simulated plays through the learner and the queue, each stored,
   learned from and re-ranked exactly like a real play;
3. plays 1 s of a demo track through QtMultimedia;

and prints one summary line. The exit status is 0 only if every step worked.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

PLAYS = 50
PLAY_MS = 1000


def _scan(home: Path) -> tuple[bool, str]:
    from engine.api import Scanner, default_db_path, demo_truth, install_demo, open_db

    folder = install_demo(home / "demo-library")
    db = open_db(default_db_path())
    try:
        t0 = time.perf_counter()
        result = Scanner(db, workers=2).scan([folder])
        seconds = time.perf_counter() - t0
    finally:
        db.close()
    expected = len(demo_truth())
    ok = result.added == expected and result.analysed == expected and not result.failed
    detail = f"scan {result.analysed}/{expected} analysed in {seconds:.1f} s"
    if result.failed:
        detail += f" ({result.failed[0].path}: {result.failed[0].reason})"
    return ok, detail


def _learn() -> tuple[bool, str]:
    import numpy as np

    from engine.api import ListeningSession, count_plays, default_db_path, drive, load_listener, open_db

    db = open_db(default_db_path())
    try:
        session = ListeningSession(db, rng=np.random.default_rng(0))
        before = session.learner_view().weights
        result = drive(session, load_listener("daypart"), PLAYS)
        stored = count_plays(db)
        w = session.learner_view().weights
    finally:
        db.close()
    ok = (
        stored == PLAYS
        and result.updates >= PLAYS
        and bool(np.all(np.isfinite(w)))
        and not np.array_equal(w, before)
        and result.queue_changes > 0
    )
    detail = f"{stored} plays ({result.skips} skips), {result.updates} updates"
    return ok, f"{detail}, queue reordered {result.queue_changes}x"


def _play(home: Path) -> tuple[bool, str]:
    from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEventLoop, QTimer

    from app.audio import AudioPlayer
    from engine.api import demo_truth

    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    track = home / "demo-library" / demo_truth()[0]["file"]
    player = AudioPlayer()
    failure: list[str] = []
    loop = QEventLoop()
    player.failed.connect(lambda reason: (failure.append(reason), loop.quit()))
    player.positionChanged.connect(lambda ms: loop.quit() if ms >= PLAY_MS else None)
    QTimer.singleShot(15_000, loop.quit)
    clock = QElapsedTimer()
    clock.start()
    player.load(str(track))
    player.play()
    loop.exec()
    position = player.position()
    player.stop()
    del app
    if failure:
        return False, f"playback failed: {failure[0]}"
    ok = position >= PLAY_MS
    return ok, f"played {position / 1000:.1f} s of {track.name} in {clock.elapsed() / 1000:.1f} s"


def run() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="skipwise-selftest-"))
    os.environ["SKIPWISE_HOME"] = str(home)
    results: list[tuple[str, bool, str]] = []
    try:
        for name, step in (("scan", lambda: _scan(home)), ("learn", _learn), ("play", lambda: _play(home))):
            try:
                ok, detail = step()
            except Exception as exc:  # a self-test reports every failure, it never crashes
                ok, detail = False, f"{name} crashed: {type(exc).__name__}: {exc}"
            results.append((name, ok, detail))
            if not ok:
                break
    finally:
        shutil.rmtree(home, ignore_errors=True)
    passed = all(ok for _, ok, _ in results) and len(results) == 3
    print(
        f"skipwise self-test {'PASSED' if passed else 'FAILED'}: " + "; ".join(d for _, _, d in results),
        flush=True,
    )
    return 0 if passed else 1
