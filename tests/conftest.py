"""Every test runs against a temporary Skipwise home (data, config, cache)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from engine.store import open_db


@pytest.fixture(autouse=True)
def skipwise_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("SKIPWISE_HOME", str(home))
    return home


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_db(tmp_path / "test.db")
    yield database
    database.close()
