"""Guards against a PySide6 release that would crash a long listening session.

PySide6 6.12.0 returned ``True`` from ``Signal.emit()`` without taking a
reference, so each emit from Python (the player emits several a second)
brought ``True`` closer to being freed, and the app died with "bool_dealloc"
after some thousands of them. pyproject.toml excludes that release; this test
fails clearly on any other release that does the same.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    number = Signal(int)
    flag = Signal(bool)


def test_emitting_signals_does_not_leak_references_to_true(qtbot: Any) -> None:
    e = _Emitter()
    e.number.connect(lambda _n: None)
    e.flag.connect(lambda _b: None)
    before = sys.getrefcount(True)
    for i in range(100):
        e.number.emit(i)
        e.flag.emit(i % 2 == 0)
    assert sys.getrefcount(True) - before > -10, "this PySide6 release frees True a little at every emit"
