"""End to end: the real window plays a real file through QtMultimedia; Next after a second is a skip
that is stored with its real position, trains the learner, and reorders the queue by the new scores."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.controller import PlayerController
from app.gui import Player, open_player
from engine.store.plays import list_plays
from engine.store.profiles import load_profile
from tests.app.conftest import WAIT_MS

ROOT = Path(__file__).parents[2]


def play_for(qtbot: object, c: PlayerController, ms: int) -> None:
    """Start the queue and wait until the player's real position passes ``ms``."""
    c.play()
    qtbot.waitUntil(lambda: c.is_playing() and c.position() >= ms, timeout=WAIT_MS)  # type: ignore[attr-defined]


def assert_queue_follows_new_scores(c: PlayerController, play: dict) -> None:
    """The song now playing plus the queue are exactly the best songs by the updated model."""
    session = c.session
    ranking = session.last_ranking
    assert ranking is not None
    now = play["started_at"] + play["listened_ms"] / 1000.0
    expected_scores = session.learner.logits(session.context.inputs_many(now), play["hour"])
    np.testing.assert_allclose(ranking.scores, expected_scores, rtol=1e-12)
    order = [i for i in np.argsort(-ranking.scores, kind="stable") if ranking.eligible[i]]
    best = [int(session.library.ids[i]) for i in order if int(session.library.ids[i]) != play["track_id"]]
    shown = [c.now.track.id, *session.upcoming] if c.now else session.upcoming
    assert shown == best[: len(shown)]


def check_skip(qtbot: object, player: Player, press_next: object) -> None:
    c = player.controller
    weights_before = c.session.learner.weights.copy()
    play_for(qtbot, c, 1000)
    skipped = c.now.track  # type: ignore[union-attr]
    queue_before = [skipped.id, *c.session.upcoming]
    position = c.position()
    with qtbot.waitSignal(c.learned, timeout=WAIT_MS):  # type: ignore[attr-defined]
        press_next()  # type: ignore[operator]
    (play,) = [p for p in list_plays(player.db) if p["track_id"] == skipped.id]
    assert play["ended"] == "skip"
    assert position <= play["position_ms"] <= position + 500, "the player's real position"
    assert 700 <= play["listened_ms"] <= play["position_ms"] + 50
    assert (play["label"], play["label_kind"]) == (0.0, "early_skip")
    weights_after = c.session.learner.weights
    assert np.any(weights_after != weights_before), "the skip trained the learner"
    stored = load_profile(player.db)
    assert stored is not None and np.array_equal(stored.profile.weights, weights_after), "saved"
    assert_queue_follows_new_scores(c, play)
    assert [c.now.track.id, *c.session.upcoming] != queue_before
    assert c.now.track.id != skipped.id
    qtbot.waitUntil(c.is_playing, timeout=WAIT_MS)  # type: ignore[attr-defined]


def test_next_after_a_second_is_a_stored_skip_that_trains_and_reorders(qtbot: object, player: Player) -> None:
    check_skip(qtbot, player, player.window.now_playing.next.click)
    model = player.window.queue.model
    assert model.rowCount() == len(player.controller.session.upcoming)
    moved = [model.data(model.index(r, 4)) for r in range(model.rowCount())]
    assert any(m.startswith(("▲", "▼")) or m == "new" for m in moved), "the queue shows how songs moved"
    qtbot.waitUntil(lambda: player.window.weights.chart.count == 1, timeout=WAIT_MS)  # type: ignore[attr-defined]


def test_the_keyboard_shortcut_is_the_same_skip(qtbot: object, player: Player) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    check_skip(
        qtbot,
        player,
        lambda: QTest.keyClick(player.window, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier),
    )


def test_a_play_to_the_end_is_a_play_through(qtbot: object, player: Player) -> None:
    c = player.controller
    play_for(qtbot, c, 300)
    track = c.now.track  # type: ignore[union-attr]
    c.seek(track.duration_ms - 1500)
    with qtbot.waitSignal(c.learned, timeout=WAIT_MS):  # type: ignore[attr-defined]
        pass
    (play,) = [p for p in list_plays(player.db) if p["track_id"] == track.id]
    assert play["ended"] == "end" and play["label"] == 1.0
    assert play["seeks_forward"] == 1
    assert play["listened_ms"] < 5000, "the seek forward does not count as listening"
    assert c.now is not None and c.now.track.id != track.id, "the next song plays"


def test_pausing_is_never_a_skip_and_paused_time_is_not_heard(qtbot: object, player: Player) -> None:
    c = player.controller
    play_for(qtbot, c, 500)
    c.pause()
    qtbot.waitUntil(lambda: not c.is_playing(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    paused_at = c.position()
    track_id = c.now.track.id  # type: ignore[union-attr]
    qtbot.wait(1500)  # type: ignore[attr-defined]
    assert c.position() == pytest.approx(paused_at, abs=50)
    assert list_plays(player.db) == [], "a pause stores nothing"
    assert c.now is not None and c.now.track.id == track_id and paused_at >= 400, "the same song, paused"
    c.play()
    qtbot.waitUntil(lambda: c.position() >= paused_at + 500, timeout=WAIT_MS)  # type: ignore[attr-defined]
    c.next()
    play = list_plays(player.db)[-1]
    assert play["ended"] == "skip"
    assert play["listened_ms"] <= play["position_ms"] + 50, "the 1.5 s pause is not in the heard time"


def test_closing_mid_song_stores_a_closed_play_that_trains_nothing(qtbot: object, player: Player) -> None:
    c = player.controller
    play_for(qtbot, c, 500)
    steps = c.session.learner.profile.steps
    track = c.now.track  # type: ignore[union-attr]
    player.window.close()
    play = list_plays(player.db)[-1]
    assert (play["track_id"], play["ended"], play["label"]) == (track.id, "closed", None)
    assert play["listened_ms"] >= 400
    assert c.session.learner.profile.steps == steps


def test_the_next_start_brings_back_the_song_closed_mid_way_paused_where_it_was(
    qtbot: object, player: Player, db_path: Path
) -> None:
    c = player.controller
    play_for(qtbot, c, 1500)
    track = c.now.track  # type: ignore[union-attr]
    player.window.close()
    closed = list_plays(player.db)[-1]
    assert closed["ended"] == "closed" and closed["position_ms"] >= 1500
    again = open_player(db_path, [], mpris=False, scan=False, exploration=0.0)
    qtbot.addWidget(again.window)  # type: ignore[attr-defined]
    try:
        r = again.controller
        assert r.now is not None and r.now.track.id == track.id and not r.is_playing()
        again.window.close()  # closed again without playing it: nothing new is stored
        assert list_plays(again.db)[-1]["id"] == closed["id"]
        again.close()
        again = open_player(db_path, [], mpris=False, scan=False, exploration=0.0)
        qtbot.addWidget(again.window)  # type: ignore[attr-defined]
        r = again.controller
        assert r.now is not None and r.now.track.id == track.id, "and the next start brings it back again"
        assert track.id not in r.session.upcoming, "not queued a second time"
        qtbot.waitUntil(lambda: abs(r.position() - closed["position_ms"]) < 300, timeout=WAIT_MS)  # type: ignore[attr-defined]
        assert again.window.now_playing.title.text() == (track.title or Path(track.path).name)
        r.play()
        qtbot.waitUntil(
            lambda: r.is_playing() and r.position() >= closed["position_ms"] + 500, timeout=WAIT_MS
        )  # type: ignore[attr-defined]
        r.next()
        resumed = list_plays(again.db)[-1]
        assert (resumed["track_id"], resumed["ended"]) == (track.id, "skip")
        assert resumed["listened_ms"] >= closed["listened_ms"] + 400, "the time heard before the close counts"
        assert resumed["seeks_forward"] == 0, "starting where it was is not a seek"
    finally:
        again.close()


def test_a_song_to_resume_whose_file_is_gone_is_not_resumed_and_nothing_starts(
    qtbot: object, player: Player, db_path: Path, tmp_path: Path
) -> None:
    c = player.controller
    play_for(qtbot, c, 1000)
    path = Path(c.now.track.path)  # type: ignore[union-attr]
    player.window.close()
    path.rename(tmp_path / path.name)
    again = open_player(db_path, [], mpris=False, scan=False, exploration=0.0)
    qtbot.addWidget(again.window)  # type: ignore[attr-defined]
    try:
        qtbot.wait(500)  # type: ignore[attr-defined]  # a failure would be reported from the event loop
        assert again.controller.now is None and not again.controller.is_playing()
    finally:
        again.close()
        (tmp_path / path.name).rename(path)


def test_picking_from_the_library_and_going_back(qtbot: object, player: Player) -> None:
    c = player.controller
    play_for(qtbot, c, 300)
    first = c.now.track.id  # type: ignore[union-attr]
    view = player.window.library
    view.search.setText("hummingbird")
    assert view.model.rowCount() == 1
    view._play_first_hit()
    second = c.now.track.id  # type: ignore[union-attr]
    assert second != first and c.now.track.title == "Hummingbird Engine"  # type: ignore[union-attr]
    assert list_plays(player.db)[-1]["ended"] == "pick"
    qtbot.waitUntil(lambda: c.is_playing(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    c.previous()  # within 3 s: back to the song before
    assert c.now.track.id == first  # type: ignore[union-attr]
    assert c.session.upcoming[0] == second, "the song that was left comes up next"
    assert list_plays(player.db)[-1]["ended"] == "previous"


def test_the_plays_command_lists_what_the_window_stored(qtbot: object, player: Player, db_path: Path) -> None:
    c = player.controller
    play_for(qtbot, c, 1000)
    c.next()
    assert c.session.commit_waits, "the skip's commit waits for the window's redraw"
    qtbot.waitUntil(lambda: not c.session.commit_waits, timeout=WAIT_MS)  # type: ignore[attr-defined]
    out = subprocess.run(
        [sys.executable, "-m", "app.launcher", "plays", "--db", str(db_path), "--json"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    (row,) = json.loads(out.stdout)
    assert row["ended"] == "skip" and row["label"] == 0.0 and row["listened_ms"] >= 700
    assert Path(row["path"]).name.endswith(".ogg") and row["title"]
