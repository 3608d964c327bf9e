"""A skip tells the views only what changed: the queue's rows are removed, moved and inserted (never a
reset or a new layout), the library is neither sorted nor filtered again, and the cover arrives from a
worker thread without holding up the new title."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QImage

from app.gui import Player, open_player
from app.queue_model import QueueModel
from engine.store.tracks import add_tracks
from tests.app.conftest import WAIT_MS
from tests.app.test_player_e2e import play_for


class Replay:
    """Applies the queue model's structural signals to its own list of track ids, as a view would,
    and records every signal that would make a view start over."""

    def __init__(self, model: QueueModel) -> None:
        self.model = model
        self.ids = self._ids()
        self.starts_over: list[str] = []
        self.structural = 0
        model.rowsRemoved.connect(self._removed)
        model.rowsInserted.connect(self._inserted)
        model.rowsMoved.connect(self._moved)
        model.modelReset.connect(lambda: self.starts_over.append("modelReset"))
        model.layoutChanged.connect(lambda *_: self.starts_over.append("layoutChanged"))

    def _ids(self) -> list[int]:
        return [self.model.row(r).track.id for r in range(self.model.rowCount())]  # type: ignore[union-attr]

    def _removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        self.structural += 1
        del self.ids[first : last + 1]

    def _inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        self.structural += 1
        for row in range(first, last + 1):
            self.ids.insert(row, self.model.row(row).track.id)  # type: ignore[union-attr]

    def _moved(self, _p: QModelIndex, first: int, last: int, _d: QModelIndex, dest: int) -> None:
        self.structural += 1
        block = self.ids[first : last + 1]
        del self.ids[first : last + 1]
        at = dest if dest < first else dest - len(block)
        self.ids[at:at] = block

    def check(self) -> None:
        """What the signals said is what the model holds, and what the controller queues."""
        queued = [r.track.id for r in self.model.controller.queue_rows()]
        assert self.ids == self._ids() == queued
        assert self.starts_over == [], "no reset, no new layout: a view keeps its rows"


def test_skips_drags_and_removals_reach_the_queue_as_row_moves(qtbot: Any, db_path: Path) -> None:
    player = open_player(db_path, [], mpris=False, scan=False)  # exploring: re-ranks reorder the queue
    qtbot.addWidget(player.window)
    try:
        c = player.controller
        view = player.window.queue
        replay = Replay(view.model)
        play_for(qtbot, c, 300)
        replay.check()
        kept = c.session.upcoming[4]
        only = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        view.table.selectionModel().select(view.model.index(4, 0), only)
        stayed = True  # the song never left the queue (a re-rank may take it out, and bring it back)
        for _ in range(6):
            c.next()
            replay.check()
            stayed = stayed and kept in c.session.upcoming
            if stayed:
                selected = [view.model.row(r).track.id for r in view.selected_rows()]  # type: ignore[union-attr]
                assert selected == [kept], "the selection stays on its song wherever it moved"
        c.move_in_queue([6, 7], 1)
        replay.check()
        c.remove_from_queue([0, 2])
        replay.check()
        c.add_next(c.session.upcoming[-1])
        replay.check()
        c.unpin(0)
        replay.check()
        assert replay.structural > 0, "the changes were told as rows removed, moved or inserted"
    finally:
        player.close()


def test_a_skip_redraws_only_the_cells_whose_text_changed(qtbot: Any, player: Player) -> None:
    c = player.controller
    model = player.window.queue.model
    play_for(qtbot, c, 300)
    before = {model.row(r).track.id: model.data(model.index(r, 4)) for r in range(model.rowCount())}  # type: ignore[union-attr]
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles=(): changed.append((top.row(), bottom.row())))
    c.next()
    rows = {r for top, bottom in changed for r in range(top, bottom + 1)}
    for r in range(model.rowCount()):
        song = model.row(r).track.id  # type: ignore[union-attr]
        if song in before and model.data(model.index(r, 4)) != before[song]:
            assert r in rows, "a row whose 'Moved' text changed is told"
    assert rows, "a skip changes the 'Moved' column"


def test_a_skip_neither_sorts_nor_filters_the_library_again(qtbot: Any, player: Player) -> None:
    c = player.controller
    lib = player.window.library
    lib.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    lib.search.setText("a")  # a search in force: it must not be run again
    shown = [lib.model.track_at(r).id for r in range(lib.model.rowCount())]  # type: ignore[union-attr]
    play_for(qtbot, c, 300)
    starts_over: list[str] = []
    fonts: list[int] = []
    lib.model.layoutAboutToBeChanged.connect(lambda *_: starts_over.append("layout"))
    lib.model.modelAboutToBeReset.connect(lambda: starts_over.append("reset"))
    lib.model.dataChanged.connect(lambda top, _bottom, roles=(): fonts.append(top.row()))
    for _ in range(3):
        c.next()
    assert starts_over == [], "no sort, no search, no reset for a skip"
    assert [lib.model.track_at(r).id for r in range(lib.model.rowCount())] == shown  # type: ignore[union-attr]
    assert fonts, "the bold row (the song playing) is told as a change of its cells"


def test_the_new_title_shows_at_once_and_the_cover_arrives_from_the_reading_thread(
    qtbot: Any, player: Player, tmp_path: Path
) -> None:
    c = player.controller
    folder = tmp_path / "album"
    folder.mkdir()
    song = folder / "song.ogg"
    shutil.copyfile(next(iter(c.tracks.values())).path, song)
    cover = QImage(300, 300, QImage.Format.Format_RGB32)
    cover.fill(QColor(200, 30, 40))
    assert cover.save(str(folder / "cover.jpg"))
    (track,) = add_tracks(player.db, [{"path": str(song), "title": "Red Cover", "artist": "Painter"}])
    c.refresh_library()
    now_playing = player.window.now_playing
    c.play_track(track)
    assert now_playing.title.text() == "Red Cover", "the title at once"

    def shows_red() -> bool:
        image = now_playing.cover.pixmap().toImage()
        return image.width() == 112 and image.pixelColor(56, 56).red() > 150

    qtbot.waitUntil(shows_red, timeout=WAIT_MS)


def test_a_skip_paints_the_new_queue_before_the_next_file_is_opened(qtbot: Any, db_path: Path) -> None:
    player = open_player(db_path, [], mpris=False, scan=False)
    qtbot.addWidget(player.window)
    try:
        c, table = player.controller, player.window.queue.table
        player.window.show()
        qtbot.waitExposed(player.window)
        play_for(qtbot, c, 300)
        events: list[tuple[str, object]] = []
        shown = lambda: [table.model().index(r, 2).data() for r in range(table.model().rowCount())]  # noqa: E731
        table.painted.connect(lambda: events.append(("painted", shown())))
        opened = c.audio.load

        def load(path: str, **kwargs: Any) -> bool:
            events.append(("opened", path))
            return opened(path, **kwargs)

        c.audio.load = load  # type: ignore[method-assign]
        c.next()
        kinds = [kind for kind, _ in events]
        assert "painted" in kinds and "opened" in kinds, events
        assert kinds.index("painted") < kinds.index("opened"), "the skip is drawn before FFmpeg is asked"
        assert events[kinds.index("opened")][1] == c.now.track.path  # type: ignore[union-attr]
        assert events[0][1] == [r.track.artist for r in c.queue_rows()], "it painted the new queue"
        qtbot.waitUntil(lambda: c.is_playing(), timeout=WAIT_MS)

        player.window.showMinimized()  # nothing to draw: the song is opened without a forced paint
        events.clear()
        c.next()
        assert [kind for kind, _ in events][:1] == ["opened"]
        qtbot.waitUntil(lambda: c.is_playing(), timeout=WAIT_MS)
    finally:
        player.close()
