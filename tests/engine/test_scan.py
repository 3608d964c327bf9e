"""Scanning a messy collection: every file gets a track or a clear reason, and nothing stops the scan."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import sqlite_utils

from engine.features.version import EXTRACTOR_VERSION
from engine.library.scan import Scanner
from engine.store.db import open_db, transaction
from engine.store.pathcodec import from_db
from engine.store.scanning import list_tracks
from tests.as_a_user import can_run_as_nobody, skipwise_as_a_user
from tests.engine.corpus import FORMATS, make_audio

ROOT = Path(__file__).parents[2]
STUB = "tests.engine.analysers:by_name"


def _scanner(db: sqlite_utils.Database, **kwargs: object) -> Scanner:
    return Scanner(db, workers=2, analyser=STUB, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def formats(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formats")
    for i, fmt in enumerate(FORMATS):
        make_audio(
            folder / f"{i:02d} - Tone_{fmt}.{fmt}",
            freq=220 + 40 * i,
            tags={
                "title": f"Tone {fmt}",
                "artist": "Sine Band",
                "album": "Tones",
                "track": str(i + 1),
                "disc": f"{1 + i % 2}/2",
            },
        )
    return folder


def test_every_format_is_found_and_tagged(formats: Path, db: sqlite_utils.Database) -> None:
    result = _scanner(db).scan([formats])
    assert (result.files, result.added, result.analysed, result.failed) == (8, 8, 8, [])
    tracks = {Path(t["path"]).suffix: t for t in list_tracks(db)}
    assert set(tracks) == {f".{f}" for f in FORMATS}
    for fmt in ("mp3", "flac", "ogg", "opus", "m4a", "wma"):
        t = tracks[f".{fmt}"]
        assert (t["title"], t["artist"], t["album"]) == (f"Tone {fmt}", "Sine Band", "Tones")
        i = list(FORMATS).index(fmt)
        assert (t["track_number"], t["disc_number"]) == (i + 1, 1 + i % 2)
        assert t["duration"] == pytest.approx(3.0, abs=0.1)
    assert tracks[".wav"]["title"] == "Tone wav", "untagged files are titled from the file name"


def test_a_file_named_twice_is_one_track(formats: Path, db: sqlite_utils.Database) -> None:
    """``scan ~/Music ~/Music/song.mp3``, the same folder twice, a folder and its subfolder."""
    one = next(formats.glob("*.ogg"))
    result = _scanner(db).scan([formats, one, formats, one])
    assert (result.files, result.added, result.failed) == (8, 8, [])
    again = _scanner(db).scan([one, formats])
    assert (again.files, again.unchanged) == (8, 8)


def test_tags_stored_by_an_older_reader_are_read_again_and_the_features_kept(
    formats: Path, db: sqlite_utils.Database
) -> None:
    assert _scanner(db).scan([formats]).analysed == 8
    features = db.execute("SELECT * FROM features ORDER BY track_id").fetchall()
    discs = {t["path"]: t["disc_number"] for t in list_tracks(db)}
    assert set(discs.values()) == {1, 2, None}, "the wav file has no tags"
    with transaction(db.conn):  # as an older Skipwise stored them: no disc numbers
        db.conn.execute("UPDATE tracks SET tags_version = 0, disc_number = NULL")
    again = _scanner(db).scan([formats])
    assert (again.files, again.unchanged, again.retagged, again.updated, again.analysed) == (8, 8, 8, 0, 0)
    assert db.execute("SELECT * FROM features ORDER BY track_id").fetchall() == features, "not analysed again"
    assert {t["path"]: t["disc_number"] for t in list_tracks(db)} == discs
    assert _scanner(db).scan([formats]).retagged == 0, "once"


def test_two_scans_started_together_on_a_new_library_both_finish(formats: Path, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    for copy in range(10):  # enough files that both scans read tags before either stores them
        shutil.copytree(formats, lib / f"copy-{copy}")
    for attempt in range(3):
        db = tmp_path / f"together-{attempt}.db"
        cmd = [sys.executable, "-m", "app.launcher", "scan", str(lib), "--db", str(db), "--no-analysis"]
        pipe = subprocess.PIPE
        scans = [subprocess.Popen(cmd, cwd=ROOT, stdout=pipe, stderr=pipe) for _ in "ab"]
        outs = [scan.communicate() for scan in scans]
        assert [scan.returncode for scan in scans] == [0, 0], [err.decode()[-2000:] for _, err in outs]
        assert sqlite3.connect(db).execute("SELECT count(*) FROM tracks").fetchone()[0] == 80


def test_unchanged_files_are_not_read_again_and_vanished_ones_are_kept_as_missing(
    formats: Path, tmp_path: Path, db: sqlite_utils.Database
) -> None:
    lib = tmp_path / "lib"
    shutil.copytree(formats, lib)
    first = _scanner(db).scan([lib])
    assert first.added == 8
    again = _scanner(db).scan([lib])
    assert (again.added, again.updated, again.unchanged, again.analysed) == (0, 0, 8, 0)
    gone = next(lib.glob("*.flac"))
    moved = tmp_path / gone.name
    gone.rename(moved)
    (lib / "00 - Tone_mp3.mp3").write_bytes((formats / "00 - Tone_mp3.mp3").read_bytes() + b"\0" * 10)
    third = _scanner(db).scan([lib])
    assert (third.updated, third.missing, third.analysed) == (1, 1, 1)
    rows = {Path(from_db(r["path"])).name: r for r in db.query("SELECT path, status FROM tracks")}
    assert rows[gone.name]["status"] == "missing", "never deleted"
    db.execute("INSERT INTO plays (track_id, session_id, started_at, hour, listened_ms, position_ms,"
               " duration_ms, ended, label_kind) SELECT id, 's', 1, 1, 1, 1, 1, 'end', 'play_through'"
               " FROM tracks WHERE status = 'missing'")  # fmt: skip
    db.conn.commit()
    moved.rename(gone)
    fourth = _scanner(db).scan([lib])
    assert (fourth.updated, fourth.missing) == (1, 0), "the drive came back"
    assert db.execute("SELECT count(*) FROM plays").fetchone()[0] == 1


@pytest.fixture
def messy(tmp_path: Path, formats: Path) -> Path:
    lib = tmp_path / "messy"
    lib.mkdir()
    good = formats / "02 - Tone_ogg.ogg"
    (lib / "zero.mp3").write_bytes(b"")
    (lib / "random.ogg").write_bytes(os.urandom(4096)[1:] + b"")
    (lib / "notes.m4a").write_text("this is not a song\n" * 20)
    data = (formats / "00 - Tone_mp3.mp3").read_bytes()
    (lib / "truncated.mp3").write_bytes(data[: len(data) // 3])
    (lib / "corrupt-id3.mp3").write_bytes(b"ID3\x04\x00\x00\xff\xff\xff\xff" + data[10:])
    shutil.copy(formats / "01 - Tone_flac.flac", lib / "really-flac.mp3")
    shutil.copy(good, lib / "no-extension")
    shutil.copy(good, lib / "🎵 emoji song.ogg")
    os.symlink(b"/nowhere/at/all.ogg", os.fsencode(lib / "dangling.ogg"))
    (lib / "sub").mkdir()
    os.symlink(lib, lib / "sub" / "loop")
    latin1 = os.path.join(os.fsencode(lib), b"caf\xe9.ogg")
    with open(latin1, "wb") as f:
        f.write(good.read_bytes())
    untagged = os.path.join(os.fsencode(lib), b"na\xefve untagged.wav")  # its title comes from that name
    with open(untagged, "wb") as f:
        f.write((formats / "05 - Tone_wav.wav").read_bytes())
    with open(os.path.join(os.fsencode(lib), b"empty \xff.flac"), "wb"):
        pass
    make_audio(lib / "huge-track-number.mp3", tags={"title": "Huge", "track": "9" * 30, "date": "1" * 25})
    (lib / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 100)
    return lib


def test_a_messy_folder_gets_a_track_or_a_reason_for_every_file(
    messy: Path, db: sqlite_utils.Database
) -> None:
    result = _scanner(db).scan([messy])
    reasons = {Path(f.path).name: f.reason for f in result.failed}
    assert reasons["zero.mp3"] == "empty file (0 bytes)"
    assert reasons["notes.m4a"] == "not an audio file (text)"
    assert reasons["dangling.ogg"] == "dangling symlink"
    assert reasons["empty \udcff.flac"] == "empty file (0 bytes)"
    assert "random.ogg" in reasons
    tracks = {Path(t["path"]).name: t for t in list_tracks(db)}
    for name in ("really-flac.mp3", "no-extension", "🎵 emoji song.ogg", "caf\udce9.ogg", "corrupt-id3.mp3"):
        assert tracks[name]["status"] == "ok", name
        assert tracks[name]["features"], f"{name} was analysed"
    assert "cover.jpg" not in tracks
    assert tracks["na\udcefve untagged.wav"]["title"] == "na\ufffdve untagged", "stored readable"
    assert tracks["empty \udcff.flac"]["title"] == "empty \ufffd.flac"
    huge = db.execute(
        "SELECT title, track_number, year, status FROM tracks WHERE path LIKE '%huge-track-number.mp3'"
    ).fetchone()
    assert huge == ("Huge", None, None, "ok"), "a junk number is dropped, the file kept"
    assert sum(1 for t in tracks if t.startswith("truncated")) == 1
    json.dumps(result.to_json())  # undecodable names still print


def test_a_file_deleted_during_the_scan_is_reported_and_the_scan_goes_on(
    formats: Path, tmp_path: Path, db: sqlite_utils.Database
) -> None:
    lib = tmp_path / "vanishing"
    shutil.copytree(formats, lib)
    victim = lib / "07 - Tone_wma.wma"

    def delete_midway(stage: str, done: int, total: int) -> None:
        if stage == "tags" and victim.exists():
            victim.unlink()

    result = _scanner(db, progress=delete_midway).scan([lib])
    assert [(Path(f.path).name, f.reason) for f in result.failed] == [
        ("07 - Tone_wma.wma", "file disappeared during the scan")
    ]
    assert result.analysed == 7


def test_a_killed_scan_resumes_without_analysing_anything_twice(
    formats: Path, tmp_path: Path, db: sqlite_utils.Database
) -> None:
    lib = tmp_path / "resume"
    shutil.copytree(formats, lib)
    _scanner(db, analyse=False).scan([lib])
    ids = [r["id"] for r in db.query("SELECT id FROM tracks ORDER BY id")]
    db.execute(
        "INSERT INTO features (track_id, extractor_version, analysed_at) VALUES (?, ?, 0)",
        [ids[0], EXTRACTOR_VERSION],
    )
    db.conn.commit()
    result = _scanner(db).scan([lib])
    assert result.analysed == 7, "only what the first run had not finished"
    assert _scanner(db).scan([lib]).analysed == 0


def test_a_file_killed_from_outside_is_analysed_again_and_a_timeout_only_when_asked(
    formats: Path, tmp_path: Path, db: sqlite_utils.Database
) -> None:
    lib = tmp_path / "retry"
    lib.mkdir()
    for name in ("fine.ogg", "crash.ogg", "hang.ogg"):  # the stub analyser acts on the name
        shutil.copy(formats / "02 - Tone_ogg.ogg", lib / name)
    jobs: list[int] = []

    def count_jobs(stage: str, done: int, total: int) -> None:
        if stage == "analysis" and done == 1:
            jobs.append(total)

    def scan(**kwargs: object) -> dict[str, str]:
        result = _scanner(db, timeout_s=2.0, progress=count_jobs, **kwargs).scan([lib])
        return {Path(f.path).name: f.reason for f in result.failed}

    failed = {
        "crash.ogg": "analysis worker crashed (killed by SIGKILL)",
        "hang.ogg": "analysis timed out after 2 s",
    }
    assert scan() == failed
    assert scan() == failed and jobs[-1] == 1, "the killed one is tried again, the timeout remembered"
    assert scan(retry_failed=True) == failed and jobs[-1] == 2, "--retry-failed tries the timeout again"
    assert jobs == [3, 1, 2]


def _workers_started(pid: int, n: int) -> bool:
    """``n`` analysis workers run under ``pid`` and it handles SIGINT again (see ``_start_without_sigint``).

    Counted from /proc: the children whose command line is multiprocessing's
    spawn (not its resource tracker), and the parent's mask of ignored signals.
    """
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        workers = sum(b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes() for c in children)
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    ignored = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:")), 16)
    return workers >= n and not ignored & (1 << (signal.SIGINT - 1))


def test_ctrl_c_during_a_scan_stops_cleanly_and_the_next_scan_resumes(formats: Path, tmp_path: Path) -> None:
    """SIGINT to the whole process group, as a terminal sends it, once the analysis has started.

    (A Ctrl-C in the few milliseconds a worker takes to start can be lost: see
    ``engine.analysis.pool._start_without_sigint``.)
    """
    db_path = tmp_path / "interrupted.db"
    env = {**os.environ, "SKIPWISE_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "app.launcher", "scan", str(formats), "--db", str(db_path)]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # As in a terminal: a job started in the background (CI runners, `make test &`) inherits
        # SIGINT ignored, and so would the scan.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    tracks = 0
    for _ in range(1200):  # a safety net of two minutes, not a measurement
        if db_path.exists():
            with contextlib.closing(sqlite3.connect(db_path)) as conn, contextlib.suppress(sqlite3.Error):
                tracks = conn.execute("SELECT count(*) FROM tracks").fetchone()[0]
        if (tracks == 8 and _workers_started(proc.pid, 2)) or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert tracks == 8, "the tags were stored and the analysis workers started"
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate()
    assert proc.returncode == 130 and err.strip().endswith("interrupted"), err
    assert "Traceback" not in err, err
    db = open_db(db_path)
    stored = db.execute("SELECT count(*) FROM features").fetchone()[0]
    assert _scanner(db).scan([formats]).analysed == 8 - stored, "what was stored stays; the rest is done"


@pytest.mark.skipif(os.geteuid() == 0 and not can_run_as_nobody(), reason="needs util-linux setpriv, unshare")
def test_an_unreadable_file_is_reported(formats: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="skipwise-perm-"))
    try:
        os.chmod(folder, 0o777)
        shutil.copy(formats / "02 - Tone_ogg.ogg", folder / "fine.ogg")
        shutil.copy(formats / "02 - Tone_ogg.ogg", folder / "secret.ogg")
        os.chmod(folder / "secret.ogg", 0o000)
        os.chmod(folder / "fine.ogg", 0o644)
        # root reads anything: the scan runs as nobody
        out = skipwise_as_a_user(
            "scan", str(folder), "--db", str(folder / "x.db"), "--no-analysis", "--json", home=folder / "home"
        )
        assert out.returncode == 0, out.stderr
        doc = json.loads(out.stdout)
        assert doc["failed"] == [
            {"path": str(folder / "secret.ogg"), "reason": "permission denied (not readable)"}
        ]
        assert doc["added"] == 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)
