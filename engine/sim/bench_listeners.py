"""``skipwise bench listeners``: the learner's quality targets, measured.

For every built-in listener and for generated listeners nobody tuned on, it
runs all strategies on the same library and seeds, and reports the learner's
skip rate as a ratio of shuffle's, its difference from River's, and the INT8
gap to float32 in points.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.sim.library import synthetic_library
from engine.sim.listener_spec import ListenerSpec, builtin_names, load_listener, parse_listener
from engine.sim.random_listener import random_listener
from engine.sim.runner import simulate

# Listener seeds 1000-1003 were looked at while tuning; these were not, before the final measurement.
UNTUNED_SEED = 5000


def bench_listeners(
    *,
    songs: int = 2000,
    events: int = 1000,
    seeds: int = 6,
    untuned: int = 4,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    library = synthetic_library(songs, seed=7)
    specs: list[tuple[str, ListenerSpec]] = [("builtin", load_listener(n)) for n in builtin_names()]
    specs += [("untuned", parse_listener(random_listener(UNTUNED_SEED + i))) for i in range(untuned)]
    rows = []
    for kind, spec in specs:
        if progress:
            progress(spec.name)
        doc = simulate(library, spec, events=events, seeds=seeds)
        rate = {name: s["skip_rate"] for name, s in doc["strategies"].items()}
        rows.append(
            {
                "listener": spec.name,
                "kind": kind,
                "skip_rate": rate,
                "learner_vs_shuffle": round(rate["learner"] / rate["shuffle"], 3),
                # share of the gain the oracle shows is possible that the learner captures
                "captured": round(
                    (rate["shuffle"] - rate["learner"]) / max(rate["shuffle"] - rate["oracle"], 1e-9), 3
                ),
                "learner_minus_river": round(rate["learner"] - rate["river"], 4),
                "int8_minus_float32_points": round(100 * (rate["learner_int8"] - rate["learner"]), 2),
            }
        )
    return {
        "tracks": songs,
        "events": events,
        "seeds": seeds,
        "listeners": rows,
        "worst_learner_vs_shuffle": max(r["learner_vs_shuffle"] for r in rows),
        "worst_learner_minus_river": max(r["learner_minus_river"] for r in rows),
        "worst_int8_minus_float32_points": max(r["int8_minus_float32_points"] for r in rows),
    }
