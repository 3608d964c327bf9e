"""What the running player learns from its device's fleet state: a baseline adopted, or one refused.

The ClientApp runs in the SuperNode's child processes, not in the player: it
adopts a baseline into the database (``adopt_baseline``) and records what it
did in the device state file (``device_state``). The player polls that file
(a few hundred bytes, a stat and a read) with :class:`DeviceNews`, and hands
the prior an adopted baseline made to its listening session
(``ListeningSession.take_prior``). Nothing here opens a socket or imports Flower.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.fleet.adopt import fleet_prior
from engine.fleet.baseline import BaselineError, check_weights
from engine.fleet.device_state import DeviceState, read_state
from engine.learner.prior import Prior


@dataclass(frozen=True)
class News:
    """One change since the last look: ``adopted`` (a baseline version) or ``refused`` (the reason)."""

    adopted: str | None = None
    refused: str | None = None


class DeviceNews:
    """Polls the device state file at ``state_path`` for baselines adopted or refused since the last poll."""

    def __init__(self, state_path: Path) -> None:
        self.state_path = state_path
        self._seen = self._stamp()
        self._last = read_state(state_path)

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = self.state_path.stat()
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def poll(self) -> News | None:
        """What changed since the last poll (None: nothing); cheap when nothing did."""
        stamp = self._stamp()
        if stamp == self._seen:
            return None
        self._seen = stamp
        before, now = self._last, read_state(self.state_path)
        self._last = now
        return news_between(before, now)


def news_between(before: DeviceState, now: DeviceState) -> News | None:
    if now.updated_at == before.updated_at:
        return None
    again = now.rounds_contributed == before.rounds_contributed  # not a fit's write: a refusal again
    if now.last_refusal and (now.last_refusal != before.last_refusal or again):
        return News(refused=now.last_refusal)
    if now.baseline_version and now.baseline_version != before.baseline_version:
        return News(adopted=now.baseline_version)
    return None


def adopted_prior(db_path: Path) -> Prior:
    """The prior the fleet baseline adopted for the database at ``db_path`` made, its mean validated.

    BaselineError when there is none or its mean does not pass ``check_weights``
    (the player then keeps its prior).
    """
    prior = fleet_prior(db_path)
    if prior is None:
        raise BaselineError("the adopted baseline's prior is missing or unusable")
    check_weights(prior.mean, "the adopted baseline")
    return prior
