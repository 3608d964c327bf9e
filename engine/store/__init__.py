"""The SQLite database: schema, migrations and the queries the engine needs."""

from engine.store.db import SchemaError, open_db

__all__ = ["SchemaError", "open_db"]
