"""The library fills in while the window is open: songs play as soon as their tags are stored,
their features arrive later, and the reading happens off the GUI thread."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np

from app.gui import open_player
from engine.demo import bundled_demo
from engine.store.tracks import add_tracks, set_features
from tests.app.conftest import WAIT_MS


def test_songs_play_before_their_features_arrive(qtbot: Any, tmp_path: Path) -> None:
    folder = tmp_path / "music"
    folder.mkdir()
    for src in sorted(bundled_demo().glob("*.ogg"))[:3]:
        shutil.copyfile(src, folder / src.name)
    player = open_player(
        tmp_path / "new.db", [folder], mpris=False, analyser="tests.engine.analysers:slow", workers=1
    )
    qtbot.addWidget(player.window)
    c = player.controller
    try:
        qtbot.waitUntil(lambda: len(c.tracks) == 3, timeout=WAIT_MS)
        analysed = player.db.execute("SELECT count(*) FROM features").fetchone()[0]
        assert analysed < 3, "the tags are in before the analysis is done"
        assert player.window.library.model.rowCount() == 3
        with qtbot.waitSignal(player.scan.finished, timeout=WAIT_MS):  # armed before the scan can end
            c.play_track(min(c.tracks))
            qtbot.waitUntil(c.is_playing, timeout=WAIT_MS)
        assert player.db.execute("SELECT count(*) FROM features").fetchone()[0] == 3
        assert not np.isnan(c.session.library.raw).any(), "the features were taken in"
        assert "Library: 3 files, 3 new" in player.window.status_text.text()
    finally:
        player.close()


def test_a_background_refresh_takes_in_new_tracks_and_features(qtbot: Any, player: Any) -> None:
    c = player.controller
    (new,) = add_tracks(player.db, [{"path": "/music/new.ogg", "title": "Brand New", "artist": "Fresh"}])
    set_features(player.db, [new], np.full((1, 10), 0.5), extractor_version=1)
    with qtbot.waitSignal(c.refreshed, timeout=WAIT_MS):
        c.refresh_library_in_background()
        c.refresh_library_in_background()  # a second request while one runs: done once more, after
    assert new in c.tracks and new in c.session.index
    assert not np.isnan(c.session.library.raw[c.session.index[new]]).any()
    view = player.window.library
    view.search.setText("brand new")
    assert view.model.rowCount() == 1
    with qtbot.assertNotEmitted(c.libraryChanged, wait=200):
        c.refresh_library()  # nothing changed since: nothing reloaded


def _two_folders(tmp_path: Path) -> list[Path]:
    """A music folder of three demo songs and a podcasts folder of two."""
    songs = sorted(bundled_demo().glob("*.ogg"))
    folders = [tmp_path / "music", tmp_path / "podcasts"]
    for folder, picked in zip(folders, (songs[:3], songs[3:5]), strict=True):
        folder.mkdir()
        for src in picked:
            shutil.copyfile(src, folder / src.name)
    return folders


def test_a_music_folder_can_be_removed_and_added_again(qtbot: Any, tmp_path: Path) -> None:
    folders = _two_folders(tmp_path)
    (folders[0] / "notes.mp3").write_text("not audio")
    player = open_player(tmp_path / "lib.db", [], mpris=False, analyser="tests.engine.analysers:by_name")
    qtbot.addWidget(player.window)
    window, c = player.window, player.controller
    try:
        window.add_music_folder(tmp_path / "no-such-folder")
        assert window.folders == []
        assert window.status_text.text().endswith("is not a folder: nothing was added.")
        for folder in folders:
            with qtbot.waitSignal(player.scan.finished, timeout=WAIT_MS):
                window.add_music_folder(folder)
        assert len(c.tracks) == 5
        assert f"1 could not be used (the first: {folders[0] / 'notes.mp3'}: " in window.status_text.text()
        window.remove_music_folder(folders[1])
        assert window.folders == [folders[0]] and len(c.tracks) == 3
        assert window.library.model.rowCount() == 3
        assert window.status_text.text() == f"Removed {folders[1]}: 2 songs left the library."
        with qtbot.waitSignal(player.scan.finished, timeout=WAIT_MS):
            window.add_music_folder(folders[1])
        assert len(c.tracks) == 5, "back, with their history"
    finally:
        player.close()


def test_removing_a_folder_during_a_scan_finishes_the_scan_of_the_others(qtbot: Any, tmp_path: Path) -> None:
    folders = _two_folders(tmp_path)
    player = open_player(tmp_path / "lib.db", folders, mpris=False, analyser="tests.engine.analysers:slow")
    qtbot.addWidget(player.window)
    try:
        qtbot.waitUntil(lambda: len(player.controller.tracks) == 5, timeout=WAIT_MS)  # tags in, analysing
        assert player.scan.running()
        player.window.remove_music_folder(folders[1])
        assert len(player.controller.tracks) == 3
        kept = list(player.controller.tracks)
        marks = ",".join("?" * len(kept))

        def analysed() -> int:
            sql = f"SELECT count(*) FROM features WHERE track_id IN ({marks})"
            return int(player.db.execute(sql, kept).fetchone()[0])

        # the scan that was cut short starts again for the folder that stays, and goes to the end
        qtbot.waitUntil(lambda: analysed() == 3 and not player.scan.running(), timeout=WAIT_MS)
        assert len(player.controller.tracks) == 3, "the removed folder's songs stay out"
    finally:
        player.close()


def test_a_refresh_still_running_when_the_window_closes_is_dropped(qtbot: Any, player: Any) -> None:
    """Its result arrives (a queued signal) after the database is closed: it must not be taken in."""
    add_tracks(player.db, [{"path": "/music/late.ogg", "title": "Late", "artist": "Slow"}])
    with qtbot.captureExceptions() as errors:
        player.controller.refresh_library_in_background()
        player.close()  # waits for the refresh thread, then closes the database
        qtbot.wait(200)  # the result is delivered now
    assert errors == [], "taking it in would have read the closed database"
    assert "Late" not in {t.title for t in player.controller.tracks.values()}
