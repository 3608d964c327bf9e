"""Privacy accounting for the fleet with Google's ``dp-accounting`` (Flower's ``flwr[dp]``).

Each round releases the sum of the clipped updates (L2 sensitivity C, one
device added or removed) with Gaussian noise of standard deviation ``z C``: a
Gaussian mechanism with noise multiplier ``z``. Rounds compose. By default no
amplification by sampling is claimed: the devices of a round are those online,
not a random sample of the fleet, so the guarantee is what the same device in
every round would spend.

Reported at ``delta`` (default 1e-10): below 1 / fleet size by orders of
magnitude for any fleet up to millions (``delta`` is roughly the chance that
the guarantee fails outright for someone, so ``fleet size x delta`` must stay
far below 1), and the delta at which Gboard's production models report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

DEFAULT_DELTA = 1e-10
PLD_GRID = 1e-3


class PrivacyError(ValueError):
    """Accounting asked for something that has no meaning (a delta of 1, a negative noise)."""


def _events(noise_multipliers: Sequence[float], sampling_rate: float | None) -> Any:
    import dp_accounting  # lazily: only servers and simulations account

    events = []
    for z, count in _runs(noise_multipliers):
        event = dp_accounting.GaussianDpEvent(z)
        if sampling_rate is not None:
            event = dp_accounting.PoissonSampledDpEvent(sampling_rate, event)
        events.append(dp_accounting.SelfComposedDpEvent(event, count))
    return dp_accounting.ComposedDpEvent(events)


def _runs(values: Sequence[float]) -> list[tuple[float, int]]:
    """Consecutive equal values as (value, count): the accountants compose a repeated event far faster."""
    runs: list[tuple[float, int]] = []
    for v in values:
        if runs and runs[-1][0] == v:
            runs[-1] = (v, runs[-1][1] + 1)
        else:
            runs.append((float(v), 1))
    return runs


def epsilons(
    noise_multipliers: Sequence[float], delta: float = DEFAULT_DELTA, *, sampling_rate: float | None = None
) -> dict[str, float]:
    """RDP and PLD epsilon at ``delta`` after rounds with these noise multipliers (one per round).

    ``inf`` when a round had no noise; 0 before any round. ``sampling_rate``
    (None: no amplification) claims Poisson sampling of each device per round.
    """
    if not 0 < delta < 1:
        raise PrivacyError(f"delta must be between 0 and 1, got {delta}")
    zs = [float(z) for z in noise_multipliers]
    if any(not math.isfinite(z) or z < 0 for z in zs):
        raise PrivacyError("noise multipliers must be finite and non-negative")
    if not zs:
        return {"rdp": 0.0, "pld": 0.0}
    if any(z == 0 for z in zs):
        return {"rdp": math.inf, "pld": math.inf}
    from dp_accounting.pld import PLDAccountant
    from dp_accounting.rdp import RdpAccountant

    event = _events(zs, sampling_rate)
    # PLD's default estimate is pessimistic, so a coarser grid only rounds epsilon up (by < 1e-4 here)
    rdp, pld = RdpAccountant(), PLDAccountant(value_discretization_interval=PLD_GRID)
    rdp.compose(event)
    pld.compose(event)
    return {"rdp": float(rdp.get_epsilon(delta)), "pld": float(pld.get_epsilon(delta))}


def noise_for_budget(epsilon: float, delta: float, rounds: int, *, precision: float = 0.01) -> float:
    """The smallest noise multiplier (to ``precision``, rounded up) whose RDP and PLD epsilon after
    ``rounds`` rounds without amplification are both at most ``epsilon``.

    The search uses RDP alone (an upper bound that PLD accounting only tightens,
    and fast); the answer is checked with both.
    """
    if epsilon <= 0 or rounds < 1:
        raise PrivacyError("the budget needs a positive epsilon and at least one round")
    from dp_accounting import GaussianDpEvent, SelfComposedDpEvent
    from dp_accounting.rdp import RdpAccountant

    def spent(z: float) -> float:
        accountant = RdpAccountant()
        accountant.compose(SelfComposedDpEvent(GaussianDpEvent(z), rounds))
        return float(accountant.get_epsilon(delta))

    lo, hi = 0.01, 1.0
    while spent(hi) > epsilon:
        lo, hi = hi, hi * 2
        if hi > 1e6:
            raise PrivacyError("no noise multiplier below 1e6 meets that budget")
    while hi - lo > precision / 2:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if spent(mid) > epsilon else (lo, mid)
    z = math.ceil(hi / precision) * precision
    while max(epsilons([z] * rounds, delta).values()) > epsilon:
        z += precision
    return round(z, 6)
