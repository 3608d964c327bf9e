"""The metrics on hand-made runs: captured, its standard error and the cold start, where they are reported."""

from __future__ import annotations

import numpy as np
import pytest

from engine.bench import listeners as bench
from engine.sim import metrics, runner
from engine.sim.library import synthetic_library
from engine.sim.listener_spec import load_listener
from engine.sim.runner import RunLog

EVENTS = 200


def _log(cold_skips: int, late_skips: int) -> RunLog:
    """A run of 200 events: ``cold_skips`` skips among events 1-100, ``late_skips`` among 101-200."""
    skipped = np.zeros(EVENTS, dtype=bool)
    skipped[:cold_skips] = True
    skipped[100 : 100 + late_skips] = True
    zeros = np.zeros(EVENTS)
    return RunLog(skipped, skipped & False, zeros, zeros, zeros.astype(np.int64))


# Per strategy and seed: (skips in events 1-100, skips in 101-200).
HAND_MADE = {
    "shuffle": [(50, 50), (48, 60), (52, 40)],
    "learner": [(40, 30), (44, 20), (42, 25)],
    "oracle": [(10, 10), (12, 10), (8, 10)],
}
# captured per seed: (50-30)/(50-10) = 0.5, (60-20)/(60-10) = 0.8, (40-25)/(40-10) = 0.5
LEARNER_CAPTURED = np.array([0.5, 0.8, 0.5])


def test_captured_and_its_standard_error_on_a_hand_made_run() -> None:
    rates = {k: metrics.span_rates([_log(*c) for c in v], 100) for k, v in HAND_MADE.items()}
    assert rates["learner"] == pytest.approx([0.30, 0.20, 0.25])
    mean, se = metrics.captured(rates["shuffle"], rates["learner"], rates["oracle"])
    assert mean == pytest.approx(0.6)
    assert se == pytest.approx(np.std(LEARNER_CAPTURED, ddof=1) / np.sqrt(3)) and se == pytest.approx(0.1)
    assert metrics.captured(rates["shuffle"], rates["oracle"], rates["oracle"])[0] == pytest.approx(1.0)
    assert metrics.captured(rates["shuffle"], rates["shuffle"], rates["oracle"]) == (0.0, 0.0)
    # an oracle that gains nothing on one seed leaves the share undefined
    assert metrics.captured(rates["shuffle"], rates["learner"], rates["shuffle"]) == (None, None)
    cold = metrics.span_rates([_log(*c) for c in HAND_MADE["learner"]], 0, metrics.COLD_START_EVENTS)
    assert cold == pytest.approx([0.40, 0.44, 0.42])


def _fake_run_one(library: object, spec: object, name: str, *, events: int, seed: int, **_: object) -> RunLog:
    assert events == EVENTS
    return _log(*HAND_MADE[name][seed])


def test_simulate_reports_captured_and_the_cold_start_of_every_strategy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner, "run_one", _fake_run_one)
    doc = runner.simulate(
        synthetic_library(20, seed=1),
        load_listener("steady"),
        events=EVENTS,
        seeds=3,
        strategies=list(HAND_MADE),
    )
    learner = doc["strategies"]["learner"]
    assert learner["skip_rate"] == pytest.approx(0.25)
    assert learner["captured"] == pytest.approx(0.6) and learner["captured_se"] == pytest.approx(0.1)
    assert learner["cold_start_skip_rate"] == pytest.approx(0.42)
    assert learner["cold_start_skip_rate_se"] == pytest.approx(
        np.std([0.40, 0.44, 0.42], ddof=1) / np.sqrt(3), abs=1e-4
    )
    assert doc["strategies"]["shuffle"]["captured"] == 0.0
    assert doc["strategies"]["oracle"]["captured"] == pytest.approx(1.0)
    assert doc["strategies"]["shuffle"]["cold_start_skip_rate"] == pytest.approx(0.5)
    without_oracle = runner.simulate(
        synthetic_library(20, seed=1), load_listener("steady"), events=EVENTS, seeds=3, strategies=["learner"]
    )
    assert without_oracle["strategies"]["learner"]["captured"] is None


def test_bench_listeners_reports_captured_per_listener_and_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    made = {**HAND_MADE, "learner_int8": HAND_MADE["learner"], "river": HAND_MADE["shuffle"]}
    monkeypatch.setattr(
        bench, "run_one", lambda library, spec, name, *, events, seed, prior: _log(*made[name][seed])
    )
    doc = bench.bench_listeners(songs=20, events=EVENTS, seeds=3, untuned=0, checkpoints=[150])
    row = next(r for r in doc["listeners"] if r["listener"] == "loyal")
    assert (row["kind"], row["listener_kind"]) == ("builtin", "artist_loyal")
    assert row["captured"] == pytest.approx(0.6) and row["captured_se"] == pytest.approx(0.1)
    assert row["strategies"]["learner"]["cold_start_skip_rate"] == pytest.approx(0.42)
    # events 101-150: shuffle skips 50, 50, 40 of 50; the learner 30, 20, 25; the oracle 10, 10, 10
    assert row["captured_at_events"]["150"] == pytest.approx(np.mean([20 / 40, 30 / 40, 15 / 30]), abs=1e-4)
    # learner - River: 0.30-0.50, 0.20-0.60, 0.25-0.40
    assert row["learner_minus_river"] == pytest.approx(-0.25)
    assert row["learner_minus_river_se"] == pytest.approx(
        np.std([-0.2, -0.4, -0.15], ddof=1) / np.sqrt(3), abs=1e-4
    )
    assert row["int8_minus_float32_points"] == 0.0
    kinds = doc["kinds"]
    assert set(kinds) == {"feature", "artist_loyal", "two_moods", "session_moods", "drifting"}
    assert kinds["feature"]["listeners"] == 6 and kinds["feature"]["median_captured"] == pytest.approx(0.6)
    assert kinds["artist_loyal"]["learner_minus_river"] == pytest.approx(-0.25)
    targets = doc["targets"]
    eligible = targets["captured_where_oracle_gains"]
    assert eligible["listeners"] == eligible["met"] == len(doc["listeners"]) and eligible["missed"] == []
    assert targets["median_captured_per_kind"]["met"] == {k: False for k in kinds}  # 0.6 < 0.85
    assert targets["within_2se_of_river"]["missed"] == []
