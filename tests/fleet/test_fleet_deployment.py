"""The Deployment Engine for real: one SuperLink and three SuperNodes as processes on 127.0.0.1.

Two SecAgg+ rounds with distributed DP. One of the three devices is the player's own supervisor
(``SuperNodeSupervisor``, joined through the membership), so the player's join and leave are real too.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.fleet.deployment import run_app, start_superlink, start_supernode
from engine.fleet.device_state import read_state
from engine.fleet.membership import join, leave, read_membership, state_path, status
from engine.fleet.privacy import epsilons
from engine.fleet.settings import FleetSettings
from engine.fleet.sim_devices import make_devices
from engine.fleet.supervisor import SuperNodeSupervisor
from engine.store import open_db
from engine.store.profiles import load_profile

pytestmark = pytest.mark.slow


def test_three_supernodes_two_secagg_rounds_with_dp(tmp_path: Path, home: Path) -> None:
    from flwr.serverapp import (
        GaussianPrivacyEvent,
        NeighboringRelation,
        PrivacyConfig,
        RdpAccountant,
        SamplingMethod,
    )

    dbs = make_devices(tmp_path / "devices", 3, events=120, shared=True)
    before = [load_profile(open_db(db)).profile for db in dbs]  # type: ignore[union-attr]
    settings = FleetSettings(rounds=2, min_devices=3, clip=1.0, noise_multiplier=1.0, dp="distributed",
                             out_dir=str(tmp_path / "out"), stage_timeout=90.0, wait_devices=120.0,
                             retries=1)  # fmt: skip
    link = start_superlink(tmp_path / "superlink")
    nodes = []
    player = None
    try:
        join(link.address, db=dbs[0])
        player = SuperNodeSupervisor(read_membership(), home=tmp_path / "player-node")
        pid = player.start()
        assert pid > 0 and player.running()
        nodes = [start_supernode(tmp_path / f"node-{i}", link.address, db) for i, db in enumerate(dbs[1:], 1)]
        result = run_app(tmp_path / "run", link, settings, timeout=900)
        assert result.returncode == 0 and not result.timed_out, result.log
        assert player.running(), "the player's SuperNode died during the run"
    finally:
        code = player.stop() if player else None
        for node in nodes:
            node.stop()
        link.child.stop()
    assert code is not None and player is not None and not player.running()
    leave()
    assert status()["joined"] is False

    report = json.loads((tmp_path / "out" / "report.json").read_text())
    rounds = report["rounds_report"]
    assert [r["outcome"] for r in rounds] == ["completed", "completed"]
    assert all(r["contributed"] == 3 for r in rounds)
    config = PrivacyConfig(1e-10, 3, NeighboringRelation.ADD_OR_REMOVE_ONE, SamplingMethod.NO_AMPLIFICATION)
    flower = RdpAccountant(config)
    flower.compose(GaussianPrivacyEvent(1.0, 3, 3), count=2)
    assert report["dp"]["epsilon_rdp"] == pytest.approx(flower.get_epsilon(1e-10), rel=1e-6)
    assert report["dp"]["epsilon"] == pytest.approx(epsilons([1.0, 1.0], 1e-10)["pld"], rel=1e-9)

    published = np.array(report["baseline"]["weights"])
    for i, db in enumerate(dbs):
        after = load_profile(open_db(db)).profile  # type: ignore[union-attr]
        assert np.array_equal(after.weights, before[i].weights), "the personal weights must not change"
        assert np.array_equal(after.covariance, before[i].covariance)
        assert np.allclose(after.prior, published), "the baseline becomes the prior"
    states = [read_state(state_path())] + [
        read_state(tmp_path / f"node-{i}" / "fleet-state.json") for i in (1, 2)
    ]
    assert all(s.last_round == 2 and s.rounds_contributed == 2 for s in states), states
    assert states[0].epsilon == pytest.approx(report["dp"]["epsilon"])
