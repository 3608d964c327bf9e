"""`pip install .` (a wheel, not the editable install `make` uses) carries the assets.

The wheel is built from a copy of the checkout's files (so no earlier build
left in ``build/`` can stand in for what the build does) and unzipped into a
folder that is put first on the path of a Python started in an empty folder, so
nothing can be found through the checkout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

pytestmark = pytest.mark.slow

RUN_FROM_WHEEL = """
import json, sys
sys.path.insert(0, sys.argv[1])
import engine, engine.paths
from engine.learner.profile import load_prior
from engine.sim.listener_spec import builtin_names
print(json.dumps({
    "engine": engine.__file__,
    "assets": str(engine.paths.assets_dir()),
    "prior": len(load_prior()),
    "listeners": builtin_names(),
    "demo": len(list((engine.paths.assets_dir() / "demo").glob("*.ogg"))),
}))
"""


def copy_of_the_checkout(target: Path) -> Path:
    """The files git tracks or would track (the working tree's versions), nothing it ignores."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    )  # fmt: skip
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def test_the_wheel_ships_the_prior_the_listeners_and_the_demo_library(tmp_path: Path) -> None:
    source = copy_of_the_checkout(tmp_path / "source")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(source)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-4000:]
    (wheel,) = tmp_path.glob("skipwise-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run(
        [sys.executable, "-I", "-c", RUN_FROM_WHEEL, str(site)],
        cwd=elsewhere, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-4000:]
    found = json.loads(out.stdout)
    assert Path(found["engine"]).is_relative_to(site)
    assert found["assets"] == str(site / "engine" / "assets")
    assert found["prior"] == 42
    assert found["listeners"] == sorted(p.stem for p in (ROOT / "assets" / "listeners").glob("*.json"))
    assert found["demo"] == len(list((ROOT / "assets" / "demo").glob("*.ogg")))
