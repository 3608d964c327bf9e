"""``skipwise fleet simulate``: a fleet of simulated listeners, its baseline, its cold start, its privacy.

The devices are listeners from the generator (``listeners``), each with its own
library and play log. The fleet runs on Flower's Simulation Engine (in-process,
Ray on loopback) or on real SuperLink and SuperNode processes on 127.0.0.1.
Held-out listeners (other seeds, same population when ``shared``) measure the
cold start with the hand-set prior and with the fleet's baseline.

The projection is internet scale: 100,000 devices, 10,000 a round, 52 weekly
rounds. Its noise multiplier is the smallest that spends epsilon <= 1 at
delta = 1e-10 without amplification; its cold start replays the same devices'
rounds in-process (``replay_fleet``) with that projection's noise on the mean.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from engine.fleet.baseline import baseline_prior
from engine.fleet.cold_start import HeldOut, paired, summary
from engine.fleet.listeners import KINDS, held_out_listener
from engine.fleet.local_train import local_train
from engine.fleet.privacy import epsilons, noise_for_budget
from engine.fleet.settings import FleetSettings
from engine.fleet.sim_devices import make_devices
from engine.fleet.update import clip_update
from engine.learner import prior as prior_file
from engine.learner.params import bounds
from engine.learner.prior import Prior

PROJECTION_DEVICES, PROJECTION_PER_ROUND, PROJECTION_ROUNDS = 100_000, 10_000, 52
PROJECTION_EPSILON, PROJECTION_DELTA = 1.0, 1e-10
HELD_OUT = 30


def projection_noise(clip: float) -> dict[str, Any]:
    """The projected fleet's noise multiplier, its epsilons and the noise it puts on the mean."""
    rounds, delta = PROJECTION_ROUNDS, PROJECTION_DELTA
    z = noise_for_budget(PROJECTION_EPSILON, delta, rounds)
    eps = epsilons([z] * rounds, delta)
    sampled = epsilons([z] * rounds, delta, sampling_rate=PROJECTION_PER_ROUND / PROJECTION_DEVICES)
    return {
        "devices": PROJECTION_DEVICES,
        "per_round": PROJECTION_PER_ROUND,
        "rounds": rounds,
        "noise_multiplier": z,
        "epsilon": round(eps["pld"], 4),
        "epsilon_rdp": round(eps["rdp"], 4),
        "delta": delta,
        "noise_std_on_mean": z * clip / PROJECTION_PER_ROUND,
        "epsilon_if_devices_were_poisson_sampled": round(sampled["pld"], 6),
    }


def replay_fleet(
    dbs: list[Path], baseline: np.ndarray, *, rounds: int, clip: float, noise_std_on_mean: float,
    per_round: int, seed: int,
) -> np.ndarray:  # fmt: skip
    """Federated averaging of the same local updates in-process, with Gaussian noise on the mean.

    The same arithmetic as a fleet round without the protocol around it (SecAgg+
    changes the mean by at most its quantisation step, see the tests). Returns
    the baseline [shape=(42,)] after ``rounds`` rounds.
    """
    rng = np.random.default_rng([seed, 52])
    w = np.asarray(baseline, dtype=np.float64).copy()
    for _ in range(rounds):
        chosen = rng.choice(len(dbs), size=min(per_round or len(dbs), len(dbs)), replace=False)
        mean = np.mean([clip_update(local_train(dbs[i], w) - w, clip) for i in chosen], axis=0)
        w = np.clip(w + mean + rng.normal(0.0, noise_std_on_mean, w.shape), -bounds(), bounds())
    return w


def distilled_prior() -> Prior | None:
    """The distilled prior (``assets/prior.json``), or None while the shipped prior is the hand-set one."""
    prior = prior_file.load_prior("distilled")
    return None if prior.name == "hand" else prior


def simulate_fleet(
    *,
    devices: int,
    rounds: int,
    per_round: int = 0,
    events: int = 300,
    clip: float = 1.0,
    noise_multiplier: float | None = None,
    dp: str = "distributed",
    secagg: bool = True,
    engine: str = "simulation",
    shared: bool = True,
    seed: int = 0,
    held_out: int = HELD_OUT,
    folder: Path | None = None,
) -> dict[str, Any]:
    """The ``skipwise fleet simulate --json`` document."""
    with tempfile.TemporaryDirectory(prefix="skipwise-fleet-") as tmp:
        work = folder or Path(tmp)
        started = time.monotonic()
        dbs = make_devices(work / "devices", devices, events=events, shared=shared)
        devices_seconds = time.monotonic() - started
        proj = projection_noise(clip)
        k = min(per_round or devices, devices)
        chose = noise_multiplier is None
        z = proj["noise_std_on_mean"] * k / clip if chose else float(noise_multiplier or 0.0)
        settings = FleetSettings(
            rounds=rounds, min_devices=k, per_round=per_round, clip=clip, noise_multiplier=z, dp=dp,
            secagg=secagg, out_dir=str(work / "out"), stage_timeout=120.0, wait_devices=120.0,
        )  # fmt: skip
        evaluation = HeldOut([held_out_listener(j, shared=shared) for j in range(held_out)])
        hand = prior_file.load_prior("hand")
        start = prior_file.load_prior("shipped").mean  # where the server's first baseline starts
        hand_rates = evaluation.rates(hand)

        def on_round(strategy: Any) -> None:
            rates = evaluation.rates(baseline_prior(strategy.baseline))
            strategy.records[-1].cold_start_skip_rate = summary(rates)["median"]

        fleet_started = time.monotonic()
        if engine == "simulation":
            from engine.fleet.simulation import run_in_simulation

            record: list[Any] = []
            strategy = run_in_simulation(
                settings, devices, work / "devices", record=record, on_round=on_round
            )
            report = strategy.report()
            upload = _upload_bytes(record) / max(sum(r.contributed for r in strategy.records), 1)
        else:
            from engine.fleet.local_fleet import run_local_fleet

            report = run_local_fleet(settings, dbs, work / "deployment")
            for r in report["rounds_report"]:
                path = work / "out" / f"baseline-round-{r['round']:03d}.json"
                if path.exists():
                    from engine.fleet.baseline import Baseline

                    rates = evaluation.rates(baseline_prior(Baseline.read(path).weights))
                    r["cold_start_skip_rate"] = summary(rates)["median"]
            upload = None
        fleet_seconds = time.monotonic() - fleet_started
        final = np.asarray(report["baseline"]["weights"])
        fleet_rates = evaluation.rates(baseline_prior(final))
        noise = proj["noise_std_on_mean"]
        projected = replay_fleet(dbs, start, rounds=rounds, clip=clip, noise_std_on_mean=noise,
                                 per_round=per_round, seed=seed)  # fmt: skip
        projected_rates = evaluation.rates(baseline_prior(projected))
        distilled = distilled_prior()
        distilled_rates = evaluation.rates(distilled) if distilled is not None else None
    cold = {
        "events": "1-100",
        "held_out_listeners": held_out,
        "hand": summary(hand_rates),
        "distilled": summary(distilled_rates) if distilled_rates is not None else None,
        "fleet": summary(fleet_rates),
        "fleet_vs_hand": paired(fleet_rates, hand_rates),
        "fleet_vs_distilled": paired(fleet_rates, distilled_rates) if distilled_rates is not None else None,
    }
    proj["cold_start_skip_rate"] = {
        **summary(projected_rates),
        "vs_hand": paired(projected_rates, hand_rates),
    }
    report["dp"]["noise_multiplier_chosen"] = (
        "so that the run's noise on the mean equals the projection's (z_projection x per-round / 10,000)"
        if chose
        else "given"
    )
    return {
        "devices": devices,
        "rounds": rounds,
        "per_round": k,
        "events": events,
        "engine": engine,
        "secagg": secagg,
        "shared": shared,
        "listener_kinds": list(KINDS),
        "dp": report["dp"],
        "rounds_report": report["rounds_report"],
        "cold_start_skip_rate": cold,
        "bytes_per_device_round": upload,
        "projection": proj,
        "seconds": {"devices": round(devices_seconds, 2), "fleet": round(fleet_seconds, 2)},
    }


def _upload_bytes(replies: list[Any]) -> int:
    """The bytes the devices sent in these replies: config values and arrays, as carried."""
    total = 0
    for msg in replies:
        if msg.has_error():
            continue
        for record in msg.content.config_records.values():
            for value in record.values():
                items = value if isinstance(value, list) else [value]
                total += sum(len(v) if isinstance(v, bytes | str) else 8 for v in items)
        for record in msg.content.array_records.values():
            total += sum(len(a.data) for a in record.values())
    return total
