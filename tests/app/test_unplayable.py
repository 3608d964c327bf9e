"""A song that cannot be played is passed over with a message: not a skip, and the next song plays."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from app.gui import Player, open_player
from engine.demo import bundled_demo
from engine.store import open_db
from engine.store.db import transaction
from engine.store.plays import list_plays
from engine.store.scanning import set_status
from engine.store.tracks import add_tracks, missing_count
from tests.app.conftest import WAIT_MS


def _queue_first(player: Player, path: Path, title: str) -> int:
    (track_id,) = add_tracks(
        player.db, [{"path": str(path), "title": title, "artist": "Nobody", "duration_ms": 40_000}]
    )
    player.controller.refresh_library()
    player.controller.add_next(track_id)
    assert player.controller.session.upcoming[0] == track_id
    return track_id


@pytest.mark.parametrize("kind", ["missing", "corrupt"])
def test_an_unplayable_song_is_passed_over(qtbot: Any, player: Player, tmp_path: Path, kind: str) -> None:
    c = player.controller
    path = tmp_path / f"{kind}.ogg"
    if kind == "missing":
        shutil.copyfile(next(bundled_demo().glob("*.ogg")), path)
    else:
        path.write_bytes(b"OggS" + os.urandom(20_000))  # looks like Ogg to a sniffer, FFmpeg refuses it
    bad = _queue_first(player, path, f"The {kind} song")
    if kind == "missing":
        path.unlink()  # the drive went away after the scan
    steps = c.session.learner.profile.steps
    messages: list[str] = []
    c.message.connect(messages.append)
    c.play()
    qtbot.waitUntil(lambda: c.now is not None and c.now.track.id != bad and c.is_playing(), timeout=WAIT_MS)
    (play,) = [p for p in list_plays(player.db) if p["track_id"] == bad]
    assert (play["ended"], play["label"], play["label_kind"]) == ("error", None, "no_label"), (
        "not a user skip"
    )
    assert c.session.learner.profile.steps == steps, "nothing was learned from it"
    assert any(f"Cannot play “The {kind} song”" in m for m in messages), messages
    assert player.window.status_text.text().startswith(f"Cannot play “The {kind} song”"), (
        "shown in the window"
    )
    assert bad not in c.session.upcoming
    c.session.rerank()
    assert bad not in c.session.upcoming, "it stays out of the queue"
    status = player.db.execute("SELECT status FROM tracks WHERE id = ?", [bad]).fetchone()[0]
    assert status == ("missing" if kind == "missing" else "ok"), (
        "a missing file is marked missing, never deleted"
    )
    assert bad not in c.history, "Previous never goes back to it"
    if kind == "missing":
        qtbot.waitUntil(lambda: bad not in c.tracks, timeout=WAIT_MS)  # the library view drops it


def test_previous_passes_over_a_song_that_failed(qtbot: Any, player: Player, tmp_path: Path) -> None:
    c = player.controller
    play_first = c.session.upcoming[0]
    c.play()
    qtbot.waitUntil(
        lambda: c.now is not None and c.now.track.id == play_first and c.is_playing(), timeout=WAIT_MS
    )
    path = tmp_path / "corrupt.ogg"
    path.write_bytes(b"OggS" + os.urandom(20_000))
    bad = _queue_first(player, path, "The corrupt song")
    c.next()  # the corrupt song fails, the next one plays
    qtbot.waitUntil(lambda: c.now is not None and c.now.track.id not in (bad, play_first), timeout=WAIT_MS)
    c.previous()
    assert c.now is not None and c.now.track.id == play_first, "back past the song that failed"


def test_picking_a_song_whose_file_is_gone_leaves_the_playing_song_alone(
    qtbot: Any, player: Player, tmp_path: Path
) -> None:
    c = player.controller
    path = tmp_path / "gone.ogg"
    shutil.copyfile(next(bundled_demo().glob("*.ogg")), path)
    (gone,) = add_tracks(
        player.db, [{"path": str(path), "title": "Gone", "artist": "Nobody", "duration_ms": 40_000}]
    )
    c.refresh_library()
    path.unlink()
    c.play()
    qtbot.waitUntil(c.is_playing, timeout=WAIT_MS)
    playing = c.now.track.id  # type: ignore[union-attr]
    c.play_track(gone)
    assert c.now is not None and c.now.track.id == playing and c.is_playing(), "still the same song"
    assert list_plays(player.db) == [], "nothing ended"
    assert player.window.status_text.text() == "Cannot play “Gone”: the file is missing."
    qtbot.waitUntil(lambda: gone not in c.tracks, timeout=WAIT_MS)


def test_songs_missing_one_after_another_stop_the_player(qtbot: Any, db_path: Path, tmp_path: Path) -> None:
    """The music's drive is unplugged: three missing songs, then a stop, not the whole library passed over."""
    db = open_db(db_path)
    (folder,) = {str(Path(p).parent) for (p,) in db.execute("SELECT path FROM tracks")}
    music = tmp_path / "music"
    shutil.copytree(folder, music)
    with transaction(db.conn):
        db.conn.execute("UPDATE tracks SET path = replace(path, ?, ?)", [folder, str(music)])
    db.close()
    player = open_player(db_path, [], mpris=False, scan=False, exploration=0.0)
    qtbot.addWidget(player.window)
    try:
        c = player.controller
        c.play()
        qtbot.waitUntil(c.is_playing, timeout=WAIT_MS)
        messages: list[str] = []
        c.message.connect(messages.append)
        shutil.rmtree(music)
        c.next()
        qtbot.waitUntil(lambda: any("3 songs in a row are missing" in m for m in messages), timeout=WAIT_MS)
        assert c.now is None and not c.is_playing()
        assert [p["ended"] for p in list_plays(player.db)] == ["skip", "error", "error", "error"]
        assert missing_count(player.db) == 3, "the other songs are left as they were"
        set_status(player.db, list(c.tracks), "missing")  # what a rescan without the drive finds
        c.refresh_library()
        qtbot.waitUntil(lambda: not c.tracks, timeout=WAIT_MS)
        c.play()
        assert messages[-1].startswith("None of the 14 songs of your library can be found")
    finally:
        player.close()
