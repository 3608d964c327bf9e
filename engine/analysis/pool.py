"""A pool of spawned analysis workers with a timeout per file.

Unlike ``concurrent.futures``, a worker that hangs or crashes costs only its
current file: it is killed or reaped, the file is reported failed with the
reason, a fresh worker takes its place, and the other files go on.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing as mp
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

from engine.analysis.worker import DEFAULT_ANALYSER, worker_main
from engine.paths import cache_dir

DEFAULT_TIMEOUT_S = 120.0
STARTUP_TIMEOUT_S = 300.0  # the first numba compilation of a cold cache takes a while
MAX_STARTUP_FAILURES = 3
_HAS_MASK = hasattr(signal, "pthread_sigmask")  # not on Windows


@dataclass(frozen=True)
class Job:
    track_id: int
    path: str


@dataclass(frozen=True)
class Outcome:
    """The result for one file: values on success, a reason on failure."""

    track_id: int
    path: str
    values: dict[str, float] | None = None
    duration_s: float | None = None
    decoder: str | None = None
    error: str | None = None
    retry: bool = False  # the failure was not the file's fault (killed from outside, no workers): try again


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _Worker:
    def __init__(self, ctx: Any, analyser: str) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=worker_main, args=(child, analyser, str(cache_dir() / "numba")), daemon=True
        )
        _start_without_sigint(self.proc)
        child.close()
        self.started = time.monotonic()
        self.ready = False
        self.job: Job | None = None
        self.job_started = 0.0

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class AnalysisPool:
    """Analyse files in ``workers`` spawned processes."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        analyser: str = DEFAULT_ANALYSER,
    ) -> None:
        self.n_workers = workers or default_workers()
        self.timeout_s = timeout_s
        self.analyser = analyser
        self._ctx = mp.get_context("spawn")
        self._cancelled = False

    def cancel(self) -> None:
        """Stop handing out jobs (callable from another thread); ``run`` returns soon after.

        Files not yet analysed get no outcome: a later run picks them up again.
        """
        self._cancelled = True

    def run(self, jobs: Iterable[Job], on_outcome: Callable[[Outcome], None], *, warm: bool = False) -> float:
        """Analyse every job; ``on_outcome`` is called in this process, once per job.

        With ``warm`` no job is handed out until every worker has warmed up, so
        that a benchmark times the analysis alone. Returns the monotonic time at
        which the first job was handed out.
        """
        queue = collections.deque(jobs)
        first_dispatch = time.monotonic()
        if not queue:
            return first_dispatch
        workers = [_Worker(self._ctx, self.analyser) for _ in range(min(self.n_workers, len(queue)))]
        startup_failures = 0
        dispatched = False
        try:
            while queue or any(w.job for w in workers):
                if self._cancelled:
                    break
                can_dispatch = not warm or dispatched or all(w.ready for w in workers)
                for w in workers:
                    if can_dispatch and w.ready and w.job is None and queue:
                        if not dispatched:
                            dispatched, first_dispatch = True, time.monotonic()
                        w.job = queue.popleft()
                        w.job_started = time.monotonic()
                        w.conn.send((w.job.track_id, w.job.path))
                ready = wait([w.conn for w in workers] + [w.proc.sentinel for w in workers], timeout=0.5)
                for w in list(workers):
                    replace = False
                    if w.conn in ready:
                        try:
                            message = w.conn.recv()
                        except (EOFError, OSError):
                            message = None
                            replace = True
                        if message is not None:
                            self._handle(w, message, on_outcome)
                    now = time.monotonic()
                    if not replace and not w.proc.is_alive():
                        replace = True
                    if replace:
                        if not w.ready:
                            startup_failures += 1
                        w.proc.join(2)  # a closed pipe can be seen before the exit code is reaped
                        code = w.proc.exitcode
                        # SIGKILL comes from outside (the out-of-memory killer, a user): not this file's fault
                        self._fail(w, f"analysis worker crashed ({_exit(code)})", on_outcome,
                                   retry=code == -signal.SIGKILL)  # fmt: skip
                    elif w.job is not None and now - w.job_started > self.timeout_s:
                        self._fail(w, f"analysis timed out after {self.timeout_s:g} s", on_outcome)
                        replace = True
                    elif not w.ready and now - w.started > STARTUP_TIMEOUT_S:
                        startup_failures += 1
                        replace = True
                    if replace:
                        w.kill()
                        workers.remove(w)
                        if startup_failures >= MAX_STARTUP_FAILURES:
                            reason = "analysis workers cannot start (see the log above)"
                            while queue:
                                job = queue.popleft()
                                on_outcome(Outcome(job.track_id, job.path, error=reason, retry=True))
                        if queue:
                            workers.append(_Worker(self._ctx, self.analyser))
        finally:
            for w in workers:
                with contextlib.suppress(OSError):
                    w.conn.send(None)
            for w in workers:
                w.proc.join(2)
                w.kill()
        return first_dispatch

    @staticmethod
    def _handle(w: _Worker, message: tuple, on_outcome: Callable[[Outcome], None]) -> None:
        kind = message[0]
        if kind == "ready":
            w.ready = True
            return
        job, w.job = w.job, None
        path = job.path if job else ""
        if kind == "ok":
            _, track_id, values, duration_s, decoder = message
            on_outcome(Outcome(track_id, path, values=values, duration_s=duration_s, decoder=decoder))
        else:
            _, track_id, reason = message
            on_outcome(Outcome(track_id, path, error=reason))

    @staticmethod
    def _fail(w: _Worker, reason: str, on_outcome: Callable[[Outcome], None], *, retry: bool = False) -> None:
        if w.job is not None:
            on_outcome(Outcome(w.job.track_id, w.job.path, error=reason, retry=retry))
            w.job = None


def _start_without_sigint(proc: Any) -> None:
    """Start ``proc`` ignoring SIGINT, so that a Ctrl-C while it starts up cannot kill it with a
    traceback: a spawned child inherits the ignored signal (``worker_main`` keeps it ignored).
    The parent stops its workers itself when it is interrupted. Only the main thread may
    change a signal's handler; a scan on another thread (the player's) is not Ctrl-C'd."""
    if threading.current_thread() is not threading.main_thread():
        proc.start()
        return
    # Blocked meanwhile, a Ctrl-C in the parent stays pending (Linux never drops a blocked
    # signal as ignored) and is delivered, to the restored handler, when unblocked; unless the
    # kernel hands it to another thread (BLAS's) in these few milliseconds, where it is lost.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if _HAS_MASK else None
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        proc.start()
    finally:
        signal.signal(signal.SIGINT, previous)
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _exit(code: int | None) -> str:
    if code is None:
        return "no exit code"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
