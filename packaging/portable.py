"""The portable archive: ``skipwise-<version>-linux-<machine>/`` holding the one-folder build.

Unpacked anywhere, ``<folder>/skipwise`` runs as it is (its assets sit in
``_internal/assets``). It needs the same system libraries as the .deb.
"""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path


def archive_name(version: str) -> str:
    return f"skipwise-{version}-linux-{platform.machine()}"


def build_tarball(bundle: Path, version: str, out_dir: Path) -> Path:
    """``<out_dir>/skipwise-<version>-linux-<machine>.tar.gz`` from ``bundle``, PyInstaller's folder."""
    name = archive_name(version)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{name}.tar.gz"
    tmp = out.with_name(out.name + ".part")
    # Rename the top folder on the way in; S: leave symbolic link targets (all relative) alone.
    subprocess.run(
        ["tar", "-C", str(bundle.parent), f"--transform=s,^{bundle.name},{name},S",
         "--owner=0", "--group=0", "--numeric-owner", "-czf", str(tmp), bundle.name],
        check=True,
    )  # fmt: skip
    tmp.replace(out)
    return out
