# The C micro-update (engine/learner/_kernel.c); same signature as learner.reference_step.
import numpy as np

ABI: int  # learner.KERNEL_ABI: a build of an older _kernel.c has another step signature

def step(
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
    /,
) -> tuple[float, float]: ...
