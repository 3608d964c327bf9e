"""The analysis worker process: warm up once, then analyse one file per request.

It talks to its parent over one pipe: it sends ``("ready",)`` after warming
up, then for every ``(track_id, path)`` it receives it answers
``("ok", track_id, values, duration_s, decoder)`` or
``("error", track_id, reason)``. ``None`` asks it to stop.
"""

from __future__ import annotations

import importlib
import os
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

DEFAULT_ANALYSER = "engine.features.extract:analyse_file"


def load_analyser(spec: str) -> tuple[Callable[..., Any], Callable[[], None] | None]:
    """``module:function`` -> (analyse, warm_up of that module if it has one)."""
    module_name, _, func = spec.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, func), getattr(module, "warm_up", None)


def worker_main(conn: Connection, analyser: str, numba_cache: str) -> None:
    # Ctrl-C reaches the whole process group; the parent stops the workers itself, and a
    # KeyboardInterrupt here would only print a traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # numba caches compiled code per process unless told where to keep it
    os.environ["NUMBA_CACHE_DIR"] = numba_cache
    os.makedirs(numba_cache, exist_ok=True)
    analyse, warm_up = load_analyser(analyser)
    if warm_up is not None:
        warm_up()
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        track_id, path = job
        try:
            result = analyse(path)
            conn.send(("ok", track_id, dict(result.values), float(result.duration_s), str(result.decoder)))
        except Exception as exc:
            conn.send(("error", track_id, _reason(exc)))


def _reason(exc: Exception) -> str:
    name = type(exc).__name__
    text = str(exc).strip()
    if name in ("DecodeError", "AnalysisError"):
        return text or name
    if isinstance(exc, FileNotFoundError):
        return "file disappeared before it was analysed"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, MemoryError):
        return "out of memory while analysing"
    return f"analysis failed: {name}: {text}"[:300]
