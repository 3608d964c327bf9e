"""``skipwise distill`` from end to end: population, pooled log, teacher, student, covariance, prior.

1. The population (:mod:`.population`) plays ``events`` each into one pooled log.
2. A fifth of the listeners (at least one, chosen by ``seed``) are held out; the
   rest are split into two folds. A teacher is fitted on each fold's plays and
   labels the other fold's rows (plays and candidates): every soft label of the
   transfer set comes from a teacher that never saw that listener (cross-fitting).
   On the held-out listeners the teacher's prediction is the two teachers' mean.
3. The student is fitted to the soft labels of the whole transfer set; the same
   student is fitted to the raw labels of the same listeners' plays, for comparison.
4. Teacher, both students and the hand-set prior are scored on the held-out
   listeners' plays (:mod:`.scores`).
5. One student per training listener, on its own labels, gives the covariance
   (:mod:`.covariance`).

The prior's mean is the soft-label student. Everything is seeded: the same
arguments give the same bytes, on any machine (one math thread).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from engine.distill import covariance as cov_rules
from engine.distill.covariance import population_covariance
from engine.distill.hedge import HAND_GROUPS, HAND_SHARE, hedge
from engine.distill.pooled_log import CONTEXT, PooledLog
from engine.distill.population import (
    LIBRARY_SEED,
    LIBRARY_SONGS,
    POPULATION_SEED,
    SHUFFLE_SHARE,
    play_listener,
    population_listeners,
    population_seeds,
)
from engine.distill.scores import log_loss, scored
from engine.distill.student import fit_student, posterior_covariance, predict
from engine.distill.teacher import fit_teacher
from engine.learner.prior import Prior, load_prior
from engine.sim.library import synthetic_library
from engine.sim.listener_kinds import KINDS

HELD_OUT_SHARE = 0.2
DECIMALS = 6


@dataclass(frozen=True)
class Distilled:
    """The prior and the report (the ``--json`` document)."""

    prior: Prior
    report: dict[str, Any]


def _split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Listener indices: held out, fold A, fold B (each sorted)."""
    order = np.random.default_rng([seed, 14]).permutation(n)
    n_out = max(1, round(HELD_OUT_SHARE * n))
    rest = order[n_out:]
    return np.sort(order[:n_out]), np.sort(rest[0::2]), np.sort(rest[1::2])


def distill(
    population: int,
    events: int,
    *,
    teacher: str = "gbt",
    seed: int = 0,
    command: str = "",
    progress: Callable[[str], None] | None = None,
) -> Distilled:
    """The distilled prior of ``population`` listeners playing ``events`` each.

    On one math thread throughout: BLAS adds up in another order on another
    number of threads, and the student's optimiser takes that to another
    fourth decimal, so the same command would give other bytes on another
    machine.
    """
    with threadpool_limits(1):
        return _distill(population, events, teacher=teacher, seed=seed, command=command, progress=progress)


def _distill(
    population: int,
    events: int,
    *,
    teacher: str,
    seed: int,
    command: str,
    progress: Callable[[str], None] | None,
) -> Distilled:
    if population < 4:
        raise ValueError("a population needs at least 4 listeners (held out, two folds)")
    if events < 20:
        raise ValueError("each listener needs at least 20 events")
    say = progress or (lambda _: None)
    library = synthetic_library(LIBRARY_SONGS, seed=LIBRARY_SEED)
    seeds = population_seeds(population)
    logs = []
    for i, (spec, s) in enumerate(zip(population_listeners(population), seeds, strict=True)):
        logs.append(play_listener(library, spec, i, events=events, seed=s))
        if (i + 1) % 50 == 0 or i + 1 == population:
            say(f"population: {i + 1}/{population} listeners played")
    log = PooledLog.concat(logs)
    held_out, fold_a, fold_b = _split(population, seed)
    in_a, in_b = np.isin(log.listener, fold_a), np.isin(log.listener, fold_b)
    out = np.isin(log.listener, held_out)
    features = log.teacher_features
    soft = np.full(len(log), np.nan)
    teachers = []
    for fit_on, label in ((in_a, in_b), (in_b, in_a)):
        rows = fit_on & log.played
        say(f"teacher ({teacher}): fitting on {int(rows.sum())} plays")
        t = fit_teacher(teacher, features[rows], log.target[rows], seed=seed)
        soft[label] = t.predict(features[label])
        teachers.append(t)
    test = log.rows(out & log.played)
    test_features = features[out & log.played]
    p_teacher = np.mean([t.predict(test_features) for t in teachers], axis=0)
    hand = load_prior("hand")
    train = in_a | in_b
    say(f"student: fitting to {int(train.sum())} soft labels")
    student_soft = fit_student(log.inputs[train], soft[train], hand.mean)
    plays = train & log.played
    student_hard = fit_student(log.inputs[plays], log.target[plays], hand.mean)
    say("covariance: one student per training listener")
    fitted = [
        _listener_student(log, i, student_soft.weights) for i in np.sort(np.concatenate([fold_a, fold_b]))
    ]
    per_listener = np.array([w for w, _ in fitted])
    covariance = population_covariance(per_listener, np.array([c for _, c in fitted]))
    predictions = {
        "teacher": p_teacher,
        "student_soft": predict(student_soft.weights, test.inputs),
        "student_hard": predict(student_hard.weights, test.inputs),
        "hand_prior": predict(hand.mean, test.inputs),
    }
    loss = {name: log_loss(p, test.target) for name, p in predictions.items()}
    gap = loss["student_soft"] - loss["teacher"]
    hard_minus_soft = loss["student_hard"] - loss["student_soft"]
    metrics: dict[str, Any] = {"held_out_plays": len(test)}
    metrics |= {name: scored(p, test.target) for name, p in predictions.items()}
    metrics |= {
        "distillation_gap_log_loss": round(gap, 4),
        "soft_beats_hard": bool(hard_minus_soft > 0),
        "hard_minus_soft_log_loss": round(hard_minus_soft, 4),
        "student_fit_to_teacher": {
            "cross_entropy_at_start": round(student_soft.loss_before, 4),
            "cross_entropy_fitted": round(student_soft.loss_after, 4),
            "iterations": student_soft.iterations,
        },
    }
    provenance = {
        "made_by": "skipwise distill",
        "command": command,
        "teacher": {
            "kind": teacher,
            "parameters": teachers[0].parameters,
            **teachers[0].describe(),
            "cross_fitted_folds": 2,
        },
        "student": {
            "parameters": len(hand.mean),
            "fitted_to": "the teacher's probabilities (temperature 1: none)",
            "optimizer": "scipy L-BFGS-B, analytic gradient, within the weights' bounds",
            "transfer_rows": int(train.sum()),
        },
        "population": {
            "listeners": population,
            "seeds": [seeds[0], seeds[-1]],
            "kinds": list(KINDS),
            "events_per_listener": events,
            "shared_taste": True,
            "policy": f"shuffle with probability {SHUFFLE_SHARE}, else the learner (hand-set prior)",
            "library": {"synthetic_songs": LIBRARY_SONGS, "seed": LIBRARY_SEED},
            "held_out_seeds": [POPULATION_SEED + int(i) for i in held_out],
            "plays": int(log.played.sum()),
            "candidates": int((~log.played).sum()),
        },
        "teacher_context": list(CONTEXT),
        "covariance": {
            "from": "spread of per-listener students plus their mean posterior covariance (empirical Bayes)",
            "students": len(per_listener),
            "variance_floor": cov_rules.VARIANCE_FLOOR,
            "variance_cap": cov_rules.VARIANCE_CAP,
            "correlation_shrink": cov_rules.SHRINK,
        },
        "metrics": metrics,
        "assumptions": "docs/distill.md, 'What the prior assumes about people'",
    }
    provenance["hedge"] = {
        "mean": f"the {' and '.join(HAND_GROUPS)} groups keep the hand-set prior's values",
        "covariance": f"{1 - HAND_SHARE:g} x the population's + {HAND_SHARE:g} x the hand-set prior's",
        "why": "docs/distill.md, 'The hedge'",
    }
    mean, covariance = hedge(np.round(student_soft.weights, DECIMALS), covariance, hand)
    prior = Prior(mean, covariance, "distilled", provenance)
    report = {
        "teacher_kind": teacher,
        "teacher_parameters": teachers[0].parameters,
        "population": population,
        "events": events,
        "seed": seed,
        **metrics,
    }
    return Distilled(prior, report)


def _listener_student(log: PooledLog, index: int, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One listener's student [shape=(42,)] on its own labels, pulled towards ``mean`` (variance 1),
    and its posterior covariance [shape=(42, 42)]."""
    mine = (log.listener == index) & log.played
    w = fit_student(log.inputs[mine], log.target[mine], mean).weights
    return w, posterior_covariance(w, log.inputs[mine])
