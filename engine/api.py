"""The engine's one door for the faces built on it: everything app/ may use, and nothing else.

The Qt app (``app/``) imports the engine only from here (``tests/test_house_rules.py``
checks it), so the engine's insides (the queue's library rows, the store's SQL,
the learner's optimizer state) can change without the window noticing. The
door speaks in track ids and small value objects:

- **the listening session** (:class:`ListeningSession`): plays in; learning,
  saving and re-ranking out; the queue's operations (play next, enqueue, move,
  unpin, remove, the next track); marking a track missing; the resume point;
  the queue's rows; the learner's view for the panel; profile undo, reset,
  mode, export and import;
- **the transport's rules** (:class:`PlaybackRules`): history, Previous, stop
  after songs missing in a row;
- **the library and its scan**: opening the database, the track rows the views
  list, a snapshot rebuilt off the GUI thread, the scanner, removing a music
  folder, cover art;
- **the fleet** (opt-in): membership (join, leave, status), the words the
  Fleet settings show, the SuperNode's supervisor (a child process: nothing
  here loads Flower) and the device's news of baselines adopted or refused;
- **the machinery around them**: the listen clock and the heartbeat of the play
  in progress, the single-instance lock, settings, paths, the demo library,
  the command line, and the pieces the window's benchmark and self-test drive.

Names load on first use (PEP 562), so importing the door costs only what is
used: the window does not pay for the simulator, nor the command line for Qt.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name -> module it lives in
_WHERE: dict[str, str] = {
    # the listening session and its value objects
    "ListeningSession": "engine.listening",
    "EventReport": "engine.listening",
    "QueueMove": "engine.listening",
    "QueueEntry": "engine.listening",
    "LearnerView": "engine.listening",
    "local_hour": "engine.listening",
    "PlaybackRules": "engine.playback_rules",
    "STOP_AFTER_MISSING": "engine.playback_rules",
    "BackStep": "engine.playback_rules",
    "Ended": "engine.learner.labels",
    "Part": "engine.learner.explain",
    "Update": "engine.learner.learner",
    "Mode": "engine.learner.profile",
    "Prior": "engine.learner.prior",
    "ProfileError": "engine.learner.profile",
    "GROUPS": "engine.learner.params",
    "LABELS": "engine.learner.params",
    "N_PARAMS": "engine.learner.params",
    "expand_scales": "engine.learner.int8",
    "undone_what": "engine.store.profiles",
    # plays in progress
    "PlayRecord": "engine.store.plays",
    "ListenClock": "engine.listen_clock",
    "save_heartbeat": "engine.store.heartbeat",
    "clear_heartbeat": "engine.store.heartbeat",
    # the library
    "open_db": "engine.store.db",
    "SchemaError": "engine.store.db",
    "has_tracks": "engine.store.tracks",
    "count_plays": "engine.store.plays",
    "TrackRow": "engine.store.tracks",
    "library_rows": "engine.store.tracks",
    "library_version": "engine.store.tracks",
    "database_path": "engine.store.db",
    "LibrarySnapshot": "engine.library_snapshot",
    "load_snapshot": "engine.library_snapshot",
    "Scanner": "engine.library.scan",
    "ScanResult": "engine.library.scan",
    "ScanStage": "engine.library.scan",
    "leave_library": "engine.library.folders",
    "cover_bytes": "engine.library.cover",
    "printable": "engine.store.pathcodec",
    # the fleet, opt-in (none of these loads Flower: the SuperNode is a child process)
    "Membership": "engine.fleet.membership",
    "MembershipError": "engine.fleet.membership",
    "read_membership": "engine.fleet.membership",
    "fleet_join": "engine.fleet.membership",
    "fleet_leave": "engine.fleet.membership",
    "fleet_status": "engine.fleet.membership",
    "fleet_state_path": "engine.fleet.membership",
    "fleet_membership_path": "engine.fleet.membership",
    "SuperNodeSupervisor": "engine.fleet.supervisor",
    "DeviceNews": "engine.fleet.device_news",
    "adopted_prior": "engine.fleet.device_news",
    "BaselineError": "engine.fleet.baseline",
    "WHAT_LEAVES": "engine.fleet.statements",
    "WHAT_COMES_BACK": "engine.fleet.statements",
    "OFF_BY_DEFAULT": "engine.fleet.statements",
    # around them
    "lock_path": "engine.store.player_lock",
    "Settings": "engine.settings",
    "load_settings": "engine.settings",
    "save_settings": "engine.settings",
    "default_db_path": "engine.paths",
    "cache_dir": "engine.paths",
    "assets_dir": "engine.paths",
    "install_demo": "engine.demo",
    "demo_truth": "engine.demo",
    "bundled_demo": "engine.demo",
    "cli_main": "engine.cli.main",
    # what the window's benchmark and the installer's self-test drive
    "fill_synthetic": "engine.sim.synthetic_db",
    "load_listener": "engine.sim.listener_spec",
    "drive": "engine.sim.drive",
    "make_tagged_library": "engine.bench.tags",
}
_RENAMED = {
    "save_heartbeat": "beat",
    "clear_heartbeat": "clear",
    "cli_main": "main",
    "fleet_join": "join",
    "fleet_leave": "leave",
    "fleet_status": "status",
    "fleet_state_path": "state_path",
    "fleet_membership_path": "membership_path",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'engine.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), _RENAMED.get(name, name))
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # what type checkers and editors see
    from engine.bench.tags import make_tagged_library
    from engine.cli.main import main as cli_main
    from engine.demo import bundled_demo, demo_truth, install_demo
    from engine.fleet.baseline import BaselineError
    from engine.fleet.device_news import DeviceNews, adopted_prior
    from engine.fleet.membership import Membership, MembershipError, read_membership
    from engine.fleet.membership import join as fleet_join
    from engine.fleet.membership import leave as fleet_leave
    from engine.fleet.membership import membership_path as fleet_membership_path
    from engine.fleet.membership import state_path as fleet_state_path
    from engine.fleet.membership import status as fleet_status
    from engine.fleet.statements import OFF_BY_DEFAULT, WHAT_COMES_BACK, WHAT_LEAVES
    from engine.fleet.supervisor import SuperNodeSupervisor
    from engine.learner.explain import Part
    from engine.learner.int8 import expand_scales
    from engine.learner.labels import Ended
    from engine.learner.learner import Update
    from engine.learner.params import GROUPS, LABELS, N_PARAMS
    from engine.learner.prior import Prior
    from engine.learner.profile import Mode, ProfileError
    from engine.library.cover import cover_bytes
    from engine.library.folders import leave_library
    from engine.library.scan import Scanner, ScanResult, ScanStage
    from engine.library_snapshot import LibrarySnapshot, load_snapshot
    from engine.listen_clock import ListenClock
    from engine.listening import EventReport, LearnerView, ListeningSession, QueueEntry, QueueMove, local_hour
    from engine.paths import assets_dir, cache_dir, default_db_path
    from engine.playback_rules import STOP_AFTER_MISSING, BackStep, PlaybackRules
    from engine.settings import Settings, load_settings, save_settings
    from engine.sim.drive import drive
    from engine.sim.listener_spec import load_listener
    from engine.sim.synthetic_db import fill_synthetic
    from engine.store.db import SchemaError, database_path, open_db
    from engine.store.heartbeat import beat as save_heartbeat
    from engine.store.heartbeat import clear as clear_heartbeat
    from engine.store.pathcodec import printable
    from engine.store.player_lock import lock_path
    from engine.store.plays import PlayRecord, count_plays
    from engine.store.profiles import undone_what
    from engine.store.tracks import TrackRow, has_tracks, library_rows, library_version
