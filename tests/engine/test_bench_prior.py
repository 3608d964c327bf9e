"""skipwise bench prior: held-out listeners, shared taste on and off, distilled against hand, paired runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.bench.prior import bench_prior
from engine.cli.main import main
from engine.learner.prior import Prior, load_prior

SMALL: dict[str, Any] = {"per_kind": 2, "events": 110, "files": []}


def test_the_same_prior_twice_gives_ratio_one_and_no_difference() -> None:
    doc = bench_prior(**SMALL, distilled=load_prior("hand"))
    for group in ("shared_on", "shared_off"):
        assert doc[group]["median_cold_start_ratio"] == 1.0
        for kind in doc[group]["kinds"].values():
            assert kind["cold_start_skip_rate"]["distilled_minus_hand"]["mean"] == 0.0
            assert kind["listeners"] == 2
    assert doc["targets"]["shared_off_no_kind_worse_by_2se"]["met"]


def test_another_prior_changes_what_runs_and_files_join_shared_off(tmp_path: Path) -> None:
    hand = load_prior("hand")
    mean = hand.mean.copy()
    mean[24:42:3] = 0.2  # every time bin's mood gain down
    mean[26:42:3] = -1.5  # and a strong bias towards skipping nothing in particular
    other = Prior(mean, hand.covariance * 0.5, "other", {})
    listener = {"name": "held-out-file", "taste": {"energy": 1.0}, "noise": 0.3}
    (tmp_path / "l.json").write_text(json.dumps(listener))
    doc = bench_prior(**{**SMALL, "files": [tmp_path]}, distilled=other)
    rows = doc["shared_on"]["listener_rows"]
    assert any(r["runs"]["hand"] != r["runs"]["distilled"] for r in rows)
    assert "files" in doc["shared_off"]["kinds"] and doc["files"] == ["held-out-file"]
    assert {"median_cold_start_ratio", "kinds"} <= set(doc["shared_on"]) and np.isfinite(
        doc["shared_off"]["median_cold_start_ratio"]
    )


def test_the_command_prints_the_contracted_keys(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    args = ["bench", "prior", "--per-kind", "2", "--events", "110", "--prior", "hand", "--json"]
    assert main([*args, "--listener-file", str(tmp_path / "none.json")]) == 2
    capsys.readouterr()
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["priors"]["distilled"]["name"] == "hand"
    for group in ("shared_on", "shared_off"):
        assert {"median_cold_start_ratio", "kinds"} <= set(doc[group])
