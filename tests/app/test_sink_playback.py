"""A song FFmpeg refuses but libsndfile reads plays through the second path (a QAudioSink), and its
plays are measured, stored and labelled exactly as QMediaPlayer's are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
import soundfile as sf

from app.gui import Player, open_player
from engine.store.plays import list_plays
from tests.app.conftest import WAIT_MS
from tests.app.refused_vorbis import RATE, write_refused_vorbis

SECONDS = 20.0


@pytest.fixture
def refused(qtbot: Any, player: Player, tmp_path: Path) -> int:
    return scan_refused(qtbot, player, tmp_path)


def scan_refused(qtbot: Any, player: Player, tmp_path: Path) -> int:
    """The refused file, scanned into the player's library by the window's own scan; its track id."""
    folder = tmp_path / "music"
    folder.mkdir()
    path = write_refused_vorbis(folder / "Stray Header.ogg", SECONDS)
    with pytest.raises(av.error.InvalidDataError), av.open(str(path)) as container:  # FFmpeg, as Qt's
        next(container.decode(audio=0))
    samples, rate = sf.read(path, dtype="float32")
    assert rate == RATE and samples.shape == (round(SECONDS * RATE), 2), "libsndfile reads all of it"
    assert np.abs(samples).max() > 0.4, "and it is not silence"
    with qtbot.waitSignal(player.scan.finished, timeout=WAIT_MS) as done:
        player.scan.start([folder])
    result = done.args[0]
    assert (result.added, result.analysed, result.failed) == (1, 1, []), "analysed by the fallback decoder"
    c = player.controller
    c.refresh_library()
    (track_id,) = [t.id for t in c.tracks.values() if t.path == str(path)]
    return track_id


def play_first(qtbot: Any, player: Player, track_id: int, until_ms: int) -> None:
    c = player.controller
    c.add_next(track_id)
    c.play()
    qtbot.waitUntil(
        lambda: c.now is not None and c.now.track.id == track_id and c.position() >= until_ms,
        timeout=WAIT_MS,
    )


def test_a_song_ffmpeg_refuses_plays_seeks_and_is_skipped_like_any_other(
    qtbot: Any, player: Player, refused: int
) -> None:
    c = player.controller
    messages: list[str] = []
    c.message.connect(messages.append)
    steps = c.session.learner.profile.steps
    play_first(qtbot, player, refused, 1000)
    assert c.audio.plays_through_sink() and c.is_playing()
    assert c.now is not None and c.now.duration_ms == SECONDS * 1000, "the duration libsndfile reports"
    assert not [m for m in messages if m.startswith("Cannot play")], messages
    assert player.window.now_playing.title.text() == "Stray Header"
    c.seek(12_000)
    qtbot.waitUntil(lambda: c.position() >= 13_000, timeout=WAIT_MS)
    position = c.position()
    c.next()
    (play,) = [p for p in list_plays(player.db) if p["track_id"] == refused]
    assert play["ended"] == "skip" and play["duration_ms"] == SECONDS * 1000
    assert position <= play["position_ms"] <= position + 500, "where the second path was"
    assert play["seeks_forward"] == 1
    assert 1700 <= play["listened_ms"] <= 4000, "about 1 s before the seek and 1 s after, not the jump"
    assert (play["label"], play["label_kind"]) == (0.0, "early_skip")
    assert c.session.learner.profile.steps == steps + 1, "the skip trained the learner"
    qtbot.waitUntil(lambda: c.now is not None and c.is_playing(), timeout=WAIT_MS)
    assert c.now.track.id != refused and not c.audio.plays_through_sink(), "the next song: QMediaPlayer"


def test_a_paused_sink_song_stands_still_and_its_heartbeat_counts_what_was_heard(
    qtbot: Any, player: Player, refused: int
) -> None:
    c = player.controller
    play_first(qtbot, player, refused, 800)
    c.set_volume(0.25)
    assert c.volume() == 0.25 and c.audio.volume() == pytest.approx(0.25)
    c.pause()
    assert not c.is_playing() and c.audio.plays_through_sink()
    paused_at = c.position()
    qtbot.wait(1000)
    assert c.position() == paused_at, "paused time does not move the position"
    (beat,) = player.db.execute("SELECT track_id, listened_ms, position_ms FROM heartbeat").fetchall()
    assert beat[0] == refused and 600 <= beat[1] <= paused_at + 50, "saved at the pause"
    c.play()
    qtbot.waitUntil(lambda: c.position() >= paused_at + 700, timeout=WAIT_MS)
    player.window.close()
    play = list_plays(player.db)[-1]
    assert (play["track_id"], play["ended"], play["label"]) == (refused, "closed", None)
    assert 1400 <= play["listened_ms"] <= play["position_ms"] + 50, "the 1 s pause is not heard time"


def test_a_sink_song_played_to_its_end_is_a_play_through(qtbot: Any, player: Player, refused: int) -> None:
    c = player.controller
    play_first(qtbot, player, refused, 300)
    with qtbot.waitSignal(c.learned, timeout=WAIT_MS):
        c.seek(int(SECONDS * 1000) - 1200)
    (play,) = [p for p in list_plays(player.db) if p["track_id"] == refused]
    assert (play["ended"], play["label"], play["position_ms"]) == ("end", 1.0, SECONDS * 1000)
    assert play["listened_ms"] < 3000, "the seek forward is not heard time"
    qtbot.waitUntil(
        lambda: c.now is not None and c.now.track.id != refused and c.is_playing(), timeout=WAIT_MS
    )


def test_a_sink_song_closed_mid_way_comes_back_paused_where_it_was(
    qtbot: Any, player: Player, refused: int, db_path: Path
) -> None:
    c = player.controller
    play_first(qtbot, player, refused, 500)
    c.seek(7000)
    qtbot.waitUntil(lambda: c.position() >= 7500, timeout=WAIT_MS)
    player.window.close()
    closed = list_plays(player.db)[-1]
    assert closed["ended"] == "closed" and closed["track_id"] == refused
    again = open_player(db_path, [], mpris=False, scan=False, exploration=0.0)
    qtbot.addWidget(again.window)
    try:
        r = again.controller
        assert r.now is not None and r.now.track.id == refused and not r.is_playing()
        qtbot.waitUntil(r.audio.plays_through_sink, timeout=WAIT_MS)
        assert abs(r.position() - closed["position_ms"]) < 100, "paused where it was"
        r.play()
        qtbot.waitUntil(lambda: r.position() >= closed["position_ms"] + 500, timeout=WAIT_MS)
        r.next()
        resumed = list_plays(again.db)[-1]
        assert (resumed["track_id"], resumed["ended"], resumed["seeks_forward"]) == (refused, "skip", 0)
        assert resumed["listened_ms"] >= closed["listened_ms"] + 400
    finally:
        again.close()
