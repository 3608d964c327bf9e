"""Runtime hook: let numba's on-disk cache work in the frozen app, in the folder the worker chooses.

A frozen module's code names its file relative to the bundle
("engine/features/medfilt.py"), so numba's locator for ``NUMBA_CACHE_DIR``,
which needs the source file to exist, refuses it and numba falls back to its own
user-wide folder. The locator named here resolves such names inside the bundle.
Runs in every process of the frozen app (workers too) before numba is imported.
"""

import os

os.environ.setdefault(
    "NUMBA_CACHE_LOCATOR_CLASSES", "skipwise_numba_locator.FrozenCacheDirLocator,UserWideCacheLocator"
)
