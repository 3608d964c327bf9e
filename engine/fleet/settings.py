"""A fleet run's settings: what ``skipwise fleet serve`` / ``simulate`` ask for, as Flower run config."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

from engine.fleet.config_keys import DP_MODES
from engine.fleet.privacy import DEFAULT_DELTA

MAX_PER_ROUND = 1000  # SecAgg+ sums n values below 2^32: the quantisation range is set for this many


@dataclass
class FleetSettings:
    rounds: int = 2
    min_devices: int = 2
    per_round: int = 0  # 0: every device online
    clip: float = 1.0
    noise_multiplier: float = 1.0
    dp: str = "distributed"
    secagg: bool = True
    delta: float = DEFAULT_DELTA
    out_dir: str = ""
    baseline_file: str = ""  # the round-0 baseline (empty: the hand-set prior)
    fleet: str = ""  # a name for the fleet, carried in every baseline (the SuperLink's address)
    stage_timeout: float = 120.0  # seconds to wait for the replies of one message exchange
    wait_devices: float = 300.0  # seconds to wait for min_devices to be online before a round
    retries: int = 2  # attempts after the first, for a round that yields no aggregate
    devices_dir: str = ""  # Simulation Engine: the folder of device-NNNN.db

    def __post_init__(self) -> None:
        if self.dp not in DP_MODES:
            raise ValueError(f"dp must be one of {DP_MODES}, got {self.dp!r}")
        if self.rounds < 1 or self.min_devices < 1 or self.per_round < 0 or self.retries < 0:
            raise ValueError("rounds and min_devices must be at least 1, per_round and retries at least 0")
        if self.secagg and self.min_devices < 3:
            raise ValueError("SecAgg+ needs at least 3 devices a round (min_devices >= 3)")
        if not (math.isfinite(self.clip) and 0 < self.clip <= 100):
            raise ValueError("clip must be in (0, 100]")
        if not (math.isfinite(self.noise_multiplier) and self.noise_multiplier >= 0):
            raise ValueError("the noise multiplier must be finite and non-negative")
        if self.per_round > MAX_PER_ROUND:
            raise ValueError(f"per_round is at most {MAX_PER_ROUND}")
        if not 0 < self.delta < 1:
            raise ValueError("delta must be in (0, 1)")

    @property
    def z(self) -> float:
        """The noise multiplier in force (0 with DP off)."""
        return 0.0 if self.dp == "off" else self.noise_multiplier

    def to_run_config(self) -> dict[str, Any]:
        return {f"fleet-{k.replace('_', '-')}": v for k, v in asdict(self).items()}

    @classmethod
    def from_run_config(cls, config: dict[str, Any]) -> FleetSettings:
        kw: dict[str, Any] = {}
        for f in fields(cls):
            key = f"fleet-{f.name.replace('_', '-')}"
            if key in config:
                kw[f.name] = _PARSERS[str(f.type)](config[key])
        return cls(**kw)


def _bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")


_PARSERS: dict[str, Callable[[Any], Any]] = {"int": int, "float": float, "bool": _bool, "str": str}
