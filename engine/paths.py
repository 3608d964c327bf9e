"""Where Skipwise keeps its data, config and cache.

``SKIPWISE_HOME`` puts all three under one folder (tests, portable installs);
otherwise the XDG directories (via platformdirs) are used, each of which can be
overridden by the usual ``XDG_*_HOME`` variables.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "skipwise"


def _home() -> Path | None:
    value = os.environ.get("SKIPWISE_HOME")
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP))


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP))


def cache_dir() -> Path:
    home = _home()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP))


def default_db_path() -> Path:
    return data_dir() / "skipwise.db"


def assets_dir() -> Path:
    """The bundled assets (prior, listeners, demo library, icons).

    A wheel carries them inside ``engine/`` (see ``setup.py``); in a source tree
    and an editable install they sit beside the packages; a frozen build sets
    ``SKIPWISE_ASSETS`` or places them next to the executable.
    """
    override = os.environ.get("SKIPWISE_ASSETS")
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    installed = here / "assets"
    return installed if installed.is_dir() else here.parent / "assets"
