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
