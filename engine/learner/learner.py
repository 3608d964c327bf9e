"""The learner: River-style ``predict_proba_one`` / ``learn_one`` over a Profile.

>>> import numpy as np
>>> from engine.learner import inputs
>>> from engine.learner.learner import Learner
>>> learner = Learner.from_prior()
>>> x = np.zeros(inputs.N_INPUTS)
>>> x[inputs.TIME_BINS.start] = 1.0   # a neutral song at 02:00, wholly in the first time bin
>>> p0 = learner.predict_proba_one(x)
>>> update = learner.learn_one(x, 0.0)
>>> learner.predict_proba_one(x) < p0
True
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from engine.learner import int8, model, timeofday
from engine.learner.optimizer import StepConfig, absorb_event, forget, newton_step
from engine.learner.profile import Mode, Profile

_kernel: ModuleType | None
KERNEL_ABI = 2  # _kernel.c's ABI: 2 added the prior covariance the posterior forgets towards
try:
    import engine.learner._kernel as _kernel
except ImportError:  # built without a C compiler: the NumPy reference path is used
    _kernel = None
if _kernel is not None and getattr(_kernel, "ABI", 1) != KERNEL_ABI:
    # A stale build of an older _kernel.c (rebuild: pip install -e .): its step takes other arguments.
    _kernel = None

INPUT_LIMIT = 10.0  # inputs are z-scores and memories; anything beyond is garbage


@dataclass(slots=True)
class Update:
    """What one micro-update did; arrays have shape (42,).

    Not frozen: a frozen dataclass's constructor costs about 0.4 us more,
    an eighth of the whole micro-update, on the path from a skip to the queue.
    """

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
            prof.weights, x, prof.covariance, prof.velocity, prof.prior, prof.prior_covariance,
            cfg.lr, cfg.bound, y, cfg.momentum, cfg.grad_clip, cfg.prior_pull, cfg.forget,
            prof.mode == "float32",
        )  # fmt: skip
        if prof.mode == "int8":
            prof.scales = int8.fit_scales(prof.weights, prof.scales)
            prof.q = int8.quantize(prof.weights, prof.scales, self.rng)
            prof.weights[:] = int8.dequantize(prof.q, prof.scales)
        prof.steps += 1
        return Update(p, y, loss, before, prof.weights.copy())

    def logits(self, X: np.ndarray, hour: float, *, weights: np.ndarray | None = None) -> np.ndarray:
        """Logits of many songs at one hour.

        X : np.ndarray [shape=(n, 18)], the songs' [f, h, k] inputs
        Returns np.ndarray [shape=(n,)]
        """
        t, c = timeofday.context(hour)
        return model.score_many(self.weights if weights is None else weights, X, t, c)

    def posterior_std(self) -> np.ndarray:
        """Per-weight uncertainty [shape=(42,)]: the square root of the covariance's diagonal."""
        return np.sqrt(np.diag(self.profile.covariance))

    def sample_weights(self, rng: np.random.Generator, scale: float = 1.0) -> np.ndarray:
        """One Thompson sample of the weights [shape=(42,)] from the full posterior; ``scale`` 0 is greedy.

        ``w + scale * L eps`` with ``L L^T`` the covariance, so weights whose
        evidence is correlated are explored together.
        """
        if scale <= 0:
            return self.weights
        eps = rng.standard_normal(self.weights.shape)
        try:
            spread = np.linalg.cholesky(self.profile.covariance) @ eps
        except np.linalg.LinAlgError:  # loaded profiles are checked; this only guards rounding
            spread = self.posterior_std() * eps
        return self.weights + scale * spread


def reference_step(
    w: np.ndarray,
    x: np.ndarray,
    covariance: np.ndarray,
    velocity: np.ndarray,
    prior: np.ndarray,
    prior_covariance: np.ndarray,
    lr: np.ndarray,
    bound: np.ndarray,
    y: float,
    momentum: float,
    grad_clip: float,
    prior_pull: float,
    forget_share: float,
    round_f32: bool,
) -> tuple[float, float]:
    """The micro-update in NumPy, the reference the C kernel must match.

    Same signature as ``_kernel.step``: w, velocity [shape=(42,)] and covariance
    [shape=(42, 42)] change in place; prior [shape=(42,)] and prior_covariance
    [shape=(42, 42)] are the prior the profile started from. Order: forward pass at the current
    weights, the event joins the posterior, the step uses that posterior, then
    the posterior forgets a little.
    """
    cfg = StepConfig(lr=lr, bound=bound, momentum=momentum, grad_clip=grad_clip,
                     prior_pull=prior_pull, forget=forget_share)  # fmt: skip
    x = _safe(x)
    gz = model.grad_logit(w, x)
    p = model.predict(w, x)
    absorb_event(covariance, p, gz)
    new, velocity[:] = newton_step(w, (p - y) * gz, velocity, prior, covariance, cfg)
    w[:] = new.astype(np.float32) if round_f32 else new
    forget(covariance, prior_covariance, cfg)
    return p, model.bce(p, y)


def _safe(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.clip(
        np.nan_to_num(x, nan=0.0, posinf=INPUT_LIMIT, neginf=-INPUT_LIMIT), -INPUT_LIMIT, INPUT_LIMIT
    )
