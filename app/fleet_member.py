"""The player's part in a fleet: its ``flower-supernode`` child, and the baselines that come back.

Off by default: with no membership nothing here starts or polls. Joined, the
player starts the SuperNode (``SuperNodeSupervisor``, a child process in its
own session, telemetry and update checks off, SIGTERM if the player dies) at
start-up and on join, and stops it by its id on leave and on quit. Flower is
never imported in this process.

Not joined, a watch on the settings folder (inotify, not a poll) notices
``skipwise fleet join`` run from a terminal for this player's database, and
the SuperNode starts then, as a join from the dialog does.
A timer polls, once a second while joined, the membership (``skipwise fleet
leave`` from a terminal stops the SuperNode too), the child (a crash is told once, with its log
in Settings > Fleet; playback never notices) and the device state file that
the ClientApp writes (``DeviceNews``): an adopted baseline becomes the
session's prior (``PlayerController.take_prior``), a refused one is told and
changes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from app.controller import PlayerController
from engine.api import (
    BaselineError,
    DeviceNews,
    Membership,
    SuperNodeSupervisor,
    adopted_prior,
    fleet_join,
    fleet_leave,
    fleet_membership_path,
    fleet_state_path,
    fleet_status,
    read_membership,
)

POLL_MS = 1000
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # Flower colours its log lines
REFUSED = "The fleet's new baseline was refused: {}. Nothing changed."


class FleetMember(QObject):
    """Membership, the SuperNode child and the device's news, for one player and its database."""

    changed = Signal()  # membership, the SuperNode or the device state changed: the dialog refreshes

    def __init__(
        self, controller: PlayerController, db_path: Path, *, home: Path | None = None,
        parent: QObject | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.controller = controller
        self.db_path = db_path
        self.home = home  # the SuperNode's home (None: the data dir's fleet-supernode)
        self.supervisor: SuperNodeSupervisor | None = None
        self.news: DeviceNews | None = None
        self._told_stop = False
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self.poll)
        self._watch = QFileSystemWatcher(self)
        self._watch.directoryChanged.connect(self._settings_changed)
        self._seen = Membership()  # the membership as this player last read it

    # ------------------------------------------------------------------ membership

    def membership(self) -> Membership:
        self._seen = read_membership()
        return self._seen

    def ours(self, member: Membership) -> bool:
        """Whether ``member`` joined with this player's database (the one the SuperNode trains on)."""
        return bool(member.db) and Path(member.db).resolve() == self.db_path.resolve()

    def start_if_joined(self) -> None:
        """At start-up: the SuperNode of a membership stored by an earlier run (nothing when not joined)."""
        member = self.membership()
        if member.joined and self.ours(member):
            self._start(member)

    def watch_for_join(self) -> None:
        """Notice a join from a terminal while the player runs (the folder is made if need be)."""
        folder = fleet_membership_path().parent
        folder.mkdir(parents=True, exist_ok=True)
        self._watch.addPath(str(folder))

    def _settings_changed(self, _folder: str) -> None:
        """A join from elsewhere starts the SuperNode; any other change of the folder (a setting saved,
        the ClientApp's state) does nothing here, and a SuperNode that stopped is not started again."""
        seen = self._seen
        member = self.membership()
        if member == seen or self.running() or not (member.joined and self.ours(member)):
            return
        self.stop()
        self._start(member)
        self.controller.message.emit(f"Joined the fleet at {member.address}: its SuperNode runs.")

    def join(self, address: str, certificate: Path | None) -> Membership:
        """Store the membership and start the SuperNode; MembershipError (nothing changed) when refused."""
        member = self._seen = fleet_join(address, db=self.db_path, certificate=certificate)
        self.stop()
        self._start(member)
        return member

    def leave(self) -> None:
        """Stop the SuperNode by its id, then forget the membership (the adopted prior stays)."""
        self.stop()
        self._seen = fleet_leave()
        self.changed.emit()

    # ------------------------------------------------------------------ the child

    def _start(self, member: Membership) -> None:
        self.supervisor = SuperNodeSupervisor(member, home=self.home)
        self.news = DeviceNews(fleet_state_path())
        self._told_stop = False
        try:
            self.supervisor.start()
        except OSError as exc:
            self.controller.message.emit(f"The fleet's SuperNode could not start: {exc}. Playback goes on.")
            self._told_stop = True
        self.timer.start()
        self.changed.emit()

    def stop(self) -> int | None:
        """Stop the SuperNode by its id (on leave and on quit); its exit status, None if none ran."""
        self.timer.stop()
        code = None if self.supervisor is None else self.supervisor.stop()
        if self.supervisor is not None:
            self.changed.emit()
        return code

    @property
    def pid(self) -> int | None:
        """The SuperNode's process id while the player holds one."""
        return None if self.supervisor is None else self.supervisor.pid

    def running(self) -> bool:
        return self.supervisor is not None and self.supervisor.running()

    def poll(self) -> None:
        """The child's health and the device's news; never raises into the event loop."""
        if not self.membership().joined:  # `skipwise fleet leave` while the player runs
            self.stop()
            self.controller.message.emit("Left the fleet: its SuperNode is stopped.")
            return
        sup = self.supervisor
        if sup is not None and not self._told_stop and sup.child is not None and not sup.running():
            self._told_stop = True
            self.controller.message.emit(
                f"Fleet: {sup.problem}. Playback goes on; Settings > Fleet shows its log and starts it again."
            )
            self.changed.emit()
        news = self.news.poll() if self.news is not None else None
        if news is None:
            return
        if news.refused:
            self.controller.message.emit(
                f"The fleet's new baseline was refused: {news.refused}. Nothing changed."
            )
        elif news.adopted:
            try:
                prior = adopted_prior(self.db_path)
            except BaselineError as exc:
                self.controller.message.emit(f"The fleet's new baseline was refused: {exc}. Nothing changed.")
            else:
                self.controller.take_prior(prior, news.adopted)
        self.changed.emit()

    # ------------------------------------------------------------------ what the dialog shows

    def status(self) -> dict[str, Any]:
        """``skipwise fleet status --json``'s fields, plus the SuperNode: ``supernode`` (words), ``pid``,
        ``log_tail``."""
        doc = fleet_status()
        sup = self.supervisor
        if sup is None or sup.child is None:
            doc["supernode"] = "not running" if doc["joined"] else "off"
        elif sup.running():
            doc["supernode"] = f"running (process {sup.pid})"
        else:
            doc["supernode"] = f"stopped: {sup.problem or 'it exited'}"
        doc["pid"] = sup.pid if sup is not None and sup.running() else None
        doc["log_tail"] = _ANSI.sub("", sup.log_tail()) if sup is not None else ""
        doc["this_library"] = self.ours(self.membership())
        return doc
