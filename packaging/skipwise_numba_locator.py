"""A numba cache locator for the frozen app: ``NUMBA_CACHE_DIR``, with sources that live in the bundle.

Numba's own ``UserProvidedCacheLocator`` gives up when the function's source
file does not exist; in a PyInstaller bundle the code object names a path
relative to ``sys._MEIPASS`` and no .py file ships. The cache is still sound:
in a frozen process numba stamps every cache entry with a hash of
``sys.executable``, whose archive holds all the compiled Python code, so an
upgraded app never loads machine code compiled for an older one.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from numba.core import config
from numba.core.caching import UserProvidedCacheLocator


class FrozenCacheDirLocator(UserProvidedCacheLocator):
    @classmethod
    def from_function(cls, py_func: Any, py_file: str) -> FrozenCacheDirLocator | None:
        bundle = getattr(sys, "_MEIPASS", None)
        if not config.CACHE_DIR or bundle is None:
            return None
        self = cls(py_func, os.path.join(bundle, py_file))
        try:
            self.ensure_cache_path()
        except OSError:
            return None
        return self
