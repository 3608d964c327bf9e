"""The fleet's baseline: 42 weights with their round and privacy spent, validated like a profile.

A baseline reaches a device twice: as the starting point of a round (an array
and a few config values, over Flower) and as the published result (a JSON
file). Both are checked the way an imported profile is (``engine.learner.profile``):
the labels must be this version's 42, every value finite and within its
weight's bound. A baseline that fails is refused with the reason; nothing
changes on the device.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.atomic import write_text_atomic
from engine.learner.params import LABELS, N_PARAMS, bounds
from engine.learner.prior import Prior
from engine.learner.profile import shipped_prior
from engine.small_file import read_small_text

FORMAT = "skipwise-fleet-baseline"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 1 * 2**20  # a baseline file is about 3 KB


class BaselineError(ValueError):
    """A baseline that a device must not use, with the reason."""


def labels_digest() -> str:
    """SHA-256 of this version's 42 labels: server and device must agree on what each weight means."""
    return hashlib.sha256("\n".join(LABELS).encode()).hexdigest()


def check_weights(value: Any, what: str = "baseline") -> np.ndarray:
    """``value`` as validated weights [shape=(42,)], or BaselineError saying what is wrong.

    Accepted: 42 finite real numbers, each within its weight's bound (|w| <= 4).
    """
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "fiu" or value.dtype == np.bool_:
            raise BaselineError(f"{what}: expected {N_PARAMS} numbers, got an array of {value.dtype}")
        arr = value.astype(np.float64)
    elif isinstance(value, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        try:
            arr = np.asarray(value, dtype=np.float64)
        except OverflowError:
            raise BaselineError(f"{what}: a value is too large for a number") from None
    else:
        raise BaselineError(f"{what}: expected {N_PARAMS} numbers")
    if arr.shape != (N_PARAMS,):
        raise BaselineError(f"{what}: expected {N_PARAMS} numbers, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise BaselineError(f"{what}: holds a non-finite value")
    if np.any(np.abs(arr) > bounds() + 1e-9):
        worst = int(np.argmax(np.abs(arr) - bounds()))
        raise BaselineError(
            f"{what}: {LABELS[worst]} = {arr[worst]:g} is outside its bound {bounds()[worst]:g}"
        )
    return arr


@dataclass
class Baseline:
    """A published baseline: ``weights`` [shape=(42,)] after ``round`` rounds, and the privacy spent."""

    weights: np.ndarray
    round: int = 0
    fleet: str = ""  # the SuperLink address or run it came from
    privacy: dict[str, Any] = field(default_factory=dict)  # mode, epsilon, delta, accountant...

    @property
    def version(self) -> str:
        """A short fingerprint of the weights and round (what `fleet status` shows)."""
        text = json.dumps([self.round, [float(v) for v in self.weights]])
        return f"r{self.round}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "labels": list(LABELS),
            "weights": [float(v) for v in self.weights],
            "round": int(self.round),
            "fleet": self.fleet,
            "privacy": self.privacy,
            "baseline_version": self.version,
        }

    def write(self, path: Path) -> None:
        write_text_atomic(path, json.dumps(self.to_json(), indent=1) + "\n")

    @classmethod
    def from_json(cls, data: Any) -> Baseline:
        if not isinstance(data, dict):
            raise BaselineError("a baseline must be a JSON object")
        if data.get("format") != FORMAT:
            raise BaselineError(f"not a Skipwise fleet baseline (format {data.get('format')!r})")
        if data.get("version") != FORMAT_VERSION:
            raise BaselineError(f"unsupported baseline version {data.get('version')!r}")
        if data.get("labels") != list(LABELS):
            raise BaselineError("baseline labels do not match this version's 42 parameters")
        rnd = data.get("round", 0)
        if isinstance(rnd, bool) or not isinstance(rnd, int) or rnd < 0:
            raise BaselineError("baseline round must be a non-negative integer")
        privacy = data.get("privacy", {})
        if not isinstance(privacy, dict):
            raise BaselineError("baseline privacy must be an object")
        eps = privacy.get("epsilon")
        if eps is not None and not (isinstance(eps, int | float) and (math.isfinite(eps) or eps == math.inf)):
            raise BaselineError("baseline privacy.epsilon must be a number")
        return cls(check_weights(data.get("weights")), rnd, str(data.get("fleet", "")), privacy)

    @classmethod
    def read(cls, path: Path) -> Baseline:
        text = read_small_text(path, MAX_FILE_BYTES, "baseline", BaselineError)
        try:
            return cls.from_json(json.loads(text))
        except (ValueError, RecursionError) as exc:
            if isinstance(exc, BaselineError):
                raise
            raise BaselineError(f"{path} is not a valid baseline: {exc}") from None


def baseline_prior(weights: np.ndarray, provenance: dict[str, Any] | None = None) -> Prior:
    """A fleet baseline [shape=(42,)] as a prior: its mean, with the shipped prior's covariance.

    The fleet averages weights, not their spread: how much listeners differ
    stays what the shipped prior says, so a device training from the baseline
    and a new profile started from it move as fast as one started from the
    shipped prior.
    """
    return Prior(np.asarray(weights, dtype=np.float64), shipped_prior().covariance, "fleet", provenance or {})
