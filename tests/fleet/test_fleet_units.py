"""The fleet's parts without a network: local training, baselines, clipping, accounting, membership, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.cli.main import main as cli_main
from engine.fleet.adopt import adopt_baseline, baseline_path, fleet_prior, fleet_prior_path
from engine.fleet.baseline import Baseline, BaselineError, check_weights, labels_digest
from engine.fleet.client_app import DeviceClient
from engine.fleet.config_keys import CLIP, DP_MODE, EPSILON, LABELS, ROUND, SEND
from engine.fleet.local_train import local_train
from engine.fleet.membership import MembershipError, join, leave, status
from engine.fleet.privacy import epsilons, noise_for_budget
from engine.fleet.sim_devices import make_device
from engine.fleet.update import UpdateError, check_mean, check_update, clip_update
from engine.learner.params import bounds
from engine.learner.prior import load_prior as load_prior_file
from engine.learner.prior import origin_of
from engine.learner.profile import load_prior
from engine.listening import ListeningSession
from engine.store import open_db
from engine.store.profiles import load_profile, snapshot_count

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def device(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_device(tmp_path_factory.mktemp("device"), 0, events=120, shared=True)


def test_a_simulated_device_plays_the_same_log_every_time(device: Path, tmp_path: Path) -> None:
    again = make_device(tmp_path, 0, events=120, shared=True)
    rows = "SELECT track_id, ended, listened_ms FROM plays ORDER BY id"
    first, second = open_db(device).execute(rows).fetchall(), open_db(again).execute(rows).fetchall()
    assert len(first) == 120 and first == second


def test_local_training_replays_the_log_from_the_baseline_and_leaves_the_profile_alone(device: Path) -> None:
    db = open_db(device)
    snapshots, profile = snapshot_count(db), load_profile(db).profile  # type: ignore[union-attr]
    prior = load_prior()
    w1, w2 = local_train(db, prior), local_train(device, prior)
    assert np.array_equal(w1, w2) and not np.allclose(w1, prior)
    shifted = np.clip(prior + 0.5, -bounds(), bounds())
    assert not np.allclose(local_train(db, shifted), w1)  # it starts from the baseline it is given
    assert snapshot_count(db) == snapshots
    assert np.array_equal(load_profile(db).profile.weights, profile.weights)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (np.full(42, np.nan), "non-finite"),
        (np.ones(43), "shape"),
        (np.full(42, 9.0), "outside its bound"),
        (np.array(["1"] * 42), "expected 42 numbers"),
        ([True] * 42, "expected 42 numbers"),
        ("0" * 42, "expected 42 numbers"),
    ],
)
def test_a_hostile_baseline_is_refused_with_the_reason(value: object, why: str) -> None:
    with pytest.raises(BaselineError, match=why):
        check_weights(value)


def _config(**kw: object) -> dict:
    return {
        LABELS: labels_digest(),
        CLIP: 1.0,
        SEND: "delta",
        ROUND: 1,
        DP_MODE: "distributed",
        EPSILON: 1.5,
    } | kw


@pytest.mark.parametrize(
    ("params", "config"),
    [
        ([np.full(42, np.inf)], _config()),
        ([load_prior(), load_prior()], _config()),
        ([np.full(42, -5.0)], _config()),
        ([load_prior()], _config(**{LABELS: "0" * 64})),
    ],
)
def test_every_device_refuses_a_hostile_baseline_and_nothing_changes(
    device: Path, tmp_path: Path, params: list, config: dict
) -> None:
    db = open_db(device)
    count = snapshot_count(db)
    client = DeviceClient(device, tmp_path / "state.json")
    with pytest.raises(BaselineError):
        client.evaluate(params, config)
    with pytest.raises(BaselineError):
        client.fit(params, config)
    assert snapshot_count(db) == count and not baseline_path(device).exists()
    assert json.loads((tmp_path / "state.json").read_text())["last_refusal"]


def test_an_adopted_baseline_becomes_the_prior_and_the_weights_stay(device: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(device.read_bytes())
    db = open_db(copy)
    before = load_profile(db).profile  # type: ignore[union-attr]
    new = np.clip(load_prior() + 0.25, -bounds(), bounds())
    adopt_baseline(db, Baseline(new, 3, "test", {"mode": "central"}), db_path=copy)
    after = load_profile(db).profile  # type: ignore[union-attr]
    assert np.array_equal(after.weights, before.weights) and np.array_equal(after.prior, new)
    assert np.array_equal(after.covariance, before.covariance), "the personal posterior stays"
    assert np.array_equal(after.prior_covariance, before.prior_covariance)
    assert after.origin["name"] == "fleet" and after.origin["fleet"] == "test" and after.origin["round"] == 3
    prior = fleet_prior(copy)
    assert prior is not None and prior.name == "fleet" and np.array_equal(prior.mean, new)
    assert np.array_equal(prior.covariance, before.prior_covariance)
    version = Baseline(new, 3, "test").version
    assert prior.provenance == {
        "fleet": "test",
        "round": 3,
        "privacy": {"mode": "central"},
        "baseline_version": version,
    }
    assert after.origin["baseline_version"] == version
    with pytest.raises(BaselineError):
        adopt_baseline(db, Baseline(np.full(42, 7.0), 4), db_path=copy)
    assert np.array_equal(load_profile(db).profile.prior, new)  # type: ignore[union-attr]


def test_a_reset_after_adoption_goes_back_to_the_fleet_prior(
    device: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(device.read_bytes())
    db = open_db(copy)
    new = np.clip(load_prior() - 0.5, -bounds(), bounds())
    adopt_baseline(db, Baseline(new, 5, "test"), db_path=copy)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    session.reset()
    reset = load_profile(db).profile  # type: ignore[union-attr]
    assert reset.steps == 0 and reset.origin["name"] == "fleet" and reset.origin["round"] == 5
    assert np.allclose(reset.weights, new, atol=1e-6) and np.array_equal(reset.prior, new)
    session.db.close()
    assert cli_main(["profile", "reset", "--db", str(copy)]) == 0
    assert "back at the prior 'fleet'" in capsys.readouterr().out
    assert cli_main(["profile", "show", "--db", str(copy)]) == 0
    assert "started from the prior 'fleet' (fleet test, round 5" in capsys.readouterr().out
    fleet_prior_path(copy).write_text("{damaged")
    baseline_path(copy).unlink()
    assert fleet_prior(copy) is None, "an unusable fleet prior is not used"
    assert cli_main(["profile", "reset", "--db", str(copy)]) == 0
    assert load_profile(open_db(copy)).profile.origin == origin_of(load_prior_file("shipped"))  # type: ignore[union-attr]


def test_a_first_profile_starts_from_an_adopted_baseline(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db = open_db(path)
    new = np.clip(load_prior() + 0.5, -bounds(), bounds())
    profile = adopt_baseline(db, Baseline(new, 1, "test"), db_path=path)
    assert profile.steps == 0 and profile.origin["name"] == "fleet" and np.array_equal(profile.prior, new)
    np.testing.assert_array_equal(profile.prior_covariance, load_prior_file("shipped").covariance)


def test_clipping_and_the_servers_checks() -> None:
    u = np.full(42, 1.0)
    assert np.linalg.norm(clip_update(u, 2.0)) == pytest.approx(2.0)
    assert not clip_update(np.full(42, np.nan), 1.0).any()
    with pytest.raises(UpdateError, match="non-finite"):
        check_update(np.full(42, np.nan), 1.0)
    with pytest.raises(UpdateError, match="shape"):
        check_update(np.ones(43), 1.0)
    with pytest.raises(UpdateError, match="over the clip"):
        check_update(u, 1.0)
    with pytest.raises(UpdateError, match="over what clipped updates"):
        check_mean(np.full(42, 10.0), 2.0)


def test_accounting_and_the_projections_noise() -> None:
    e = epsilons([1.0] * 20, 1e-10)
    assert 0 < e["pld"] <= e["rdp"]
    assert epsilons([1.0, 0.0], 1e-10)["pld"] == float("inf")
    z = noise_for_budget(1.0, 1e-10, 52)
    spent = epsilons([z] * 52, 1e-10)
    assert max(spent.values()) <= 1.0 < max(epsilons([z - 0.05] * 52, 1e-10).values())


def test_membership_is_off_by_default_and_a_join_is_checked(home: Path, tmp_path: Path) -> None:
    assert status()["joined"] is False
    with pytest.raises(MembershipError, match="certificate"):
        join("fleet.example.org:9092")
    with pytest.raises(MembershipError, match="address"):
        join("no-port")
    bad = tmp_path / "cert.pem"
    bad.write_text("not a certificate")
    with pytest.raises(MembershipError, match="PEM"):
        join("fleet.example.org:9092", certificate=bad)
    join("127.0.0.1:9092", db=tmp_path / "x.db")
    assert status()["joined"] and status()["address"] == "127.0.0.1:9092"
    leave()
    assert status()["joined"] is False


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "SKIPWISE_HOME": str(home), "HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "app.launcher", "fleet", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)  # fmt: skip


def test_the_cli_refuses_bad_input_with_one_line_and_status_2(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "baseline.json"
    bad.write_text(json.dumps({"format": "skipwise-fleet-baseline", "version": 1, "weights": [0] * 42}))
    out = _cli("serve", "--rounds", "1", "--min-devices", "3", "--clip", "1", "--noise-multiplier", "1",
               "--baseline", str(bad), "--out", str(tmp_path / "o"), home=home)  # fmt: skip
    assert out.returncode == 2 and "labels" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    out = _cli("serve", "--rounds", "1", "--min-devices", "3", "--clip", "1", "--noise-multiplier", "1",
               "--listen", "0.0.0.0:9092", "--out", str(tmp_path / "o"), home=home)  # fmt: skip
    assert out.returncode == 2 and "0.0.0.0" in out.stderr
    out = _cli("join", "nowhere", home=home)
    assert out.returncode == 2 and "address" in out.stderr
    status_out = _cli("status", "--json", home=home)
    assert status_out.returncode == 0 and json.loads(status_out.stdout)["joined"] is False
