"""The MPRIS2 names, the introspection document, and the player's state as typed D-Bus values.

Values are jeepney variants: ``(signature, value)`` pairs, so every property
goes out with the type the specification gives it (``Position`` is ``x``,
``mpris:trackid`` an object path, ``xesam:artist`` a list of strings).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from app.controller import PlayerController
from engine.api import TrackRow, cache_dir, cover_bytes

BUS_NAME = "org.mpris.MediaPlayer2.skipwise"
OBJECT_PATH = "/org/mpris/MediaPlayer2"
ROOT_IFACE = "org.mpris.MediaPlayer2"
PLAYER_IFACE = "org.mpris.MediaPlayer2.Player"
PROPS_IFACE = "org.freedesktop.DBus.Properties"
INTROSPECT_IFACE = "org.freedesktop.DBus.Introspectable"
PEER_IFACE = "org.freedesktop.DBus.Peer"
NO_TRACK = "/org/mpris/MediaPlayer2/TrackList/NoTrack"

Variant = tuple[str, Any]


def track_path(track_id: int) -> str:
    return f"/org/skipwise/track/{int(track_id)}"


def art_url(track: TrackRow) -> str | None:
    """A file:// URL of the track's cover (cached); None when it has none (shells then show
    the DesktopEntry's icon themselves, rather than the app icon as if it were album art)."""
    return _art_url(track.id, track.path, cache_dir())


@lru_cache(maxsize=64)  # the metadata is re-sent at every queue change; the cover is read once
def _art_url(track_id: int, path: str, cache: Path) -> str | None:
    data = cover_bytes(path)
    if data:
        suffix = ".png" if data[:4] == b"\x89PNG" else ".jpg"
        target = cache / "covers" / f"{track_id}{suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return target.as_uri()
    return None


def metadata(controller: PlayerController) -> dict[str, Variant]:
    now = controller.now
    if now is None:
        return {"mpris:trackid": ("o", NO_TRACK)}
    t = now.track
    doc: dict[str, Variant] = {
        "mpris:trackid": ("o", track_path(t.id)),
        "mpris:length": ("x", int(now.duration_ms) * 1000),
        "xesam:title": ("s", t.title or Path(t.path).stem),
        "xesam:url": ("s", Path(t.path).resolve().as_uri()),
    }
    art = art_url(t)
    if art is not None:
        doc["mpris:artUrl"] = ("s", art)
    if t.artist:
        doc["xesam:artist"] = ("as", [t.artist])
    if t.album:
        doc["xesam:album"] = ("s", t.album)
    if t.genre:
        doc["xesam:genre"] = ("as", [t.genre])
    if t.track_number:
        doc["xesam:trackNumber"] = ("i", int(t.track_number))
    return doc


def playback_status(controller: PlayerController) -> str:
    if controller.now is None:
        return "Stopped"
    # What the player means to do: a new song loading after Next is "Playing", not a moment "Paused".
    return "Playing" if controller.audio.meant_to_play() else "Paused"


def root_properties() -> dict[str, Variant]:
    return {
        "CanQuit": ("b", True),
        "CanRaise": ("b", True),
        "HasTrackList": ("b", False),
        "Identity": ("s", "Skipwise"),
        "DesktopEntry": ("s", "skipwise"),
        "SupportedUriSchemes": ("as", []),
        "SupportedMimeTypes": ("as", []),
    }


def player_properties(controller: PlayerController) -> dict[str, Variant]:
    has_next = controller.can_go_next()
    return {
        "PlaybackStatus": ("s", playback_status(controller)),
        "Rate": ("d", 1.0),
        "MinimumRate": ("d", 1.0),
        "MaximumRate": ("d", 1.0),
        "Metadata": ("a{sv}", metadata(controller)),
        "Volume": ("d", float(controller.volume())),
        "Position": ("x", int(controller.position()) * 1000),
        "CanGoNext": ("b", has_next),
        "CanGoPrevious": ("b", controller.can_go_previous()),
        "CanPlay": ("b", has_next or controller.now is not None),
        "CanPause": ("b", controller.now is not None),
        "CanSeek": ("b", controller.now is not None),
        "CanControl": ("b", True),
    }


INTROSPECTION = """<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
  <interface name="org.freedesktop.DBus.Introspectable">
    <method name="Introspect"><arg name="xml" type="s" direction="out"/></method>
  </interface>
  <interface name="org.freedesktop.DBus.Peer">
    <method name="Ping"/>
    <method name="GetMachineId"><arg name="id" type="s" direction="out"/></method>
  </interface>
  <interface name="org.freedesktop.DBus.Properties">
    <method name="Get">
      <arg name="interface" type="s" direction="in"/><arg name="name" type="s" direction="in"/>
      <arg name="value" type="v" direction="out"/>
    </method>
    <method name="GetAll">
      <arg name="interface" type="s" direction="in"/><arg name="values" type="a{sv}" direction="out"/>
    </method>
    <method name="Set">
      <arg name="interface" type="s" direction="in"/><arg name="name" type="s" direction="in"/>
      <arg name="value" type="v" direction="in"/>
    </method>
    <signal name="PropertiesChanged">
      <arg name="interface" type="s"/><arg name="changed" type="a{sv}"/><arg name="invalidated" type="as"/>
    </signal>
  </interface>
  <interface name="org.mpris.MediaPlayer2">
    <method name="Raise"/>
    <method name="Quit"/>
    <property name="CanQuit" type="b" access="read"/>
    <property name="CanRaise" type="b" access="read"/>
    <property name="HasTrackList" type="b" access="read"/>
    <property name="Identity" type="s" access="read"/>
    <property name="DesktopEntry" type="s" access="read"/>
    <property name="SupportedUriSchemes" type="as" access="read"/>
    <property name="SupportedMimeTypes" type="as" access="read"/>
  </interface>
  <interface name="org.mpris.MediaPlayer2.Player">
    <method name="Next"/>
    <method name="Previous"/>
    <method name="Pause"/>
    <method name="PlayPause"/>
    <method name="Stop"/>
    <method name="Play"/>
    <method name="Seek"><arg name="Offset" type="x" direction="in"/></method>
    <method name="SetPosition">
      <arg name="TrackId" type="o" direction="in"/><arg name="Position" type="x" direction="in"/>
    </method>
    <method name="OpenUri"><arg name="Uri" type="s" direction="in"/></method>
    <signal name="Seeked"><arg name="Position" type="x"/></signal>
    <property name="PlaybackStatus" type="s" access="read"/>
    <property name="Rate" type="d" access="readwrite"/>
    <property name="MinimumRate" type="d" access="read"/>
    <property name="MaximumRate" type="d" access="read"/>
    <property name="Metadata" type="a{sv}" access="read"/>
    <property name="Volume" type="d" access="readwrite"/>
    <property name="Position" type="x" access="read"/>
    <property name="CanGoNext" type="b" access="read"/>
    <property name="CanGoPrevious" type="b" access="read"/>
    <property name="CanPlay" type="b" access="read"/>
    <property name="CanPause" type="b" access="read"/>
    <property name="CanSeek" type="b" access="read"/>
    <property name="CanControl" type="b" access="read"/>
  </interface>
</node>
"""
