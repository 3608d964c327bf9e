"""Work off the GUI thread (app/background.py): results, failures and progress come back in order."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, QThread
from pytestqt.qtbot import QtBot

from app.background import BackgroundOp, Coalesced
from tests.app.conftest import WAIT_MS


def test_the_result_comes_back_on_the_gui_thread_with_the_progress_before_it(qtbot: QtBot) -> None:
    parent = QObject()
    seen: list[Any] = []
    gui = QThread.currentThread()

    def op(report: Any) -> int:
        worker = threading.get_ident()
        for i in range(3):
            report(i)
        return worker

    def success(worker: int) -> None:
        seen.append(("done", worker != threading.get_ident(), QThread.currentThread() is gui))

    BackgroundOp(parent, op, success).on_progress(seen.append).run_in_background()
    qtbot.waitUntil(lambda: len(seen) == 4, timeout=WAIT_MS)
    assert seen == [0, 1, 2, ("done", True, True)], "ran on another thread, handed back to this one"


def test_a_failure_is_a_message_not_a_crash(qtbot: QtBot) -> None:
    parent = QObject()
    failures: list[str] = []

    def op(report: Any) -> None:
        raise OSError("disk on fire")

    op_ = BackgroundOp(parent, op, lambda _: failures.append("success?")).failure(failures.append)
    op_.run_in_background()
    qtbot.waitUntil(lambda: bool(failures), timeout=WAIT_MS)
    assert failures == ["OSError: disk on fire"]


def test_requests_while_one_runs_make_one_more_run_not_many(qtbot: QtBot) -> None:
    parent = QObject()
    gate = threading.Event()
    runs: list[int] = []
    results: list[tuple[int, bool]] = []

    def op(report: Any) -> int:
        gate.wait(WAIT_MS / 1000)
        runs.append(len(runs))
        return runs[-1]

    refreshes: Coalesced[int] = Coalesced(
        parent,
        op,
        lambda n: results.append((n, refreshes.pending())),
        results.append,  # type: ignore[arg-type]
    )
    refreshes.request()
    for _ in range(5):
        refreshes.request()  # while the first one waits at the gate
    assert refreshes.busy() and refreshes.pending()
    gate.set()
    qtbot.waitUntil(lambda: len(results) == 2 and not refreshes.busy(), timeout=WAIT_MS)
    assert results == [(0, True), (1, False)], "the first knew another followed; the second was the last"
    refreshes.close()
    refreshes.request()
    assert not refreshes.busy(), "closed: no more runs"
