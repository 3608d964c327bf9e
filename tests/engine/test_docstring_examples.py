"""The runnable examples in the engine's docstrings run with the suite, so they cannot go stale."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "engine"
WITH_EXAMPLES = sorted(
    ".".join(path.relative_to(ENGINE.parent).with_suffix("").parts)
    for path in ENGINE.rglob("*.py")
    if ">>> " in path.read_text(encoding="utf-8")
)


def test_the_engine_has_examples_to_run() -> None:
    assert "engine.learner.learner" in WITH_EXAMPLES


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0, result
