"""The SQLite database: schema, migrations and the queries the engine needs.

``open_db`` and ``SchemaError`` are loaded on first use: ``engine.store.player_lock``, which the
window reads before its first paint, must not bring in sqlite_utils.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.store.db import SchemaError, open_db

__all__ = ["SchemaError", "open_db"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from engine.store import db

        return getattr(db, name)
    raise AttributeError(f"module 'engine.store' has no attribute {name!r}")
