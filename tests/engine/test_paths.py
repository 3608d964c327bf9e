"""SKIPWISE_HOME puts data, config and cache in one place; otherwise XDG is used."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import paths


def test_skipwise_home_redirects_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKIPWISE_HOME", str(tmp_path / "h"))
    assert paths.data_dir() == tmp_path / "h" / "data"
    assert paths.config_dir() == tmp_path / "h" / "config"
    assert paths.cache_dir() == tmp_path / "h" / "cache"
    assert paths.default_db_path() == tmp_path / "h" / "data" / "skipwise.db"


def test_xdg_directories_are_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SKIPWISE_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xd"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xc"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xk"))
    assert paths.data_dir() == tmp_path / "xd" / "skipwise"
    assert paths.config_dir() == tmp_path / "xc" / "skipwise"
    assert paths.cache_dir() == tmp_path / "xk" / "skipwise"


def test_the_cli_honours_skipwise_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.cli.main import main

    monkeypatch.setenv("SKIPWISE_HOME", str(tmp_path / "home"))
    assert main(["profile", "reset"]) == 0
    assert (tmp_path / "home" / "data" / "skipwise.db").exists()
