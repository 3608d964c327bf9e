"""The prior file: both shipped priors load, and a damaged one is refused with a reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.learner.params import N_PARAMS
from engine.learner.prior import Prior, PriorError, load_prior


@pytest.mark.parametrize("which", ["shipped", "distilled", "hand"])
def test_the_shipped_priors_load(which: str) -> None:
    prior = load_prior(which)
    assert prior.mean.shape == (N_PARAMS,)
    assert np.allclose(prior.covariance, prior.covariance.T)
    assert np.all(np.linalg.eigvalsh(prior.covariance) > 0)


def test_a_prior_survives_its_file_unchanged(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(N_PARAMS, N_PARAMS)) * 0.1
    prior = Prior(rng.uniform(-1, 1, N_PARAMS), a @ a.T + np.eye(N_PARAMS) * 0.05, "test", {"seed": 0})
    path = tmp_path / "p.json"
    prior.write(path)
    back = Prior.read(path)
    assert np.array_equal(back.mean, prior.mean)
    assert np.array_equal(back.covariance, prior.covariance)
    assert (back.name, back.provenance) == ("test", {"seed": 0})
    assert back.dumps() == path.read_text()


def _damaged(change: dict[str, Any]) -> dict[str, Any]:
    return {**load_prior("hand").to_json(), **change}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"format": "skipwise-profile"}, "not a Skipwise prior"),
        ({"version": 9}, "unsupported prior version"),
        ({"labels": ["x"] * N_PARAMS}, "labels do not match"),
        ({"mean": [0.0] * (N_PARAMS - 1)}, "mean: expected 42 numbers"),
        ({"mean": [99.0] * N_PARAMS}, "outside its weight's bound"),
        ({"mean": ["0"] * N_PARAMS}, "expected a list of numbers"),
        ({"covariance": [[1.0]] * N_PARAMS}, "upper triangle"),
        ({"name": ""}, "name"),
        ({"extra": 1}, "unknown keys ['extra']"),
    ],
)
def test_a_damaged_prior_is_refused_with_its_reason(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(PriorError) as err:
        Prior.from_json(_damaged(change), source="bad.json")
    assert reason in str(err.value) and str(err.value).startswith("bad.json: ")


def test_a_covariance_that_is_not_positive_definite_is_refused() -> None:
    data = load_prior("hand").to_json()
    data["covariance"][0][1] = 5.0  # |cov01| > sqrt(var0 var1)
    with pytest.raises(PriorError, match="not positive definite"):
        Prior.from_json(data)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"format": "skipwise-prior", "mean": [NaN')
    with pytest.raises(PriorError, match="not valid JSON"):
        Prior.read(path)
    path.write_text(json.dumps(_damaged({"mean": [float("nan")] * N_PARAMS})))
    with pytest.raises(PriorError, match="non-finite"):
        Prior.read(path)
