"""A numba cache shared by the tests that start real analysis workers.

Every test gets a fresh Skipwise home (tests/conftest.py), so each spawned
worker would compile the extractor's numba code from scratch (a second or
two, on both cores at once). Linking the home's numba folder to one folder per
test session keeps the homes apart and compiles once.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def shared_numba_cache(skipwise_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    shared = tmp_path_factory.getbasetemp() / "numba-cache"
    shared.mkdir(exist_ok=True)
    (skipwise_home / "cache").mkdir(parents=True, exist_ok=True)
    link = skipwise_home / "cache" / "numba"
    if not link.exists():
        link.symlink_to(shared, target_is_directory=True)
    return shared
