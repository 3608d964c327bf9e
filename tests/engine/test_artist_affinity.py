"""The artist affinity input: an artist's play-through rate with a prior, against the listener's own rate."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from engine.learner import inputs as col
from engine.learner.context import ARTIST_PRIOR_PLAYS, ContextState
from engine.learner.labels import Kind

DAY = 86400.0
T0 = 1_767_600_000.0


def _context(n_artists: int = 4, songs_per_artist: int = 5) -> ContextState:
    artist = np.repeat(np.arange(n_artists), songs_per_artist)
    features = np.random.default_rng(0).normal(size=(len(artist), 10))
    return ContextState(features, artist)


def _play(ctx: ContextState, artist: int, through: bool, now: float) -> None:
    song = int(np.flatnonzero(ctx.artist == artist)[0])
    ctx.record(song, now, 1.0 if through else 0.0, Kind.PLAY_THROUGH if through else Kind.EARLY_SKIP)


def _affinity(ctx: ContextState, now: float) -> np.ndarray:
    """Artist affinity of each artist [shape=(n_artists,)], from the library-wide inputs."""
    X = ctx.inputs_many(now)
    first_song = [int(np.flatnonzero(ctx.artist == a)[0]) for a in range(int(ctx.artist.max()) + 1)]
    return X[first_song, col.ARTIST_AFFINITY].copy()


def test_an_artist_nothing_is_known_about_is_0_and_evidence_moves_it_its_way() -> None:
    ctx = _context()
    assert np.all(_affinity(ctx, T0) == 0.0)
    now = T0
    for i in range(6):
        _play(ctx, 0, True, now)  # artist 0 always plays through
        _play(ctx, 1, False, now + 1)  # artist 1 is always skipped
        _play(ctx, 2, i % 2 == 0, now + 2)  # artist 2 half and half
        now += 600
    a = _affinity(ctx, now)
    assert a[0] > 0.5 and a[1] < -0.5 and a[3] == 0.0
    assert abs(a[2]) < 0.15  # the listener's own rate here is one half: no better, no worse
    assert np.all(np.abs(a) < 1.0)


def test_more_plays_at_one_rate_move_it_further_from_0() -> None:
    ctx, now, seen = _context(), T0, []
    for _ in range(8):
        _play(ctx, 0, True, now)
        _play(ctx, 1, False, now + 1)  # the listener's rate stays near one half
        now += 600
        seen.append(_affinity(ctx, now)[0])
    assert all(b > a for a, b in itertools.pairwise(seen))
    # one play-through of an artist, for a listener at one half, is the posterior (1 + m/2) / (1 + m)
    one = _context()
    _play(one, 0, True, T0)
    p0 = one.listener_rate()
    r = (1 + ARTIST_PRIOR_PLAYS * p0) / (1 + ARTIST_PRIOR_PLAYS)
    expected = np.tanh(np.log(r / (1 - r)) - np.log(p0 / (1 - p0)))
    assert _affinity(one, T0 + 1)[0] == pytest.approx(expected)


def test_it_is_relative_to_the_listener_whose_songs_mostly_play_through() -> None:
    ctx, now = _context(n_artists=6), T0
    for _ in range(10):
        for artist in range(5):  # five artists, all played through: the listener's usual
            _play(ctx, artist, True, now)
            now += 300
    _play(ctx, 5, True, now)
    a = _affinity(ctx, now + 1)
    assert a[5] > 0 and a[5] < a[0]  # one play-through of a new artist: a little above unknown, not much
    for _ in range(3):
        _play(ctx, 5, False, now)
        now += 300
    assert _affinity(ctx, now)[5] < -0.3  # mostly skipped where everything else plays: clearly below


def test_evidence_fades_with_the_long_half_life() -> None:
    ctx = _context()
    for i in range(5):
        _play(ctx, 0, True, T0 + i)
        _play(ctx, 1, False, T0 + i)
    fresh, later = _affinity(ctx, T0 + 10)[0], _affinity(ctx, T0 + 120 * DAY)[0]
    assert 0 < later < fresh


def test_one_song_inputs_match_the_library_wide_ones() -> None:
    ctx, now, rng = _context(), T0, np.random.default_rng(3)
    for _ in range(30):
        _play(ctx, int(rng.integers(4)), bool(rng.random() < 0.6), now)
        now += 500
    X = ctx.inputs_many(now)
    for song in range(ctx.n_songs):
        x = ctx.inputs_one(song, now, 10.0)
        assert x[col.ARTIST_AFFINITY] == pytest.approx(X[song, col.ARTIST_AFFINITY], abs=1e-12)
