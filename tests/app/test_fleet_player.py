"""The player's side of a fleet, with the real window, the real Fleet dialog and real SuperNode processes.

The SuperNode is Flower's own ``flower-supernode``, started against a SuperLink
address on 127.0.0.1 where nothing listens: it keeps retrying, which is all
these tests need of it (that it runs, is stopped by its id, dies with the
player, and that its crash leaves playback alone). A baseline coming back is
the real ClientApp's ``DeviceClient.evaluate``, run here on the player's own
database and state file, as the SuperNode's ClientApp process would.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from app.fleet_dialog import FleetDialog
from app.gui import Player, open_player
from engine.fleet.adopt import fleet_prior_path
from engine.fleet.deployment import start_superlink
from engine.fleet.membership import membership_path, read_membership, state_path
from engine.fleet.processes import free_port
from engine.learner.params import bounds
from engine.learner.prior import load_prior
from engine.settings import load_settings, save_settings
from engine.store.profiles import load_profile
from tests.app.conftest import WAIT_MS, WAIT_S

ROOT = Path(__file__).parents[2]
pytestmark = pytest.mark.skipif(
    not (Path(sys.executable).parent / "flower-supernode").exists(),
    reason="the fleet extras are not installed",
)


def gone(pid: int) -> bool:
    """The process is no more (or a zombie nobody reaped yet: it runs no code)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return True
    return fields[0] in ("Z", "X")


def supernode_running(pid: int) -> bool:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return not gone(pid) and any(a.endswith(b"flower-supernode") for a in argv[:2])


def open_dialog(player: Player) -> FleetDialog:
    """Settings > Fleet… from the window's menu bar."""
    (menu,) = [a.menu() for a in player.window.menuBar().actions() if a.text().replace("&", "") == "Settings"]
    (action,) = [a for a in menu.actions() if a.text() == "Fleet…"]  # type: ignore[union-attr]
    action.trigger()
    dialog = player.window.findChild(FleetDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def join(qtbot: object, dialog: FleetDialog) -> int:
    """Join a SuperLink address on 127.0.0.1 where nothing listens; the SuperNode's id."""
    dialog.address.setText(f"127.0.0.1:{free_port()}")
    dialog.join_button.click()
    assert dialog.error.text() == ""
    pid = dialog.fleet.pid
    assert pid is not None
    qtbot.waitUntil(lambda: supernode_running(pid), timeout=WAIT_MS)  # type: ignore[attr-defined]
    return pid


@pytest.fixture
def joined(qtbot: object, player: Player) -> Iterator[tuple[FleetDialog, int]]:
    dialog = open_dialog(player)
    pid = join(qtbot, dialog)
    yield dialog, pid
    player.fleet.stop()


def test_off_by_default_the_dialog_says_so_and_nothing_runs(qtbot: object, player: Player) -> None:
    dialog = open_dialog(player)
    assert dialog.state.text() == "Not in a fleet." and dialog.fleet.pid is None
    text = " ".join(w.text() for w in dialog.findChildren(type(dialog.state)))
    assert "42 numbers" in text and "Never your plays" in text and "A baseline" in text
    assert not membership_path().exists()


def test_the_dialog_joins_and_leaves_the_child_starts_and_is_stopped(
    qtbot: object, player: Player, joined: tuple[FleetDialog, int]
) -> None:
    dialog, pid = joined
    member = read_membership()
    assert member.joined and member.address == dialog.address.text()
    assert member.db == str(player.fleet.db_path.resolve())
    assert dialog.supernode.text() == f"running (process {pid})"
    assert not dialog.join_button.isEnabled() and dialog.leave_button.isEnabled()
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    assert b"require-secagg=true" in b" ".join(argv) and b"--insecure" in argv
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert b"FLWR_TELEMETRY_ENABLED=0" in environ and b"FLWR_DISABLE_UPDATE_CHECK=1" in environ

    dialog.leave_button.click()
    assert gone(pid), "stopped by its id"
    assert not read_membership().joined and player.fleet.pid is None
    assert dialog.state.text() == "Not in a fleet." and dialog.join_button.text() == "Join"


def test_the_player_joins_a_real_superlink_and_leaves_it(
    qtbot: object, player: Player, tmp_path: Path
) -> None:
    """A SuperLink of Flower's on 127.0.0.1: the player's SuperNode registers and is activated there."""
    link = start_superlink(tmp_path / "superlink")
    try:
        dialog = open_dialog(player)
        dialog.address.setText(link.address)
        dialog.join_button.click()
        pid = player.fleet.pid
        assert dialog.error.text() == "" and pid is not None
        node_id = re.compile(r"SuperNode ID: (\d+)")
        qtbot.waitUntil(
            lambda: node_id.search(player.fleet.status()["log_tail"]) is not None, timeout=WAIT_MS
        )  # type: ignore[attr-defined]
        (node,) = node_id.findall(player.fleet.status()["log_tail"])
        qtbot.waitUntil(lambda: f"Activated node_id={node}" in link.child.log_tail(20_000), timeout=WAIT_MS)  # type: ignore[attr-defined]
        dialog.leave_button.click()
        assert gone(pid) and not read_membership().joined
    finally:
        player.fleet.stop()
        link.child.stop()


def test_leaving_from_the_command_line_stops_the_players_supernode(
    qtbot: object, player: Player, joined: tuple[FleetDialog, int]
) -> None:
    dialog, pid = joined
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    cli = [sys.executable, "-m", "app.launcher", "fleet", "leave"]
    subprocess.run(cli, cwd=ROOT, env=env, check=True, capture_output=True, timeout=WAIT_S)
    qtbot.waitUntil(lambda: gone(pid), timeout=WAIT_MS)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.state.text() == "Not in a fleet.", timeout=WAIT_MS)  # type: ignore[attr-defined]


def test_joining_from_the_command_line_starts_the_running_players_supernode(
    qtbot: object, player: Player
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    address = f"127.0.0.1:{free_port()}"
    cli = [sys.executable, "-m", "app.launcher", "fleet", "join", address, "--db", str(player.fleet.db_path)]
    try:
        subprocess.run(cli, cwd=ROOT, env=env, check=True, capture_output=True, timeout=WAIT_S)
        qtbot.waitUntil(
            lambda: player.fleet.pid is not None and supernode_running(player.fleet.pid), timeout=WAIT_MS
        )  # type: ignore[attr-defined]
        pid = player.fleet.pid
        assert player.fleet.supervisor.member.address == address  # type: ignore[union-attr]
        os.kill(pid, signal.SIGKILL)  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: gone(pid), timeout=WAIT_MS)  # type: ignore[attr-defined, arg-type]
        save_settings(load_settings())  # a setting saved in the same folder: the stopped child stays so
        qtbot.wait(1500)  # type: ignore[attr-defined]
        assert not player.fleet.running(), (
            "a SuperNode that stopped is not started behind the listener's back"
        )
    finally:
        player.fleet.stop()


def test_a_bad_address_or_certificate_is_said_and_nothing_changes(
    qtbot: object, player: Player, tmp_path: Path
) -> None:
    dialog = open_dialog(player)
    for address, cert in (("not an address", ""), ("fleet.example.org:9092", ""),
                          ("fleet.example.org:9092", str(tmp_path / "none.pem"))):  # fmt: skip
        dialog.address.setText(address)
        dialog.certificate.setText(cert)
        dialog.join_button.click()
        assert dialog.error.text().startswith("Not joined:") and dialog.error.text().endswith(
            "Nothing changed."
        )
        assert not membership_path().exists() and player.fleet.pid is None
    not_pem = tmp_path / "key.txt"
    not_pem.write_text("hello")
    dialog.certificate.setText(str(not_pem))
    dialog.join_button.click()
    assert "not a PEM certificate" in dialog.error.text() and player.fleet.pid is None


def test_quitting_the_player_stops_the_child_and_the_next_start_brings_it_back(
    qtbot: object, db_path: Path
) -> None:
    p = open_player(db_path, [], mpris=False, scan=False)
    qtbot.addWidget(p.window)  # type: ignore[attr-defined]
    pid = join(qtbot, open_dialog(p))
    p.close()
    assert gone(pid)
    again = open_player(db_path, [], mpris=False, scan=False)
    try:
        new = again.fleet.pid
        assert new is not None and new != pid
        qtbot.waitUntil(lambda: supernode_running(new), timeout=WAIT_MS)  # type: ignore[attr-defined]
    finally:
        again.close()
    assert gone(new)


def test_a_supernode_crash_leaves_playback_running(
    qtbot: object, player: Player, joined: tuple[FleetDialog, int]
) -> None:
    dialog, pid = joined
    c = player.controller
    c.play()
    qtbot.waitUntil(lambda: c.is_playing() and c.position() >= 500, timeout=WAIT_MS)  # type: ignore[attr-defined]
    track = c.now.track.id  # type: ignore[union-attr]
    messages: list[str] = []
    c.message.connect(messages.append)
    qtbot.waitUntil(lambda: player.fleet.status()["log_tail"] != "", timeout=WAIT_MS)  # type: ignore[attr-defined]
    os.killpg(pid, signal.SIGKILL)
    told = lambda: [m for m in messages if "SuperNode stopped" in m]  # noqa: E731
    qtbot.waitUntil(lambda: told() != [], timeout=WAIT_MS)  # type: ignore[attr-defined]  # the poll timer
    assert "Playback goes on" in told()[0]
    assert dialog.supernode.text().startswith("stopped: the SuperNode stopped (exit status -9)")
    assert dialog.log.toPlainText() != "", "its log's tail is shown"
    assert "\x1b" not in dialog.log.toPlainText(), "without Flower's colour codes"
    assert dialog.join_button.text() == "Start again" and dialog.join_button.isEnabled()
    at = c.position()
    qtbot.waitUntil(lambda: c.position() >= at + 500, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert c.is_playing() and c.now.track.id == track  # type: ignore[union-attr]


KILLED_PLAYER = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.gui import open_player
player = open_player(Path(sys.argv[1]), [], mpris=False, scan=False)
player.fleet.join(sys.argv[2], None)
print(player.fleet.pid, flush=True)
app.exec()
"""


def test_the_child_dies_with_a_killed_player(db_path: Path, skipwise_home: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SKIPWISE_HOME": str(skipwise_home)}
    argv = [sys.executable, "-c", KILLED_PLAYER, str(db_path), f"127.0.0.1:{free_port()}"]
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env, start_new_session=True
    )
    pid: int | None = None
    try:
        pid = int(proc.stdout.readline())  # type: ignore[union-attr]
        assert supernode_running(pid)
        proc.kill()
        proc.wait(timeout=WAIT_S)
        guard = time.monotonic() + WAIT_S  # against hanging only: the signal comes at the player's death
        while not gone(pid) and time.monotonic() < guard:
            time.sleep(0.1)
        assert gone(pid), "the SuperNode got SIGTERM when the player died"
    finally:
        proc.kill()
        proc.wait(timeout=WAIT_S)
        if pid is not None and not gone(pid):
            os.killpg(pid, signal.SIGKILL)  # the test failed: do not leave the orphan behind


def _evaluate(db: Path, weights: np.ndarray) -> None:
    """The ClientApp's evaluate step on the player's database, as a SuperNode's ClientApp process runs it."""
    pytest.importorskip("flwr")
    from engine.fleet.baseline import BaselineError, labels_digest
    from engine.fleet.client_app import DeviceClient
    from engine.fleet.config_keys import DELTA, DP_MODE, EPSILON, LABELS, ROUND

    config = {LABELS: labels_digest(), ROUND: 3, DP_MODE: "distributed", EPSILON: 0.42, DELTA: 1e-10}
    with contextlib.suppress(BaselineError):  # refused: the state file says why, as in the SuperNode
        DeviceClient(db, state_path()).evaluate([weights], config)


def test_an_adopted_baseline_becomes_the_running_sessions_prior_and_the_weights_stay(
    qtbot: object, player: Player, joined: tuple[FleetDialog, int]
) -> None:
    dialog, _ = joined
    c = player.controller
    before = c.learner_view()
    new = np.clip(before.prior + 0.25, -bounds(), bounds())
    with qtbot.waitSignal(c.profileChanged, timeout=WAIT_MS) as why:  # type: ignore[attr-defined]
        _evaluate(player.fleet.db_path, new)
    assert why.args == ["fleet"]
    after = c.learner_view()
    assert np.array_equal(after.prior, new) and np.array_equal(after.weights, before.weights)
    stored = load_profile(player.db).profile  # type: ignore[union-attr]
    assert np.array_equal(stored.prior, new) and np.array_equal(stored.weights, before.weights)
    assert dialog.last_round.text() == "3" and dialog.version.text().startswith("r3-")
    assert dialog.epsilon.text() == "0.42 at delta 1e-10"


@pytest.mark.parametrize("hostile", ["nan", "out of bounds", "wrong shape"])
def test_a_hostile_baseline_is_refused_with_a_message_and_the_prior_stays(
    qtbot: object, player: Player, joined: tuple[FleetDialog, int], hostile: str
) -> None:
    dialog, _ = joined
    c = player.controller
    before = c.learner_view()
    stored_before = load_profile(player.db).profile  # type: ignore[union-attr]
    weights = {"nan": np.full(42, np.nan), "out of bounds": np.full(42, 7.0), "wrong shape": np.ones(43)}[
        hostile
    ]
    with qtbot.waitSignal(c.message, timeout=WAIT_MS) as told:  # type: ignore[attr-defined]
        _evaluate(player.fleet.db_path, weights)
    assert (
        told.args[0].startswith("The fleet's new baseline was refused:") and "Nothing changed" in told.args[0]
    )
    assert np.array_equal(c.learner_view().prior, before.prior)
    stored = load_profile(player.db).profile  # type: ignore[union-attr]
    assert np.array_equal(stored.prior, stored_before.prior)
    assert dialog.refusal.text() != "none"


@pytest.mark.usefixtures("joined")
def test_a_baseline_file_changed_behind_the_clientapps_back_is_refused(qtbot: object, player: Player) -> None:
    """The state says a baseline was adopted, but the prior file beside the database is hostile: refused."""
    c = player.controller
    before = c.learner_view()
    db = player.fleet.db_path
    hostile = fleet_prior_path(db)
    hostile.write_text(json.dumps({**load_prior("hand").to_json(), "name": "fleet", "mean": [7.0] * 42}))
    state = json.loads(state_path().read_text()) if state_path().exists() else {}
    state.update(baseline_version="r9-forged", updated_at=1.0, last_refusal=None)
    with qtbot.waitSignal(c.message, timeout=WAIT_MS) as told:  # type: ignore[attr-defined]
        state_path().write_text(json.dumps(state))
    assert told.args[0].startswith("The fleet's new baseline was refused:")
    assert np.array_equal(c.learner_view().prior, before.prior)
