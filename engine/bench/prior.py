"""``skipwise bench prior``: the distilled prior against the hand-set one, on listeners not in the population.

Listeners, all from seeds kept apart from the population's (``engine.distill.population``):

- ``shared_on``: ``per_kind`` generated listeners of every kind, seeds 310000 on
  (:data:`~engine.distill.population.HELD_OUT_SEED`), the population's shared taste on:
  other people from the same population;
- ``shared_off``: the same seeds without the shared taste (people who share nothing
  with the population but behaviour), and the listener files of ``files``
  (default ``bench/listeners-heldout/``, written by hand for issue 13), as kind ``files``.

Every listener runs once (run seed = its listener seed) through shuffle, the oracle and the
learner started from each prior; the runs of one listener share the person and the clock, so
the differences are paired. Per kind: the cold start (``cold_start_skip_rate``, events 1-100)
and the skip rate over events 101..E of each prior, means and standard errors over the
listeners, the cold start as ``captured`` (the share of the oracle's cold-start gain over
shuffle), and ``median_cold_start_ratio`` = median distilled / median hand. The targets of
issue 14 are checked in ``targets``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from engine.bench.listeners import listener_files
from engine.distill.population import HELD_OUT_SEED, LIBRARY_SEED, LIBRARY_SONGS
from engine.learner.prior import Prior, describe, load_prior
from engine.paths import assets_dir
from engine.sim import metrics
from engine.sim.library import SimLibrary, synthetic_library
from engine.sim.listener_kinds import KINDS, generate_listener
from engine.sim.listener_spec import ListenerSpec, parse_listener
from engine.sim.runner import run_one, warmup_start

SHARED_ON_RATIO_TARGET = 0.85  # median cold start, distilled / hand, within every kind
SHARED_OFF_RATIO_TARGET = 1.0  # median over the shared-off listeners
WORSE_SE = 2.0  # no shared-off kind worse than hand by more than this many standard errors
PRIORS = ("hand", "distilled")


def default_files() -> list[Path]:
    """``bench/listeners-heldout/`` of a source checkout, if it is there."""
    folder = assets_dir().parent / "bench" / "listeners-heldout"
    return [folder] if folder.is_dir() else []


def _runs(
    library: SimLibrary, spec: ListenerSpec, seed: int, events: int, priors: dict[str, Prior]
) -> dict[str, dict[str, float]]:
    """Cold start and later skip rate of shuffle, the oracle and the learner from each prior."""
    start = warmup_start(events)
    out = {}
    for name in ("shuffle", "oracle", *priors):
        if name in priors:
            log = run_one(library, spec, "learner", events=events, seed=seed, prior=priors[name])
        else:
            log = run_one(library, spec, name, events=events, seed=seed)
        out[name] = {
            "cold": float(log.skipped[: metrics.COLD_START_EVENTS].mean()),
            "rate": float(log.skipped[start:].mean()),
        }
    return out


def _kind_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def arr(name: str, span: str) -> np.ndarray:
        return np.array([r["runs"][name][span] for r in rows])

    doc: dict[str, Any] = {"listeners": len(rows)}
    for span, key in (("cold", "cold_start_skip_rate"), ("rate", "skip_rate_101_on")):
        part = {}
        for name in ("shuffle", "oracle", *PRIORS):
            mean, se = metrics.mean_se(arr(name, span))
            part[name] = {
                "mean": round(mean, 4),
                "se": round(se, 4),
                "median": round(float(np.median(arr(name, span))), 4),
            }
        diff_mean, diff_se = metrics.mean_se(arr("distilled", span) - arr("hand", span))
        part["distilled_minus_hand"] = {
            "mean": round(diff_mean, 4),
            "se": round(diff_se, 4),
            "worse_by_more_than_2se": bool(diff_mean > WORSE_SE * diff_se and diff_mean > 0),
        }
        doc[key] = part
    hand, dist = float(np.median(arr("hand", "cold"))), float(np.median(arr("distilled", "cold")))
    doc["median_cold_start_ratio"] = round(dist / hand, 3) if hand > 0 else None
    for name in PRIORS:
        cap, cap_se = metrics.captured(arr("shuffle", "cold"), arr(name, "cold"), arr("oracle", "cold"))
        doc.setdefault("cold_start_captured", {})[name] = {
            "mean": metrics.rounded(cap),
            "se": metrics.rounded(cap_se),
        }
    return doc


def _group(rows: list[dict[str, Any]], kinds: Sequence[str]) -> dict[str, Any]:
    hand = float(np.median([r["runs"]["hand"]["cold"] for r in rows]))
    dist = float(np.median([r["runs"]["distilled"]["cold"] for r in rows]))
    by_kind = {
        k: _kind_summary([r for r in rows if r["kind"] == k])
        for k in kinds
        if any(r["kind"] == k for r in rows)
    }
    return {
        "listeners": len(rows),
        "median_cold_start_ratio": round(dist / hand, 3) if hand > 0 else None,
        "kinds": by_kind,
    }


def bench_prior(
    *,
    per_kind: int = 6,
    events: int = 1000,
    seed_base: int = HELD_OUT_SEED,
    files: Sequence[str | Path] | None = None,
    distilled: Prior | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The ``skipwise bench prior --json`` document."""
    if per_kind < 2 or events <= metrics.COLD_START_EVENTS:
        raise ValueError(
            f"need at least 2 listeners per kind and more than {metrics.COLD_START_EVENTS} events"
        )
    library = synthetic_library(LIBRARY_SONGS, seed=LIBRARY_SEED)
    priors = {"hand": load_prior("hand"), "distilled": distilled or load_prior("distilled")}
    chosen: dict[str, list[tuple[str, ListenerSpec, int]]] = {"shared_on": [], "shared_off": []}
    seeds = [seed_base + i for i in range(per_kind)]
    for shared, group in ((True, "shared_on"), (False, "shared_off")):
        for kind in KINDS:
            chosen[group] += [
                (kind, parse_listener(generate_listener(kind, s, shared=shared)), s) for s in seeds
            ]
    file_specs = listener_files(default_files() if files is None else files)
    chosen["shared_off"] += [("files", spec, seed_base + i) for i, spec in enumerate(file_specs)]
    doc: dict[str, Any] = {
        "events": events,
        "tracks": LIBRARY_SONGS,
        "seeds": seeds,
        "per_kind": per_kind,
        "files": [s.name for s in file_specs],
        "priors": {n: describe(p) for n, p in priors.items()},
    }
    for group, entries in chosen.items():
        rows = []
        for kind, spec, seed in entries:
            if progress:
                progress(f"{group}: {spec.name}")
            rows.append(
                {
                    "listener": spec.name,
                    "kind": kind,
                    "seed": seed,
                    "runs": _runs(library, spec, seed, events, priors),
                }
            )
        doc[group] = _group(rows, (*KINDS, "files"))
        doc[group]["listener_rows"] = rows
    doc["targets"] = _targets(doc)
    return doc


def _targets(doc: dict[str, Any]) -> dict[str, Any]:
    on, off = doc["shared_on"]["kinds"], doc["shared_off"]["kinds"]
    worse = [
        f"{k} ({span})"
        for k, v in off.items()
        for span in ("cold_start_skip_rate", "skip_rate_101_on")
        if v[span]["distilled_minus_hand"]["worse_by_more_than_2se"]
    ]
    ratio_off = doc["shared_off"]["median_cold_start_ratio"]
    return {
        "shared_on_ratio_at_most_0.85_in_every_kind": {
            "met": {
                k: v["median_cold_start_ratio"] is not None
                and v["median_cold_start_ratio"] <= SHARED_ON_RATIO_TARGET
                for k, v in on.items()
            },
        },
        "shared_off_median_ratio_at_most_1": {
            "ratio": ratio_off,
            "met": ratio_off is not None and ratio_off <= SHARED_OFF_RATIO_TARGET,
        },
        "shared_off_no_kind_worse_by_2se": {"met": not worse, "worse": worse},
    }
