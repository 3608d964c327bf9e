"""The running session takes the fleet's adopted baseline as its prior; the device's news says when."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.fleet.adopt import adopt_baseline, fleet_prior_path
from engine.fleet.baseline import Baseline, BaselineError
from engine.fleet.device_news import DeviceNews, News, adopted_prior
from engine.fleet.device_state import read_state, write_state
from engine.learner.params import bounds
from engine.listening import ListeningSession
from engine.store import open_db
from engine.store.plays import PlayRecord
from engine.store.profiles import load_profile, snapshot_count, undone_what
from tests.engine.helpers import fill_library


def _skip(session: ListeningSession, track: int, at: float) -> None:
    session.record(PlayRecord(track, "s", at, 9.0, 2_000, 2_000, 200_000, "skip"))


def test_the_session_takes_the_adopted_prior_and_keeps_its_weights(tmp_path: Path) -> None:
    path = tmp_path / "player.db"
    db = open_db(path)
    ids = fill_library(db, 50)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    _skip(session, ids[3], 1_767_600_000.0)
    weights = session.learner.weights.copy()
    new = np.clip(session.learner_view().prior + 0.25, -bounds(), bounds())
    adopt_baseline(open_db(path), Baseline(new, 2, "test"), db_path=path)  # the ClientApp's process
    count = snapshot_count(db)
    fleet = adopted_prior(path)
    assert session.take_prior(fleet)
    view = session.learner_view()
    assert np.array_equal(view.prior, new) and np.array_equal(view.weights, weights)
    assert session.learner.profile.origin["name"] == "fleet"
    assert session.learner.profile.origin["round"] == 2
    assert snapshot_count(db) == count, "the ClientApp's snapshot already holds it"
    assert not session.take_prior(fleet), "the same prior again changes nothing"

    newer = np.clip(new - 0.5, -bounds(), bounds())
    adopt_baseline(open_db(path), Baseline(newer, 3, "test"), db_path=path)
    _skip(session, ids[4], 1_767_600_100.0)  # a play saved before the player polled: the old prior
    fleet_newer = adopted_prior(path)
    assert session.take_prior(fleet_newer)
    stored = load_profile(db)
    assert stored is not None and np.array_equal(stored.profile.prior, newer)
    assert np.array_equal(stored.profile.weights, session.learner.weights)
    assert session.undo() == "fleet-baseline", "undone like any snapshot"
    assert undone_what("fleet-baseline") == "the fleet's baseline as the prior"
    assert np.array_equal(session.learner_view().prior, new)
    assert session.take_prior(fleet_newer)
    _skip(session, ids[5], 1_767_600_200.0)
    assert np.array_equal(load_profile(db).profile.prior, newer), "later saves keep it"  # type: ignore[union-attr]


def test_no_usable_adopted_baseline_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "player.db"
    with pytest.raises(BaselineError, match="missing or unusable"):
        adopted_prior(path)
    fleet_prior_path(path).write_text('{"format": "skipwise-prior"}')
    with pytest.raises(BaselineError):
        adopted_prior(path)


def test_the_device_news_tells_each_adoption_and_refusal_once(tmp_path: Path) -> None:
    path = tmp_path / "fleet-state.json"
    news = DeviceNews(path)
    assert news.poll() is None, "no state file yet"
    state = read_state(path)
    state.rounds_contributed = 1  # a fit: no news
    write_state(path, state)
    assert news.poll() is None
    state.baseline_version, state.last_round = "r1-abc", 1
    write_state(path, state)
    assert news.poll() == News(adopted="r1-abc")
    assert news.poll() is None, "told once"
    state.last_refusal = "the new baseline: holds a non-finite value"
    write_state(path, state)
    assert news.poll() == News(refused=state.last_refusal)
    state.rounds_contributed = 2  # the next round's fit: the refusal is old news
    write_state(path, state)
    assert news.poll() is None
    write_state(path, state)  # the same refusal again, in the next round's evaluate
    assert news.poll() == News(refused=state.last_refusal)
