"""Opening the database: WAL, durable commits, foreign keys, migrations."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from engine.store.migrations import MIGRATIONS, SCHEMA_VERSION


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
        conn = sqlite3.connect(str(path), timeout=10.0)
        conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as exc:
        raise SchemaError(_open_failure(path, exc)) from None
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    db = sqlite_utils.Database(conn)
    if migrate:
        apply_migrations(db)
    return db


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


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def apply_migrations(db: sqlite_utils.Database) -> int:
    """Bring the schema up to date; returns the number of migrations applied."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise SchemaError(
            f"the database has schema version {current}, newer than this Skipwise ({SCHEMA_VERSION}); "
            "upgrade Skipwise to open it"
        )
    applied = 0
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with transaction(db.conn):
            for statement in MIGRATIONS[version - 1]:
                db.conn.execute(statement)
            db.conn.execute(f"PRAGMA user_version = {version}")
        applied += 1
    return applied


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One explicit write transaction: committed whole, or rolled back whole.

    Unlike ``with conn:``, a COMMIT that fails (interrupted, disk full) is rolled
    back here too, so a failed write can never be committed later by an
    unrelated one on the same connection. A COMMIT interrupted in its last
    steps can raise after the data is already durable: callers that retry
    then store it twice, never lose it.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")  # inside the try: a BEGIN can fail after it began
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
