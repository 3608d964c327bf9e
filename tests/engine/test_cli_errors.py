"""Mistakes on the command line get a clear message, exit status 2, and leave nothing behind."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.launcher import main as launcher_main
from engine.cli.main import main
from tests.as_a_user import can_run_as_nobody, skipwise_as_a_user

ROOT = Path(__file__).parents[2]


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKIPWISE_HOME", str(tmp_path / "home"))


@pytest.mark.parametrize(
    "argv",
    [["tracks"], ["plays"], ["profile", "show"], ["profile", "export", "out.json"], ["profile", "undo"]],
)
def test_a_command_that_only_reads_refuses_a_mistyped_db_and_creates_nothing(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "libary.db"
    assert main([*argv, "--db", str(typo)]) == 2
    assert f"no database at {typo}" in capsys.readouterr().err
    assert not typo.exists()


def test_simulate_on_a_mistyped_db_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "typo.db"
    argv = ["simulate", "--db", str(typo), "--listener", "steady", "--events", "200", "--seeds", "1"]
    assert main(argv) == 2
    assert "no database at" in capsys.readouterr().err and not typo.exists()


def test_scanning_a_folder_that_does_not_exist_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(tmp_path / "Musik"), "--db", str(tmp_path / "x.db")]) == 2
    assert f"no such file or folder: {tmp_path / 'Musik'}" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "-1", "nan"])
def test_a_timeout_must_be_positive(value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(tmp_path), "--timeout", value, "--db", str(tmp_path / "x.db")]) == 2
    assert "--timeout must be more than 0 seconds" in capsys.readouterr().err


def test_db_given_before_the_subcommand_goes_to_the_subcommand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "lib.db"
    assert main(["profile", "reset", "--db", str(db)]) == 0
    capsys.readouterr()
    assert launcher_main(["--db", str(db), "plays", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"
    assert launcher_main([f"--db={db}", "profile", "show"]) == 0
    assert "mood" in capsys.readouterr().out


def test_a_db_that_is_a_folder_or_under_a_file_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["profile", "reset", "--db", str(tmp_path)]) == 2
    assert "is a folder, not a database file" in capsys.readouterr().err
    (tmp_path / "afile").write_text("x")
    assert main(["profile", "reset", "--db", str(tmp_path / "afile" / "x.db")]) == 2
    assert "cannot create the folder of the database" in capsys.readouterr().err


def _library(path: Path) -> Path:
    """A real library database, made and closed by another process."""
    make = [sys.executable, "-m", "app.launcher", "profile", "reset", "--db", str(path)]
    subprocess.run(make, capture_output=True, cwd=ROOT, check=True)
    return path


@pytest.mark.skipif(os.geteuid() == 0 and not can_run_as_nobody(), reason="needs util-linux setpriv, unshare")
def test_a_read_only_database_is_not_called_damaged() -> None:
    base = Path(tempfile.mkdtemp(prefix="skipwise-ro-"))  # pytest's tmp_path is private to root
    folder = base / "shared"
    folder.mkdir()
    _library(folder / "lib.db")  # closed again: no -wal, -shm left
    os.chmod(base, 0o777)
    os.chmod(folder, 0o555)
    os.chmod(folder / "lib.db", 0o444)
    try:
        out = skipwise_as_a_user("tracks", "--db", str(folder / "lib.db"), home=base / "nobody-home")
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(base, ignore_errors=True)
    assert out.returncode == 2, out.stderr
    assert "its file is read-only" in out.stderr and "not a usable" not in out.stderr


def test_a_busy_database_is_said_to_be_busy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import engine.store.db

    db = _library(tmp_path / "lib.db")
    monkeypatch.setattr(engine.store.db, "BUSY_TIMEOUT_S", 0.2)
    other = sqlite3.connect(db)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        assert main(["profile", "reset", "--db", str(db)]) == 2
    finally:
        other.rollback()
        other.close()
    assert f"the database {db} is busy" in capsys.readouterr().err


def test_a_damaged_database_is_said_to_be_damaged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _library(tmp_path / "lib.db")
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = random.Random(1).randbytes(len(data) - page)  # every page but the first
    db.write_bytes(bytes(data))
    for argv in (["tracks"], ["plays"], ["profile", "show"]):
        assert main([*argv, "--db", str(db)]) == 2
        err = capsys.readouterr().err
        assert f"the database {db} is damaged" in err and ".recover" in err, err


@pytest.mark.skipif(os.geteuid() == 0 and not can_run_as_nobody(), reason="needs util-linux setpriv, unshare")
def test_a_folder_the_user_may_not_enter_is_a_message_not_a_traceback() -> None:
    base = Path(tempfile.mkdtemp(prefix="skipwise-perm-"))
    locked = base / "locked"
    locked.mkdir(mode=0o700)
    os.chmod(base, 0o755)
    if os.geteuid() != 0:  # as root, skipwise_as_a_user runs it as nobody, whom 0700 keeps out
        os.chmod(locked, 0)
    try:
        out = skipwise_as_a_user("tracks", "--db", str(locked / "lib.db"), home=base / "home")
    finally:
        os.chmod(locked, 0o700)
        shutil.rmtree(base, ignore_errors=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert f"Permission denied: {locked / 'lib.db'}" in out.stderr, out.stderr


def test_a_full_disk_under_the_output_is_a_message(tmp_path: Path) -> None:
    db = _library(tmp_path / "lib.db")
    with open("/dev/full", "w") as full:
        out = subprocess.run(
            [sys.executable, "-m", "app.launcher", "plays", "--db", str(db), "--json"],
            stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT, check=False,
        )  # fmt: skip
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert "No space left on device" in out.stderr


def test_exporting_the_profile_over_the_database_itself_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _library(tmp_path / "lib.db")
    before = db.read_bytes()
    (tmp_path / "link.json").symlink_to(db)
    for target in (db, tmp_path / "link.json", tmp_path / "." / "lib.db"):
        assert main(["profile", "export", str(target), "--db", str(db)]) == 2
        assert "is the database itself" in capsys.readouterr().err
    assert db.read_bytes() == before
    assert main(["profile", "show", "--db", str(db)]) == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plays", "--limit", "-1"], "--limit: -1: must be at least 1"),
        (["plays", "--limit", "99999999999999999999999"], "must be at least 1"),
        (["plays", "--limit", "ten"], "'ten' is not a whole number"),
        (["scan", ""], "argument DIR: an empty path"),
        (["tracks", "--db", ""], "argument --db: an empty path"),
        (["demo", "--synthetic", "1"], "--synthetic: 1: must be at least 2"),
        (["demo", "--delay", "nan"], "--delay: nan: must be from 0 to 60"),
        (["bench", "listeners", "--events", "50"], "--events: 50: must be at least 101"),
        (["bench", "listeners", "--untuned-seed", "-1"], "must be at least 0"),
        (["simulate", "--listener", "steady", "--exploration", "inf"], "--exploration: inf: must be from"),
        (["simulate", "--listener", "steady", "--library-seed", "-1"], "-1: must be at least 0"),
    ],
)
def test_numbers_out_of_range_are_refused_by_name(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2 and message in capsys.readouterr().err


def test_strategies_that_name_none_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--listener", "steady", "--strategies", ",", "--events", "150"]) == 2
    assert "--strategies names none" in capsys.readouterr().err


def test_text_output_shows_control_characters_in_names_as_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    music = tmp_path / "music"
    music.mkdir()
    forged = "x\n  failed: forged line\x1b]0;pwned\x07.mp3"
    (music / forged).write_text("not audio")  # fails, so it is printed by scan and by tracks
    db = str(tmp_path / "lib.db")
    assert main(["scan", str(music), "--db", db, "--no-analysis"]) == 0
    assert main(["tracks", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert not [line for line in out.splitlines() if line.startswith("  failed: forged")]
    assert "x\\n  failed: forged line\\x1b]0;pwned\\x07.mp3" in out


def test_an_endless_file_is_not_imported_as_a_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _library(tmp_path / "lib.db")
    assert main(["profile", "import", "/dev/zero", "--db", str(db)]) == 2
    assert "larger than 16 MB: not a profile" in capsys.readouterr().err


def test_the_launcher_knows_every_subcommand() -> None:
    import argparse

    from app.launcher import COMMANDS
    from engine.cli.main import build_parser

    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(COMMANDS) == set(sub.choices)


def test_a_strategy_named_twice_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", "--synthetic", "60", "--listener", "steady", "--strategies", "shuffle,shuffle"]
    assert main(argv) == 2
    assert "names one twice" in capsys.readouterr().err
