"""Run listeners through strategies and summarise skip rates (``skipwise simulate``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.learner.context import ContextState
from engine.learner.labels import Ended, Kind, label_play
from engine.learner.observe import Observation, observe
from engine.learner.params import GROUP_SIZES, N_PARAMS
from engine.learner.prior import Prior, describe, load_prior
from engine.queue.ranker import DEFAULT_EXPLORATION
from engine.sim import metrics
from engine.sim.library import SimLibrary
from engine.sim.listener_spec import ListenerSpec
from engine.sim.person import Person
from engine.sim.strategies import STRATEGIES, Strategy, make_strategy

WARMUP_EVENTS = 100
WINDOW = 50
SESSION_MEAN_SONGS = 15
EPOCH = 1_767_571_200.0  # 2026-01-05 00:00 UTC: simulated clocks start here


@dataclass
class RunLog:
    """Per-event outcomes of one strategy on one seed; arrays have shape (events,)."""

    skipped: np.ndarray
    early: np.ndarray
    listened_s: np.ndarray
    hours: np.ndarray
    songs: np.ndarray


@dataclass
class Clock:
    """Simulated time: sessions of songs separated by gaps of hours."""

    rng: np.random.Generator
    now: float = EPOCH
    left_in_session: int = 0
    session: int = 0

    def next_play(self, ctx: ContextState) -> float:
        if self.left_in_session <= 0:
            self.now += self.rng.uniform(1.0, 12.0) * 3600.0
            self.left_in_session = int(self.rng.geometric(1.0 / SESSION_MEAN_SONGS))
            self.session += 1
            ctx.start_session(f"sim-{self.session}")
        self.left_in_session -= 1
        return self.now

    @property
    def hour(self) -> float:
        return ((self.now - EPOCH) / 3600.0) % 24.0


def run_one(
    library: SimLibrary,
    spec: ListenerSpec,
    strategy_name: str,
    *,
    events: int,
    seed: int,
    exploration: float = DEFAULT_EXPLORATION,
    on_event: Callable[[int, RunLog, Strategy], None] | None = None,
    prior: Prior | None = None,
) -> RunLog:
    """One strategy, one seed: the same person and clock for every strategy of a seed.

    The learner strategies start from ``prior`` (default: the shipped prior).
    """
    person = Person(spec, library, np.random.default_rng([seed, 1]))
    clock = Clock(np.random.default_rng([seed, 2]))
    ctx = ContextState(library.features, library.artist)
    strategy = make_strategy(
        strategy_name, ctx, person, np.random.default_rng([seed, 3]), exploration=exploration, prior=prior
    )
    log = RunLog(*(np.zeros(events, dtype=t) for t in (bool, bool, float, float, np.int64)))
    for i in range(events):
        now = clock.next_play(ctx)
        hour = clock.hour
        person.at(day=(now - EPOCH) / 86400.0, session=clock.session)
        song = strategy.choose(now, hour)
        since_h = (now - ctx.last_played[song]) / 3600.0
        reaction = person.react(song, hour, since_h)
        label = label_play(reaction.ended, reaction.listened_ms, reaction.duration_ms)
        obs = Observation(song, now, hour, label, reaction.listened_ms / 1000.0, ctx.session.id)
        observe(ctx, obs, strategy.learn_one)
        log.skipped[i] = reaction.ended is Ended.SKIP
        log.early[i] = label.kind is Kind.EARLY_SKIP
        log.listened_s[i] = reaction.listened_ms / 1000.0
        log.hours[i] = hour
        log.songs[i] = song
        clock.now += reaction.listened_ms / 1000.0 + 1.0
        if on_event:
            on_event(i, log, strategy)
    return log


@dataclass
class StrategySummary:
    skip_rate: float
    early_skip_rate: float
    skip_rate_by_window: list[float] = field(default_factory=list)
    cold_start_skip_rate: float = 0.0
    cold_start_skip_rate_se: float = 0.0
    captured: float | None = None  # set by simulate when shuffle and the oracle ran
    captured_se: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "skip_rate": round(self.skip_rate, 4),
            "early_skip_rate": round(self.early_skip_rate, 4),
            "skip_rate_by_window": [round(v, 4) for v in self.skip_rate_by_window],
            "cold_start_skip_rate": round(self.cold_start_skip_rate, 4),
            "cold_start_skip_rate_se": round(self.cold_start_skip_rate_se, 4),
            "captured": metrics.rounded(self.captured),
            "captured_se": metrics.rounded(self.captured_se),
        }


def warmup_start(events: int) -> int:
    """Index of the first event the learned rates count (event 101, or the last one of a short run)."""
    return min(WARMUP_EVENTS, max(events - 1, 0))


def summarise(logs: Sequence[RunLog], events: int) -> StrategySummary:
    start = warmup_start(events)
    skip = float(np.mean([log.skipped[start:].mean() for log in logs]))
    early = float(np.mean([log.early[start:].mean() for log in logs]))
    windows = []
    for lo in range(0, events, WINDOW):
        windows.append(float(np.mean([log.skipped[lo : lo + WINDOW].mean() for log in logs])))
    cold, cold_se = metrics.mean_se(metrics.span_rates(logs, 0, metrics.COLD_START_EVENTS))
    return StrategySummary(skip, early, windows, cold, cold_se)


def abandon_curve(logs: Sequence[RunLog]) -> dict[str, float]:
    """Share of all plays abandoned within 5 s, within 30 s, and before the end."""
    skipped = np.concatenate([log.skipped for log in logs])
    listened = np.concatenate([log.listened_s for log in logs])
    return {
        "within_5s": round(float(np.mean(skipped & (listened < 5.0))), 4),
        "within_30s": round(float(np.mean(skipped & (listened < 30.0))), 4),
        "before_end": round(float(np.mean(skipped)), 4),
    }


def simulate(
    library: SimLibrary,
    spec: ListenerSpec,
    *,
    events: int,
    seeds: int,
    strategies: Sequence[str] = STRATEGIES,
    exploration: float = DEFAULT_EXPLORATION,
    progress: Callable[[str, int, int], None] | None = None,
    prior: Prior | None = None,
) -> dict[str, Any]:
    """The ``skipwise simulate --json`` document; the learners start from ``prior`` (default: shipped)."""
    if events < 1 or seeds < 1:
        raise ValueError("events and seeds must be at least 1")
    prior = prior or load_prior("shipped")
    all_logs: dict[str, list[RunLog]] = {}
    for name in strategies:
        logs = []
        for seed in range(seeds):
            logs.append(
                run_one(library, spec, name, events=events, seed=seed, exploration=exploration, prior=prior)
            )
            if progress:
                progress(name, seed + 1, seeds)
        all_logs[name] = logs
    summaries = {name: summarise(logs, events) for name, logs in all_logs.items()}
    if "shuffle" in all_logs and "oracle" in all_logs:
        start = warmup_start(events)
        shuffle, oracle = (metrics.span_rates(all_logs[n], start) for n in ("shuffle", "oracle"))
        for name, summary in summaries.items():
            rates = metrics.span_rates(all_logs[name], start)
            summary.captured, summary.captured_se = metrics.captured(shuffle, rates, oracle)
    results = {name: summary.to_json() for name, summary in summaries.items()}
    shuffle_logs = all_logs.get("shuffle", [])
    doc: dict[str, Any] = {
        "listener": spec.name,
        "tracks": library.n_songs,
        "events": events,
        "seeds": seeds,
        "model": {"parameters": N_PARAMS, "groups": dict(GROUP_SIZES)},
        "prior": describe(prior),
        "strategies": results,
    }
    if shuffle_logs:
        doc["shuffle_abandon_curve"] = abandon_curve(shuffle_logs)
    return doc
