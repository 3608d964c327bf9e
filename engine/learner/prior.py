"""Where a fresh profile starts: a prior's mean, covariance and provenance, and its file.

A prior is a Gaussian over the 42 weights: ``mean`` [shape=(42,)] is where a
new profile's weights start and what the step pulls towards; ``covariance``
[shape=(42, 42)] says how sure the prior is of each weight, so a weight every
listener agrees on moves little and a weight listeners differ on moves fast.

The file (``skipwise-prior`` version 1) is checked on load like a profile::

    {"format": "skipwise-prior", "version": 1, "name": "hand",
     "labels": [42 labels], "mean": [42 numbers],
     "covariance": [upper triangle: rows of 42, 41, ..., 1 numbers],
     "provenance": {...}}

``provenance`` is free-form JSON saying where the prior came from (the command
that made it, its inputs and metrics). Two priors ship in ``assets/``:
``prior.json`` (the one a new profile starts from) and ``prior-hand.json``
(the hand-set baseline it is measured against).

>>> hand = load_prior("hand")
>>> hand.name, hand.mean.shape, hand.covariance.shape
('hand', (42,), (42, 42))
>>> Prior.from_json({**hand.to_json(), "mean": [0.0] * 41}, source="test")
Traceback (most recent call last):
...
engine.learner.prior.PriorError: test: mean: expected 42 numbers, got shape (41,)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from engine.atomic import write_text_atomic
from engine.learner.params import LABELS, N_PARAMS, bounds
from engine.paths import assets_dir
from engine.small_file import read_small_text

FORMAT = "skipwise-prior"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 4 * 2**20  # a prior is about 30 KB of JSON plus its provenance
MIN_VARIANCE = 1e-6  # a prior this sure of a weight would freeze it
MAX_ORIGIN_TEXT = 1000  # a profile keeps at most this much of each provenance string
MAX_ORIGIN_INT = 2**53  # and integers that JSON readers keep exact
SHIPPED = "prior.json"
NAMES = {"distilled": SHIPPED, "hand": "prior-hand.json"}
_UPPER = np.triu_indices(N_PARAMS)


class PriorError(ValueError):
    """A prior that cannot be used, with the reason."""


@dataclass(frozen=True)
class Prior:
    """A Gaussian prior over the weights: mean [shape=(42,)], covariance [shape=(42, 42)]."""

    mean: np.ndarray
    covariance: np.ndarray
    name: str
    provenance: dict[str, Any] = field(default_factory=dict)
    path: Path | None = field(default=None, compare=False)  # the file it was read from, if any

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "name": self.name,
            "labels": list(LABELS),
            "mean": [float(v) for v in self.mean],
            "covariance": triangle_rows(self.covariance),
            "provenance": self.provenance,
        }

    def dumps(self) -> str:
        """The file's text: the same prior always gives the same bytes."""
        return json.dumps(self.to_json(), indent=1, sort_keys=False) + "\n"

    def write(self, path: Path) -> None:
        write_text_atomic(path, self.dumps())

    @classmethod
    def from_json(cls, data: Any, *, source: str = "prior") -> Prior:
        try:
            return _parse(data)
        except PriorError as exc:
            raise PriorError(f"{source}: {exc}") from None

    @classmethod
    def read(cls, path: Path) -> Prior:
        """A prior file, validated; a damaged one raises PriorError with the reason."""
        text = read_small_text(path, MAX_FILE_BYTES, "prior", PriorError)
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise PriorError(f"the prior {path} is not valid JSON: {exc}") from None
        return replace(cls.from_json(data, source=str(path)), path=Path(path))


def prior_path(which: str | Path) -> Path:
    """The file of a named prior ("distilled" = the shipped one, "hand"), or ``which`` as a path."""
    if isinstance(which, str) and which in NAMES:
        return assets_dir() / NAMES[which]
    if isinstance(which, str) and which == "shipped":
        return assets_dir() / SHIPPED
    return Path(which)


def load_prior(which: str | Path = "shipped") -> Prior:
    """The prior named ``which`` ("shipped", "distilled", "hand") or read from that path."""
    return Prior.read(prior_path(which))


# The provenance a profile keeps of its prior (the last three: a fleet baseline's, engine.fleet.adopt).
ORIGIN_KEYS = ("made_by", "command", "fleet", "round", "baseline_version")


def origin_of(prior: Prior) -> dict[str, str | int]:
    """What a profile remembers of the prior it started from: its name and a short summary.

    ``sha256`` is of the prior's canonical text (``Prior.dumps``, the bytes
    ``write`` writes), so two profiles from the same prior file say so;
    ``made_by`` and ``command`` (and a fleet prior's ``fleet``, ``round`` and
    ``baseline_version``)
    are copied from the provenance when it has them, strings cut to
    MAX_ORIGIN_TEXT characters.

    >>> sorted(origin_of(load_prior("hand")))
    ['made_by', 'name', 'sha256']
    """
    out: dict[str, str | int] = {"name": prior.name}
    for key in ORIGIN_KEYS:
        value = prior.provenance.get(key)
        if isinstance(value, str):
            out[key] = value[:MAX_ORIGIN_TEXT]
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) < MAX_ORIGIN_INT:
            out[key] = value
    out["sha256"] = hashlib.sha256(prior.dumps().encode()).hexdigest()
    return out


def describe(prior: Prior) -> dict[str, Any]:
    """Which prior ran, for a JSON report: its origin (``origin_of``) and the file it came from."""
    return {**origin_of(prior), "path": None if prior.path is None else str(prior.path)}


def _numbers(value: Any, name: str) -> np.ndarray:
    if not isinstance(value, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        raise PriorError(f"{name}: expected a list of numbers")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except OverflowError:
        raise PriorError(f"{name}: a number is too large") from None
    if not np.all(np.isfinite(arr)):
        raise PriorError(f"{name}: holds a non-finite value")
    return arr


def _parse(data: Any) -> Prior:
    if not isinstance(data, dict):
        raise PriorError("a prior must be a JSON object")
    if data.get("format") != FORMAT:
        raise PriorError(f"not a Skipwise prior (format {data.get('format')!r})")
    if data.get("version") != FORMAT_VERSION:
        raise PriorError(f"unsupported prior version {data.get('version')!r}")
    unknown = sorted(set(data) - {"format", "version", "name", "labels", "mean", "covariance", "provenance"})
    if unknown:
        raise PriorError(f"unknown keys {unknown}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise PriorError("name: expected a non-empty string")
    if data.get("labels") != list(LABELS):
        raise PriorError(f"labels do not match this version's {N_PARAMS} parameters")
    mean = _numbers(data.get("mean"), "mean")
    if mean.shape != (N_PARAMS,):
        raise PriorError(f"mean: expected {N_PARAMS} numbers, got shape {mean.shape}")
    limit = bounds()
    if np.any(np.abs(mean) > limit + 1e-9):
        raise PriorError("mean: a value is outside its weight's bound")
    provenance = data.get("provenance", {})
    if not isinstance(provenance, dict):
        raise PriorError("provenance: expected a JSON object")
    return Prior(mean, covariance_from_rows(data.get("covariance")), name, provenance)


def covariance_from_rows(rows: Any, name: str = "covariance") -> np.ndarray:
    """A validated prior covariance [shape=(42, 42)] from its upper triangle (raises PriorError).

    ``name`` is the field the error messages name. Also used for the prior
    covariance a profile keeps.

    Refused: a wrong shape, a non-finite value, a matrix that is not positive
    definite, or a variance below MIN_VARIANCE or above the weight's bound
    squared (a prior wider than the box the weights live in says nothing).
    """
    limit = bounds()
    values = triangle_values(rows)
    if values is None:
        raise PriorError(f"{name}: expected the upper triangle, rows of {N_PARAMS}, ..., 1 numbers")
    cov = from_upper(_numbers(values, name))
    variance = np.diag(cov)
    if np.any(variance < MIN_VARIANCE) or np.any(variance > limit**2):
        raise PriorError(f"{name}: a variance is outside [{MIN_VARIANCE:g}, bound squared]")
    if not positive_definite(cov):
        raise PriorError(f"{name}: not positive definite")
    return cov


def triangle_rows(matrix: np.ndarray) -> list[list[float]]:
    """The upper triangle of a symmetric matrix [shape=(42, 42)] as rows of 42, 41, ..., 1 numbers."""
    return [matrix[i, i:].tolist() for i in range(N_PARAMS)]


def triangle_values(rows: Any) -> list[Any] | None:
    """The values of an upper triangle stored as rows of 42, 41, ..., 1, in order; None for another shape.

    The values themselves are not checked: each file format does, with its own errors.
    """
    if not isinstance(rows, list) or len(rows) != N_PARAMS:
        return None
    flat: list[Any] = []
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != N_PARAMS - i:
            return None
        flat.extend(row)
    return flat


def from_upper(upper: np.ndarray) -> np.ndarray:
    """The symmetric matrix [shape=(42, 42)] whose upper triangle, row by row, is ``upper`` [shape=(903,)]."""
    m = np.zeros((N_PARAMS, N_PARAMS))
    m[_UPPER] = upper
    return m + np.triu(m, 1).T


def positive_definite(m: np.ndarray) -> bool:
    try:
        np.linalg.cholesky(m)
    except np.linalg.LinAlgError:
        return False
    return True
