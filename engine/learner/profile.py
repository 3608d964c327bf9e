"""The listener's profile: 42 weights plus optimizer state, the prior it started from, and its JSON form.

The JSON form is what the store keeps in every snapshot and what export and
import exchange, so it is validated strictly: a profile that does not parse,
has the wrong labels, or holds a non-finite or out-of-bounds value is refused
with a message that says why, and never replaces a good one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from engine.learner import int8
from engine.learner import prior as prior_file
from engine.learner.optimizer import PRIOR_VARIANCE, prior_covariance
from engine.learner.params import LABELS, N_GROUPS, N_PARAMS, SCORING, bounds
from engine.small_file import read_small_text

FORMAT = "skipwise-profile"
FORMAT_VERSION = 4
VELOCITY_LIMIT = 1e3  # |S g| stays near the clipped gradient (norm 2); far beyond is damage
MAX_FILE_BYTES = 16 * 2**20  # a profile is about 25 KB of JSON
MAX_STEPS = 2**53  # a billion plays a second for a century stays below; SQLite and JSON keep it exact
# Version 1 had "history: freshness" = 1 - exp(-hours since played / 24) where version 2 has
# "history: heard recently" = exp(-hours since played / 24); see ``_from_version_1``.
# Versions 1 and 2 kept a diagonal precision where version 3 keeps the full covariance.
# Version 4 also keeps the prior's covariance and where the prior came from (``_from_version_3``).
MAX_ORIGIN_KEYS = 16
MIGRATED_ORIGIN = {"name": "hand"}  # what every profile before version 4 started from
_RECENT = LABELS.index("history: heard recently")
V1_LABELS: tuple[str, ...] = (*LABELS[:_RECENT], "history: freshness", *LABELS[_RECENT + 1 :])
_N_UPPER = N_PARAMS * (N_PARAMS + 1) // 2  # the covariance is stored as its upper triangle, row by row
Mode = Literal["float32", "int8"]
MODES: tuple[str, ...] = ("float32", "int8")


class ProfileError(ValueError):
    """A profile that cannot be used, with the reason."""


@dataclass
class Profile:
    """Weights and optimizer state; every array has shape (42,) but the covariances (42, 42).

    ``covariance`` is the posterior covariance of the weights (see
    :mod:`engine.learner.optimizer`), symmetric positive definite. ``prior``
    and ``prior_covariance`` are the prior the profile started from (the step
    pulls the weights towards its mean and forgets the posterior towards its
    covariance); ``origin`` says which prior that was: its ``name`` plus a
    short summary of its provenance (:func:`engine.learner.prior.origin_of`).
    In INT8 mode ``q`` holds the int8 weights and ``weights`` is their
    dequantised view, kept in sync by the learner.
    """

    weights: np.ndarray
    prior: np.ndarray
    covariance: np.ndarray
    velocity: np.ndarray
    steps: int = 0
    mode: Mode = "float32"
    q: np.ndarray | None = None
    scales: np.ndarray = field(default_factory=int8.group_scales)
    prior_covariance: np.ndarray = field(default_factory=prior_covariance)
    origin: dict[str, Any] = field(default_factory=lambda: dict(MIGRATED_ORIGIN))

    @classmethod
    def from_prior(
        cls,
        prior: prior_file.Prior | np.ndarray | None = None,
        *,
        mode: Mode = "float32",
        origin: dict[str, Any] | None = None,
    ) -> Profile:
        """A fresh profile at a prior.

        ``prior``: a Prior (its mean, covariance and origin), None (the shipped
        prior), or a mean [shape=(42,)] with covariance PRIOR_VARIANCE * I
        (``origin`` names it; default ``{"name": "weights"}``).
        """
        if prior is None:
            prior = shipped_prior()
        if isinstance(prior, prior_file.Prior):
            mean, cov, start = prior.mean, prior.covariance, prior_file.origin_of(prior)
        else:
            mean, cov, start = np.asarray(prior, dtype=np.float64), prior_covariance(), {"name": "weights"}
        profile = cls(
            weights=mean.copy(),
            prior=mean.copy(),
            covariance=cov.copy(),
            velocity=np.zeros(N_PARAMS),
            prior_covariance=cov.copy(),
            origin=dict(origin or start),
        )
        return profile.with_mode(mode)

    def with_mode(self, mode: Mode) -> Profile:
        """The same profile switched to float32 or INT8 (weights quantised to nearest)."""
        if mode not in MODES:
            raise ProfileError(f"unknown mode {mode!r}; expected one of {MODES}")
        out = self.copy()
        out.mode = mode
        if mode == "int8":
            out.scales = int8.fit_scales(out.weights, int8.group_scales())
            out.q = int8.quantize(out.weights, out.scales)
            out.weights = int8.dequantize(out.q, out.scales)
        else:
            out.q = None
            out.weights = out.weights.astype(np.float32).astype(np.float64)
        return out

    def copy(self) -> Profile:
        return Profile(
            weights=self.weights.copy(),
            prior=self.prior.copy(),
            covariance=self.covariance.copy(),
            velocity=self.velocity.copy(),
            steps=self.steps,
            mode=self.mode,
            q=None if self.q is None else self.q.copy(),
            scales=self.scales.copy(),
            prior_covariance=self.prior_covariance.copy(),
            origin=dict(self.origin),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "mode": self.mode,
            "labels": list(LABELS),
            "weights": [float(v) for v in self.weights],
            "prior": [float(v) for v in self.prior],
            "prior_covariance": prior_file.triangle_rows(self.prior_covariance),
            "prior_origin": dict(self.origin),
            "optimizer": {
                "steps": int(self.steps),
                "velocity": [float(v) for v in self.velocity],
                "covariance": prior_file.triangle_rows(self.covariance),
            },
        }
        if self.mode == "int8" and self.q is not None:
            out["int8"] = {"q": [int(v) for v in self.q], "scales": [float(s) for s in self.scales]}
        return out

    def dumps(self) -> str:
        return json.dumps(self.to_json(), separators=(",", ":"))

    @classmethod
    def from_json(cls, data: Any) -> Profile:
        return _parse(data)

    @classmethod
    def read(cls, path: Path) -> Profile:
        """A profile file, validated; a file far larger than any profile is refused unread."""
        return cls.loads(read_small_text(path, MAX_FILE_BYTES, "profile", ProfileError))

    @classmethod
    def loads(cls, text: str) -> Profile:
        try:
            data = json.loads(text)
        except (ValueError, TypeError) as exc:  # ValueError: also an integer of over 4300 digits
            raise ProfileError(f"profile is not valid JSON: {exc}") from None
        except RecursionError:
            raise ProfileError("profile is not valid JSON: nested too deeply") from None
        return _parse(data)


def checksum(text: str) -> str:
    """SHA-256 of a profile's JSON text, stored beside it to detect corruption."""
    return hashlib.sha256(text.encode()).hexdigest()


def load_prior(path: Path | None = None) -> np.ndarray:
    """The mean [shape=(42,)] of the shipped prior (``assets/prior.json``) or of the file at ``path``."""
    return shipped_prior(path).mean


def shipped_prior(path: Path | None = None) -> prior_file.Prior:
    """The shipped prior (``assets/prior.json``) or the prior file at ``path``; ProfileError if unusable."""
    try:
        return prior_file.load_prior(path or "shipped")
    except prior_file.PriorError as exc:
        raise ProfileError(str(exc)) from None


def _numbers(value: Any) -> np.ndarray | None:
    """A JSON list of numbers as float64 [shape=(n,)]; None for anything else.

    Strings ("0.5"), booleans and integers too large for a float are not
    numbers here, though NumPy would convert the first two.
    """
    if not isinstance(value, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        return None
    try:
        return np.asarray(value, dtype=np.float64)
    except OverflowError:
        return None


def _vector(value: Any, name: str, *, positive: bool = False) -> np.ndarray:
    arr = value.astype(np.float64) if isinstance(value, np.ndarray) else _numbers(value)
    if arr is None:
        raise ProfileError(f"{name}: expected {N_PARAMS} numbers")
    if arr.shape != (N_PARAMS,):
        raise ProfileError(f"{name}: expected {N_PARAMS} numbers, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ProfileError(f"{name}: holds a non-finite value")
    if positive and np.any(arr <= 0):
        raise ProfileError(f"{name}: every value must be positive")
    return arr


def _parse(data: Any) -> Profile:
    if not isinstance(data, dict):
        raise ProfileError("profile must be a JSON object")
    if data.get("format") != FORMAT:
        raise ProfileError(f"not a Skipwise profile (format {data.get('format')!r})")
    if data.get("version") == 1:
        data = _from_version_1(data)
    if data.get("version") == 2:
        data = _from_version_2(data)
    if data.get("version") == 3:
        data = _from_version_3(data)
    if data.get("version") != FORMAT_VERSION:
        raise ProfileError(f"unsupported profile version {data.get('version')!r}")
    if data.get("labels") != list(LABELS):
        raise ProfileError(f"profile labels do not match this version's {N_PARAMS} parameters")
    mode = data.get("mode")
    if mode not in MODES:
        raise ProfileError(f"unknown mode {mode!r}")
    weights = _vector(data.get("weights"), "weights")
    limit = bounds() + 1e-9
    if np.any(np.abs(weights) > limit):
        raise ProfileError("weights: a value is outside its bound")
    opt = data.get("optimizer")
    if not isinstance(opt, dict):
        raise ProfileError("optimizer state missing")
    steps = opt.get("steps")
    if isinstance(steps, bool) or not isinstance(steps, int) or not 0 <= steps < MAX_STEPS:
        raise ProfileError("optimizer.steps must be a non-negative integer (below 2**53)")
    prior = _vector(data.get("prior"), "prior")
    if np.any(np.abs(prior) > limit):
        raise ProfileError("prior: a value is outside its weight's bound")
    velocity = _vector(opt.get("velocity"), "optimizer.velocity")
    if np.any(np.abs(velocity) > VELOCITY_LIMIT):
        raise ProfileError(f"optimizer.velocity: a value is beyond {VELOCITY_LIMIT:g}, which no step makes")
    try:
        start = prior_file.covariance_from_rows(data.get("prior_covariance"), "prior_covariance")
    except prior_file.PriorError as exc:
        raise ProfileError(str(exc)) from None
    profile = Profile(
        weights=weights,
        prior=prior,
        covariance=_covariance(opt.get("covariance"), start),
        velocity=velocity,
        steps=steps,
        mode=mode,
        prior_covariance=start,
        origin=_origin(data.get("prior_origin")),
    )
    if mode == "int8":
        profile.q, profile.scales = _int8_block(data.get("int8"))
        profile.weights = int8.dequantize(profile.q, profile.scales)
        if np.any(np.abs(profile.weights) > limit + int8.expand_scales(profile.scales)):
            raise ProfileError("int8: a dequantised weight is outside its bound")
    return profile


def _int8_block(block: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validated (q [shape=(42,)] int8, scales [shape=(5,)]) of an INT8 profile."""
    if not isinstance(block, dict):
        raise ProfileError("int8 mode without int8 weights")
    q_in, scales_in = block.get("q"), block.get("scales")
    if (
        not isinstance(q_in, list)
        or len(q_in) != N_PARAMS
        or not all(isinstance(v, int) and not isinstance(v, bool) and abs(v) <= int8.QMAX for v in q_in)
    ):
        raise ProfileError(f"int8.q: expected {N_PARAMS} integers in [-{int8.QMAX}, {int8.QMAX}]")
    scales = _numbers(scales_in)
    widest = int8.max_scales()
    if (
        scales is None
        or scales.shape != (N_GROUPS,)
        or not np.all(np.isfinite(scales))
        or np.any(scales <= 0)
        or np.any(scales > widest)
    ):
        raise ProfileError(
            f"int8.scales: expected {N_GROUPS} positive numbers no wider than each group's bound / 100"
        )
    return np.asarray(q_in, dtype=np.int8), scales


def _origin(value: Any) -> dict[str, Any]:
    """The validated ``prior_origin``: a "name" plus at most a few short scalar values."""
    name = "prior_origin"
    if not isinstance(value, dict):
        raise ProfileError(f"{name}: expected a JSON object")
    if not isinstance(value.get("name"), str) or not value["name"].strip():
        raise ProfileError(f"{name}.name: expected a non-empty string")
    if len(value) > MAX_ORIGIN_KEYS:
        raise ProfileError(f"{name}: more than {MAX_ORIGIN_KEYS} keys")
    for key, v in value.items():
        scalar = v is None or isinstance(v, str | int | float)
        if (
            not scalar
            or (isinstance(v, float) and not np.isfinite(v))
            or (isinstance(v, int) and abs(v) >= prior_file.MAX_ORIGIN_INT)
        ):
            raise ProfileError(f"{name}.{key}: expected a string, a finite number, true/false or null")
        if isinstance(v, str) and len(v) > prior_file.MAX_ORIGIN_TEXT:
            raise ProfileError(f"{name}.{key}: longer than {prior_file.MAX_ORIGIN_TEXT} characters")
    return dict(value)


def _covariance(rows: Any, start: np.ndarray) -> np.ndarray:
    """A validated covariance [shape=(42, 42)] from its stored upper triangle.

    Refused: a wrong shape, a non-finite value, a matrix that is not positive
    definite, or a variance above the prior's in ``start`` [shape=(42, 42)]
    (the step never makes a weight less certain than the prior, so such a
    value was not written by it).
    """
    name = "optimizer.covariance"
    shape_error = ProfileError(
        f"{name}: expected the upper triangle, rows of {N_PARAMS}, {N_PARAMS - 1}, ..., 1 numbers"
    )
    values = prior_file.triangle_values(rows)
    upper = None if values is None else _numbers(values)
    if upper is None or upper.shape != (_N_UPPER,):
        raise shape_error
    if not np.all(np.isfinite(upper)):
        raise ProfileError(f"{name}: holds a non-finite value")
    cov = prior_file.from_upper(upper)
    wider = np.flatnonzero(np.diag(cov) > np.diag(start) * (1 + 1e-9))
    if wider.size:
        raise ProfileError(f"{name}: a variance is larger than the prior's ({LABELS[wider[0]]})")
    if not prior_file.positive_definite(cov):
        raise ProfileError(f"{name}: not positive definite")
    return cov


def _from_version_3(data: dict[str, Any]) -> dict[str, Any]:
    """A version-3 (or older) profile document rewritten as version 4: the same weights and posterior.

    Every profile before version 4 started from the hand-set prior, whose
    covariance is PRIOR_VARIANCE * I.
    """
    return {
        **data,
        "version": FORMAT_VERSION,
        "prior_covariance": prior_file.triangle_rows(prior_covariance()),
        "prior_origin": dict(MIGRATED_ORIGIN),
    }


def _from_version_2(data: dict[str, Any]) -> dict[str, Any]:
    """A version-2 profile document rewritten as version 3 (then 4): the same weights and prior.

    Version 2 kept the diagonal precision P; its posterior is the covariance
    diag(1 / P), which becomes version 3's full matrix (no correlations yet:
    the next events add them).
    """
    opt = data.get("optimizer")
    if not isinstance(opt, dict):
        raise ProfileError("optimizer state missing")
    precision = _vector(opt.get("precision"), "optimizer.precision", positive=True)
    variance = np.minimum(1.0 / precision, PRIOR_VARIANCE)
    optimizer = {key: value for key, value in opt.items() if key != "precision"}
    optimizer["covariance"] = prior_file.triangle_rows(np.diag(variance))
    return {**data, "version": 3, "optimizer": optimizer}


def _recent_from_freshness(w: np.ndarray) -> np.ndarray:
    """Version-1 weights [shape=(42,)] -> the same model over "heard recently" [shape=(42,)].

    freshness = 1 - recent, so ``w_f * freshness`` in the behaviour score becomes
    ``w_f - w_f * recent``: the weight changes sign and each time bin's bias takes
    the constant, scaled by that bin's behaviour gain. Every logit stays the same
    (unless a bias would leave its bound, where it is clipped).
    """
    out = w.copy()
    w_f = w[_RECENT]
    out[_RECENT] = -w_f
    scoring = out[SCORING].reshape(-1, 3)
    scoring[:, 2] += scoring[:, 1] * w_f
    out[SCORING] = scoring.ravel()
    return np.clip(out, -bounds(), bounds())


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """A version-1 profile document rewritten as version 2, the same model in the new inputs.

    (``_from_version_2`` then takes it to version 3, ``_from_version_3`` to 4.)

    The weights and the prior are mapped exactly (``_recent_from_freshness``);
    the new weight's precision restarts at the prior's (the evidence about
    freshness is not evidence about the new input's scale), its velocity changes
    sign. INT8 profiles are re-quantised to nearest after the mapping.
    """
    if data.get("labels") != list(V1_LABELS):
        raise ProfileError(f"profile labels do not match version 1's {N_PARAMS} parameters")
    opt = data.get("optimizer")
    if not isinstance(opt, dict):
        raise ProfileError("optimizer state missing")
    if data.get("mode") == "int8":
        q, scales = _int8_block(data.get("int8"))
        weights = int8.dequantize(q, scales)
    else:
        weights = _vector(data.get("weights"), "weights")
    weights = _recent_from_freshness(weights)
    velocity = _vector(opt.get("velocity"), "optimizer.velocity")
    velocity[_RECENT] = -velocity[_RECENT]
    precision = _vector(opt.get("precision"), "optimizer.precision", positive=True)
    precision[_RECENT] = 1.0 / PRIOR_VARIANCE
    out = dict(data)
    out.update(
        version=2,
        labels=list(LABELS),
        weights=[float(v) for v in weights],
        prior=[float(v) for v in _recent_from_freshness(_vector(data.get("prior"), "prior"))],
        optimizer={
            **opt,
            "velocity": [float(v) for v in velocity],
            "precision": [float(v) for v in precision],
        },
    )
    if data.get("mode") == "int8":
        scales = int8.fit_scales(weights, scales)
        q = int8.quantize(weights, scales)
        out["int8"] = {"q": [int(v) for v in q], "scales": [float(v) for v in scales]}
    return out
