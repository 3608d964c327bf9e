"""The player under test: the real window on the scanned demo library, in a temporary home.

The demo library is scanned once per test session with the real analyser
(spawned workers, librosa); each test gets its own copy of that database, so
plays, profiles and heartbeats never leak from one test into the next.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false")

from app.gui import Player, open_player
from engine.demo import install_demo
from engine.library.scan import Scanner
from engine.store import open_db


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database of the demo library, tags and features, made once."""
    home = tmp_path_factory.mktemp("demo-template")
    folder = install_demo(home / "demo-library")
    path = home / "skipwise.db"
    db = open_db(path)
    result = Scanner(db, workers=2).scan([folder])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    assert (result.added, result.analysed, result.failed) == (14, 14, []), result
    return path


@pytest.fixture
def db_path(demo_db: Path, skipwise_home: Path) -> Path:
    path = skipwise_home / "data" / "skipwise.db"
    path.parent.mkdir(parents=True)
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture
def player(qtbot: object, db_path: Path) -> Iterator[Player]:
    """The player window on the demo library, greedy (no exploration), no MPRIS."""
    p = open_player(db_path, [], mpris=False, scan=False, exploration=0.0)
    qtbot.addWidget(p.window)  # type: ignore[attr-defined]
    p.window.show()
    yield p
    p.close()


# How long a test waits for something that should happen (playback starting, a D-Bus reply) before it
# calls it a hang. A guard against hanging forever, not a speed requirement: generous on a busy machine.
WAIT_MS = 30_000
WAIT_S = 600
