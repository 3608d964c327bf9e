"""One round's record in the fleet's JSON report, and writing the report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.atomic import write_text_atomic


@dataclass
class RoundRecord:
    round: int
    started: float = 0.0
    attempts: int = 1
    outcome: str = ""  # "completed", "completed after retry" or "lost"
    sampled: int = 0
    contributed: int = 0
    adopted: int = 0  # devices that took the new baseline
    adoption_failures: int = 0  # devices that refused it or did not answer
    seconds: float = 0.0
    mean_update_norm: float | None = None
    noise_topped_up: bool = False
    epsilon: dict[str, float | None] = field(default_factory=lambda: {"rdp": 0.0, "pld": 0.0})
    epsilon_server_view: dict[str, float | None] = field(default_factory=lambda: {"rdp": 0.0, "pld": 0.0})
    dropped: dict[str, list[int]] = field(default_factory=dict)  # SecAgg+ stage -> devices that left there
    refused: list[str] = field(default_factory=list)  # errors the devices sent back
    rejected: list[str] = field(default_factory=list)  # updates the server left out (without SecAgg+)
    problems: list[str] = field(default_factory=list)  # why an attempt yielded nothing
    sampled_ids: set[int] = field(default_factory=set)
    contributor_ids: set[int] = field(default_factory=set)
    cold_start_skip_rate: float | None = None  # filled in by simulations

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "outcome": self.outcome,
            "attempts": self.attempts,
            "sampled": self.sampled,
            "contributed": self.contributed,
            "adopted": self.adopted,
            "epsilon": self.epsilon["pld"],
            "epsilon_rdp": self.epsilon["rdp"],
            "epsilon_server_view": self.epsilon_server_view["pld"],
            "cold_start_skip_rate": self.cold_start_skip_rate,
            "seconds": round(self.seconds, 3),
            "mean_update_norm": self.mean_update_norm,
            "noise_topped_up": self.noise_topped_up,
            "dropped": {stage: len(ids) for stage, ids in self.dropped.items()},
            "refused": self.refused,
            "rejected": self.rejected,
            "problems": self.problems,
        }


def write_report(path: Path, doc: dict[str, Any]) -> None:
    write_text_atomic(path, json.dumps(doc, indent=1, allow_nan=False) + "\n")
