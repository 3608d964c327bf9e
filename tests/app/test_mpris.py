"""MPRIS2 on a private D-Bus session started by the test: a real client's Next is a real skip."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from jeepney import DBusAddress, MatchRule, new_method_call
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import DBusErrorResponse, unwrap_msg

from app.gui import Player, open_player
from app.mpris import spec
from engine.store.plays import list_plays
from tests.app.conftest import WAIT_MS, WAIT_S
from tests.app.test_player_e2e import assert_queue_follows_new_scores
from tests.app.test_sink_playback import SECONDS, play_first, scan_refused

PLAYER = DBusAddress(spec.OBJECT_PATH, bus_name=spec.BUS_NAME, interface=spec.PLAYER_IFACE)
PROPS = DBusAddress(spec.OBJECT_PATH, bus_name=spec.BUS_NAME, interface=spec.PROPS_IFACE)
PEER = DBusAddress(spec.OBJECT_PATH, bus_name=spec.BUS_NAME, interface=spec.PEER_IFACE)


@pytest.fixture
def session_bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private session bus (dbus-daemon), torn down after the test."""
    exe = shutil.which("dbus-daemon")
    if exe is None:
        pytest.fail("dbus-daemon is missing: `make test` installs it (packaging/ensure-system-deps.sh)")
    proc = subprocess.Popen(
        [exe, "--session", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    address = proc.stdout.readline().strip()  # type: ignore[union-attr]
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    proc.terminate()
    proc.wait(5)


@pytest.fixture
def bus_player(qtbot: Any, db_path: Path, session_bus: str) -> Iterator[Player]:
    p = open_player(db_path, [], mpris=True, scan=False, exploration=0.0)
    assert p.mpris is not None, "the adaptor started on the private bus"
    qtbot.addWidget(p.window)
    p.window.show()
    yield p
    p.close()


class Client:
    """A D-Bus client in its own thread, so the player's event loop keeps running while it waits."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(1)
        self.conn = self.pool.submit(open_dbus_connection, "SESSION").result(WAIT_S)

    def call(self, address: DBusAddress, method: str, signature: str | None = None, *args: Any) -> Future:
        msg = new_method_call(address, method, signature, args)
        return self.pool.submit(self.conn.send_and_get_reply, msg, timeout=WAIT_S)

    def close(self) -> None:
        self.pool.submit(self.conn.close).result(WAIT_S)
        self.pool.shutdown()


def wait(qtbot: Any, future: Future) -> Any:
    """The reply's body once it arrives (the player's event loop runs meanwhile); D-Bus errors raise."""
    qtbot.waitUntil(future.done, timeout=WAIT_MS)
    return unwrap_msg(future.result())


def test_mpris_next_is_the_same_skip_as_the_button(qtbot: Any, bus_player: Player) -> None:
    c = bus_player.controller
    client = Client()
    try:
        watcher = _watch(client, spec.PROPS_IFACE, "PropertiesChanged")

        (props,) = wait(qtbot, client.call(PROPS, "GetAll", "s", spec.PLAYER_IFACE))
        assert props["PlaybackStatus"] == ("s", "Stopped")
        assert props["Position"][0] == "x" and props["Volume"][0] == "d"
        assert props["CanGoNext"] == ("b", True)

        wait(qtbot, client.call(PLAYER, "Play"))
        qtbot.waitUntil(lambda: c.is_playing() and c.position() >= 1000, timeout=WAIT_MS)
        ((sig, status),) = wait(qtbot, client.call(PROPS, "Get", "ss", spec.PLAYER_IFACE, "PlaybackStatus"))
        assert (sig, status) == ("s", "Playing")
        ((_, meta),) = wait(qtbot, client.call(PROPS, "Get", "ss", spec.PLAYER_IFACE, "Metadata"))
        skipped = c.now.track  # type: ignore[union-attr]
        assert meta["mpris:trackid"] == ("o", spec.track_path(skipped.id))
        assert meta["xesam:title"] == ("s", skipped.title) and meta["xesam:artist"] == (
            "as",
            [skipped.artist],
        )
        assert meta["mpris:length"][0] == "x" and meta["mpris:length"][1] == skipped.duration_ms * 1000
        ((_, position),) = wait(qtbot, client.call(PROPS, "Get", "ss", spec.PLAYER_IFACE, "Position"))
        assert position >= 1_000_000, "Position in microseconds"

        weights = c.session.learner.weights.copy()
        with qtbot.waitSignal(c.learned, timeout=WAIT_MS):
            future = client.call(PLAYER, "Next")
        wait(qtbot, future)
        (play,) = [p for p in list_plays(bus_player.db) if p["track_id"] == skipped.id]
        assert (play["ended"], play["label"]) == ("skip", 0.0)
        assert play["position_ms"] >= 1000 and play["listened_ms"] >= 700
        assert np.any(c.session.learner.weights != weights)
        assert_queue_follows_new_scores(c, play)

        new_song = spec.track_path(c.now.track.id)  # type: ignore[union-attr]
        changed = _signals_until(qtbot, client, watcher, lambda bodies: new_song in _track_ids(bodies))
        assert new_song in _track_ids(changed), "PropertiesChanged announced the new song"
        assert all(iface == spec.PLAYER_IFACE for iface, _, _ in changed)
        client.pool.submit(watcher.close).result(WAIT_S)
    finally:
        client.close()


def test_volume_seek_and_pause_from_the_bus(qtbot: Any, bus_player: Player) -> None:
    c = bus_player.controller
    client = Client()
    try:
        wait(qtbot, client.call(PROPS, "Set", "ssv", spec.PLAYER_IFACE, "Volume", ("d", 0.37)))
        ((_, volume),) = wait(qtbot, client.call(PROPS, "Get", "ss", spec.PLAYER_IFACE, "Volume"))
        assert volume == c.volume() == 0.37, "not 0.3700000047, the float32 Qt keeps"
        wait(qtbot, client.call(PLAYER, "Play"))
        qtbot.waitUntil(lambda: c.is_playing() and c.position() >= 300, timeout=WAIT_MS)
        wait(qtbot, client.call(PLAYER, "Seek", "x", 10_000_000))
        assert c.position() >= 10_000
        track = spec.track_path(c.now.track.id)  # type: ignore[union-attr]
        wait(qtbot, client.call(PLAYER, "SetPosition", "ox", track, 2_000_000))
        qtbot.waitUntil(lambda: 2000 <= c.position() < 5000, timeout=WAIT_MS)
        wait(qtbot, client.call(PLAYER, "SetPosition", "ox", "/org/skipwise/track/999999", 0))
        assert c.position() >= 2000, "a position for another track is ignored"
        wait(qtbot, client.call(PLAYER, "PlayPause"))
        qtbot.waitUntil(lambda: not c.is_playing(), timeout=WAIT_MS)
        assert list_plays(bus_player.db) == [], "pausing ends nothing"
        with pytest.raises(DBusErrorResponse, match="NoSuchThing"):
            wait(qtbot, client.call(PROPS, "Get", "ss", spec.PLAYER_IFACE, "NoSuchThing"))
    finally:
        client.close()


@pytest.mark.skipif(shutil.which("playerctl") is None, reason="playerctl is installed by `make test`")
def test_playerctl_the_client_desktops_use_controls_the_player(qtbot: Any, bus_player: Player) -> None:
    c = bus_player.controller

    def playerctl(*args: str) -> subprocess.Popen:
        return subprocess.Popen(["playerctl", "--player=skipwise", *args], stdout=subprocess.PIPE, text=True)

    def run(*args: str) -> str:
        proc = playerctl(*args)
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=WAIT_MS)
        return proc.stdout.read().strip()  # type: ignore[union-attr]

    assert run("status") == "Stopped"
    run("play")
    qtbot.waitUntil(lambda: c.is_playing() and c.position() >= 1000, timeout=WAIT_MS)
    assert run("status") == "Playing"
    assert run("metadata", "title") == c.now.track.title  # type: ignore[union-attr]
    skipped = c.now.track.id  # type: ignore[union-attr]
    run("next")
    qtbot.waitUntil(lambda: any(p["track_id"] == skipped for p in list_plays(bus_player.db)), timeout=WAIT_MS)
    assert list_plays(bus_player.db)[-1]["ended"] == "skip"


def _watch(client: Client, interface: str, member: str) -> Any:
    """A connection of its own that receives the player's ``member`` signals."""
    from jeepney.bus_messages import message_bus

    conn = open_dbus_connection("SESSION")
    rule = MatchRule(type="signal", interface=interface, member=member, path=spec.OBJECT_PATH)
    client.pool.submit(lambda: conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=5)).result(WAIT_S)
    return conn


def _track_ids(bodies: list[tuple]) -> list[str]:
    """The track ids that PropertiesChanged bodies announced, in order."""
    return [ch["Metadata"][1]["mpris:trackid"][1] for _, ch, _ in bodies if "Metadata" in ch]


def _signals_until(
    qtbot: Any,
    client: Client,
    conn: Any,
    done: Callable[[list[tuple]], bool],
    member: str = "PropertiesChanged",
) -> list[tuple]:
    """Bodies of the ``member`` signals received until ``done`` holds for them (or WAIT_MS passes: a hang).

    The Qt event loop runs between reads, so the player can send what it still has queued.
    """

    def available() -> list[tuple]:
        out = []
        while True:
            try:
                msg = conn.receive(timeout=0.05)
            except TimeoutError:
                return out
            if msg.header.fields.get(3) == member:  # 3: member
                out.append(msg.body)

    bodies: list[tuple] = []
    for _ in range(WAIT_MS // 100):
        bodies += client.pool.submit(available).result(WAIT_S)
        if done(bodies):
            break
        qtbot.wait(50)
    return bodies


def test_seek_past_the_end_is_next_rate_zero_pauses_and_bad_arguments_get_an_error(
    qtbot: Any, bus_player: Player
) -> None:
    c = bus_player.controller
    client = Client()
    try:
        wait(qtbot, client.call(PLAYER, "Play"))
        qtbot.waitUntil(lambda: c.is_playing() and c.position() >= 500, timeout=WAIT_MS)
        first = c.now.track  # type: ignore[union-attr]
        with pytest.raises(DBusErrorResponse, match="InvalidArgs"):
            wait(qtbot, client.call(PLAYER, "Seek", "s", "abc"))  # answered, not left hanging
        wait(qtbot, client.call(PLAYER, "Seek", "x", (first.duration_ms + 60_000) * 1000))
        (play,) = [p for p in list_plays(bus_player.db) if p["track_id"] == first.id]
        assert play["ended"] == "skip", "past the end acts like Next: the user skipped it"
        qtbot.waitUntil(lambda: c.is_playing(), timeout=WAIT_MS)
        wait(qtbot, client.call(PROPS, "Set", "ssv", spec.PLAYER_IFACE, "Rate", ("d", 0.0)))
        qtbot.waitUntil(lambda: not c.is_playing(), timeout=WAIT_MS)
        assert c.now is not None, "paused, not stopped"
        with pytest.raises(DBusErrorResponse, match="PropertyReadOnly"):
            wait(qtbot, client.call(PROPS, "Set", "ssv", spec.PLAYER_IFACE, "CanPlay", ("b", False)))
        with pytest.raises(DBusErrorResponse, match="UnknownProperty"):
            wait(qtbot, client.call(PROPS, "Set", "ssv", spec.PLAYER_IFACE, "Karaoke", ("b", True)))
        with pytest.raises(DBusErrorResponse, match="InvalidArgs"):
            wait(qtbot, client.call(PROPS, "Set", "ssv", spec.PLAYER_IFACE, "Volume", ("s", "loud")))
    finally:
        client.close()


def test_the_player_object_answers_peer_get_machine_id(qtbot: Any, bus_player: Player) -> None:
    """The D-Bus spec: every object answers org.freedesktop.DBus.Peer, which the introspection lists."""
    client = Client()
    try:
        assert "GetMachineId" in spec.INTROSPECTION
        files = [Path(p) for p in ("/etc/machine-id", "/var/lib/dbus/machine-id") if Path(p).is_file()]
        if files:
            (machine_id,) = wait(qtbot, client.call(PEER, "GetMachineId"))
            assert machine_id == files[0].read_text().strip()
        else:
            with pytest.raises(DBusErrorResponse, match="Failed"):
                wait(qtbot, client.call(PEER, "GetMachineId"))
    finally:
        client.close()


def test_a_second_player_takes_an_instance_name(qtbot: Any, bus_player: Player, tmp_path: Path) -> None:
    import os

    from engine.store import open_db

    open_db(tmp_path / "other.db").close()
    other = open_player(tmp_path / "other.db", [], mpris=True, scan=False)
    qtbot.addWidget(other.window)
    try:
        assert other.mpris is not None, "media keys work in the second window too"
        assert other.mpris.bus_name == f"{spec.BUS_NAME}.instance{os.getpid()}"  # type: ignore[attr-defined]
        assert bus_player.mpris.bus_name == spec.BUS_NAME  # type: ignore[union-attr]
    finally:
        other.close()


def test_previous_that_restarts_the_song_announces_the_jump_with_seeked(
    qtbot: Any, bus_player: Player
) -> None:
    c = bus_player.controller
    client = Client()
    try:
        watcher = _watch(client, spec.PLAYER_IFACE, "Seeked")
        wait(qtbot, client.call(PLAYER, "Play"))
        qtbot.waitUntil(
            lambda: c.is_playing() and c.position() >= 3500, timeout=WAIT_MS
        )  # past RESTART_AFTER_MS
        track = c.now.track.id  # type: ignore[union-attr]
        wait(qtbot, client.call(PLAYER, "Previous"))
        assert c.now is not None and c.now.track.id == track, "the same song, from the start"

        got = [body[0] for body in _signals_until(qtbot, client, watcher, bool, member="Seeked")]
        assert got and got[0] < 1_000_000, "Seeked to the start, in microseconds"
        client.pool.submit(watcher.close).result(WAIT_S)
    finally:
        client.close()


def test_a_new_song_is_announced_playing_without_a_pause_in_between(qtbot: Any, bus_player: Player) -> None:
    c = bus_player.controller
    client = Client()
    try:
        watcher = _watch(client, spec.PROPS_IFACE, "PropertiesChanged")
        wait(qtbot, client.call(PLAYER, "Play"))
        qtbot.waitUntil(lambda: c.is_playing() and c.position() >= 500, timeout=WAIT_MS)
        wait(qtbot, client.call(PLAYER, "Next"))
        qtbot.waitUntil(lambda: c.is_playing() and c.position() >= 300, timeout=WAIT_MS)
        new_song = spec.track_path(c.now.track.id)  # type: ignore[union-attr]

        bodies = _signals_until(qtbot, client, watcher, lambda b: new_song in _track_ids(b))
        statuses = [ch["PlaybackStatus"][1] for _, ch, _ in bodies if "PlaybackStatus" in ch]
        assert "Paused" not in statuses, statuses
        client.pool.submit(watcher.close).result(WAIT_S)
    finally:
        client.close()


def test_a_song_on_the_second_playback_path_is_the_same_to_the_bus(
    qtbot: Any, bus_player: Player, tmp_path: Path
) -> None:
    """A song FFmpeg refused plays through libsndfile and a QAudioSink: status, length, position,
    seeking, pausing and Next read and act over MPRIS as for any song."""
    c = bus_player.controller
    refused = scan_refused(qtbot, bus_player, tmp_path)
    client = Client()
    try:
        play_first(qtbot, bus_player, refused, 1000)
        assert c.audio.plays_through_sink()
        ((_, status),) = wait(qtbot, client.call(PROPS, "Get", "ss", spec.PLAYER_IFACE, "PlaybackStatus"))
        ((_, meta),) = wait(qtbot, client.call(PROPS, "Get", "ss", spec.PLAYER_IFACE, "Metadata"))
        ((_, position),) = wait(qtbot, client.call(PROPS, "Get", "ss", spec.PLAYER_IFACE, "Position"))
        assert status == "Playing" and meta["mpris:trackid"] == ("o", spec.track_path(refused))
        assert meta["mpris:length"] == ("x", SECONDS * 1_000_000) and position >= 1_000_000
        wait(qtbot, client.call(PLAYER, "SetPosition", "ox", spec.track_path(refused), 9_000_000))
        qtbot.waitUntil(lambda: c.position() >= 9_500, timeout=WAIT_MS)
        wait(qtbot, client.call(PLAYER, "PlayPause"))
        qtbot.waitUntil(lambda: not c.is_playing(), timeout=WAIT_MS)
        ((_, status),) = wait(qtbot, client.call(PROPS, "Get", "ss", spec.PLAYER_IFACE, "PlaybackStatus"))
        assert status == "Paused"
        wait(qtbot, client.call(PLAYER, "Next"))
        (play,) = [p for p in list_plays(bus_player.db) if p["track_id"] == refused]
        assert (play["ended"], play["label"], play["seeks_forward"]) == ("skip", 0.0, 1)
        assert 9_500 <= play["position_ms"] < 11_000 and play["listened_ms"] < 3000
    finally:
        client.close()
