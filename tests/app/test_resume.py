"""Playback > "Resume the last song at start-up": on by default, saved at once when changed, and with it
off the next start brings nothing back (the play that was cut is still stored)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction

from app.gui import Player, open_player
from app.resume_setting import LABEL
from engine.settings import Settings, load_settings, settings_path
from engine.store.plays import list_plays
from tests.app.test_player_e2e import play_for


def resume_action(player: Player) -> QAction:
    """The action as a user finds it: in the Playback menu, by its label."""
    for top in player.window.menuBar().actions():
        if top.text().replace("&", "") == "Playback":
            (action,) = [a for a in top.menu().actions() if a.text() == LABEL]  # type: ignore[union-attr]
            return action
    raise AssertionError("no Playback menu")


def test_the_setting_is_a_checkable_playback_menu_item_saved_when_changed(qtbot: Any, db_path: Path) -> None:
    settings = Settings()
    player = open_player(db_path, [], settings=settings, mpris=False, scan=False)
    qtbot.addWidget(player.window)
    try:
        action = resume_action(player)
        assert action.isCheckable() and action.isChecked(), "on by default"
        action.trigger()
        assert not settings.resume_last_song and load_settings().resume_last_song is False
        assert '"resume_last_song": false' in settings_path().read_text()
        action.trigger()
        assert load_settings().resume_last_song is True
    finally:
        player.close()


def test_turned_off_the_next_start_brings_nothing_back_and_on_again_it_does(
    qtbot: Any, player: Player, db_path: Path
) -> None:
    c = player.controller
    play_for(qtbot, c, 1500)
    track = c.now.track.id  # type: ignore[union-attr]
    player.window.close()
    closed = list_plays(player.db)[-1]
    assert (closed["track_id"], closed["ended"]) == (track, "closed")

    off = open_player(db_path, [], settings=Settings(resume_last_song=False), mpris=False, scan=False)
    qtbot.addWidget(off.window)
    try:
        assert off.controller.now is None and not resume_action(off).isChecked()
        assert list_plays(off.db)[-1]["id"] == closed["id"], "the cut play stays stored as it was"
        assert off.window.now_playing.title.text() == "Nothing playing"
    finally:
        off.close()

    on = open_player(db_path, [], settings=Settings(resume_last_song=True), mpris=False, scan=False)
    qtbot.addWidget(on.window)
    try:
        assert on.controller.now is not None and on.controller.now.track.id == track
        assert not on.controller.is_playing(), "paused where it was"
    finally:
        on.close()
