"""Keeping a view's selection on its songs while a table model reorders, filters or refills its rows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QModelIndex


def follow_rows(model: QAbstractItemModel, before: Sequence[int], after: Sequence[int]) -> None:
    """Move ``model``'s persistent indexes to the rows their songs have now.

    ``before`` and ``after`` are the track ids row by row, old and new. A view
    keeps its selection and current row as persistent indexes: each moves with
    its song, or is dropped when the song is no longer there, so a key never
    acts on whatever song slid into a selected row. Call it between
    ``layoutAboutToBeChanged`` and ``layoutChanged``.
    """
    kept = model.persistentIndexList()
    where = {song: row for row, song in enumerate(after)}
    moved = []
    for index in kept:
        song = before[index.row()] if 0 <= index.row() < len(before) else None
        row = where.get(song) if song is not None else None
        moved.append(model.index(row, index.column()) if row is not None else QModelIndex())
    model.changePersistentIndexList(kept, moved)
