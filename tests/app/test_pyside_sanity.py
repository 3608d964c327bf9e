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


def test_media_player_slots_that_rebuild_the_ffmpeg_pipeline_run_without_the_gil() -> None:
    """stop/play/pause/setPosition held the GIL and could deadlock with the audio thread (app/audio.py)."""
    import ast
    from pathlib import Path

    source = (Path(__file__).parents[2] / "app" / "audio.py").read_text()
    direct = [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"stop", "play", "pause", "setPosition"}
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "_player"
    ]
    assert direct == [], f"call these through AudioPlayer._call (lines {direct})"
    assert "QMetaObject.invokeMethod(self._player" in source
