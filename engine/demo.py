"""The bundled demo library: where it ships, and its copy inside the Skipwise home.

``skipwise --demo`` and the first-run choice "use the demo library" copy the
bundled tracks into ``<data dir>/demo-library`` once, so the database points at
files that stay put however the app itself is installed, moved or updated.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from engine.paths import assets_dir, data_dir

TRUTH_FILE = "truth.json"


def bundled_demo() -> Path:
    return assets_dir() / "demo"


def demo_truth(folder: Path | None = None) -> list[dict[str, Any]]:
    """The ground truth sidecar of the demo library (one dict per track)."""
    return json.loads(((folder or bundled_demo()) / TRUTH_FILE).read_text(encoding="utf-8"))


def install_demo(target: Path | None = None) -> Path:
    """Copy the demo tracks into the data dir (only those missing); returns the folder."""
    source = bundled_demo()
    target = target or data_dir() / "demo-library"
    target.mkdir(parents=True, exist_ok=True)
    for track in demo_truth(source):
        dst = target / track["file"]
        if not dst.exists():
            tmp = dst.with_name(f".{dst.name}.part")
            shutil.copyfile(source / track["file"], tmp)
            tmp.replace(dst)
    return target
