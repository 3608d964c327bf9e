"""Atomic writes: the new text replaces the old in one rename, with the permissions a user expects."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from engine.atomic import write_text_atomic


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_readable_by_others_and_an_old_one_keeps_its_mode(tmp_path: Path) -> None:
    new = tmp_path / "sub" / "export.json"
    write_text_atomic(new, "one")
    assert new.read_text() == "one" and _mode(new) == 0o644, "not mkstemp's private 0600"
    os.chmod(new, 0o600)
    write_text_atomic(new, "two")
    assert new.read_text() == "two" and _mode(new) == 0o600
    assert [p.name for p in new.parent.iterdir()] == ["export.json"], "no temporary file left"


def test_a_path_under_a_file_raises_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    with pytest.raises(OSError):
        write_text_atomic(tmp_path / "a-file" / "x.json", "text")
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "profiles" / "mine.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "current.json"
    link.symlink_to(real)
    write_text_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["mine.json"], "no temporary file left there"


def test_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so that opening it for writing does not wait
    try:
        write_text_atomic(fifo, "through the pipe")
        assert os.read(reader, 100) == b"through the pipe"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.lstat().st_mode), "still a pipe, not a plain file renamed over it"
