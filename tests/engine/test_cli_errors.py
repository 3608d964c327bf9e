"""Mistakes on the command line get a clear message, exit status 2, and leave nothing behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.launcher import main as launcher_main
from engine.cli.main import main

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


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs util-linux setpriv")
def test_a_read_only_database_is_not_called_damaged() -> None:
    base = Path(tempfile.mkdtemp(prefix="skipwise-ro-"))  # pytest's tmp_path is private to root
    folder = base / "shared"
    folder.mkdir()
    make = [sys.executable, "-m", "app.launcher", "profile", "reset", "--db", str(folder / "lib.db")]
    subprocess.run(make, capture_output=True, cwd=ROOT, check=True)  # closed again: no -wal, -shm left
    os.chmod(base, 0o777)
    os.chmod(folder, 0o555)
    os.chmod(folder / "lib.db", 0o444)
    cmd = [sys.executable, "-m", "app.launcher", "tracks", "--db", str(folder / "lib.db")]
    if os.geteuid() == 0:  # root writes anywhere: run as nobody
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    env = {**os.environ, "SKIPWISE_HOME": str(base / "nobody-home"), "PYTHONPATH": str(ROOT)}
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(base, ignore_errors=True)
    assert out.returncode == 2, out.stderr
    assert "its file is read-only" in out.stderr and "not a usable" not in out.stderr


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
