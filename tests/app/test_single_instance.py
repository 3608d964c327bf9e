"""One player per database: a second is refused while the first runs; a dead one's lock is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.single_instance import acquire
from engine.cli.main import main
from engine.store.player_lock import running_player

ROOT = Path(__file__).parents[2]
HOLDER = (
    "import sys, time; from pathlib import Path; from app.single_instance import acquire\n"
    "lock = acquire(Path(sys.argv[1]))\n"
    "print('locked' if lock else 'refused', flush=True)\n"
    "time.sleep(600)\n"
)


def test_a_second_player_is_refused_and_a_killed_ones_lock_is_taken_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The profile commands of the command line are refused too while the player runs."""
    db = tmp_path / "library.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert acquire(db) is None, "another process holds this library"
        assert running_player(db) == holder.pid
        assert main(["profile", "reset", "--db", str(db)]) == 2, "the player would overwrite it"
        assert "has this library open" in capsys.readouterr().err
        other = acquire(tmp_path / "other.db")
        assert other is not None, "a different library is free"
        other.unlock()
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    assert (tmp_path / "library.db.lock").exists(), "the killed player left its lock behind"
    assert running_player(db) is None, "the lock's process is gone"
    assert main(["profile", "reset", "--db", str(db)]) == 0
    taken = acquire(db)
    assert taken is not None, "a lock whose process is gone is stale and taken over"
    taken.unlock()
