"""The server's side of a round: who takes part, what they are told, and what the aggregate may do.

``FleetStrategy`` is a compat Flower strategy (``flwr.server.strategy``, over
``Parameters``), as SecAgg+ needs in Flower 1.42. It averages with Flower's
``FedAvg``; in central DP mode with Flower's ``DifferentialPrivacyClientSideFixedClipping``
(fixed clipping on the devices, noise on the server), told each round how
many devices really contributed, so the noise on the mean is ``z C / m``.

Fewer devices than expected, in distributed mode: the m contributors' shares
sum to noise of variance ``(z C)^2 m / n``. The server **tops the noise up**
to ``(z C)^2`` before it publishes, so every published baseline carries the
noise its accounting assumes, and the published epsilon does not depend on
who dropped; the report also gives the epsilon of what the server itself saw
(``epsilon_server_view``, accounted with ``z sqrt(m / n)``), which the top-up
cannot improve. Without SecAgg+, the server sees each device's update with its
own share only: that view is accounted per device with ``z / sqrt(n)``.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from flwr.common import (
    EvaluateIns,
    EvaluateRes,
    FitIns,
    FitRes,
    Parameters,
    Scalar,
    ndarrays_to_parameters,
    parameters_to_ndarrays,
)
from flwr.server.client_manager import ClientManager
from flwr.server.client_proxy import ClientProxy
from flwr.server.strategy import DifferentialPrivacyClientSideFixedClipping, FedAvg
from flwr.supercore.differential_privacy import KEY_CLIPPING_NORM

from engine.fleet import config_keys as keys
from engine.fleet.baseline import Baseline, labels_digest
from engine.fleet.privacy import epsilons
from engine.fleet.report import RoundRecord, write_report
from engine.fleet.settings import FleetSettings
from engine.fleet.update import UpdateError, check_mean, check_update, mean_norm_bound
from engine.learner.params import bounds

log = logging.getLogger("skipwise.fleet")


class CentralNoise(DifferentialPrivacyClientSideFixedClipping):
    """Flower's central-DP wrapper, with the noise set by the devices that really contributed."""

    def aggregate_fit(
        self,
        server_round: int,
        results: list[tuple[ClientProxy, FitRes]],
        failures: list[tuple[ClientProxy, FitRes] | BaseException],
    ) -> tuple[Parameters | None, dict[str, Scalar]]:
        self.num_sampled_clients = max(len(results), 1)
        return super().aggregate_fit(server_round, results, [])  # dropouts are not a reason to lose it


class FleetStrategy(FedAvg):
    """Rounds of: send the baseline, gather the (secure) mean update, check it, publish the new baseline."""

    def __init__(
        self,
        settings: FleetSettings,
        baseline: np.ndarray,
        *,
        quantum: float = 0.0,
        on_round: Callable[[FleetStrategy], None] | None = None,
    ) -> None:
        super().__init__(fraction_fit=1.0, fraction_evaluate=1.0)
        self.settings = settings
        self.baseline = np.asarray(baseline, dtype=np.float64).copy()
        self.quantum = quantum  # the secure sum's quantisation step per weight (0 without SecAgg+)
        self.averager = (
            CentralNoise(FedAvg(), settings.noise_multiplier, settings.clip, 1)
            if settings.dp == "central"
            else FedAvg()
        )
        self.rng = np.random.default_rng(secrets.randbits(128))
        self.records: list[RoundRecord] = []
        self.z_published: list[float] = []
        self.z_server: list[float] = []
        self.excluded: set[int] = set()  # devices that dropped in an earlier attempt of this round
        self.current: RoundRecord | None = None
        self.started = time.monotonic()
        self.on_round = on_round
        self.done = False

    # -- attempts, called by RetryingFit and the SecAgg+ workflow ------------------------------------
    def begin_attempt(self, attempt: int) -> None:
        if attempt == 1 or self.current is None:
            self.excluded = set()
            self.done = False
            self.current = RoundRecord(round=len(self.records) + 1, started=time.monotonic())
        self.current.attempts = attempt
        self.current.sampled_ids = set()

    def on_stage(self, stage: str, sampled: set[int], active: set[int]) -> None:
        if self.current is not None:
            gone = self.current.sampled_ids - active
            if gone:
                self.current.dropped.setdefault(stage, []).extend(sorted(gone - self.excluded))
                self.excluded |= gone

    def attempt_failed(self, why: str) -> None:
        if self.current is not None:
            self.current.problems.append(why)
            self.excluded |= self.current.sampled_ids - self.current.contributor_ids

    def round_done(self) -> bool:
        return self.done

    def round_lost(self) -> None:
        rec = self.current
        assert rec is not None
        rec.outcome = "lost"
        rec.seconds = time.monotonic() - rec.started
        rec.epsilon = self._epsilon(self.z_published)
        rec.epsilon_server_view = self._epsilon(self.z_server)
        self._publish(rec)

    # -- Flower's strategy interface ----------------------------------------------------------------
    def initialize_parameters(self, client_manager: ClientManager) -> Parameters | None:
        return ndarrays_to_parameters([self.baseline])

    def configure_fit(
        self, server_round: int, parameters: Parameters, client_manager: ClientManager
    ) -> list[tuple[ClientProxy, FitIns]]:
        s = self.settings
        client_manager.wait_for(s.min_devices, timeout=int(s.wait_devices))
        online = [c for cid, c in client_manager.all().items() if c.node_id not in self.excluded]
        if len(online) < s.min_devices:
            msg = f"{len(online)} device(s) online, fewer than --min-devices {s.min_devices}"
            log.warning("round %d: %s", server_round, msg)
            if self.current is not None:
                self.current.problems.append(msg)
            return []
        k = min(s.per_round or len(online), len(online))
        chosen = [online[i] for i in self.rng.choice(len(online), size=k, replace=False)]
        config: dict[str, Scalar] = {
            keys.ROUND: server_round,
            keys.CLIP: s.clip,
            keys.NOISE: s.z,
            keys.EXPECTED: k,
            keys.DP_MODE: s.dp,
            keys.SEND: "weights" if s.dp == "central" else "delta",
            keys.LABELS: labels_digest(),
        }
        if s.dp == "central":
            config[KEY_CLIPPING_NORM] = s.clip  # what Flower's fixedclipping_mod reads
        if self.current is not None:
            self.current.sampled_ids = {c.node_id for c in chosen}
            self.current.sampled = k
        fit_ins = FitIns(ndarrays_to_parameters([self.baseline]), config)
        return [(c, fit_ins) for c in chosen]

    def aggregate_fit(
        self,
        server_round: int,
        results: list[tuple[ClientProxy, FitRes]],
        failures: list[tuple[ClientProxy, FitRes] | BaseException],
    ) -> tuple[Parameters | None, dict[str, Scalar]]:
        rec = self.current or RoundRecord(round=server_round, started=time.monotonic())
        s = self.settings
        rec.refused = [str(f) for f in failures if isinstance(f, BaseException)][:20]
        n = max(rec.sampled, 1)
        if not s.secagg:
            results = self._screen(results, rec)
        m = len(results)
        rec.contributor_ids = {proxy.node_id for proxy, _ in results}
        if m == 0:
            rec.problems.append("no update arrived")
            return None, {}
        averaged, _ = self.averager.aggregate_fit(server_round, results, [])
        if averaged is None:
            rec.problems.append("the average could not be formed")
            return None, {}
        (mean,) = parameters_to_ndarrays(averaged)
        mean = np.asarray(mean, dtype=np.float64)
        if s.dp == "central":
            mean = mean - self.baseline
        z, clip = s.z, s.clip
        noise_on_mean = z * clip / m
        if s.dp == "distributed" and z > 0 and m < n:
            mean = mean + self.rng.normal(0.0, z * clip * math.sqrt((n - m) / n) / m, mean.shape)
            rec.noise_topped_up = True
        try:
            mean = check_mean(mean, mean_norm_bound(clip, noise_on_mean, quantum=self.quantum))
        except UpdateError as exc:
            rec.problems.append(str(exc))
            log.warning("round %d: %s; the baseline stays", server_round, exc)
            return None, {}
        self.baseline = np.clip(self.baseline + mean, -bounds(), bounds())
        self.z_published.append(z)
        if s.dp == "distributed" and s.secagg:
            self.z_server.append(z * math.sqrt(m / n))
        elif s.dp == "distributed":
            self.z_server.append(z / math.sqrt(n))
        else:
            self.z_server.append(0.0)  # central: the server sees the exact sum; off: no noise at all
        rec.contributed = m
        self.done = True
        rec.outcome = "completed" if rec.attempts == 1 else "completed after retry"
        rec.mean_update_norm = float(np.linalg.norm(mean))
        rec.seconds = time.monotonic() - rec.started
        rec.epsilon = self._epsilon(self.z_published)
        rec.epsilon_server_view = self._epsilon(self.z_server)
        self._publish(rec)
        return ndarrays_to_parameters([self.baseline]), {}

    def _screen(self, results: list[tuple[ClientProxy, FitRes]], rec: RoundRecord) -> list:
        """Without SecAgg+, each update is checked on its own; a bad one is left out, never averaged."""
        good = []
        for proxy, res in results:
            try:
                arrays = parameters_to_ndarrays(res.parameters)
                if len(arrays) != 1:
                    raise UpdateError(f"update: expected one array, got {len(arrays)}")
                update = arrays[0] - self.baseline if self.settings.dp == "central" else arrays[0]
                noise = self.settings.z * self.settings.clip / math.sqrt(max(rec.sampled, 1))
                bound = mean_norm_bound(
                    self.settings.clip, noise if self.settings.dp == "distributed" else 0.0
                )
                check_update(np.asarray(update, dtype=np.float64), bound)
                good.append((proxy, res))
            except (UpdateError, ValueError) as exc:
                rec.rejected.append(f"device {proxy.node_id}: {exc}")
                log.warning("round %d: device %s left out: %s", rec.round, proxy.node_id, exc)
        return good

    def configure_evaluate(
        self, server_round: int, parameters: Parameters, client_manager: ClientManager
    ) -> list[tuple[ClientProxy, EvaluateIns]]:
        if not self.records or self.records[-1].outcome == "lost":
            return []
        last = self.records[-1]
        config: dict[str, Scalar] = {
            keys.ROUND: last.round,
            keys.LABELS: labels_digest(),
            keys.DP_MODE: self.settings.dp,
            keys.EPSILON: -1.0 if last.epsilon["pld"] is None else float(last.epsilon["pld"]),
            keys.DELTA: self.settings.delta,
            keys.FLEET: self.settings.fleet,
        }
        ins = EvaluateIns(ndarrays_to_parameters([self.baseline]), config)
        return [(c, ins) for c in client_manager.all().values()]

    def aggregate_evaluate(
        self,
        server_round: int,
        results: list[tuple[ClientProxy, EvaluateRes]],
        failures: list[tuple[ClientProxy, EvaluateRes] | BaseException],
    ) -> tuple[float | None, dict[str, Scalar]]:
        if self.records:
            self.records[-1].adopted = len(results)
            self.records[-1].adoption_failures = len(failures)
            self._write()
        return None, {}

    def evaluate(self, server_round: int, parameters: Parameters) -> tuple[float, dict[str, Scalar]] | None:
        return None

    # -- publishing ---------------------------------------------------------------------------------
    def _epsilon(self, zs: list[float]) -> dict[str, float | None]:
        if not zs:
            return {"rdp": 0.0, "pld": 0.0}
        e = epsilons(zs, self.settings.delta)
        return {k: (None if math.isinf(v) else v) for k, v in e.items()}

    def published(self) -> Baseline:
        privacy = {
            "mode": self.settings.dp,
            "noise_multiplier": self.settings.z,
            "clip": self.settings.clip,
            "delta": self.settings.delta,
            "epsilon": self.records[-1].epsilon["pld"] if self.records else 0.0,
            "epsilon_rdp": self.records[-1].epsilon["rdp"] if self.records else 0.0,
            "accountant": "dp-accounting PLD (RDP alongside), no amplification by sampling",
        }
        done = sum(r.outcome != "lost" for r in self.records)
        return Baseline(self.baseline.copy(), done, self.settings.fleet, privacy)

    def _publish(self, rec: RoundRecord) -> None:
        self.records.append(rec)
        self.current = None
        if self.on_round is not None and rec.outcome != "lost":
            self.on_round(self)
        out = Path(self.settings.out_dir) if self.settings.out_dir else None
        if out is not None and rec.outcome != "lost":
            self.published().write(out / f"baseline-round-{rec.round:03d}.json")
            self.published().write(out / "baseline.json")
        self._write()

    def _write(self) -> None:
        if self.settings.out_dir:
            write_report(Path(self.settings.out_dir) / "report.json", self.report())

    def report(self) -> dict[str, Any]:
        s = self.settings
        last = self.records[-1] if self.records else None
        return {
            "devices": max((r.sampled for r in self.records), default=0),
            "rounds": len(self.records),
            "rounds_completed": sum(r.outcome != "lost" for r in self.records),
            "secagg": s.secagg,
            "dp": {
                "mode": s.dp,
                "noise_multiplier": s.z,
                "clip": s.clip,
                "epsilon": last.epsilon["pld"] if last else 0.0,
                "epsilon_rdp": last.epsilon["rdp"] if last else 0.0,
                "epsilon_server_view": last.epsilon_server_view["pld"] if last else 0.0,
                "delta": s.delta,
                "accountant": "dp-accounting (Google): PLD, with RDP alongside; no amplification by sampling",
                "fewer_devices_than_expected": "noise topped up on the server (distributed mode)",
            },
            "rounds_report": [r.to_json() for r in self.records],
            "baseline": self.published().to_json(),
            "seconds": time.monotonic() - self.started,
        }
