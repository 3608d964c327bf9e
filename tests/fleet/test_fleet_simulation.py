"""The fleet on Flower's Simulation Engine (Ray on 127.0.0.1): SecAgg+, dropouts, hostile devices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from flwr.common import bytes_to_ndarray
from flwr.common.secure_aggregation.secaggplus_constants import RECORD_KEY_CONFIGS, Key

from engine.fleet.client_app import make_client_app
from engine.fleet.local_train import local_train
from engine.fleet.server_app import secagg_ranges
from engine.fleet.settings import FleetSettings
from engine.fleet.sim_devices import make_devices
from engine.fleet.simulation import run_in_simulation
from engine.fleet.update import clip_update
from engine.learner.params import bounds
from engine.learner.profile import load_prior
from tests.fleet.helpers import drop_at, hostile_update_mod

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def devices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("devices")
    make_devices(folder, 6, events=120, shared=True)
    return folder


def _settings(tmp: Path, **kw: object) -> FleetSettings:
    base = dict(rounds=1, min_devices=5, clip=1.0, noise_multiplier=0.0, dp="off", out_dir=str(tmp / "out"),
                stage_timeout=60.0, wait_devices=60.0, retries=1)  # fmt: skip
    base.update(kw)
    return FleetSettings(**base)  # type: ignore[arg-type]


def _masked(replies: list) -> list[np.ndarray]:
    out = []
    for msg in replies:
        if msg.has_error() or RECORD_KEY_CONFIGS not in msg.content.config_records:
            continue
        cfg = msg.content.config_records[RECORD_KEY_CONFIGS]
        if Key.MASKED_PARAMETERS in cfg:
            out.append(bytes_to_ndarray(cfg[Key.MASKED_PARAMETERS][1]))
    return out


def test_the_server_sees_only_masked_vectors_and_their_sum_is_the_plain_mean(
    devices: Path, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, min_devices=5, per_round=5)
    record: list = []
    strategy = run_in_simulation(settings, 5, devices, record=record)
    prior = load_prior()
    plain = [clip_update(local_train(devices / f"device-{i:04d}.db", prior) - prior, 1.0) for i in range(5)]
    masked = _masked(record)
    assert len(masked) == 5
    # Every array the server's code received is a masked vector: integers spread over [0, 2^32), and none
    # is correlated with any device's update.
    for vector in masked:
        assert vector.dtype.kind in "iu" and vector.max() > 2**28
        for update in plain:
            assert abs(np.corrcoef(vector.astype(float), update)[0, 1]) < 0.6
    for msg in record:  # no plain float update anywhere in what arrived
        for arrays in msg.content.array_records.values():
            assert all(a.numpy().size == 0 for a in arrays.values())
    clipping_range, quantization = secagg_ranges(settings)
    step = 2 * clipping_range / quantization
    mean = strategy.baseline - prior  # DP off, weights far from their bounds: the baseline moved by the mean
    assert np.max(np.abs(mean - np.mean(plain, axis=0))) <= step
    assert strategy.records[0].outcome == "completed" and strategy.records[0].contributed == 5


@pytest.mark.parametrize("stage", ["setup", "share_keys", "collect_masked_vectors", "unmask"])
def test_a_device_leaving_at_any_secagg_stage_does_not_lose_the_round(
    devices: Path, tmp_path: Path, stage: str
) -> None:
    settings = _settings(tmp_path, min_devices=4, per_round=5)
    app = make_client_app(str(devices), outer_mods=(drop_at(stage),))
    strategy = run_in_simulation(settings, 5, devices, client_app=app)
    rec = strategy.records[0]
    assert rec.outcome in ("completed", "completed after retry"), rec.to_json()
    # Left before its masked vector: 4 contributed; at unmask its vector is in the sum already.
    assert rec.contributed == (5 if stage == "unmask" else 4)
    assert np.all(np.isfinite(strategy.baseline))


def test_hostile_updates_cannot_poison_the_baseline_with_secagg(devices: Path, tmp_path: Path) -> None:
    settings = _settings(tmp_path, min_devices=6, per_round=6)
    app = make_client_app(str(devices), device_mod=hostile_update_mod)
    strategy = run_in_simulation(settings, 6, devices, client_app=app)
    rec = strategy.records[0]
    assert np.all(np.isfinite(strategy.baseline)) and np.all(np.abs(strategy.baseline) <= bounds())
    # The wrong shape is screened out; NaN and the huge norm are clipped per value by SecAgg+ or make an
    # aggregate no honest round could, which is refused: either way the baseline moves at most a bounded step.
    clipping_range, _ = secagg_ranges(settings)
    moved = float(np.linalg.norm(strategy.baseline - load_prior()))
    assert moved <= 1.0 + 3 * clipping_range * np.sqrt(42) / 5
    assert rec.problems or rec.contributed <= 5


def test_hostile_updates_are_left_out_one_by_one_without_secagg(devices: Path, tmp_path: Path) -> None:
    settings = _settings(tmp_path, min_devices=6, per_round=6, secagg=False)
    app = make_client_app(str(devices), device_mod=hostile_update_mod)
    strategy = run_in_simulation(settings, 6, devices, client_app=app)
    rec = strategy.records[0]
    assert rec.outcome == "completed" and rec.contributed == 3
    assert len(rec.rejected) == 3, rec.rejected
    prior = load_prior()
    honest = [clip_update(local_train(devices / f"device-{i:04d}.db", prior) - prior, 1.0) for i in (3, 4, 5)]
    assert np.allclose(strategy.baseline, np.clip(prior + np.mean(honest, axis=0), -bounds(), bounds()))


def test_distributed_dp_rounds_report_the_accountants_epsilon(devices: Path, tmp_path: Path) -> None:
    from flwr.serverapp import (
        GaussianPrivacyEvent,
        NeighboringRelation,
        PrivacyConfig,
        RdpAccountant,
        SamplingMethod,
    )

    settings = _settings(
        tmp_path, rounds=2, min_devices=5, per_round=5, dp="distributed", noise_multiplier=1.0
    )
    strategy = run_in_simulation(settings, 6, devices)
    report = strategy.report()
    config = PrivacyConfig(1e-10, 6, NeighboringRelation.ADD_OR_REMOVE_ONE, SamplingMethod.NO_AMPLIFICATION)
    flower = RdpAccountant(config)
    flower.compose(GaussianPrivacyEvent(1.0, 5, 6), count=2)
    assert report["dp"]["epsilon_rdp"] == pytest.approx(flower.get_epsilon(1e-10), rel=1e-6)
    assert [r["outcome"] for r in report["rounds_report"]] == ["completed", "completed"]
    state = (devices / "device-0000.fleet-state.json").read_text()
    assert '"last_round": 2' in state
