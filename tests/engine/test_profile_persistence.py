"""Profiles: atomic saves, undo, reset, export/import, and corruption that never wins."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import sqlite_utils

from engine.learner import model
from engine.learner.learner import Learner
from engine.learner.params import GROUPS, LABELS
from engine.learner.prior import Prior, origin_of
from engine.learner.prior import load_prior as load_prior_file
from engine.learner.profile import V1_LABELS, Profile, ProfileError, load_prior
from engine.listening import ListeningSession
from engine.store import open_db
from engine.store.plays import PlayRecord
from engine.store.profiles import KEEP_UPDATES, load_profile, save_profile, snapshot_count, undo_last
from tests.engine.helpers import fill_library, random_inputs

GROUP_COUNTS = [g.size for g in GROUPS]


def _trained(n: int = 20, mode: str = "float32") -> Profile:
    # from the hand-set prior (covariance I), which the tampered values below are written against
    learner = Learner(Profile.from_prior(load_prior_file("hand"), mode=mode), rng=np.random.default_rng(0))  # type: ignore[arg-type]
    rng = np.random.default_rng(1)
    for x in random_inputs(rng, n):
        learner.learn_one(x, float(rng.random() > 0.5))
    return learner.profile


def test_a_fresh_profile_starts_from_the_prior_in_assets() -> None:
    prior = json.loads((Path(__file__).parents[2] / "assets" / "prior.json").read_text())
    profile = Profile.from_prior()
    early = LABELS.index("skip: early skips of song")
    assert prior["labels"][early] == "skip: early skips of song"
    assert profile.weights[early] == np.float32(prior["mean"][early])  # float32 mode keeps float32 weights
    assert np.array_equal(profile.weights, load_prior().astype(np.float32))
    assert profile.steps == 0


@pytest.mark.parametrize("mode", ["float32", "int8"])
def test_json_round_trip_is_exact(mode: str) -> None:
    profile = _trained(mode=mode)
    again = Profile.loads(profile.dumps())
    assert again.mode == mode and again.steps == profile.steps
    np.testing.assert_array_equal(again.weights, profile.weights)
    np.testing.assert_array_equal(again.covariance, profile.covariance)
    if mode == "int8":
        np.testing.assert_array_equal(again.q, profile.q)


def _with_diagonal_precision(doc: dict, version: int, precision: np.ndarray) -> dict:
    """A profile document as versions 1 and 2 wrote it: a diagonal precision, no covariance."""
    doc = _as_version_3(doc)
    doc["version"] = version
    del doc["optimizer"]["covariance"]
    doc["optimizer"]["precision"] = [float(v) for v in precision]
    return doc


def _as_version_3(doc: dict) -> dict:
    """A profile document as version 3 wrote it: no prior covariance, no prior origin."""
    doc = json.loads(json.dumps(doc))
    doc["version"] = 3
    del doc["prior_covariance"], doc["prior_origin"]
    return doc


def _mutate(doc: dict, path: str, value: object) -> dict:
    doc = json.loads(json.dumps(doc))
    *parents, last = path.split(".")
    target = doc
    for key in parents:
        target = target[key]
    target[last] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("format", "something-else", "not a Skipwise profile"),
        ("version", 99, "unsupported profile version"),
        ("labels", list(reversed(LABELS)), "labels do not match"),
        ("weights", [0.0] * 41, "expected 42 numbers"),
        ("weights", [float("nan")] + [0.0] * 41, "non-finite"),
        ("weights", [1e6] + [0.0] * 41, "outside its bound"),
        ("mode", "int4", "unknown mode"),
        ("optimizer.steps", -1, "non-negative"),
        ("optimizer.steps", 10**20, "below 2\\*\\*53"),
        ("optimizer.steps", 2**63 - 1, "below 2\\*\\*53"),  # one more play and SQLite cannot store it
        ("weights", ["0.5"] + [0.0] * 41, "expected 42 numbers"),
        ("weights", [True] + [0.0] * 41, "expected 42 numbers"),
        ("weights", [10**400] + [0.0] * 41, "expected 42 numbers"),
        ("optimizer.covariance", [[10**400] * (42 - i) for i in range(42)], "upper triangle"),
        ("prior", [1e300] * 42, "prior: a value is outside"),
        ("optimizer.velocity", [2e297] * 42, "which no step makes"),
        ("optimizer.covariance", [[0.0] * 42] * 42, "upper triangle"),
        ("optimizer.covariance", [[1.0] * (42 - i) for i in range(42)], "not positive definite"),
        ("optimizer.covariance", [[2.0] + [0.0] * (41 - i) for i in range(42)], "larger than the prior"),
        ("optimizer.covariance", [[float("nan")] * (42 - i) for i in range(42)], "non-finite"),
        ("optimizer.covariance", [["a"] * (42 - i) for i in range(42)], "upper triangle"),
        ("prior_covariance", None, "prior_covariance: expected the upper triangle"),
        (
            "prior_covariance",
            [[0.0] * (42 - i) for i in range(42)],
            "prior_covariance: a variance is outside",
        ),
        (
            "prior_covariance",
            [[1.0] * (42 - i) for i in range(42)],
            "prior_covariance: not positive definite",
        ),
        ("prior_covariance", [[float("inf")] * (42 - i) for i in range(42)], "prior_covariance: holds a non"),
        (
            "prior_covariance",
            [[0.5] + [0.0] * (41 - i) for i in range(42)],
            "optimizer.covariance: a variance is larger than the prior's \\(mood: ",
        ),
        ("prior_origin", None, "prior_origin: expected a JSON object"),
        ("prior_origin", {"made_by": "hand"}, "prior_origin.name: expected a non-empty string"),
        ("prior_origin", {"name": ""}, "prior_origin.name: expected a non-empty string"),
        ("prior_origin", {"name": "hand", "round": [1]}, "prior_origin.round: expected a string"),
        ("prior_origin", {"name": "hand", "x": float("nan")}, "prior_origin.x: expected a string"),
        ("prior_origin", {"name": "hand", "command": "x" * 1001}, "longer than 1000 characters"),
        ("prior_origin", {"name": "hand", **{str(k): k for k in range(16)}}, "more than 16 keys"),
    ],
)
def test_invalid_profiles_are_refused_with_the_reason(path: str, value: object, message: str) -> None:
    doc = _mutate(_trained().to_json(), path, value)
    with pytest.raises(ProfileError, match=message):
        Profile.from_json(doc)


def test_not_json_is_refused() -> None:
    with pytest.raises(ProfileError, match="not valid JSON"):
        Profile.loads("{truncated")
    with pytest.raises(ProfileError, match="nested too deeply"):
        Profile.loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ProfileError, match="not valid JSON"):
        Profile.loads('{"steps": ' + "9" * 5000 + "}")  # beyond Python's 4300-digit limit


def test_save_load_undo_and_reset(db: sqlite_utils.Database) -> None:
    first, second = _trained(5), _trained(25)
    save_profile(db, first)
    save_profile(db, second)
    assert load_profile(db).profile.steps == 25
    restored = undo_last(db)
    assert restored is not None and restored.profile.steps == 5
    assert undo_last(db) is None, "the last remaining snapshot cannot be undone"
    save_profile(db, Profile.from_prior(), "reset")
    assert load_profile(db).profile.steps == 0
    assert undo_last(db).profile.steps == 5, "a reset can be undone"


def test_old_routine_snapshots_are_pruned_and_the_prior_reset_and_recent_ones_kept(
    db: sqlite_utils.Database,
) -> None:
    profile = Profile.from_prior()
    prior_id = save_profile(db, profile, "prior")
    for k in range(1, 10):
        profile.steps = k
        save_profile(db, profile)
    profile.steps = 0
    reset_id = save_profile(db, profile, "reset")
    update_ids = []
    for k in range(1, 601):
        profile.steps = k
        update_ids.append(save_profile(db, profile))
    rows = {r["id"]: r["reason"] for r in db.query("SELECT id, reason FROM profile_snapshots")}
    assert rows[prior_id] == "prior" and rows[reset_id] == "reset", "only routine snapshots are pruned"
    assert set(update_ids[-KEEP_UPDATES:]) <= set(rows), "the newest KEEP_UPDATES updates stay for undo"
    assert len(rows) <= KEEP_UPDATES + 50 + 2, "pruning runs every 50 saves"
    assert len(rows) < 611
    assert undo_last(db).profile.steps == 599 and load_profile(db).profile.steps == 599


def test_a_corrupt_newest_snapshot_is_reported_and_the_good_one_used(db: sqlite_utils.Database) -> None:
    save_profile(db, _trained(5))
    bad = save_profile(db, _trained(25))
    with db.conn:
        db.conn.execute(
            "UPDATE profile_snapshots SET profile = replace(profile, ?, ?) WHERE id = ?",
            ('"steps":25', '"steps":26', bad),
        )
    loaded = load_profile(db)
    assert loaded.profile.steps == 5
    assert len(loaded.problems) == 1 and "checksum" in loaded.problems[0]
    assert snapshot_count(db) == 2, "the corrupt snapshot is kept for inspection"


def test_no_usable_snapshot_is_an_error_not_a_silent_reset(db: sqlite_utils.Database) -> None:
    save_profile(db, _trained(5))
    with db.conn:
        db.conn.execute("UPDATE profile_snapshots SET profile = '{}'")
    with pytest.raises(ProfileError, match="no usable profile"):
        load_profile(db)
    with pytest.raises(ProfileError):
        ListeningSession(db)
    assert snapshot_count(db) == 1


def test_undo_skips_a_damaged_snapshot_and_keeps_it(db: sqlite_utils.Database) -> None:
    save_profile(db, _trained(5))
    save_profile(db, _trained(25))
    bad = save_profile(db, _trained(30))
    with db.conn:
        db.conn.execute("UPDATE profile_snapshots SET checksum = 'x' WHERE id = ?", (bad,))
    assert load_profile(db).profile.steps == 25, "the damaged newest one is not in use"
    restored = undo_last(db)
    assert restored is not None and restored.profile.steps == 5, "undo left the profile in use"
    assert db.execute("SELECT count(*) FROM profile_snapshots WHERE id = ?", (bad,)).fetchone()[0] == 1
    assert undo_last(db) is None and snapshot_count(db) == 2, "nothing usable to go back to: nothing deleted"


def test_reset_is_the_way_out_when_every_snapshot_is_damaged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from engine.cli.main import main

    path = tmp_path / "damaged.db"
    db = open_db(path)
    save_profile(db, _trained(5, mode="int8"))
    with db.conn:
        db.conn.execute("UPDATE profile_snapshots SET checksum = 'x'")
    assert main(["profile", "undo", "--db", str(path)]) == 2
    assert snapshot_count(db) == 1, "undo deleted nothing"
    assert main(["profile", "reset", "--db", str(path)]) == 0
    assert "resetting to a float32 profile" in capsys.readouterr().err
    loaded = load_profile(db)
    assert loaded.profile.steps == 0 and loaded.profile.mode == "float32" and not loaded.problems
    assert snapshot_count(db) == 2, "the damaged snapshot is kept for inspection"


def _save_steps(tmp_path: Path) -> int:
    """How many SQLite VM steps one profile save takes (the progress handler counts them)."""
    db = open_db(tmp_path / "count.db")
    save_profile(db, _trained(5))
    calls = {"n": 0}

    def count() -> int:
        calls["n"] += 1
        return 0

    db.conn.set_progress_handler(count, 1)
    save_profile(db, _trained(25))
    db.conn.set_progress_handler(None, 1)
    db.close()
    return calls["n"]


def test_a_save_interrupted_at_any_point_leaves_a_loadable_profile(tmp_path: Path) -> None:
    """Every VM step of a save, the COMMIT's included, is interrupted once, each on its own database.

    A save that returns has stored the new profile. One that raised left the
    previous profile, except when the interruption came after the COMMIT had
    already made the new one durable (SQLite's last steps): then the new one
    is there, never a mix and never nothing.
    """
    steps = _save_steps(tmp_path)
    assert steps > 10, "the handler sees the save's statements"
    outcomes = []
    for abort_after in range(1, steps + 2):
        db_path = tmp_path / f"interrupted-{abort_after}.db"
        db = open_db(db_path)
        save_profile(db, _trained(5))
        calls = {"n": 0}

        def abort(at: int = abort_after, calls: dict[str, int] = calls) -> int:  # interrupt the at-th step
            calls["n"] += 1
            return 1 if calls["n"] == at else 0

        db.conn.set_progress_handler(abort, 1)
        try:
            save_profile(db, _trained(25))
            completed = True
        except sqlite3.OperationalError:
            completed = False
        finally:
            db.conn.set_progress_handler(None, 1)
        assert not db.conn.in_transaction
        loaded = load_profile(db).profile.steps
        fresh = open_db(db_path)
        assert load_profile(fresh).profile.steps == loaded, "what a restarted app sees"
        fresh.close()
        save_profile(db, _trained(40))  # the next save commits only itself
        kept = [r["steps"] for r in db.query("SELECT steps FROM profile_snapshots ORDER BY id")]
        assert kept == ([5, 25, 40] if loaded == 25 else [5, 40])
        db.close()
        outcomes.append((completed, loaded))
    assert all(loaded == 25 for completed, loaded in outcomes if completed)
    assert outcomes[-1] == (True, 25), "one step past the save's last: nothing interrupted"
    raised = [loaded for completed, loaded in outcomes if not completed]
    assert len(raised) >= steps - 2, "nearly every step can be interrupted"
    # only the last steps, after the commit, may raise with the new profile already stored
    first_new = raised.index(25) if 25 in raised else len(raised)
    assert set(raised[:first_new]) == {5} and set(raised[first_new:]) <= {25}
    assert first_new >= len(raised) - 2


SAVER = textwrap.dedent(
    """
    import itertools, os, signal, sys, numpy as np
    from engine.store import open_db
    from engine.store.profiles import save_profile
    from engine.learner.learner import Learner
    db = open_db(sys.argv[1])
    kill_at = int(sys.argv[2])
    learner = Learner.from_prior()
    x = np.zeros(26); x[18] = 1.0; x[1] = 1.0
    learner.learn_one(x, 0.0)
    save_profile(db, learner.profile)
    learner.learn_one(x, 0.0)
    steps = itertools.count(1)
    def handler():
        if next(steps) == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return 0
    db.conn.set_progress_handler(handler, 1)
    save_profile(db, learner.profile)
    """
)


def test_a_process_killed_while_saving_leaves_a_loadable_profile(tmp_path: Path) -> None:
    """A real SIGKILL at every VM step of a save: the database holds the old profile or the new one."""
    steps = _save_steps(tmp_path)
    killed = 0
    for kill_at in range(1, steps + 1):
        path = tmp_path / f"killed-{kill_at}.db"
        open_db(path).close()
        argv = [sys.executable, "-c", SAVER, str(path), str(kill_at)]
        proc = subprocess.run(argv, cwd=Path(__file__).parents[2])
        killed += proc.returncode == -signal.SIGKILL
        db = open_db(path)
        loaded = load_profile(db)
        assert loaded is not None and not loaded.problems
        assert loaded.profile.steps in (1, 2), f"killed at step {kill_at}"
        db.close()
    assert killed == steps, f"the kills landed inside the save ({killed} of {steps})"


def test_session_export_import_and_a_bad_import_changes_nothing(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    ids = fill_library(db, 50)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    session.record(PlayRecord(ids[0], "s", 1_767_600_000.0, 9.0, 2_000, 2_000, 200_000, "skip"))
    out = tmp_path / "me.json"
    session.export_profile(out)
    exported = Profile.loads(out.read_text())
    assert exported.steps == 1
    bad = tmp_path / "bad.json"
    bad.write_text(out.read_text().replace('"mode":"float32"', '"mode":"float16"'))
    with pytest.raises(ProfileError):
        session.import_profile(bad)
    assert load_profile(db).profile.steps == 1
    session.reset()
    assert session.learner.profile.steps == 0
    session.import_profile(out)
    assert load_profile(db).profile.steps == 1
    np.testing.assert_array_equal(session.learner.weights, exported.weights)


def test_a_reset_goes_back_to_the_shipped_prior_and_show_says_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from engine.cli.main import main

    path = tmp_path / "lib.db"
    db = open_db(path)
    ids = fill_library(db, 50)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    spread = Prior(load_prior() * 0.5, np.eye(42) * 0.25, "elsewhere", {"made_by": "a test"})
    session.learner.profile = Profile.from_prior(spread)
    session.record(PlayRecord(ids[0], "s", 1_767_600_000.0, 9.0, 2_000, 2_000, 200_000, "skip"))
    assert load_profile(db).profile.origin["name"] == "elsewhere"  # type: ignore[union-attr]
    session.reset()
    shipped = load_prior_file("shipped")
    reset = load_profile(db).profile  # type: ignore[union-attr]
    assert reset.origin == origin_of(shipped) and reset.steps == 0
    np.testing.assert_array_equal(reset.prior, shipped.mean)
    np.testing.assert_array_equal(reset.prior_covariance, shipped.covariance)
    db.close()
    assert main(["profile", "show", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"started from the prior {shipped.name!r} (" in out and origin_of(shipped)["sha256"][:12] in out
    assert main(["profile", "show", "--db", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["prior_origin"] == origin_of(shipped)


def test_undo_through_the_session(db: sqlite_utils.Database) -> None:
    ids = fill_library(db, 50)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    before = session.learner.weights.copy()
    session.record(PlayRecord(ids[3], "s", 1_767_600_000.0, 9.0, 2_000, 2_000, 200_000, "skip"))
    assert not np.array_equal(session.learner.weights, before)
    assert session.undo() == "update"
    np.testing.assert_array_equal(session.learner.weights, before)
    session.reset()
    assert session.undo() == "reset"


def test_int8_on_and_straight_off_gives_back_the_exact_weights_and_no_history(
    db: sqlite_utils.Database,
) -> None:
    ids = fill_library(db, 50)
    session = ListeningSession(db, rng=np.random.default_rng(0))
    session.record(PlayRecord(ids[3], "s", 1_767_600_000.0, 9.0, 2_000, 2_000, 200_000, "skip"))
    trained = session.learner.weights.copy()
    snapshots = snapshot_count(db)
    for _ in range(3):
        session.set_mode("int8")
        assert session.learner.mode == "int8" and not np.array_equal(session.learner.weights, trained)
        session.set_mode("float32")
    np.testing.assert_array_equal(session.learner.weights, trained)
    assert snapshot_count(db) == snapshots and session.undo() == "update", "the update is next to undo"
    session.set_mode("int8")
    session.record(PlayRecord(ids[4], "s", 1_767_600_100.0, 9.0, 2_000, 2_000, 200_000, "skip"))
    session.set_mode("float32")  # learned in INT8 in between: a switch of its own, kept
    assert session.learner.mode == "float32" and snapshot_count(db) == snapshots - 1 + 3
    assert session.undo() == "mode:float32"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("scales", [50.0] * 5, "no wider than"),
        ("scales", ["a"] * 5, "expected 5 positive numbers"),
        ("scales", [0.01] * 4, "expected 5 positive numbers"),
        ("q", ["x"] * 42, "42 integers"),
        ("q", [1.5] * 42, "42 integers"),
        ("q", [200] * 42, "42 integers"),
    ],
)
def test_malformed_int8_profiles_are_refused(field: str, value: object, message: str) -> None:
    doc = _trained(mode="int8").to_json()
    doc["int8"][field] = value
    with pytest.raises(ProfileError, match=message):
        Profile.from_json(doc)


def test_boolean_steps_are_refused() -> None:
    doc = _trained().to_json()
    doc["optimizer"]["steps"] = True
    with pytest.raises(ProfileError, match="steps"):
        Profile.from_json(doc)


@pytest.mark.parametrize("mode", ["float32", "int8"])
def test_a_version_1_profile_loads_as_the_same_model(mode: str) -> None:
    """Version 1 read "freshness" = 1 - "heard recently"; the loaded profile scores every song alike."""
    trained = _trained(200, mode=mode)
    recent = LABELS.index("history: heard recently")
    v1 = _with_diagonal_precision(trained.to_json(), 1, np.full(42, 9.0))
    v1["labels"] = list(V1_LABELS)
    v1_weights = trained.weights.copy()
    v1_weights[recent] = 0.7  # a version-1 freshness weight: fresh songs welcome
    v1["weights"] = [float(v) for v in v1_weights]
    if mode == "int8":
        v1["int8"]["q"] = [int(v) for v in np.rint(v1_weights / np.repeat(trained.scales, GROUP_COUNTS))]
        v1_weights = np.array(v1["int8"]["q"]) * np.repeat(trained.scales, GROUP_COUNTS)
    migrated = Profile.from_json(json.loads(json.dumps(v1)))
    assert migrated.weights[recent] == pytest.approx(-v1_weights[recent], abs=0.02)
    variances = np.diag(migrated.covariance)
    assert variances[recent] == 1.0, "the new input's weight starts as uncertain as the prior"
    np.testing.assert_allclose(np.delete(variances, recent), 1 / 9.0)
    X = random_inputs(np.random.default_rng(3), 200)
    X_v1 = X.copy()
    X_v1[:, recent] = 1.0 - X[:, recent]  # what version 1 fed the same weight
    old = np.array([model.logit(v1_weights, x) for x in X_v1])
    new = np.array([model.logit(migrated.weights, x) for x in X])
    np.testing.assert_allclose(new, old, atol=1e-9 if mode == "float32" else 0.15)
    assert Profile.loads(migrated.dumps()).to_json()["version"] == 4


@pytest.mark.parametrize("mode", ["float32", "int8"])
def test_a_version_2_profile_loads_with_its_diagonal_posterior(mode: str) -> None:
    """Version 2 kept precisions P; version 3 starts from the covariance diag(1 / P), the same weights."""
    trained = _trained(200, mode=mode)
    precision = np.random.default_rng(4).uniform(1.0, 500.0, 42)
    migrated = Profile.from_json(_with_diagonal_precision(trained.to_json(), 2, precision))
    np.testing.assert_array_equal(migrated.weights, trained.weights)
    np.testing.assert_array_equal(migrated.prior, trained.prior)
    np.testing.assert_allclose(migrated.covariance, np.diag(1.0 / precision), rtol=1e-15)
    assert migrated.steps == trained.steps and migrated.mode == mode
    if mode == "int8":
        np.testing.assert_array_equal(migrated.q, trained.q)
    assert Profile.loads(migrated.dumps()).to_json()["version"] == 4


@pytest.mark.parametrize("mode", ["float32", "int8"])
def test_a_version_3_profile_migrates_as_started_from_the_hand_prior(mode: str) -> None:
    """Before version 4 every profile started from the hand-set prior, covariance I: the same model."""
    trained = _trained(50, mode=mode)
    migrated = Profile.from_json(_as_version_3(trained.to_json()))
    np.testing.assert_array_equal(migrated.weights, trained.weights)
    np.testing.assert_array_equal(migrated.prior, trained.prior)
    np.testing.assert_array_equal(migrated.covariance, trained.covariance)
    np.testing.assert_array_equal(migrated.prior_covariance, np.eye(42))
    assert migrated.origin == {"name": "hand"}
    assert migrated.steps == trained.steps and migrated.mode == mode
    again = Profile.loads(migrated.dumps())
    assert again.to_json()["version"] == 4 and again.origin == {"name": "hand"}
    np.testing.assert_array_equal(again.prior_covariance, np.eye(42))


def test_a_version_3_profile_with_a_damaged_posterior_is_still_refused() -> None:
    doc = _mutate(
        _as_version_3(_trained().to_json()), "optimizer.covariance", [[2.0] * (42 - i) for i in range(42)]
    )
    with pytest.raises(ProfileError, match=r"optimizer\.covariance"):
        Profile.from_json(doc)


def test_a_profile_remembers_the_prior_it_started_from() -> None:
    hand = load_prior_file("hand")
    cov = np.diag(np.linspace(0.05, 2.0, 42))
    prior = Prior(hand.mean + 0.1, cov, "tested", {"made_by": "a test", "command": "pytest", "metrics": [1]})
    profile = Profile.from_prior(prior, mode="float32")
    again = Profile.loads(profile.dumps())
    np.testing.assert_array_equal(again.prior_covariance, cov)
    np.testing.assert_array_equal(again.covariance, cov)
    np.testing.assert_array_equal(again.prior, prior.mean)
    assert again.origin == origin_of(prior)
    assert again.origin["name"] == "tested" and again.origin["command"] == "pytest"
    assert "metrics" not in again.origin, "only a short summary of the provenance is kept"
    assert Profile.from_prior(hand.mean).origin == {"name": "weights"}
    np.testing.assert_array_equal(Profile.from_prior(hand.mean).prior_covariance, np.eye(42))
    shipped = Profile.from_prior()
    assert shipped.origin == origin_of(load_prior_file("shipped"))


def test_a_version_2_profile_without_a_usable_precision_is_refused() -> None:
    doc = _with_diagonal_precision(_trained().to_json(), 2, np.zeros(42))
    with pytest.raises(ProfileError, match="precision: every value must be positive"):
        Profile.from_json(doc)


def test_a_version_1_profile_with_other_labels_is_refused() -> None:
    doc = _trained().to_json()
    doc["version"] = 1
    with pytest.raises(ProfileError, match="labels do not match version 1"):
        Profile.from_json(doc)
