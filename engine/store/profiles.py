"""Versioned profile snapshots: save atomically, load the newest good one, undo.

Every save appends a snapshot (JSON plus its SHA-256) in one transaction, so a
save interrupted at any point leaves the previous snapshot as the newest
committed one. Loading walks back from the newest snapshot and takes the first
that checks out; a corrupt one is reported and kept for inspection, never
overwritten and never silently used.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field, replace

import sqlite_utils

from engine.learner.profile import Profile, ProfileError, checksum
from engine.store.db import commit_pending, transaction

KEEP_UPDATES = 500  # routine per-event snapshots kept for undo; other reasons are kept for good


@dataclass
class Loaded:
    profile: Profile
    snapshot_id: int | None
    problems: list[str] = field(default_factory=list)
    undid: str = ""  # after undo_last: why the snapshot it dropped was saved ("update", "mode:int8"...)


def save_profile(db: sqlite_utils.Database, profile: Profile, reason: str = "update") -> int:
    """Append a snapshot and prune old routine ones, in one committed transaction."""
    with transaction(db.conn):
        return save_profile_in(db.conn, profile, reason)


def save_profile_in(conn: sqlite3.Connection, profile: Profile, reason: str = "update") -> int:
    """Append a snapshot (and prune old routine ones) inside the caller's open transaction."""
    text = profile.dumps()
    cur = conn.execute(
        "INSERT INTO profile_snapshots (created_at, reason, steps, mode, profile, checksum)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (time.time(), reason, profile.steps, profile.mode, text, checksum(text)),
    )
    new_id = int(cur.lastrowid or 0)
    if new_id % 50 == 0:
        conn.execute(
            "DELETE FROM profile_snapshots WHERE reason = 'update' AND id <= ?", (new_id - KEEP_UPDATES,)
        )
    return new_id


def _check(row: dict) -> Profile:
    if checksum(row["profile"]) != row["checksum"]:
        raise ProfileError("checksum mismatch (the stored profile was altered or damaged)")
    return Profile.loads(row["profile"])


def load_profile(db: sqlite_utils.Database) -> Loaded | None:
    """The newest snapshot that checks out, with the problems of any newer ones.

    None when no snapshot exists yet. A play's snapshot still waiting for its
    commit (``transaction(commit_later=True)``) is committed first, so it is read.
    """
    commit_pending(db.conn)
    problems: list[str] = []
    for row in db.query("SELECT * FROM profile_snapshots ORDER BY id DESC"):
        try:
            return Loaded(_check(row), row["id"], problems)
        except ProfileError as exc:
            problems.append(f"profile snapshot {row['id']} ({row['reason']}) is unusable: {exc}")
    if problems:
        raise ProfileError("no usable profile snapshot: " + "; ".join(problems))
    return None


def undo_last(db: sqlite_utils.Database) -> Loaded | None:
    """Drop the snapshot in use (the newest usable one) and return the usable one before it.

    None (and nothing changed) when there is nothing to go back to. Damaged
    snapshots are skipped, never deleted: they stay for inspection.
    """
    usable = _two_newest_usable(db)
    if len(usable) < 2:
        return None
    with transaction(db.conn):
        db.conn.execute("DELETE FROM profile_snapshots WHERE id = ?", (usable[0]["id"],))
    loaded = load_profile(db)
    return None if loaded is None else replace(loaded, undid=usable[0]["reason"])


def undo_preview(db: sqlite_utils.Database) -> tuple[str, Profile] | None:
    """What undo_last would drop (its reason) and bring back, changing nothing."""
    usable = _two_newest_usable(db)
    return (usable[0]["reason"], _check(usable[1])) if len(usable) == 2 else None


def _two_newest_usable(db: sqlite_utils.Database) -> list[dict]:
    """The newest two snapshots that check out (damaged ones are passed over), newest first."""
    commit_pending(db.conn)  # a play's snapshot waiting for its commit is one of them
    usable: list[dict] = []
    for row in db.query("SELECT * FROM profile_snapshots ORDER BY id DESC"):
        try:
            _check(row)
        except ProfileError:
            continue
        usable.append(row)
        if len(usable) == 2:
            break
    return usable


def undone_what(reason: str) -> str:
    """What undoing a snapshot saved for ``reason`` takes back, in words: "the reset"."""
    if reason == "update":
        return "the last update"
    if reason.startswith("mode:"):
        return f"the switch to {reason.removeprefix('mode:')} mode"
    if reason == "fleet-baseline":
        return "the fleet's baseline as the prior"
    return f"the {reason}"


def snapshot_count(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM profile_snapshots").fetchone()[0])
