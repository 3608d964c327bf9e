"""The one thing pyproject.toml cannot say: ship ``assets/`` inside the wheel.

``assets/`` sits at the top of the repository (beside ``app/`` and ``engine/``),
which package data cannot reach. A regular (non-editable) build copies it to
``engine/assets`` in the wheel, where ``engine.paths.assets_dir()`` looks first;
an editable install and the source tree keep using the top-level folder.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ASSETS = Path(__file__).resolve().parent / "assets"


class BuildPyWithAssets(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            shutil.copytree(ASSETS, Path(self.build_lib) / "engine" / "assets", dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithAssets})
