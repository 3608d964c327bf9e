"""Opening the database: WAL, durable commits, foreign keys, migrations."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from engine.store.migrations import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_S = 10.0  # how long a write waits for another writer before "database is locked"


class SchemaError(RuntimeError):
    """The database cannot be opened, or cannot be used by this version of Skipwise."""


def open_db(path: Path | str, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the database at ``path``.

    Commits are durable (``synchronous=FULL``) because a play or a profile
    that was reported saved must survive a power cut, and WAL keeps readers
    from blocking the writer.
    """
    path = Path(path)
    if str(path) != ":memory:":
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SchemaError(f"cannot create the folder of the database {path}: {exc.strerror}") from None
        if path.is_dir():
            raise SchemaError(f"{path} is a folder, not a database file")
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
        if migrate:
            _refuse_a_foreign_database(conn)  # before WAL, which would change the file too
        _use_wal(conn)
    except sqlite3.DatabaseError as exc:
        raise SchemaError(_open_failure(path, exc)) from None
    except SchemaError:
        conn.close()
        raise
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    db = sqlite_utils.Database(conn)
    if migrate:
        apply_migrations(db)
    return db


def database_path(db: sqlite_utils.Database) -> Path:
    """The file an open database lives in (for a second connection on another thread)."""
    return Path(db.execute("PRAGMA database_list").fetchone()[2])


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, waiting while another process holds the lock.

    The switch needs the file to itself and SQLite reports "locked" at once
    instead of calling its busy handler: two programs that open a new library
    together would otherwise see one of them fail.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _open_failure(path: Path, exc: sqlite3.DatabaseError) -> str:
    """Why ``path`` could not be opened, telling a place Skipwise may not write apart from a damaged file."""
    folder = path.parent if str(path.parent) else Path(".")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        where = "file" if path.exists() and not os.access(path, os.W_OK) else "folder"
        return (
            f"cannot write to the database {path}: its {where} is read-only "
            f"(Skipwise writes every play as it happens; copy the database somewhere writable) [{exc}]"
        )
    return f"{path} is not a usable SQLite database: {exc}"


def schema_version(db: sqlite_utils.Database | sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def apply_migrations(db: sqlite_utils.Database) -> int:
    """Bring the schema up to date; returns the number of migrations applied."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise SchemaError(
            f"the database has schema version {current}, newer than this Skipwise ({SCHEMA_VERSION}); "
            "upgrade Skipwise to open it"
        )
    if current < 0:
        raise SchemaError(f"the database has schema version {current}: it was not made by Skipwise")
    applied = 0
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with transaction(db.conn):
            # Read again under the write lock: another process may have migrated in the meantime.
            found = schema_version(db)
            if found >= version:
                continue
            _refuse_a_foreign_database(db)
            for statement in MIGRATIONS[version - 1]:
                db.conn.execute(statement)
            db.conn.execute(f"PRAGMA user_version = {version}")
        applied += 1
    return applied


def _refuse_a_foreign_database(db: sqlite_utils.Database | sqlite3.Connection) -> None:
    """Version 0 with tables in it: another program's database, which Skipwise must not change.

    The first migration sets the version in the transaction that creates the
    tables, so a Skipwise database at version 0 is always an empty one. Both
    are read in one statement, so in one snapshot: read apart, another
    process could create the tables between the two reads.
    """
    version, names = db.execute(
        "SELECT (SELECT user_version FROM pragma_user_version),"
        " (SELECT group_concat(name, char(10)) FROM"
        "  (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name))"
    ).fetchone()
    tables = names.split("\n") if names and version == 0 else []
    if tables:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise SchemaError(
            f"this SQLite database was not made by Skipwise (it holds the tables {shown}); "
            "it was left as it is: give Skipwise a file of its own with --db"
        )


_COMMIT_LATER: dict[int, sqlite3.Connection] = {}  # by id: connections whose open transaction waits to commit
_AT_COMMIT: dict[int, list[Callable[[sqlite3.Connection], object]]] = {}  # by id: work for just before it


def at_commit(conn: sqlite3.Connection, step: Callable[[sqlite3.Connection], object]) -> None:
    """Run ``step(conn)`` in the open transaction just before it commits.

    Only inside a ``transaction``: for work that must be in the transaction
    but need not be done before it returns, when it is committed later
    (``commit_later``); a step that raises rolls the whole transaction back,
    as a failed COMMIT does.
    """
    _AT_COMMIT.setdefault(id(conn), []).append(step)


def _commit(conn: sqlite3.Connection, *, reopen: bool = False) -> None:
    """The work left for the commit, then COMMIT; anything failing rolls it all back and is raised.

    ``reopen``: a transaction committed meanwhile by a ``with conn:`` of someone
    else gets a new one for its work left (the statements before are in).
    """
    try:
        if reopen and not conn.in_transaction and _AT_COMMIT.get(id(conn)):
            conn.execute("BEGIN IMMEDIATE")
        for step in _AT_COMMIT.pop(id(conn), []):
            step(conn)
        if conn.in_transaction:
            conn.execute("COMMIT")
    except BaseException:
        _roll_back(conn)
        raise


def _roll_back(conn: sqlite3.Connection) -> None:
    _AT_COMMIT.pop(id(conn), None)
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def commit_pending(conn: sqlite3.Connection) -> bool:
    """Commit the transaction ``transaction(conn, commit_later=True)`` left open; whether there was one.

    Every other ``transaction`` on the connection calls this first, so the
    writes keep their order; a COMMIT that fails is rolled back and raised.
    """
    if _COMMIT_LATER.pop(id(conn), None) is None:
        return False
    _commit(conn, reopen=True)
    return True


def commit_waits(conn: sqlite3.Connection) -> bool:
    """Whether a transaction left open by ``transaction(conn, commit_later=True)`` waits to commit."""
    return id(conn) in _COMMIT_LATER and conn.in_transaction


@contextmanager
def transaction(
    conn: sqlite3.Connection, *, durable: bool = True, commit_later: bool = False
) -> Iterator[sqlite3.Connection]:
    """One explicit write transaction: committed whole, or rolled back whole.

    Unlike ``with conn:``, a COMMIT that fails (interrupted, disk full) is rolled
    back here too, so a failed write can never be committed later by an
    unrelated one on the same connection. A COMMIT interrupted in its last
    steps can raise after the data is already durable: callers that retry
    then store it twice, never lose it.

    ``durable=False`` commits without waiting for the disk (``synchronous=NORMAL``
    for this one transaction): in WAL mode the commit survives the process
    being killed, and only a power cut may take it back. For writes that are
    replaced within seconds anyway (the heartbeat), so that they do not wait
    for an fsync on the GUI thread.

    ``commit_later=True`` leaves the transaction open (holding the write lock)
    for :func:`commit_pending`, which the next transaction on the connection
    calls first if no one called it before: the player commits a play once
    the window has redrawn the skip. Until then a kill takes the whole
    transaction back, and other connections do not see it. A write that need
    not be durable (``durable=False``) rides along in that open transaction
    instead of committing it early: the player's heartbeat of the next song
    does not make the skip wait for the disk. Work registered with
    :func:`at_commit` inside it waits too, and runs just before its COMMIT.
    """
    if not durable and commit_waits(conn):
        yield conn  # committed with the waiting transaction (a failed statement is undone by SQLite)
        return
    commit_pending(conn)
    if not durable:
        conn.execute("PRAGMA synchronous = NORMAL")
    try:
        try:
            conn.execute("BEGIN IMMEDIATE")  # inside the try: a BEGIN can fail after it began
            yield conn
        except BaseException:
            _roll_back(conn)
            raise
        if commit_later:
            _COMMIT_LATER[id(conn)] = conn
            return
        _commit(conn)
    finally:
        if not durable:
            conn.execute("PRAGMA synchronous = FULL")
