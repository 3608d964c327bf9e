"""The MPRIS2 adaptor: ``org.mpris.MediaPlayer2.skipwise`` on the session bus.

A thread waits for D-Bus messages (jeepney, thread-safe sends) and hands each
method call to the GUI thread through a queued Qt signal; the GUI thread runs
it on the same :class:`PlayerController` the buttons use, so ``Next`` from a
media key is a skip exactly like the window's Next button, and replies.
Property changes go out as ``PropertiesChanged`` signals, ``Seek`` and
``SetPosition`` as ``Seeked``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    Message,
    MessageFlag,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.threading import DBusConnection, DBusRouter, Proxy, ReceiveStopped, open_dbus_connection
from PySide6.QtCore import QObject, Signal

from app.controller import PlayerController
from app.mpris import spec

REQUEST_NAME_DO_NOT_QUEUE = 4
PRIMARY_OWNER = 1
ERR_UNKNOWN_METHOD = "org.freedesktop.DBus.Error.UnknownMethod"
ERR_UNKNOWN_PROPERTY = "org.freedesktop.DBus.Error.UnknownProperty"
ERR_INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs"
ERR_READ_ONLY = "org.freedesktop.DBus.Error.PropertyReadOnly"
WRITABLE = {(spec.PLAYER_IFACE, "Volume"), (spec.PLAYER_IFACE, "Rate")}  # the rest are read-only
ERR_NOT_SUPPORTED = "org.freedesktop.DBus.Error.NotSupported"
ERR_FAILED = "org.freedesktop.DBus.Error.Failed"


class MprisError(RuntimeError):
    """The adaptor could not be started (no session bus, or the name is taken)."""


class MprisServer(QObject):
    _incoming = Signal(object)  # a jeepney Message, from the receiver thread to the GUI thread

    def __init__(
        self,
        controller: PlayerController,
        *,
        raise_window: Callable[[], None],
        quit_app: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.raise_window = raise_window
        self.quit_app = quit_app
        self.conn: DBusConnection | None = None
        self._thread: threading.Thread | None = None
        self._emitter = DBusAddress(spec.OBJECT_PATH, interface=spec.PROPS_IFACE)
        self._sent: dict[str, Any] = {}
        self._play_started: float | None = None  # the play the clients know of (a restart is a new one)
        self.bus_name = spec.BUS_NAME
        self._incoming.connect(self._dispatch)

    # ------------------------------------------------------------------ lifetime

    def start(self, bus: str = "SESSION") -> None:
        """Connect, take the bus name and start answering; raises MprisError with the reason."""
        try:
            conn = open_dbus_connection(bus)
        except (OSError, KeyError, ValueError, TimeoutError) as exc:
            raise MprisError(f"no D-Bus session bus ({exc})") from None
        # A second Skipwise (another library) takes an instance name, as the spec asks of players
        # that allow several instances; playerctl --player=skipwise matches both.
        names = (spec.BUS_NAME, f"{spec.BUS_NAME}.instance{os.getpid()}")
        with DBusRouter(conn) as router:
            bus = Proxy(message_bus, router, timeout=5)
            taken = next(
                (n for n in names if bus.RequestName(n, REQUEST_NAME_DO_NOT_QUEUE)[0] == PRIMARY_OWNER), None
            )
        if taken is None:
            conn.close()
            raise MprisError(f"{spec.BUS_NAME} and its instance name are already taken")
        self.bus_name = taken
        self.conn = conn
        self._sent = self._state()
        now = self.controller.now
        self._play_started = now.started_at if now is not None else None
        self._thread = threading.Thread(target=self._receive_loop, name="mpris", daemon=True)
        self._thread.start()
        c = self.controller
        for signal in (c.trackChanged, c.playingChanged, c.volumeChanged, c.queueChanged, c.libraryChanged):
            signal.connect(self._notify)
        c.seeked.connect(self._on_seeked)

    def stop(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        conn.interrupt()
        if self._thread is not None:
            self._thread.join(2)
        conn.close()

    def _receive_loop(self) -> None:
        conn = self.conn
        while conn is not None:
            try:
                msg = conn.receive()
            except (ReceiveStopped, OSError, ValueError):
                return
            if msg.header.message_type == MessageType.method_call:
                self._incoming.emit(msg)

    # ------------------------------------------------------------------ calls

    def _dispatch(self, msg: Message) -> None:
        fields = msg.header.fields
        path = fields.get(HeaderFields.path)
        iface = fields.get(HeaderFields.interface)
        member = fields.get(HeaderFields.member, "")
        try:
            if path != spec.OBJECT_PATH:
                reply = new_error(
                    msg, "org.freedesktop.DBus.Error.UnknownObject", "s", (f"no object {path}",)
                )
            else:
                reply = self._call(msg, iface, member, msg.body)
        except _CallError as exc:
            reply = new_error(msg, exc.name, "s", (exc.text,))
        except Exception as exc:  # every call that wants a reply gets one, even when a bug is hit
            reply = new_error(msg, ERR_FAILED, "s", (f"{type(exc).__name__}: {exc}",))
        if not msg.header.flags & MessageFlag.no_reply_expected and self.conn is not None:
            self.conn.send(reply)

    def _call(self, msg: Message, iface: str | None, member: str, args: tuple) -> Message:
        if iface == spec.PROPS_IFACE or (iface is None and member in ("Get", "GetAll", "Set")):
            return self._properties(msg, member, args)
        if member == "Introspect":
            return new_method_return(msg, "s", (spec.INTROSPECTION,))
        if member == "Ping":
            return new_method_return(msg)
        if member == "GetMachineId" and iface in (spec.PEER_IFACE, None):
            return new_method_return(msg, "s", (_machine_id(),))
        if iface in (spec.ROOT_IFACE, None) and member in ("Raise", "Quit"):
            (self.raise_window if member == "Raise" else self.quit_app)()
            return new_method_return(msg)
        if iface in (spec.PLAYER_IFACE, None):
            return self._player_call(msg, member, args)
        raise _CallError(ERR_UNKNOWN_METHOD, f"no method {iface}.{member}")

    def _player_call(self, msg: Message, member: str, args: tuple) -> Message:
        c = self.controller
        simple = {"Next": c.next, "Previous": c.previous, "Pause": c.pause, "PlayPause": c.play_pause,
                  "Play": c.play, "Stop": c.stop}  # fmt: skip
        if member in simple:
            simple[member]()
        elif member == "Seek":
            (offset_us,) = _args(msg, "x")
            now = c.now
            if now is not None and c.position() + offset_us // 1000 >= now.duration_ms:
                c.next()  # the spec: past the end acts like Next (and a skip is what the user did)
            else:
                c.seek_by(int(offset_us) // 1000)
        elif member == "SetPosition":
            track, position_us = _args(msg, "ox")
            now = c.now
            # The spec: ignore a position for another track, or outside the track.
            if (
                now is not None
                and track == spec.track_path(now.track.id)
                and 0 <= position_us <= now.duration_ms * 1000
            ):
                c.seek(int(position_us) // 1000)
        elif member == "OpenUri":
            raise _CallError(ERR_NOT_SUPPORTED, "Skipwise plays its own library")
        else:
            raise _CallError(ERR_UNKNOWN_METHOD, f"no method {spec.PLAYER_IFACE}.{member}")
        return new_method_return(msg)

    def _properties(self, msg: Message, member: str, args: tuple) -> Message:
        if member == "GetAll":
            (iface,) = _args(msg, "s")
            return new_method_return(msg, "a{sv}", (self._interface(iface),))
        if member == "Get":
            iface, name = _args(msg, "ss")
            values = self._interface(iface)
            if name not in values:
                raise _CallError(ERR_UNKNOWN_PROPERTY, f"no property {iface}.{name}")
            return new_method_return(msg, "v", (values[name],))
        if member == "Set":
            iface, name, (sig, value) = _args(msg, "ssv")
            if iface == spec.PLAYER_IFACE and name == "Volume" and sig == "d":
                self.controller.set_volume(float(value))
            elif iface == spec.PLAYER_IFACE and name == "Rate" and sig == "d":
                if float(value) == 0.0:
                    self.controller.pause()  # the spec: a rate of 0 acts as Pause
                # the only other rate is 1.0; the spec says to ignore the rest
            elif (iface, name) in WRITABLE:
                raise _CallError(ERR_INVALID_ARGS, f"{iface}.{name} cannot be set to a {sig!r}")
            elif name in self._interface(iface):
                raise _CallError(ERR_READ_ONLY, f"{iface}.{name} is read-only")
            else:
                raise _CallError(ERR_UNKNOWN_PROPERTY, f"no property {iface}.{name}")
            return new_method_return(msg)
        raise _CallError(ERR_UNKNOWN_METHOD, f"no method {spec.PROPS_IFACE}.{member}")

    def _interface(self, iface: str) -> dict[str, spec.Variant]:
        if iface == spec.ROOT_IFACE:
            return spec.root_properties()
        if iface == spec.PLAYER_IFACE:
            return spec.player_properties(self.controller)
        raise _CallError(ERR_INVALID_ARGS, f"no interface {iface}")

    # ------------------------------------------------------------------ signals

    def _state(self) -> dict[str, Any]:
        props = spec.player_properties(self.controller)
        props.pop("Position")  # changes all the time; clients ask for it (spec: no PropertiesChanged)
        return props

    def _notify(self, *_: object) -> None:
        if self.conn is None:
            return
        now = self.controller.now
        started = now.started_at if now is not None else None
        if started != self._play_started:
            known = self._sent.get("Metadata", ("a{sv}", {}))[1].get("mpris:trackid", ("o", ""))[1]
            self._play_started = started
            if now is not None and known == spec.track_path(now.track.id):
                # A restart (Previous): the track id stays, so clients learn of it from Seeked.
                self._on_seeked(now.clock.position_ms)  # where the new play starts (the player catches up)
        state = self._state()
        changed = {k: v for k, v in state.items() if self._sent.get(k) != v}
        self._sent = state
        if changed:
            self.conn.send(
                new_signal(self._emitter, "PropertiesChanged", "sa{sv}as", (spec.PLAYER_IFACE, changed, []))
            )

    def _on_seeked(self, position_ms: int) -> None:
        if self.conn is not None:
            emitter = DBusAddress(spec.OBJECT_PATH, interface=spec.PLAYER_IFACE)
            self.conn.send(new_signal(emitter, "Seeked", "x", (int(position_ms) * 1000,)))


class _CallError(Exception):
    def __init__(self, name: str, text: str) -> None:
        super().__init__(text)
        self.name = name
        self.text = text


def _args(msg: Message, signature: str) -> tuple:
    """The call's arguments, when they have the D-Bus ``signature`` the method takes."""
    got = msg.header.fields.get(HeaderFields.signature, "")
    if got != signature:
        raise _CallError(ERR_INVALID_ARGS, f"expected arguments of type {signature!r}, got {got!r}")
    return msg.body


def _machine_id() -> str:
    """This machine's D-Bus id (``org.freedesktop.DBus.Peer.GetMachineId``, which every object answers)."""
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            with open(path, encoding="ascii") as f:
                text = f.read().strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text:
            return text
    raise _CallError(ERR_FAILED, "this machine has no machine id")
