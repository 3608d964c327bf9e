"""Child processes of the fleet (SuperLink, SuperNodes, ``flwr run``): started and stopped by their id.

Each child runs in its own session (so its process group is its own and a
signal to it never reaches the caller), with Flower's and Ray's privacy
defaults off and its own ``FLWR_HOME``. Stopping sends SIGTERM to the child's
process group, waits a bounded time, then SIGKILL. No wait here is unbounded.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.fleet.flower_commands import frozen, frozen_bin_dir
from engine.fleet.privacy_env import quiet_environment

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def wait_listening(child: Child, host: str, port: int, *, timeout: float = 60.0) -> bool:
    """Wait until ``host:port`` accepts a TCP connection (True), the child exits or ``timeout`` s pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child.running():
        try:
            with socket.create_connection((host, port), timeout=1.0):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def executables_dir() -> Path:
    """Where this installation's Flower executables are: the frozen bundle's ``bin/``, else this Python's."""
    return frozen_bin_dir() if frozen() else Path(sys.executable).parent


def flower_bin(name: str) -> str:
    """A Flower executable of this installation (the frozen bundle's, the virtualenv's), else on PATH."""
    here = executables_dir() / name
    return str(here) if here.exists() else name


def child_environment(flwr_home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(quiet_environment())
    env["FLWR_HOME"] = str(flwr_home)
    # The SuperNode starts flower-superexec and flwr-clientapp by name: this installation's come first.
    env["PATH"] = f"{executables_dir()}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra or {})
    return env


@dataclass
class Child:
    """A started child process, its argv and its log file."""

    name: str
    proc: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM to the child's process group, SIGKILL after ``timeout`` s; its exit status."""
        if self.proc.poll() is None:
            _signal_group(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=timeout)
        else:
            _signal_group(self.proc.pid, signal.SIGKILL)  # its own children (clientapp processes) may linger
        return self.proc.returncode

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)  # the child leads its own session: its group id is its pid


_PR_SET_PDEATHSIG = 1


def _die_with(parent: int, prctl: Any) -> None:
    """In the child, before exec: SIGTERM when the parent dies (Linux), and exit if it already has."""
    prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def start(
    name: str,
    argv: list[str],
    *,
    env: dict[str, str],
    log_path: Path,
    cwd: Path | None = None,
    die_with_parent: bool = False,
) -> Child:
    """Start ``argv`` in its own session, stdout and stderr to ``log_path``.

    ``die_with_parent``: the child gets SIGTERM if this process dies, even by
    SIGKILL (``prctl(PR_SET_PDEATHSIG)``, Linux; elsewhere the flag does nothing).
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    preexec = None
    if die_with_parent and sys.platform.startswith("linux"):
        parent, prctl = os.getpid(), ctypes.CDLL(None).prctl  # looked up before the fork
        preexec = lambda: _die_with(parent, prctl)  # noqa: E731
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=preexec,
        )
    return Child(name, proc, log_path)
