"""The window's parts: search, sort, queue drags and pins, the weight panel, shortcuts, theme, first run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QKeySequence, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.gui import Player, open_player
from app.library_model import LibraryModel
from app.main_window import SHORTCUTS
from app.queue_model import MIME
from app.theme import apply_scheme, is_dark
from app.welcome import WelcomeDialog
from engine.learner.params import GROUPS, LABELS
from engine.store.plays import list_plays
from engine.store.tracks import TrackRow, add_tracks
from tests.app.conftest import WAIT_MS
from tests.app.test_player_e2e import play_for


def test_search_matches_every_word_in_title_artist_album_or_genre(player: Player) -> None:
    model = player.window.library.model
    assert model.rowCount() == 14
    player.window.library.search.setText("marrow")
    assert sorted(model.track_at(r).title for r in range(model.rowCount())) == [  # type: ignore[union-attr]
        "Hollow River", "Kitchen Dance", "Porch Swing",
    ]  # fmt: skip
    player.window.library.search.setText("FOLK  dance")
    assert [model.track_at(r).title for r in range(model.rowCount())] == ["Kitchen Dance"]  # type: ignore[union-attr]
    player.window.library.search.setText("no such song")
    assert model.rowCount() == 0
    player.window.library.search.clear()
    assert model.rowCount() == 14


def test_columns_sort_both_ways(player: Player) -> None:
    table = player.window.library.table
    model = player.window.library.model
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert model.track_at(0).title == "Afterimage Run"  # type: ignore[union-attr]
    table.sortByColumn(6, Qt.SortOrder.DescendingOrder)  # length
    lengths = [model.track_at(r).duration_ms for r in range(model.rowCount())]  # type: ignore[union-attr]
    assert lengths == sorted(lengths, reverse=True) and model.track_at(0).title == "Slow Morning Light"  # type: ignore[union-attr]


def test_the_selection_follows_its_song_through_a_sort_and_a_search(qtbot: Any, player: Player) -> None:
    c = player.controller
    lib = player.window.library
    lib.table.setFocus()
    lib.table.selectRow(0)
    chosen = lib.selected_ids()
    lib.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)  # by length: the song moves to another row
    assert lib.model.row_of(chosen[0]) != 0
    assert lib.selected_ids() == chosen and lib.table.currentIndex().row() == lib.model.row_of(chosen[0])
    title = lib.model.track_at(lib.model.row_of(chosen[0])).title  # type: ignore[arg-type, union-attr]
    lib.search.setText(title.split()[0])
    assert lib.selected_ids() == chosen, "still shown, still selected"
    lib.search.setText("no such song")
    lib.search.clear()
    assert lib.selected_ids() == [], "hidden by the search: the selection went with it"
    lib.table.selectRow(lib.model.row_of(chosen[0]))  # type: ignore[arg-type]
    lib.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    QTest.keyClick(lib.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: c.now is not None, timeout=WAIT_MS)
    assert c.now.track.id == chosen[0]  # type: ignore[union-attr]


def test_albums_of_one_name_sort_apart_each_in_disc_and_track_order(qtbot: Any) -> None:
    def song(i: int, artist: str, album_artist: str, n: int, disc: int | None = None) -> TrackRow:
        return TrackRow(i, f"{artist} {n}", artist, "Hits", "", None, n, 1000, f"/m/{i}", album_artist, disc)

    model = LibraryModel()
    model.set_tracks([song(1, "Queen", "", 1), song(2, "ABBA", "", 2), song(3, "Queen", "", 2),
                      song(4, "ABBA", "", 1), song(5, "Guest", "ABBA", 3),
                      song(6, "Yes", "", 1, disc=2), song(7, "Yes", "", 2, disc=1),
                      song(8, "Yes", "", 1, disc=1)])  # fmt: skip
    for column in (1, 2):  # by artist, by album
        model.sort(column, Qt.SortOrder.AscendingOrder)
        order = [model.track_at(r).id for r in range(8)]  # type: ignore[union-attr]
        assert order[-3:] == [8, 7, 6], "disc 1 tracks 1 and 2, then disc 2"
    assert order[:5] == [4, 2, 5, 1, 3]


def test_dragging_in_the_queue_pins_and_delete_removes(qtbot: Any, player: Player) -> None:
    c = player.controller
    view = player.window.queue
    model = view.model
    before = list(c.session.upcoming)
    data = model.mimeData([model.index(3, 1)])
    assert data.hasFormat(MIME)
    model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert c.session.upcoming[0] == before[3]
    assert model.data(model.index(0, 0)) == "◆" and c.session.queue.entries[0].pinned
    c.session.rerank()
    assert c.session.upcoming[0] == before[3], "a pinned song stays where the user put it"
    view.table.selectRow(1)
    view.table.setFocus()
    removed = c.session.upcoming[1:3]
    QTest.keyClick(view.table, Qt.Key.Key_Delete)
    QTest.keyClick(view.table, Qt.Key.Key_Delete)  # the next row took its place, selected
    assert not set(removed) & set(c.session.upcoming), "two presses, two songs gone"
    c.session.rerank()
    assert not set(removed) & set(c.session.upcoming), "and they stay gone"


def test_a_reload_keeps_the_selection_and_keypad_enter_works_everywhere(qtbot: Any, player: Player) -> None:
    c = player.controller
    lib = player.window.library
    lib.table.selectRow(1)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    lib.table.selectionModel().select(lib.model.index(3, 0), flags)
    chosen = lib.selected_ids()
    assert len(chosen) == 2
    (new,) = add_tracks(player.db, [{"path": "/music/new.ogg", "title": "Aaa new", "artist": "A"}])
    c.refresh_library()  # the view reloads with a new row
    assert lib.model.row_of(new) is not None and sorted(lib.selected_ids()) == sorted(chosen)
    lib.table.setFocus()
    lib.table.selectRow(lib.model.row_of(chosen[0]))  # type: ignore[arg-type]
    QTest.keyClick(lib.table, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    qtbot.waitUntil(lambda: c.now is not None and c.now.track.id == chosen[0], timeout=WAIT_MS)
    keypad = Qt.KeyboardModifier.KeypadModifier
    lib.table.selectRow(lib.model.row_of(chosen[1]))  # type: ignore[arg-type]
    QTest.keyClick(lib.table, Qt.Key.Key_Enter, keypad | Qt.KeyboardModifier.ControlModifier)
    assert c.session.upcoming[0] == chosen[1], "Ctrl+keypad Enter: play next"
    # not selectRow: the key release leaves Ctrl in the app's modifiers, and selectRow would add a row
    only = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    lib.table.selectionModel().select(lib.model.index(lib.model.row_of(new), 0), only)  # type: ignore[arg-type]
    QTest.keyClick(lib.table, Qt.Key.Key_Enter, keypad | Qt.KeyboardModifier.ShiftModifier)
    assert c.session.upcoming[:2] == [chosen[1], new], "Shift+keypad Enter: add to queue"
    queue = player.window.queue
    queue.table.setFocus()
    queue.table.selectionModel().select(queue.model.index(0, 0), only)
    QTest.keyClick(queue.table, Qt.Key.Key_Enter, keypad)
    qtbot.waitUntil(lambda: c.now.track.id == chosen[1], timeout=WAIT_MS)  # type: ignore[union-attr]


def test_the_queue_selection_follows_its_songs_when_the_queue_changes(player: Player) -> None:
    c = player.controller
    view = player.window.queue
    only = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    view.table.selectionModel().select(view.model.index(5, 0), only)
    chosen = c.session.upcoming[5]
    c.move_in_queue([5], 0)  # a drag to the top
    assert view.selected_rows() == [0] and view.model.row(0).track.id == chosen  # type: ignore[union-attr]
    c.remove_from_queue([3])  # another song goes: still the same one selected
    assert [view.model.row(r).track.id for r in view.selected_rows()] == [chosen]  # type: ignore[union-attr]
    c.remove_from_queue([0])  # the selected song goes: nothing selected, no neighbour by accident
    assert view.selected_rows() == []


def test_play_next_and_add_to_queue_from_the_library(player: Player) -> None:
    c = player.controller
    lib = player.window.library
    lib.search.setText("overclock")
    lib.table.selectRow(0)
    track = lib.model.track_at(0).id  # type: ignore[union-attr]
    lib.actions_[1].trigger()  # play next
    assert c.session.upcoming[0] == track and c.session.queue.entries[0].pinned
    lib.search.setText("porch")
    lib.table.selectRow(0)
    second = lib.model.track_at(0).id  # type: ignore[union-attr]
    lib.actions_[2].trigger()  # add to queue: after the songs queued by hand
    assert c.session.upcoming[:2] == [track, second]


def test_the_weight_panel_shows_42_labelled_weights_and_the_last_change(qtbot: Any, player: Player) -> None:
    tree = player.window.weights.tree
    assert [tree.topLevelItem(i).childCount() for i in range(tree.topLevelItemCount())] == [
        g.size for g in GROUPS
    ]
    assert [tree.topLevelItem(i).text(0) for i in range(5)] == [
        "Mood (10)", "History (4)", "Skip behaviour (4)", "Time of day (6)", "Scoring layer (18)",
    ]  # fmt: skip
    assert len(tree.items) == 42 and tree.items[0].toolTip(0) == LABELS[0]
    c = player.controller
    play_for(qtbot, c, 800)
    with qtbot.waitSignal(c.learned, timeout=WAIT_MS):
        c.next()
    panel = player.window.weights
    assert panel.chart.loss.count() == 0, "the panel follows a frame after the skip, not in it"
    qtbot.waitUntil(lambda: panel.chart.loss.count() == 1, timeout=WAIT_MS)
    w = c.session.learner.weights
    delta = c.last_report.updates[-1].delta  # type: ignore[union-attr]
    changed = [i for i in range(42) if delta[i] != 0]
    assert changed, "the skip moved some weights"
    for i in range(42):
        assert tree.items[i].text(1) == f"{w[i]:+.4f}"
        assert (tree.items[i].text(2) != "") == (i in changed)
        assert (tree.items[i].background(1).style() != Qt.BrushStyle.NoBrush) == (i in changed), "highlighted"
    assert player.window.weights.chart.loss.count() == 1
    reasons = player.window.weights.reasons
    values = [float(reasons.item(r).text().split()[0]) for r in range(reasons.count())]
    assert len(values) == 6 and values == sorted(values, key=abs, reverse=True), "largest contributions first"


def test_int8_switch_undo_and_reset(qtbot: Any, player: Player) -> None:
    c = player.controller
    panel = player.window.weights
    prior = c.session.learner.weights.copy()
    panel.int8.setChecked(True)
    assert c.session.learner.mode == "int8" and not panel.tree.isColumnHidden(3)
    q, scales = c.session.learner.profile.q, c.session.learner.profile.scales
    assert q is not None and panel.tree.items[0].text(3) == f"{int(q[0]):+d} × {scales[0]:.4f}"
    panel.int8.setChecked(False)
    assert c.session.learner.mode == "float32" and panel.tree.isColumnHidden(3)
    play_for(qtbot, c, 800)
    before_skip = c.session.learner.weights.copy()
    c.next()
    trained = c.session.learner.weights.copy()
    assert not np.array_equal(trained, prior)
    steps = c.session.learner.profile.steps
    qtbot.waitUntil(lambda: panel.chart.count == steps >= 1, timeout=WAIT_MS)  # the chart counts the updates
    panel.undo.click()
    np.testing.assert_array_equal(
        c.session.learner.weights, before_skip, "undone: the weights before the skip"
    )
    assert panel.chart.count == 0 and panel.chart.loss.count() == 0, "the undone update left the chart"
    c.next()  # learn again, so that the reset has something to clear
    qtbot.waitUntil(lambda: panel.chart.count == c.session.learner.profile.steps, timeout=WAIT_MS)
    defaults: list[bool] = []

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        defaults.append(box.defaultButton() is box.button(QMessageBox.StandardButton.No))
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, answer_yes)
    panel.reset.click()
    assert c.session.learner.profile.steps == 0
    assert panel.chart.count == 0 and panel.chart.recent_accuracy() is None
    assert "recent guesses" not in panel.status.text()
    assert defaults == [True], "Enter on the question keeps the profile"
    panel.undo.click()
    assert player.window.status_text.text() == "Undid the reset."


def test_export_import_and_a_bad_file_changes_nothing(qtbot: Any, player: Player, tmp_path: Path) -> None:
    c = player.controller
    panel = player.window.weights
    play_for(qtbot, c, 800)
    c.next()  # a skip: the weights are no longer the prior's
    shown_export: list[str] = []
    QTimer.singleShot(0, lambda: shown_export.append(_answer(QMessageBox.StandardButton.Ok)))
    (tmp_path / "a-file").write_text("")
    assert panel.export_to(tmp_path / "a-file" / "profile.json") is False
    assert "could not be written" in shown_export[0]
    out = tmp_path / "profile.json"
    assert panel.export_to(out) is True
    assert out.read_text().startswith('{"format":"skipwise-profile"')
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "skipwise-profile", "version": 1}')
    before = c.session.learner.weights.copy()
    shown: list[str] = []
    QTimer.singleShot(0, lambda: shown.append(_answer(QMessageBox.StandardButton.Ok)))
    assert panel.import_from(broken) is False
    assert "was not imported; nothing changed" in shown[0]
    assert np.array_equal(c.session.learner.weights, before)
    QTimer.singleShot(0, lambda: _answer(QMessageBox.StandardButton.Yes))
    panel.reset.click()
    assert not np.array_equal(c.session.learner.weights, before), "reset to the prior"
    assert panel.import_from(out) is True
    np.testing.assert_array_equal(c.session.learner.weights, before, "the exported weights are back")


def test_every_shortcut_is_bound_and_space_plays(qtbot: Any, player: Player) -> None:
    window = player.window
    for _, label, keys, slot in SHORTCUTS:
        action = window.actions_by_slot[slot]
        assert action.shortcuts() == [QKeySequence(k) for k in keys], label
    window.queue.table.setFocus()
    QTest.keyClick(window.queue.table, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.controller.is_playing(), timeout=WAIT_MS)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.library.search
    volume = player.controller.volume()
    QTest.keyClick(window.queue.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert player.controller.volume() < volume


def test_the_palette_follows_the_desktops_scheme(qtbot: Any) -> None:
    app = QApplication.instance()
    apply_scheme(app, Qt.ColorScheme.Dark)  # type: ignore[arg-type]
    assert is_dark(app.palette())  # type: ignore[union-attr]
    apply_scheme(app, Qt.ColorScheme.Light)  # type: ignore[arg-type]
    assert not is_dark(app.palette())  # type: ignore[union-attr]


def test_first_run_offers_a_folder_or_the_demo(qtbot: Any, tmp_path: Path) -> None:
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.demo_button.click()
    assert dialog.use_demo and dialog.result() == WelcomeDialog.DialogCode.Accepted
    other = WelcomeDialog()
    qtbot.addWidget(other)
    other.choose_folder(tmp_path)
    assert other.choice == tmp_path and not other.use_demo


def _answer(button: QMessageBox.StandardButton) -> str:
    """Press ``button`` on the open message box; returns its text."""
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox), box
    text = box.text()
    box.button(button).click()
    return text


def test_window_layout_is_saved_and_restored(player: Player) -> None:
    window = player.window
    lib = window.library
    header = lib.table.horizontalHeader()
    lib.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    header.resizeSection(1, 333)
    sorted_ids = [lib.model.track_at(r).id for r in range(lib.model.rowCount())]  # type: ignore[union-attr]
    window.resize(window.minimumSizeHint().width(), 560)  # the offscreen screen is only 800 px wide
    state = window.layout_state()
    window.dock.hide()
    window.resize(window.width(), 480)
    window.restore_layout(state)
    assert window.dock.isVisibleTo(window) and window.height() == 560
    lib.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    header.resizeSection(1, 120)
    window.restore_layout(state)
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (3, Qt.SortOrder.DescendingOrder)
    assert header.sectionSize(1) == 333, "column widths come back"
    assert [lib.model.track_at(r).id for r in range(lib.model.rowCount())] == sorted_ids  # type: ignore[union-attr]
    window.restore_layout(state.rsplit("|", 2)[0])  # a setting from before the columns were kept
    assert window.height() == 560
    restored = window.layout_state()
    window.restore_layout("garbage|not base64 at all")
    assert window.layout_state() == restored and window.height() == 560, "a damaged setting changes nothing"


def test_songs_queued_by_hand_are_still_queued_after_a_restart(
    qtbot: Any, player: Player, db_path: Path
) -> None:
    lib = player.window.library
    queued = []
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    for text in ("overclock", "porch"):
        lib.search.setText(text)
        # selectRow() would toggle if a modifier key looked pressed; say "select" outright
        lib.table.selectionModel().select(lib.model.index(0, 0), flags)
        queued.append(lib.model.track_at(0).id)  # type: ignore[union-attr]
        lib.actions_[2].trigger()  # add to queue
    assert player.controller.session.upcoming[:2] == queued
    player.close()

    again = open_player(db_path, [], mpris=False, scan=False, exploration=0.0)
    qtbot.addWidget(again.window)
    try:
        model = again.window.queue.model
        assert [model.row(r).track.id for r in range(2)] == queued  # type: ignore[union-attr]
        marks = [model.data(model.index(r, 0)) for r in range(3)]
        assert marks[:2] == ["◆", "◆"] and marks[2] != "◆", "pinned, then ranked"
    finally:
        again.close()


def test_a_status_message_goes_away_after_a_while_and_a_newer_one_replaces_it(
    qtbot: Any, player: Player
) -> None:
    window = player.window
    window.message_ms = 300
    window.show_message("first")
    window.show_message("second")
    assert window.status_text.text() == "second"
    qtbot.waitUntil(lambda: window.status_text.text() == "", timeout=WAIT_MS)
    assert window.statusBar().toolTip() == "second", "still there on hover"


def test_the_position_bar_seeks_with_the_keyboard_and_the_wheel(qtbot: Any, player: Player) -> None:
    c = player.controller
    play_for(qtbot, c, 500)
    slider = player.window.now_playing.slider
    slider.setFocus()
    before = c.position()
    QTest.keyClick(slider, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: c.position() >= before + 4500, timeout=WAIT_MS)
    QTest.keyClick(slider, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: c.position() < before + 1500, timeout=WAIT_MS)
    assert c.now is not None and c.now.clock.seeks_backward == 1 and c.now.clock.seeks_forward == 1
    centre = QPointF(slider.rect().center())
    notch = QWheelEvent(
        centre, slider.mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(slider, notch)  # one notch up: three single steps forward
    assert c.now.clock.seeks_forward == 2, "the wheel seeks at once"
    qtbot.waitUntil(lambda: c.position() >= 3 * slider.singleStep(), timeout=WAIT_MS)


def test_stop_ends_the_song_untrained_and_play_starts_it_again(qtbot: Any, player: Player) -> None:
    c = player.controller
    play_for(qtbot, c, 800)
    track = c.now.track.id  # type: ignore[union-attr]
    first_start = c.now.started_at  # type: ignore[union-attr]
    steps = c.session.learner.profile.steps
    player.window.now_playing.stop.click()
    assert c.now is None and not c.is_playing()
    assert [(p["track_id"], p["ended"]) for p in list_plays(player.db)] == [(track, "closed")]
    assert c.session.learner.profile.steps == steps, "a stop trains nothing"
    player.window.now_playing.play.click()
    qtbot.waitUntil(c.is_playing, timeout=WAIT_MS)
    assert c.now is not None and c.now.track.id == track and c.now.started_at > first_start, "a new play"


def test_previous_after_restarting_the_same_song_goes_to_the_song_before(qtbot: Any, player: Player) -> None:
    c = player.controller
    play_for(qtbot, c, 300)
    first = c.now.track.id  # type: ignore[union-attr]
    c.next()
    qtbot.waitUntil(c.is_playing, timeout=WAIT_MS)
    second = c.now.track.id  # type: ignore[union-attr]
    window = player.window.now_playing
    for restart in (lambda: (window.stop.click(), window.play.click()), lambda: c.play_track(second)):
        restart()
        qtbot.waitUntil(c.is_playing, timeout=WAIT_MS)
        assert c.now.track.id == second and second not in c.session.upcoming  # type: ignore[union-attr]
        assert c.history[-1] == first, "restarting a song is not a step back in the history"
    c.previous()  # within 3 s of the start: back to the song before
    qtbot.waitUntil(c.is_playing, timeout=WAIT_MS)
    assert c.now.track.id == first  # type: ignore[union-attr]
    assert c.session.upcoming[0] == second and first not in c.session.upcoming


def test_a_very_long_title_is_shortened_and_does_not_widen_the_window(
    qtbot: Any, player: Player, tmp_path: Path
) -> None:
    c = player.controller
    window = player.window
    play_for(qtbot, c, 100)
    QApplication.processEvents()  # the layout settles
    narrowest = window.now_playing.minimumSizeHint().width()
    song = tmp_path / "long.ogg"
    song.write_bytes(Path(c.now.track.path).read_bytes())  # type: ignore[union-attr]
    long_title = "A Very Long Title " * 20
    (new,) = add_tracks(player.db, [{"path": str(song), "title": long_title, "artist": ""}])
    c.refresh_library()
    c.play_track(new)
    qtbot.waitUntil(lambda: c.now is not None and c.now.track.id == new, timeout=WAIT_MS)
    QApplication.processEvents()
    assert window.now_playing.minimumSizeHint().width() == narrowest
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: window.width() == 1000, timeout=WAIT_MS)
    label = window.now_playing.title
    assert label.text() == long_title and label.shown_text().endswith("…")
    assert label.toolTip() == long_title, "the whole title on hover"
    assert window.windowTitle() == f"{long_title} · Skipwise", "no dash before a missing artist"


def test_help_lists_the_keys_of_the_library_and_the_queue_as_they_are_bound(player: Player) -> None:
    rows = dict(player.window.shortcut_rows())
    assert rows["Play / pause"] == "Space, Media Play"
    assert rows["Library: Play next"] == "Ctrl+Return, Ctrl+Enter"
    assert rows["Library: Add to queue"] == "Shift+Return, Shift+Enter"
    assert rows["Queue: Play now"] == "Return, Enter"
    assert rows["Queue: Remove from queue"] == "Del"
    assert rows["Position bar: seek 15 s"] == "mouse wheel"


def test_play_on_an_empty_library_says_where_to_add_music(qtbot: Any, tmp_path: Path) -> None:
    empty = open_player(tmp_path / "empty.db", [], mpris=False, scan=False)
    qtbot.addWidget(empty.window)
    try:
        empty.window.now_playing.play.click()
        assert empty.controller.now is None
        assert (
            empty.window.status_text.text() == "The library is empty: Library > Add music folder… (Ctrl+O)."
        )
    finally:
        empty.close()


def test_the_song_playing_is_shown_in_bold_in_the_library(qtbot: Any, player: Player) -> None:
    c = player.controller
    model = player.window.library.model

    def bold(track_id: int) -> bool:
        font = model.data(model.index(model.row_of(track_id), 0), Qt.ItemDataRole.FontRole)  # type: ignore[arg-type]
        return font is not None and font.bold()

    play_for(qtbot, c, 300)
    first = c.now.track.id  # type: ignore[union-attr]
    assert bold(first)
    c.next()
    assert c.now is not None and bold(c.now.track.id) and not bold(first)
