"""Fleet tests: Flower's and Ray's privacy defaults off before anything imports them; 127.0.0.1 only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.fleet.privacy_env import quiet_environment

os.environ.update(quiet_environment())

flwr = pytest.importorskip("flwr", reason="the fleet extras are not installed")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private SKIPWISE_HOME: membership, state and settings land here."""
    monkeypatch.setenv("SKIPWISE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
