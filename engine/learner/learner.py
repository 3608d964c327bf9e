"""The learner: River-style ``predict_proba_one`` / ``learn_one`` over a Profile.

>>> import numpy as np
>>> from engine.learner.learner import Learner
>>> learner = Learner.from_prior()
>>> x = np.zeros(26); x[18] = 1.0   # a neutral song at 02:00
>>> p0 = learner.predict_proba_one(x)
>>> update = learner.learn_one(x, 0.0)
>>> learner.predict_proba_one(x) < p0
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.learner import int8, model, timeofday
from engine.learner.optimizer import StepConfig, sgd_step, update_precision
from engine.learner.profile import Mode, Profile

try:
    from engine.learner import _kernel
except ImportError:  # built without a C compiler: the NumPy reference path is used
    _kernel = None

INPUT_LIMIT = 10.0  # inputs are z-scores and memories; anything beyond is garbage


@dataclass(frozen=True)
class Update:
    """What one micro-update did; arrays have shape (42,)."""

    p: float
    target: float
    loss: float
    before: np.ndarray
    after: np.ndarray

    @property
    def delta(self) -> np.ndarray:
        return self.after - self.before


class Learner:
    """The 42-parameter model with its optimizer, in float32 or INT8 mode."""

    def __init__(
        self,
        profile: Profile,
        *,
        config: StepConfig | None = None,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.profile = profile
        self.config = config or StepConfig.default()
        self.rng = rng or np.random.default_rng()

    @classmethod
    def from_prior(cls, *, mode: Mode = "float32", **kwargs: object) -> Learner:
        return cls(Profile.from_prior(mode=mode), **kwargs)  # type: ignore[arg-type]

    @property
    def weights(self) -> np.ndarray:
        """The weights the forward pass uses [shape=(42,)] (dequantised in INT8 mode)."""
        return self.profile.weights

    @property
    def mode(self) -> Mode:
        return self.profile.mode

    def predict_proba_one(self, x: np.ndarray) -> float:
        """P(play through) for one input vector [shape=(26,)]."""
        return model.predict(self.weights, _safe(x))

    def learn_one(self, x: np.ndarray, y: float) -> Update:
        """Forward, BCE loss, backward and one clipped, bounded step.

        x : np.ndarray [shape=(26,)]; y : target in [0, 1] (soft targets allowed)
        """
        y = float(y)
        if not 0.0 <= y <= 1.0:
            raise ValueError(f"target must be in [0, 1], got {y!r}")
        prof, cfg = self.profile, self.config
        before = prof.weights.copy()
        x = np.ascontiguousarray(x, dtype=np.float64)
        step = _kernel.step if _kernel is not None else reference_step
        p, loss = step(
            prof.weights, x, prof.precision, prof.velocity, prof.prior, cfg.lr, cfg.bound,
            y, cfg.momentum, cfg.grad_clip, cfg.prior_pull, cfg.forget, prof.mode == "float32",
        )  # fmt: skip
        if prof.mode == "int8":
            prof.scales = int8.fit_scales(prof.weights, prof.scales)
            prof.q = int8.quantize(prof.weights, prof.scales, self.rng)
            prof.weights[:] = int8.dequantize(prof.q, prof.scales)
        prof.steps += 1
        return Update(p=p, target=y, loss=loss, before=before, after=prof.weights.copy())

    def logits(self, X: np.ndarray, hour: float, *, weights: np.ndarray | None = None) -> np.ndarray:
        """Logits of many songs at one hour.

        X : np.ndarray [shape=(n, 18)], the songs' [f, h, k] inputs
        Returns np.ndarray [shape=(n,)]
        """
        t, c = timeofday.context(hour)
        return model.score_many(self.weights if weights is None else weights, X, t, c)

    def posterior_std(self) -> np.ndarray:
        """Per-weight uncertainty [shape=(42,)] from the accumulated precision."""
        return 1.0 / np.sqrt(self.profile.precision)

    def sample_weights(self, rng: np.random.Generator, scale: float = 1.0) -> np.ndarray:
        """One Thompson sample of the weights [shape=(42,)]; ``scale`` 0 is greedy."""
        if scale <= 0:
            return self.weights
        return self.weights + scale * self.posterior_std() * rng.standard_normal(self.weights.shape)


def reference_step(
    w: np.ndarray,
    x: np.ndarray,
    precision: np.ndarray,
    velocity: np.ndarray,
    prior: np.ndarray,
    lr: np.ndarray,
    bound: np.ndarray,
    y: float,
    momentum: float,
    grad_clip: float,
    prior_pull: float,
    forget: float,
    round_f32: bool,
) -> tuple[float, float]:
    """The micro-update in NumPy, the reference the C kernel must match.

    Same signature as ``_kernel.step``: w, precision, velocity [shape=(42,)] change in place.
    """
    cfg = StepConfig(lr=lr, bound=bound, momentum=momentum, grad_clip=grad_clip,
                     prior_pull=prior_pull, forget=forget)  # fmt: skip
    x = _safe(x)
    gz = model.grad_logit(w, x)
    p = model.predict(w, x)
    new, velocity[:] = sgd_step(w, (p - y) * gz, velocity, prior, precision, cfg)
    w[:] = new.astype(np.float32) if round_f32 else new
    precision[:] = update_precision(precision, p, gz, cfg)
    return p, model.bce(p, y)


def _safe(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.clip(
        np.nan_to_num(x, nan=0.0, posinf=INPUT_LIMIT, neginf=-INPUT_LIMIT), -INPUT_LIMIT, INPUT_LIMIT
    )
