"""`skipwise plays --json`: the stored plays in the contract's shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from engine.listening import ListeningSession
from engine.store import open_db
from engine.store.plays import PlayRecord
from tests.engine.helpers import fill_library

ROOT = Path(__file__).parents[2]
KEYS = {"path", "title", "started_at", "listened_ms", "position_ms", "duration_ms", "ended", "label"}


def test_plays_json_lists_every_play_with_the_contract_keys(tmp_path: Path) -> None:
    path = tmp_path / "plays.db"
    db = open_db(path)
    ids = fill_library(db, 4)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    session.record(PlayRecord(ids[0], "s", 1_767_600_000.0, 8.0, 1200, 1200, 180_000, "skip"))
    session.record(PlayRecord(ids[1], "s", 1_767_600_010.0, 8.0, 180_000, 180_000, 180_000, "end"))
    db.close()
    out = subprocess.run(
        [sys.executable, "-m", "app.launcher", "plays", "--db", str(path), "--json"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    rows = json.loads(out.stdout)
    assert [set(r) >= KEYS for r in rows] == [True, True]
    assert [(Path(r["path"]).name, r["ended"], r["label"], r["listened_ms"]) for r in rows] == [
        ("00000.ogg", "skip", 0.0, 1200),
        ("00001.ogg", "end", 1.0, 180_000),
    ]
    last = subprocess.run(
        [sys.executable, "-m", "app.launcher", "plays", "--db", str(path), "--json", "--limit", "1"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    assert [r["ended"] for r in json.loads(last.stdout)] == ["end"]
