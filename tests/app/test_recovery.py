"""Killed mid-song with SIGKILL: the next start recovers the play from its heartbeat as `interrupted`."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from app.gui import open_player
from engine.store.plays import list_plays
from tests.app.conftest import WAIT_MS, WAIT_S

ROOT = Path(__file__).parents[2]


def _beat(db_path: Path) -> tuple[int, int, int] | None:
    """(track_id, listened_ms, position_ms) of the heartbeat row, read by a separate reader."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("SELECT track_id, listened_ms, position_ms FROM heartbeat").fetchone()
    except sqlite3.OperationalError:
        return None  # the player has not created its tables yet
    finally:
        conn.close()


def test_a_killed_player_loses_at_most_the_last_beat(qtbot: Any, db_path: Path, skipwise_home: Path) -> None:
    env = {**os.environ, "SKIPWISE_HOME": str(skipwise_home), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.launcher", "--db", str(db_path), "--no-scan", "--play"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        beat = None
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline and proc.poll() is None:
            beat = _beat(db_path)
            if beat is not None and beat[1] >= 2500:
                break
            time.sleep(0.2)
        assert beat is not None and beat[1] >= 2500, proc.stderr.read() if proc.poll() is not None else beat
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    track_id, listened, position = _beat(db_path)  # type: ignore[misc]
    assert list_plays_of(db_path) == [], "nothing was stored before the kill"

    player = open_player(db_path, [], mpris=False, scan=False)
    qtbot.addWidget(player.window)
    try:
        (play,) = list_plays(player.db)
        assert (play["track_id"], play["ended"], play["label"]) == (track_id, "interrupted", None)
        assert play["listened_ms"] >= listened >= 2500, "at most the time since the last beat is lost"
        assert player.controller.session.recovered == [play["id"]]
        assert player.db.execute("SELECT count(*) FROM heartbeat").fetchone()[0] == 0
        with qtbot.waitSignal(player.controller.message, timeout=WAIT_MS) as blocker:
            pass
        assert "Recovered 1 play" in blocker.args[0]
        c = player.controller
        assert c.now is not None and c.now.track.id == track_id, "the killed player's song comes back"
        assert not c.is_playing(), "paused"
        qtbot.waitUntil(lambda: abs(c.position() - position) < 300, timeout=WAIT_MS)  # where its beat was
    finally:
        player.close()


def list_plays_of(db_path: Path) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT id FROM plays").fetchall()
    finally:
        conn.close()
