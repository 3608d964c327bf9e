"""The player's SuperNode: ``flower-supernode`` as a child process, started and stopped by its id.

Qt-free: the player's GUI calls ``start``/``stop``/``running``. The child runs
in its own session with Flower's telemetry and update checks off and its own
``FLWR_HOME``; it takes part only in SecAgg+ rounds (``require-secagg=true``).
A crash of the SuperNode is noticed (``running`` is False, ``problem`` says
why, ``log_tail`` shows its last words) and never raises into the caller.
The child also gets SIGTERM if the player dies without stopping it (killed,
crashed): ``processes.start(..., die_with_parent=True)``.

App code: Flower 1.42's ``--trusted-entities`` accepts only FABs that the
SuperLink fetched from Flower Hub (``valid_license`` is set nowhere else, see
``docs/fleet.md``), so it is passed when configured, for fleets that publish
there, and a self-hosted fleet is trusted with the app it sends.
"""

from __future__ import annotations

from pathlib import Path

from engine.fleet.deployment import supernode_argv
from engine.fleet.membership import Membership, state_path
from engine.fleet.processes import Child, child_environment, free_port, start
from engine.paths import data_dir


class SuperNodeSupervisor:
    """One ``flower-supernode`` for a joined membership."""

    def __init__(
        self, member: Membership, *, home: Path | None = None, trusted_entities: Path | None = None
    ) -> None:
        if not member.joined or not member.address or not member.db:
            raise ValueError("not a member of a fleet: `skipwise fleet join ADDRESS` first")
        self.member = member
        self.home = home or data_dir() / "fleet-supernode"
        self.trusted_entities = trusted_entities
        self.child: Child | None = None
        self.problem: str | None = None

    def start(self) -> int:
        """Start the SuperNode (if not running); its process id."""
        if self.child is not None and self.child.running():
            return self.child.pid
        if self.child is not None:
            self.child.stop()  # a crashed one: its own children (ClientApp processes) may linger
        self.home.mkdir(parents=True, exist_ok=True)
        cert = Path(self.member.certificate) if self.member.certificate else None
        argv = supernode_argv(
            self.member.address or "",
            Path(self.member.db or ""),
            state_path(),
            port=free_port(),
            certificate=cert,
            trusted_entities=self.trusted_entities,
            require_secagg=True,
        )
        try:
            self.child = start("supernode", argv, env=child_environment(self.home / "flwr"),
                               log_path=self.log_path, die_with_parent=True)  # fmt: skip
        except OSError as exc:
            self.problem = f"the SuperNode could not start: {exc}"
            raise
        self.problem = None
        return self.child.pid

    @property
    def log_path(self) -> Path:
        """The SuperNode's stdout and stderr (appended to by every start)."""
        return self.home / "supernode.log"

    @property
    def pid(self) -> int | None:
        """The running (or last started, until ``stop``) SuperNode's process id."""
        return None if self.child is None else self.child.pid

    def log_tail(self, chars: int = 2000) -> str:
        """The end of the SuperNode's log ("" before any start)."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def running(self) -> bool:
        if self.child is None:
            return False
        if not self.child.running():
            self.problem = f"the SuperNode stopped (exit status {self.child.proc.returncode})"
            return False
        return True

    def stop(self, timeout: float = 10.0) -> int | None:
        """Stop the SuperNode by its process id (SIGTERM, SIGKILL after ``timeout`` s); its exit status."""
        if self.child is None:
            return None
        code = self.child.stop(timeout)
        self.child = None
        return code
