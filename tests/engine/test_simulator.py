"""The simulator: listener files, the shuffle calibration, and the command-line contracts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sqlite_utils

from engine.features.names import FEATURE_NAMES
from engine.learner.prior import Prior, load_prior, origin_of
from engine.sim.library import synthetic_library
from engine.sim.listener_spec import ListenerError, builtin_names, load_listener, parse_listener
from engine.sim.random_listener import random_listener
from engine.sim.runner import abandon_curve, run_one
from tests.engine.helpers import fill_library

ROOT = Path(__file__).parents[2]


def skipwise(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.launcher", *args], capture_output=True, text=True, cwd=ROOT, timeout=600
    )


def test_at_least_five_builtin_listeners_load() -> None:
    names = builtin_names()
    assert len(names) >= 5
    for name in names:
        spec = load_listener(name)
        assert spec.name == name and spec.description


def test_a_listener_file_with_every_key(tmp_path: Path) -> None:
    path = tmp_path / "me.json"
    path.write_text(
        json.dumps(
            {
                "name": "me",
                "taste": {"valence": 1, "tempo": -0.5},
                "hours": {"22-6": {"energy": -1}},
                "artists": {"liked": 3, "disliked": 2, "strength": 1.5},
                "repeat_tolerance_hours": 5,
                "patience": 2,
                "noise": 0.1,
            }
        )
    )
    spec = load_listener(str(path))
    assert spec.taste[FEATURE_NAMES.index("tempo")] == -0.5
    (window,) = spec.hours
    assert window.contains(23.5) and window.contains(3.0) and not window.contains(12.0)
    assert (spec.liked_artists, spec.disliked_artists, spec.artist_strength) == (3, 2, 1.5)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"name": "x", "taste": {"happiness": 1}}, "unknown feature 'happiness'"),
        ({"name": "x", "hours": {"7-12": {"loudnes": 1}}}, "unknown feature 'loudnes'"),
        ({"taste": {}}, 'needs a non-empty "name"'),
        ({"name": "x", "hours": {"morning": {}}}, "not a range"),
        ({"name": "x", "hours": {"5-5": {}}}, "two different hours"),
        ({"name": "x", "hours": {"24-0": {}}}, "two different hours"),
        ({"name": "x", "patience": "high"}, "patience must be a number"),
        ({"name": "x", "artists": {"favourite": 1}}, "artists must be an object"),
        ({"name": "x", "mood": {}}, "unknown listener keys"),
        ({"name": "x", "taste": {"energy": 10**400}}, "must be between"),
        ({"name": "x", "patience": -(10**400)}, "must be between"),
        ({"name": "x", "noise": float("inf")}, "noise must be a number"),
        ({"name": "x", "kind": "jazz"}, "kind must be one of feature, artist_loyal"),
        ({"name": "x", "artists": {"pick": "best"}}, "artists.pick must be one of uniform, by_songs"),
        ({"name": "x", "shared": -1}, "shared must be between"),
        ({"name": "x", "moods": []}, "moods must be an object"),
        ({"name": "x", "moods": {}}, "moods needs 'regions'"),
        ({"name": "x", "moods": {"regions": []}}, "list of 1 to 8 regions"),
        (
            {"name": "x", "moods": {"regions": [{"centre": {}}]}},
            r"unknown keys \['centre'\] in moods.regions\[0\]",
        ),
        ({"name": "x", "moods": {"regions": [{"center": {}}]}}, "must name at least one feature"),
        (
            {"name": "x", "moods": {"regions": [{"center": {"tempo": 1}, "width": 0}]}},
            "width must be between",
        ),
        ({"name": "x", "moods": {"regions": [{"center": {"temp": 1}}]}}, "unknown feature 'temp'"),
        ({"name": "x", "moods": {"regions": [{"center": {"tempo": 1}}], "per_session": 1}}, "true or false"),
        (
            {"name": "x", "moods": {"regions": [{"center": {"tempo": 1}}], "off_session": 0.2}},
            "needs moods.per",
        ),
        (
            {"name": "x", "moods": {"regions": [{"center": {"tempo": 1}}], "mix": 1}},
            r"unknown keys \['mix'\]",
        ),
        ({"name": "x", "drift": {"days": 3}}, "drift needs 'taste'"),
        ({"name": "x", "drift": {"taste": {}, "speed": 3}}, r"unknown keys \['speed'\] in drift"),
        ({"name": "x", "drift": {"taste": {}, "days": 0}}, "drift.days must be between"),
    ],
)
def test_bad_listener_files_get_clear_errors(doc: dict, message: str) -> None:
    with pytest.raises(ListenerError, match=message):
        parse_listener(doc)


def test_the_new_keys_keep_old_files_as_they_were_and_say_their_kind() -> None:
    old = parse_listener({"name": "x", "taste": {"energy": 1}})
    assert (old.kind, old.shared, old.moods, old.drift, old.artist_pick) == (
        "feature",
        0.0,
        None,
        None,
        "uniform",
    )
    assert old.all_hours == old.hours == ()
    region = {"center": {"energy": 1.0}}
    assert parse_listener({"name": "x", "moods": {"regions": [region]}}).kind == "two_moods"
    moody = parse_listener(
        {"name": "x", "moods": {"regions": [region], "per_session": True, "off_session": 0.1}}
    )
    assert moody.kind == "session_moods" and moody.moods is not None and moody.moods.off_session == 0.1
    assert parse_listener({"name": "x", "drift": {"taste": {"tempo": 1}}}).kind == "drifting"
    assert parse_listener({"name": "x", "kind": "artist_loyal"}).kind == "artist_loyal"
    shared = parse_listener({"name": "x", "shared": 0.5, "hours": {"1-2": {"tempo": 1}}})
    assert len(shared.all_hours) == 1 + len(shared.all_hours[1:]) and len(shared.all_hours) > 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"name": "caf\xe9"}', "not UTF-8 text"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"name": ', "not valid JSON"),
        (b'{"name": "x", "noise": ' + b"1" * 5000 + b"}", "not valid JSON"),
    ],
)
def test_unreadable_listener_files_get_clear_errors(content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "listener.json"
    path.write_bytes(content)
    with pytest.raises(ListenerError, match=message):
        load_listener(str(path))


def test_shuffle_reproduces_the_published_abandonment_curve() -> None:
    library = synthetic_library(2000, seed=7)
    logs = [run_one(library, load_listener("steady"), "shuffle", events=1000, seed=s) for s in range(3)]
    curve = abandon_curve(logs)
    assert curve["within_5s"] == pytest.approx(0.24, abs=0.05)
    assert curve["within_30s"] == pytest.approx(0.35, abs=0.05)
    assert curve["before_end"] == pytest.approx(0.486, abs=0.05)


@pytest.mark.parametrize("seed", [101, 102, 103])
def test_listeners_nobody_tuned_on_are_learned(seed: int) -> None:
    # From the hand-set prior: what is checked is the learning, whichever prior ships (a distilled one
    # already knows part of what is learned here, and is regenerated now and then).
    library = synthetic_library(1500, seed=11)
    spec = parse_listener(random_listener(seed))
    hand = load_prior("hand")
    learner, shuffle, unlearned = (
        np.mean(
            [
                run_one(library, spec, name, events=700, seed=s, prior=hand).skipped[100:].mean()
                for s in (0, 1)
            ]
        )
        for name in ("learner", "shuffle", "prior")
    )
    assert learner <= 0.6 * shuffle
    assert learner <= 0.6 * unlearned, "the learned weights, not the prior and memories alone"


def test_simulate_json_contract_on_a_synthetic_library() -> None:
    result = skipwise(
        "simulate", "--synthetic", "300", "--listener", "steady", "--events", "160", "--seeds", "2", "--json"
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["listener"], doc["tracks"], doc["events"], doc["seeds"]) == ("steady", 300, 160, 2)
    assert doc["model"] == {
        "parameters": 42,
        "groups": {"mood": 10, "history": 4, "skip": 4, "time_of_day": 6, "scoring": 18},
    }
    assert set(doc["strategies"]) == {"shuffle", "learner", "learner_int8", "river", "oracle"}
    for summary in doc["strategies"].values():
        assert set(summary) >= {"skip_rate", "early_skip_rate", "skip_rate_by_window"}
        assert set(summary) >= {"captured", "captured_se", "cold_start_skip_rate", "cold_start_skip_rate_se"}
        assert 0 <= summary["early_skip_rate"] <= summary["skip_rate"] <= 1
        assert 0 <= summary["cold_start_skip_rate"] <= 1 and summary["captured_se"] >= 0
        assert len(summary["skip_rate_by_window"]) == 4  # 160 events in windows of 50
    assert set(doc["shuffle_abandon_curve"]) == {"within_5s", "within_30s", "before_end"}


def test_simulate_on_a_database_and_with_a_listener_file(db: sqlite_utils.Database, tmp_path: Path) -> None:
    fill_library(db, 120)
    listener = tmp_path / "l.json"
    listener.write_text(json.dumps({"name": "filed", "taste": {"energy": 1}}))
    db_path = tmp_path / "test.db"
    result = skipwise(
        "simulate", "--db", str(db_path), "--listener", str(listener), "--events", "120", "--seeds", "1",
        "--strategies", "shuffle,learner", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["tracks"] == 120 and doc["listener"] == "filed"
    assert set(doc["strategies"]) == {"shuffle", "learner"}


def test_simulate_errors_are_clear_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "bad", "taste": {"sadness": 1}}))
    result = skipwise("simulate", "--synthetic", "50", "--listener", str(bad), "--events", "200")
    assert result.returncode == 2
    assert "unknown feature 'sadness'" in result.stderr and "Traceback" not in result.stderr
    result = skipwise("simulate", "--listener", "nobody", "--events", "200")
    assert result.returncode == 2 and "no built-in listener 'nobody'" in result.stderr
    result = skipwise("simulate", "--synthetic", "50", "--listener", "steady", "--events", "100")
    assert result.returncode == 2 and "--events must be more than 100" in result.stderr


def test_bench_learner_json_contract() -> None:
    result = skipwise("bench", "learner", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) >= {"update_us", "river_update_us", "rerank_ms", "skip_to_reordered_ms"}
    assert set(doc["rerank_ms"]) == {"1000", "10000", "100000"}
    assert all(v > 0 for v in (doc["update_us"], doc["river_update_us"], doc["skip_to_reordered_ms"]))


def test_without_river_the_baseline_is_left_out_or_refused_clearly() -> None:
    # A child process where River cannot be imported: an install without the bench extra, like the package.
    code = "import sys; sys.modules['river'] = None; from app.launcher import main; sys.exit(main())"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)

    out = run(
        "simulate", "--synthetic", "60", "--listener", "steady", "--events", "120", "--seeds", "1", "--json"
    )
    assert out.returncode == 0, out.stderr
    assert "river" not in json.loads(out.stdout)["strategies"] and "River is not installed" in out.stderr
    refused = run("simulate", "--synthetic", "60", "--listener", "steady", "--strategies", "river,shuffle")
    assert refused.returncode == 2 and "needs River, which is not installed" in refused.stderr
    bench = run("bench", "learner")
    assert bench.returncode == 2 and "compares against River, which is not installed" in bench.stderr


def test_bench_listeners_json_contract_with_a_chosen_untuned_seed() -> None:
    result = skipwise(
        "bench", "listeners", "--no-builtins", "--untuned", "2", "--untuned-seed", "9000",
        "--seeds", "2", "--events", "150", "--synthetic", "300", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["untuned_seeds"] == [9000, 9001]
    assert [r["listener"] for r in doc["listeners"]] == ["untuned-9000", "untuned-9001"]
    for row in doc["listeners"]:
        assert set(row["skip_rate"]) == {"shuffle", "learner", "learner_int8", "river", "oracle"}
        assert row["learner_minus_river_se"] >= 0 and row["int8_minus_float32_se_points"] >= 0
        rate = row["skip_rate"]
        assert row["oracle_vs_shuffle"] == pytest.approx(rate["oracle"] / rate["shuffle"], abs=1e-3)
    counts = doc["target_counts"]
    assert counts["listeners"] == 2
    assert counts["learner_vs_shuffle_within_target"] == sum(
        r["learner_vs_shuffle"] <= 0.6 for r in doc["listeners"]
    )
    assert counts["learner_at_most_river"] <= counts["learner_within_2se_of_river"] <= 2
    assert 0 <= counts["int8_within_target"] <= 2
    result = skipwise("bench", "listeners", "--no-builtins", "--untuned", "0")
    assert result.returncode == 2 and "at least 1 with --no-builtins" in result.stderr


def test_bench_listeners_chooses_kinds_seeds_and_listener_files(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.json").write_text(
        json.dumps({"name": "file-a", "kind": "artist_loyal", "artists": {"liked": 3}})
    )
    result = skipwise(
        "bench", "listeners", "--no-builtins", "--untuned", "0", "--kinds", "two_moods,drifting",
        "--per-kind", "2", "--seed-base", "500", "--listener-file", str(folder), "--seeds", "2",
        "--events", "130", "--synthetic", "200", "--at-events", "120", "--jobs", "2", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    names = [r["listener"] for r in doc["listeners"]]
    assert names == ["two_moods-500", "two_moods-501", "drifting-500", "drifting-501", "file-a"]
    assert (doc["generated_seeds"], doc["generated_kinds"], doc["checkpoints"]) == (
        [500, 501],
        ["two_moods", "drifting"],
        [120],
    )
    assert [r["kind"] for r in doc["listeners"]] == ["generated"] * 4 + ["file"]
    assert (
        set(doc["kinds"]) == {"two_moods", "drifting", "artist_loyal"}
        and doc["kinds"]["two_moods"]["listeners"] == 2
    )
    for row in doc["listeners"]:
        assert set(row["strategies"]) == {"shuffle", "learner", "learner_int8", "river", "oracle"}
        learner = row["strategies"]["learner"]
        assert set(learner) >= {"captured", "captured_se", "cold_start_skip_rate", "at_events"}
        assert set(row["captured_at_events"]) == {"120"}
    assert set(doc["targets"]) >= {
        "captured_where_oracle_gains",
        "median_captured_per_kind",
        "within_2se_of_river",
    }
    solo = skipwise(
        "bench", "listeners", "--no-builtins", "--untuned", "0", "--kinds", "feature", "--per-kind", "1",
        "--no-shared", "--seeds", "1", "--events", "110", "--synthetic", "100", "--json",
    )  # fmt: skip
    assert solo.returncode == 0, solo.stderr
    assert [r["listener"] for r in json.loads(solo.stdout)["listeners"]] == ["feature-13000-solo"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kinds", "feature"], "--kinds needs --per-kind N"),
        (["--kinds", "jazz", "--per-kind", "1"], "unknown kinds ['jazz']"),
        (["--listener-file", "/nonexistent/x.json"], "cannot read listener file"),
        (["--listener-file", "loyal"], "two listeners have the same name: loyal"),
    ],
)
def test_bench_listeners_bad_choices_are_clear(args: list[str], message: str) -> None:
    result = skipwise("bench", "listeners", "--seeds", "1", "--events", "110", *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def _distinct_prior(path: Path) -> Prior:
    """A prior file unlike the hand-set one: strong mood weights, and sure of them."""
    hand = load_prior("hand")
    mean = hand.mean.copy()
    mean[:10] = 3.0 * np.where(np.arange(10) % 2 == 0, 1.0, -1.0)
    prior = Prior(mean, 0.01 * np.eye(42), "distinct", {"made_by": "test_simulator", "command": "pytest"})
    prior.write(path)
    return load_prior(path)


def test_the_learners_start_from_the_prior_they_are_given(tmp_path: Path) -> None:
    library = synthetic_library(300, seed=7)
    spec = load_listener("steady")
    distinct = _distinct_prior(tmp_path / "distinct.json")
    for name in ("learner", "learner_int8", "prior"):
        seen: dict[str, np.ndarray] = {}

        def first(i: int, log: object, strategy: object, into: dict[str, np.ndarray] = seen) -> None:
            if i == 0:
                into["profile"] = strategy.learner.profile  # type: ignore[attr-defined]

        hand = run_one(library, spec, name, events=20, seed=0, prior=load_prior("hand"))
        run = run_one(library, spec, name, events=20, seed=0, prior=distinct, on_event=first)
        np.testing.assert_array_equal(seen["profile"].prior, distinct.mean)
        np.testing.assert_array_equal(seen["profile"].prior_covariance, distinct.covariance)
        assert seen["profile"].origin["name"] == "distinct"
        assert not np.array_equal(hand.songs, run.songs), f"{name}: the prior chooses the first songs"


def test_simulate_prior_chooses_what_runs_and_the_json_names_it(tmp_path: Path) -> None:
    path = tmp_path / "distinct.json"
    _distinct_prior(path)
    common = ["simulate", "--synthetic", "300", "--listener", "steady", "--events", "150", "--seeds", "1",
              "--strategies", "learner,prior", "--json"]  # fmt: skip
    runs = {}
    for choice in ("hand", str(path), None):
        result = skipwise(*common, *(["--prior", choice] if choice else []))
        assert result.returncode == 0, result.stderr
        runs[choice] = json.loads(result.stdout)
    assert runs[str(path)]["prior"]["name"] == "distinct"
    assert runs[str(path)]["prior"]["path"] == str(path)
    assert runs[str(path)]["prior"]["command"] == "pytest"
    assert runs["hand"]["prior"]["name"] == "hand"
    assert Path(runs[None]["prior"]["path"]) == ROOT / "assets" / "prior.json", (
        "the default: the shipped prior"
    )
    assert runs[None]["prior"]["sha256"] == origin_of(load_prior("shipped"))["sha256"]
    hand, distinct = runs["hand"]["strategies"], runs[str(path)]["strategies"]
    assert set(hand) == set(distinct) == {"learner", "prior"}
    assert hand["prior"]["skip_rate_by_window"] != distinct["prior"]["skip_rate_by_window"]
    assert hand["learner"]["skip_rate_by_window"] != distinct["learner"]["skip_rate_by_window"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "is not valid JSON"),
        (json.dumps({"format": "skipwise-prior", "version": 9}), "unsupported prior version 9"),
        (None, "mean: expected 42 numbers, got shape (41,)"),
    ],
)
def test_a_damaged_prior_file_is_refused_with_the_reason(
    content: str | None, reason: str, tmp_path: Path
) -> None:
    path = tmp_path / "damaged.json"
    if content is None:
        content = json.dumps({**load_prior("hand").to_json(), "mean": [0.0] * 41})
    path.write_text(content)
    for command in (
        ["simulate", "--synthetic", "50", "--listener", "steady", "--events", "110", "--seeds", "1"],
        ["bench", "listeners", "--no-builtins", "--untuned", "1", "--seeds", "1", "--events", "110"],
    ):
        result = skipwise(*command, "--prior", str(path))
        assert result.returncode == 2, result.stderr
        assert "--prior" in result.stderr and reason in result.stderr and "Traceback" not in result.stderr
    missing = skipwise("simulate", "--listener", "steady", "--prior", str(tmp_path / "nowhere.json"))
    assert missing.returncode == 2 and "cannot read the prior" in missing.stderr


def test_bench_listeners_runs_from_the_prior_it_is_given(tmp_path: Path) -> None:
    path = tmp_path / "distinct.json"
    _distinct_prior(path)
    result = skipwise(
        "bench", "listeners", "--no-builtins", "--untuned", "1", "--seeds", "1", "--events", "110",
        "--synthetic", "100", "--prior", str(path), "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["prior"]["name"] == "distinct" and doc["prior"]["path"] == str(path)
