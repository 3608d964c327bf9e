"""``skipwise bench gui``: how fast the window comes up, and how smooth it stays, on a big library.

Three measurements, each beside a baseline from the same run:

- **window shown** and **ready**: wall time from starting ``skipwise --db X``
  (10,000 songs, a listening history) to the window's first paint ("shown":
  the window paints before it opens the library) and to its first paint with
  the library listed and the player usable ("ready"), each against a bare
  PySide6 window started the same way (what Python and Qt cost alone);
- **frame gaps during a scan**: a 5 ms timer on the GUI thread records every
  gap between its ticks while the window scans and analyses a generated
  library of small real files in worker processes, against the same timer on
  an idle window;
- **skip to redrawn queue**: ``Next`` on a 10,000-song library, from the call
  to the end of the queue's repaint (label, update, re-rank, the views told
  and the queue painted; the next file's opening and the durable save come
  after the paint), with one BLAS thread as in the window (``WINDOW_ENV``).

Medians and percentiles, never a pass/fail: the numbers go in the README.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from app.launcher import WINDOW_ENV

READY_ENV = "SKIPWISE_REPORT_SHOWN"  # the window prints "shown <unix time>" at its first paint, "ready <unix
# time>" at its first paint with the library in it, then quits (``app.gui``)

BARE_WINDOW = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow()
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(f"shown {time.time():.6f}", flush=True)
            QTimer.singleShot(0, app.quit)
            obj.removeEventFilter(self)
        return False
f = Painted()
w.installEventFilter(f)
w.resize(1280, 800)
w.show()
app.exec()
"""


def _times(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from spawning ``cmd`` to each of its "<what> <time>" lines ("shown", "ready")."""
    t0 = time.time()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    times = {}
    for line in out.stdout.splitlines():
        what, _, when = line.partition(" ")
        if what in ("shown", "ready"):
            times[what] = float(when) - t0
    if "shown" not in times:
        raise RuntimeError(f"{cmd[:3]} never showed a window: {out.stderr[-2000:]}")
    return times


def bench_startup(db_path: Path, home: Path, repeats: int) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SKIPWISE_HOME": str(home), READY_ENV: "1"}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    player = [sys.executable, "-m", "app.launcher", "--db", str(db_path), "--no-scan"]
    bare = [sys.executable, "-c", BARE_WINDOW]
    _times(player, env)  # warm the page cache once
    shown, ready, base = [], [], []
    for _ in range(repeats):  # interleaved, so that a busy spell of the machine weighs on both
        runs = _times(player, env)
        shown.append(runs["shown"])
        ready.append(runs.get("ready", float("nan")))
        base.append(_times(bare, env)["shown"])
    bare_s = statistics.median(base)
    return {
        "window_shown_ms": 1000 * statistics.median(shown),
        "bare_qt_window_ms": 1000 * bare_s,
        "window_vs_bare_qt": statistics.median(shown) / bare_s,
        "window_ready_ms": 1000 * statistics.median(ready),
        "ready_vs_bare_qt": statistics.median(ready) / bare_s,
    }


class GapMonitor:
    """Records the gaps between ticks of a 5 ms timer on the GUI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(1000 * (now - self._last))
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        g = sorted(self.gaps) or [0.0]
        return {
            "max_ms": g[-1],
            "p99_ms": g[min(len(g) - 1, int(0.99 * len(g)))],
            "over_100ms": float(sum(1 for x in g if x > 100)),
            "ticks": float(len(g)),
        }


def bench_scan_gaps(songs: int, workers: int | None) -> dict[str, float]:
    from PySide6.QtCore import QEventLoop, QTimer

    from app.gui import open_player
    from engine.api import make_tagged_library

    with tempfile.TemporaryDirectory(prefix="skipwise-guibench-") as tmp:
        lib = make_tagged_library(Path(tmp), songs)
        player = open_player(Path(tmp) / "scan.db", [], mpris=False, scan=False)
        player.window.show()
        idle = GapMonitor()
        loop = QEventLoop()
        idle.start()
        QTimer.singleShot(2000, loop.quit)
        loop.exec()
        idle_stats = idle.stop()
        monitor = GapMonitor()
        player.scan.finished.connect(lambda _r: loop.quit())
        t0 = time.perf_counter()
        monitor.start()
        player.scan.workers = workers
        player.scan.start([lib])
        loop.exec()
        busy = monitor.stop()
        seconds = time.perf_counter() - t0
        analysed = player.db.execute("SELECT count(*) FROM features").fetchone()[0]
        player.close()
    return {
        "scan_songs": float(songs),
        "scan_analysed": float(analysed),
        "scan_seconds": seconds,
        "frame_gap_max_ms": busy["max_ms"],
        "frame_gap_p99_ms": busy["p99_ms"],
        "frames_over_100ms": busy["over_100ms"],
        "idle_frame_gap_max_ms": idle_stats["max_ms"],
        "idle_frame_gap_p99_ms": idle_stats["p99_ms"],
    }


SETTLE_MS = 150  # between skips, as at a person's pace: the new song starts, its cover arrives


def _run_loop_for(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def bench_skip(db_path: Path, skips: int) -> dict[str, float]:
    """Next -> the queue's rows repainted, on the synthetic library's database.

    Timed from the call to the end of the queue table's next paint (the window
    paints a skip inside ``next()``, before the next file is opened; should it
    not, the paint is waited for). Each skip starts from a window at rest: the
    event loop runs ``SETTLE_MS`` between skips. ``skip_call_ms`` is the time
    inside ``next()`` itself (label, update, re-rank, the views told and
    painted, the next file opened: so it is longer than the skip to the paint);
    ``skip_to_redrawn_cpu_ms`` the GUI thread's CPU time from the call to the
    repaint, which tells a busy machine (wall time far above it) from slow code.
    """
    from PySide6.QtWidgets import QApplication

    from app.gui import open_player

    player = open_player(db_path, [], mpris=False, scan=False)
    player.window.show()
    app = QApplication.instance()
    painted: list[tuple[float, float]] = []
    player.window.queue.table.painted.connect(
        lambda: painted.append((time.perf_counter(), time.thread_time()))
    )
    c = player.controller
    c.play()
    _run_loop_for(500)
    redrawn, calls, cpu = [], [], []
    for _ in range(skips):
        _run_loop_for(SETTLE_MS)
        painted.clear()
        t0, cpu0 = time.perf_counter(), time.thread_time()
        c.next()
        t1 = time.perf_counter()
        while not painted and time.perf_counter() < t1 + 10:
            app.processEvents()  # type: ignore[union-attr]
        if not painted:
            raise RuntimeError("the queue was not repainted within 10 s of a skip")
        redrawn.append(1000 * (painted[0][0] - t0))
        cpu.append(1000 * (painted[0][1] - cpu0))
        calls.append(1000 * (t1 - t0))
    player.close()
    redrawn.sort()
    return {
        "skip_to_redrawn_ms": statistics.median(redrawn),
        "skip_to_redrawn_p90_ms": redrawn[int(0.9 * len(redrawn))],
        "skip_call_ms": statistics.median(calls),
        "skip_to_redrawn_cpu_ms": statistics.median(cpu),
    }


def _demo_backed_library(folder: Path, db_path: Path, songs: int, plays: int) -> None:
    """A synthetic library whose every track is a link to a real demo file, so it plays."""
    from engine.api import bundled_demo, fill_synthetic, open_db

    demo = sorted(bundled_demo().glob("*.ogg"))
    db = open_db(db_path)
    ids = fill_synthetic(db, songs, plays=plays, seed=3)
    links = []
    for i, track_id in enumerate(ids):
        link = folder / f"{i:05d}.ogg"
        link.symlink_to(demo[i % len(demo)].resolve())
        links.append((str(link), track_id))
    with db.conn:
        db.conn.executemany("UPDATE tracks SET path = ? WHERE id = ?", links)
    db.close()


def bench_gui(
    *, songs: int = 10_000, scan_songs: int = 10_000, repeats: int = 5, workers: int | None = None
) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    doc: dict[str, Any] = {"songs": songs}
    with tempfile.TemporaryDirectory(prefix="skipwise-guibench-") as tmp:
        home = Path(tmp) / "home"
        os.environ["SKIPWISE_HOME"] = str(home)
        db_path = Path(tmp) / "big.db"
        links = Path(tmp) / "links"
        links.mkdir()
        _demo_backed_library(links, db_path, songs, plays=2000)
        doc.update(bench_startup(db_path, home, repeats))
        from threadpoolctl import threadpool_limits

        with threadpool_limits(int(WINDOW_ENV["OPENBLAS_NUM_THREADS"]), user_api="blas"):  # as the window
            doc.update(bench_skip(db_path, skips=40))
    if scan_songs:
        doc.update(bench_scan_gaps(scan_songs, workers))
    del app
    return doc


def print_table(doc: dict[str, Any]) -> None:
    out = sys.stdout
    out.write(
        f"window shown ({doc['songs']:,} songs)  {doc['window_shown_ms']:7.0f} ms   "
        f"bare Qt window {doc['bare_qt_window_ms']:.0f} ms  ({doc['window_vs_bare_qt']:.2f} x)\n"
        f"window ready (library listed) {doc['window_ready_ms']:6.0f} ms  ({doc['ready_vs_bare_qt']:.2f} x)\n"
    )
    out.write(
        f"skip to redrawn queue        {doc['skip_to_redrawn_ms']:7.2f} ms   "
        f"p90 {doc['skip_to_redrawn_p90_ms']:.2f} ms   (in next() itself {doc['skip_call_ms']:.2f} ms; "
        f"GUI thread CPU {doc['skip_to_redrawn_cpu_ms']:.2f} ms)\n"
    )
    if "frame_gap_max_ms" in doc:
        out.write(
            f"frame gaps while scanning {int(doc['scan_songs']):,} files ({doc['scan_seconds']:.0f} s): "
            f"max {doc['frame_gap_max_ms']:.0f} ms, p99 {doc['frame_gap_p99_ms']:.1f} ms, "
            f"{int(doc['frames_over_100ms'])} over 100 ms   idle: max {doc['idle_frame_gap_max_ms']:.0f} ms\n"
        )


def register(bench_sub: Any) -> None:
    """``skipwise bench gui`` (added to the engine's ``bench`` command by the launcher)."""
    p = bench_sub.add_parser("gui", help="window start-up, frame gaps during a scan, skip to redrawn queue")
    p.add_argument("--songs", type=int, default=10_000, help="songs in the library the window opens")
    p.add_argument(
        "--scan-songs", type=int, default=10_000, help="files scanned while frames are timed (0: skip)"
    )
    p.add_argument("--repeats", type=int, default=5, help="window starts timed; the median is reported")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: Any) -> int:
    import json

    doc = bench_gui(songs=args.songs, scan_songs=args.scan_songs, repeats=args.repeats)
    if args.json:
        json.dump(doc, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_table(doc)
    return 0
