"""Off changes nothing: normal use opens no internet socket (loopback included) and never loads Flower.

Traced with ``strace -f -e trace=network`` on real processes: the CLI's commands, a scan, and the
player window (offscreen, on the demo library). Unix sockets (D-Bus, PulseAudio) are fine.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
INET = re.compile(r"(connect|bind|sendto|sendmsg)\(.*(AF_INET6?|sa_family=AF_INET6?)")

pytestmark = pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")


def _network_calls(argv: list[str], home: Path, timeout: float = 240) -> list[str]:
    trace = home / "trace.txt"
    env = {
        "PATH": "/usr/bin:/bin",
        "SKIPWISE_HOME": str(home),
        "HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
    }
    subprocess.run(["strace", "-f", "-qq", "-e", "trace=network", "-o", str(trace), sys.executable, *argv],
                   cwd=ROOT, env=env, capture_output=True, timeout=timeout, check=False)  # fmt: skip
    return [line for line in trace.read_text().splitlines() if INET.search(line)]


@pytest.mark.parametrize(
    "argv",
    [
        ["-m", "app.launcher", "fleet", "status"],
        ["-m", "app.launcher", "simulate", "--synthetic", "200", "--listener", "steady", "--events", "150",
         "--seeds", "1", "--strategies", "shuffle,learner"],
        ["-m", "app.launcher", "scan", str(ROOT / "assets" / "demo"), "--no-analysis"],
        ["-m", "app.launcher", "profile", "show"],
    ],
)  # fmt: skip
def test_the_command_line_opens_no_internet_socket(tmp_path: Path, argv: list[str]) -> None:
    assert _network_calls(argv, tmp_path) == []


@pytest.mark.slow
def test_the_player_window_opens_no_internet_socket(tmp_path: Path) -> None:
    code = (
        "from PySide6.QtCore import QTimer; from PySide6.QtWidgets import QApplication; import app.gui;"
        "qt = QApplication(['skipwise']); QTimer.singleShot(5000, qt.quit); app.gui.run(['--demo'])"
    )
    calls = _network_calls(["-c", code], tmp_path)
    assert calls == []


def test_neither_the_gui_nor_the_cli_load_flower_at_start_up() -> None:
    code = (
        "import sys, app.gui, app.launcher, engine.cli.main, engine.cli.fleet_cmd, engine.fleet.membership;"
        "print(sorted(m for m in ('flwr', 'ray', 'dp_accounting', 'grpc') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_the_trace_does_see_a_loopback_socket(tmp_path: Path) -> None:
    """The control: the same trace catches a bind on 127.0.0.1, so an empty list above means none."""
    code = "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.close()"
    assert any("bind" in line for line in _network_calls(["-c", code], tmp_path))
