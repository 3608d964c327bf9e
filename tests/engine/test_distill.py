"""skipwise distill: the whole pipeline on a tiny population, the student's fit, the file it writes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.bench.listeners import VERDICT_SEED
from engine.cli.main import main
from engine.distill.covariance import VARIANCE_CAP, VARIANCE_FLOOR, population_covariance
from engine.distill.pipeline import Distilled, distill
from engine.distill.population import HELD_OUT_SEED, MAX_POPULATION, population_seeds
from engine.distill.scores import auc
from engine.distill.student import cross_entropy, fit_student, grad_logits, logits, loss_and_grad, predict
from engine.learner import model
from engine.learner.prior import Prior, PriorError, load_prior
from engine.learner.timeofday import context

TINY = {"population": 5, "events": 40}


@pytest.fixture(scope="module")
def tiny() -> Distilled:
    return distill(**TINY, seed=3, command="test")


def _rows(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 26))
    for i, hour in enumerate(rng.uniform(0, 24, n)):
        X[i, 18:24], X[i, 24:26] = context(hour)
    return X


def test_the_batch_forward_pass_and_gradient_are_the_device_models() -> None:
    X, w = _rows(40), np.random.default_rng(1).normal(size=42) * 0.5
    assert np.allclose(logits(w, X), [model.logit(w, x) for x in X])
    assert np.allclose(grad_logits(w, X), [model.grad_logit(w, x) for x in X])
    q = np.random.default_rng(2).random(40)
    _, g = loss_and_grad(w, X, q)
    numeric = [
        (loss_and_grad(w + 1e-6 * e, X, q)[0] - loss_and_grad(w - 1e-6 * e, X, q)[0]) / 2e-6
        for e in np.eye(42)
    ]
    assert np.allclose(g, numeric, atol=1e-7)


def test_the_student_fit_lowers_its_cross_entropy_to_the_teachers_predictions() -> None:
    X = _rows(3000)
    truth = np.clip(np.random.default_rng(3).normal(size=42) * 0.6, -4, 4)
    q = predict(truth, X)  # a teacher the student can represent
    hand = load_prior("hand").mean
    fit = fit_student(X, q, hand)
    assert fit.loss_after < fit.loss_before - 0.05
    assert fit.loss_after == pytest.approx(cross_entropy(predict(fit.weights, X), q))
    assert fit.loss_after < cross_entropy(predict(truth, X), q) + 1e-3


def test_the_whole_pipeline_on_a_tiny_population(tiny: Distilled) -> None:
    r = tiny.report
    assert r["teacher_kind"] == "gbt"
    assert r["teacher_parameters"] > 10 * 42  # on 5 listeners' 40 plays; thousands on a real population
    for name in ("teacher", "student_soft", "student_hard", "hand_prior"):
        assert 0 < r[name]["log_loss"] < 2
        assert 0 <= r[name]["auc"] <= 1
    fit = r["student_fit_to_teacher"]
    assert fit["cross_entropy_fitted"] < fit["cross_entropy_at_start"]
    assert r["distillation_gap_log_loss"] == pytest.approx(
        r["student_soft"]["log_loss"] - r["teacher"]["log_loss"], abs=2e-4
    )
    p = tiny.prior.provenance
    assert p["teacher"]["kind"] == "gbt" and p["population"]["seeds"] == [300000, 300004]
    assert p["population"]["events_per_listener"] == 40 and p["command"] == "test"


def test_the_written_prior_validates_and_loads_and_a_damaged_one_is_refused(
    tiny: Distilled, tmp_path: Path
) -> None:
    path = tmp_path / "prior.json"
    tiny.prior.write(path)
    back = load_prior(path)
    assert back.name == "distilled" and np.allclose(back.mean, tiny.prior.mean)
    assert np.allclose(back.covariance, tiny.prior.covariance)
    variance = np.diag(back.covariance)
    assert variance.min() >= VARIANCE_FLOOR - 1e-6 and variance.max() <= VARIANCE_CAP + 1e-6
    doc = json.loads(path.read_text())
    doc["covariance"][13][0] = -0.5
    with pytest.raises(PriorError, match="variance"):
        Prior.from_json(doc, source="damaged")


def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_prior(tiny: Distilled) -> None:
    assert distill(**TINY, seed=3, command="test").prior.dumps() == tiny.prior.dumps()
    assert distill(**TINY, seed=4, command="test").prior.dumps() != tiny.prior.dumps()


def test_the_pipeline_does_its_math_on_one_thread_so_any_machine_gives_the_same_bytes() -> None:
    """Two BLAS threads sum in another order: the shipped prior's mood weights came out 0.4 % apart."""
    from threadpoolctl import threadpool_info, threadpool_limits

    seen: list[set[int]] = []

    def progress(_line: str) -> None:
        seen.append({p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"})

    with threadpool_limits(2, user_api="blas"):  # as on a machine with cores to spare
        distill(**TINY, seed=3, command="test", progress=progress)
        after = {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}
    assert seen and all(threads == {1} for threads in seen), seen
    assert after == {2}, "the caller's setting is given back"


def test_the_covariance_is_valid_even_when_every_listener_agrees() -> None:
    same = np.tile(np.linspace(-1, 1, 42), (5, 1))
    cov = population_covariance(same, np.zeros((5, 42, 42)))
    assert np.all(np.diag(cov) >= VARIANCE_FLOOR - 1e-9)
    np.linalg.cholesky(cov)
    spread = np.random.default_rng(0).normal(size=(30, 42)) * 3.0
    assert np.diag(population_covariance(spread, np.zeros((30, 42, 42)))).max() <= VARIANCE_CAP


def test_the_populations_seeds_are_apart_from_every_evaluation_seed() -> None:
    seeds = population_seeds(MAX_POPULATION)
    assert min(seeds) > VERDICT_SEED + 1000 and max(seeds) < HELD_OUT_SEED
    with pytest.raises(ValueError):
        population_seeds(MAX_POPULATION + 1)


def test_auc_counts_ties_as_half() -> None:
    assert auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1.0])) == 0.75
    assert auc(np.array([0.5, 0.5]), np.array([0.0, 1.0])) == 0.5
    assert auc(np.array([0.5, 0.6]), np.array([1.0, 1.0])) is None


def test_the_command_writes_the_prior_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.json"
    args = ["distill", "--population", "5", "--events", "40", "--seed", "3", "--out", str(out), "--json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"teacher", "student_soft", "student_hard", "distillation_gap_log_loss", "soft_beats_hard"} <= set(
        report
    )
    prior = load_prior(out)
    assert prior.provenance["command"].startswith("skipwise distill --population 5 --events 40")
    with pytest.raises(SystemExit):
        main(["distill", "--population", "2", "--events", "40", "--out", str(out)])


def test_the_shipped_prior_is_the_distilled_one_and_says_how_to_make_it_again() -> None:
    from engine.cli.distill_cmd import SHIPPED_COMMAND

    shipped = load_prior("shipped")
    assert shipped.name == "distilled" and shipped.provenance["command"] == SHIPPED_COMMAND
    assert shipped.provenance["teacher"]["parameters"] > 1000
    assert not np.allclose(shipped.mean, load_prior("hand").mean)


def test_the_hedge_keeps_the_hand_set_behaviour_and_half_its_covariance() -> None:
    from engine.distill.hedge import HAND_GROUPS, HAND_SHARE, hedge
    from engine.learner.params import GROUP_BY_KEY

    hand = load_prior("hand")
    rng = np.random.default_rng(0)
    a = rng.normal(size=(42, 42)) * 0.05
    population = a @ a.T + np.eye(42) * 0.1
    mean, cov = hedge(rng.uniform(-1, 1, 42), population, hand)
    kept = np.concatenate([np.arange(42)[GROUP_BY_KEY[k].slice] for k in HAND_GROUPS])
    assert np.array_equal(mean[kept], hand.mean[kept])
    assert np.allclose(cov, (1 - HAND_SHARE) * population + HAND_SHARE * hand.covariance)
    shipped = load_prior("shipped")
    assert np.array_equal(shipped.mean[kept], hand.mean[kept])
    assert np.diag(shipped.covariance).min() >= HAND_SHARE * np.diag(hand.covariance).min() - 1e-9
