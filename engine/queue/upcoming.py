"""The upcoming queue: ranked songs around the ones the user placed by hand.

Songs the user queued or moved by hand are *pinned*: re-ranking never moves
them. Every other slot is refilled, in order, from the best-scored eligible
songs. The song that is playing is not in the queue, so it never moves either.

Songs are library rows here (indices into the scores); the listening session
translates them to and from track ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Entry:
    """One queued song: its library row, and whether the user placed it by hand."""

    song: int
    pinned: bool = False


@dataclass(frozen=True)
class Move:
    """One song's move in a re-rank, by library row; ``old`` is None for a song new to the queue.

    (The listening session reports the same moves by track id: ``engine.listening.QueueMove``.)
    """

    row: int
    old: int | None
    new: int

    @property
    def delta(self) -> int | None:
        """Positive when the song moved up (towards the front)."""
        return None if self.old is None else self.old - self.new


class UpcomingQueue:
    """An ordered list of upcoming songs with hand-placed pins."""

    def __init__(self, length: int = 30) -> None:
        self.length = length
        self.entries: list[Entry] = []
        self._restored: dict[int, Entry] | None = None

    @property
    def songs(self) -> list[int]:
        return [e.song for e in self.entries]

    def __len__(self) -> int:
        return len(self.entries)

    def rerank(self, scores: np.ndarray, eligible: np.ndarray, *, current: int | None = None) -> list[Move]:
        """Refill the unpinned slots from the best eligible songs.

        scores : np.ndarray [shape=(n,)], higher is better
        eligible : np.ndarray [shape=(n,)] bool, songs that may be proposed
        Returns the moves of every song in the new queue.
        """
        old_pos = {e.song: i for i, e in enumerate(self.entries)}
        pinned = {i: e for i, e in enumerate(self.entries) if e.pinned}
        if self._restored is not None:
            if list(self._restored.values()) == self.entries:  # untouched since restore()
                pinned = self._restored
            self._restored = None
        taken = {e.song for e in pinned.values()}
        if current is not None:
            taken.add(current)
        size = max(self.length, max(pinned, default=-1) + 1)
        ranked = iter(_top_songs(scores, eligible, size + len(taken), taken))
        new: list[Entry] = []
        for i in range(size):
            if i in pinned:
                new.append(pinned[i])
                continue
            song = next(ranked, None)
            if song is None:
                continue
            new.append(Entry(song))
        self.entries = new
        return [Move(e.song, old_pos.get(e.song), i) for i, e in enumerate(new)]

    def restore(self, pins: list[tuple[int, int]]) -> None:
        """Put back the pinned songs of an earlier run, as (position, song).

        They come back in order at the front of the queue at once; the next
        ``rerank`` puts each at its saved position and fills the gaps.
        """
        seen: set[int] = set()
        kept = []
        for pos, song in sorted(pins):
            if song not in seen and pos >= 0:
                seen.add(song)
                kept.append((pos, Entry(song, pinned=True)))
        self.entries = [e for _, e in kept]
        self._restored = dict(kept)

    def pins(self) -> list[tuple[int, int]]:
        """The pinned songs as (position, song), front first."""
        return [(i, e.song) for i, e in enumerate(self.entries) if e.pinned]

    def pop_next(self) -> int | None:
        """Take the song at the front (it becomes the current song)."""
        return self.entries.pop(0).song if self.entries else None

    def play_next(self, song: int) -> None:
        """Put ``song`` at the front, pinned (the user's "play next")."""
        self.drop(song)
        self.entries.insert(0, Entry(song, pinned=True))

    def enqueue(self, song: int) -> None:
        """Add ``song`` after the songs the user queued by hand, pinned."""
        self.drop(song)
        at = 0
        while at < len(self.entries) and self.entries[at].pinned:
            at += 1
        self.entries.insert(at, Entry(song, pinned=True))

    def move(self, src: int, dst: int) -> None:
        """Drag the song at ``src`` to ``dst``; it stays where the user put it."""
        entry = self.entries.pop(src)
        self.entries.insert(dst, Entry(entry.song, pinned=True))

    def move_rows(self, rows: list[int], before: int) -> None:
        """Drag several songs so that they land, in order, before position ``before``; all get pinned."""
        moving = sorted({r for r in rows if 0 <= r < len(self.entries)})
        if not moving:
            return
        rest = [e for i, e in enumerate(self.entries) if i not in moving]
        at = min(max(before, 0), len(self.entries)) - sum(1 for r in moving if r < before)
        moved = [Entry(self.entries[r].song, pinned=True) for r in moving]
        self.entries = rest[:at] + moved + rest[at:]

    def remove(self, index: int) -> int:
        return self.entries.pop(index).song

    def unpin(self, index: int) -> None:
        e = self.entries[index]
        self.entries[index] = Entry(e.song, pinned=False)

    def drop(self, song: int) -> bool:
        """Take ``song`` out of the queue wherever it is; whether it was there."""
        kept = [e for e in self.entries if e.song != song]
        dropped, self.entries = len(kept) != len(self.entries), kept
        return dropped


def _top_songs(scores: np.ndarray, eligible: np.ndarray, k: int, exclude: set[int]) -> list[int]:
    """Indices of the ``k`` best eligible songs, best first, minus ``exclude``."""
    masked = np.where(eligible, scores, -np.inf)
    if exclude:
        masked[list(exclude)] = -np.inf
    k = min(k, int(np.isfinite(masked).sum()))
    if k <= 0:
        return []
    top = np.argpartition(-masked, k - 1)[:k] if k < len(masked) else np.arange(len(masked))
    top = top[np.isfinite(masked[top])]
    return [int(i) for i in top[np.argsort(-masked[top], kind="stable")]]
