"""Work off the GUI thread, in the shape of Anki's ``QueryOp``::

    BackgroundOp(parent, op, success).failure(on_error).run_in_background()

``op`` runs on a worker thread and may call the ``report`` it is given with
progress (any object); ``success`` gets its result, ``failure`` the error's
text, and progress reaches ``on_progress``, all on the GUI thread (queued
signals). An op that raises never takes the player down: its failure is a
message. ``op`` must open its own database connection: SQLite connections stay
on the thread that made them.

:class:`Coalesced` runs one kind of op at most once at a time, and once more
after it when asked again meanwhile (refreshes that pile up during a scan).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QThread, Signal

T = TypeVar("T")
Report = Callable[[Any], None]


class _Worker(QThread):
    done = Signal(object)
    failed = Signal(str)
    progressed = Signal(object)

    def __init__(self, op: Callable[[Report], Any], parent: QObject) -> None:
        super().__init__(parent)
        self._op = op

    def run(self) -> None:
        try:
            self.done.emit(self._op(self.progressed.emit))
        except Exception as exc:  # background work must not take the player down; say what went wrong
            self.failed.emit(f"{type(exc).__name__}: {exc}")


class BackgroundOp(QObject, Generic[T]):
    """One piece of work on a worker thread, its result handed back to the GUI thread."""

    def __init__(self, parent: QObject, op: Callable[[Report], T], success: Callable[[T], None]) -> None:
        super().__init__(parent)
        self._op = op
        self._success = success
        self._failure: Callable[[str], None] | None = None
        self._progress: Callable[[Any], None] | None = None
        self._worker: _Worker | None = None

    def failure(self, on_failure: Callable[[str], None]) -> BackgroundOp[T]:
        self._failure = on_failure
        return self

    def on_progress(self, on_progress: Callable[[Any], None]) -> BackgroundOp[T]:
        self._progress = on_progress
        return self

    def run_in_background(self) -> BackgroundOp[T]:
        worker = _Worker(self._op, self)
        worker.done.connect(self._finished_with)
        worker.failed.connect(self._failed_with)
        if self._progress is not None:
            worker.progressed.connect(self._progress)
        self._worker = worker
        worker.start()
        return self

    def running(self) -> bool:
        return self._worker is not None and self._worker.isRunning()

    def wait(self, timeout_ms: int | None = None) -> bool:
        """Block until the work is over (or ``timeout_ms`` passed); whether it is over."""
        if self._worker is None:
            return True
        return self._worker.wait() if timeout_ms is None else self._worker.wait(timeout_ms)

    def _finished_with(self, result: T) -> None:
        self._retire()
        self._success(result)

    def _failed_with(self, reason: str) -> None:
        self._retire()
        if self._failure is not None:
            self._failure(reason)

    def _retire(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.wait()  # the signal came from its last line: this returns at once
            worker.deleteLater()
        self.deleteLater()


class Coalesced(QObject, Generic[T]):
    """One kind of background op, run at most once at a time; asked again meanwhile, once more after.

    ``success`` and ``failure`` are called on the GUI thread as for
    :class:`BackgroundOp`; while they run, :meth:`pending` says whether
    another run follows.
    """

    def __init__(
        self,
        parent: QObject,
        op: Callable[[Report], T],
        success: Callable[[T], None],
        failure: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self._op, self._success, self._failure = op, success, failure
        self._running: BackgroundOp[T] | None = None
        self._again = False
        self._closed = False

    def request(self) -> None:
        if self._closed:
            return
        if self._running is not None:
            self._again = True
            return
        self._again = False
        self._running = BackgroundOp(self, self._op, self._succeeded).failure(self._failed)
        self._running.run_in_background()

    def pending(self) -> bool:
        return self._again

    def busy(self) -> bool:
        return self._running is not None

    def close(self) -> None:
        """No more runs; wait for the one running, whose result still arrives later (a queued signal)."""
        self._again = False
        self._closed = True
        if self._running is not None:
            self._running.wait()

    @property
    def closed(self) -> bool:
        return self._closed

    def _succeeded(self, result: T) -> None:
        self._running = None
        self._success(result)
        self._next()

    def _failed(self, reason: str) -> None:
        self._running = None
        self._failure(reason)
        self._next()

    def _next(self) -> None:
        if self._again:
            self.request()
