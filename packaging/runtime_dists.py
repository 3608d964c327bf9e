"""The installed distributions the app needs at run time: skipwise's requirements, recursively, no extras.

The spec copies their metadata (with their license files) into the bundle, which
is where the Debian copyright file points for the bundled components' licenses.
"""

from __future__ import annotations

import re
from importlib import metadata

# Required on paper but not bundled: librosa's scikit-learn is excluded (bundle_rules.py), and
# sqlite-utils wants pip only for its own `install` command.
NOT_BUNDLED = {"scikit-learn", "pip"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions(roots: tuple[str, ...] = ("skipwise",)) -> list[str]:
    """Names of the installed distributions ``roots`` depend on, recursively (markers evaluated)."""
    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = list(roots)
    found: list[str] = []
    while todo:
        name = _normal(todo.pop())
        if name in seen or name in NOT_BUNDLED:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if name != "skipwise":
            found.append(dist.metadata["Name"])
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return sorted(found, key=str.lower)
