"""The one adapter between the fleet and the listener generator (``engine.sim.listener_kinds``).

- A fleet listener is ``generate_listener(kind, seed, shared=...)``: device ``i``
  (and held-out listener ``j``) takes the generator's kinds in turn, ``KINDS[i % 5]``,
  so every kind is in the fleet and in the evaluation.
- ``shared`` (``skipwise fleet simulate --shared on|off``) says whether the listener
  carries its share of the generator's population component; the same seed
  without it is the same listener without the shared part.
- The seeds are kept apart from each other and from every seed the project
  evaluates or trains on: generated evaluation listeners 0..9999, the learner's
  tuning 12000..12999 and its verdict 13000..13031, distillation 300000..309999.
  Fleet devices are ``DEVICE_SEEDS + i`` (400000..409999) and held-out listeners
  ``HELD_OUT_SEEDS + j`` (410000..419999).
"""

from __future__ import annotations

from engine.sim.listener_kinds import KINDS, generate_listener
from engine.sim.listener_spec import ListenerSpec, parse_listener

DEVICE_SEEDS = 400_000  # device i is a listener of seed DEVICE_SEEDS + i
HELD_OUT_SEEDS = 410_000  # held-out listener j is a listener of seed HELD_OUT_SEEDS + j
SEEDS_PER_RANGE = 10_000

__all__ = ["DEVICE_SEEDS", "HELD_OUT_SEEDS", "KINDS", "device_listener", "held_out_listener", "listener"]


def kind_of(i: int) -> str:
    """The generator's kind of the ``i``-th fleet (or held-out) listener: the kinds in turn."""
    return KINDS[i % len(KINDS)]


def listener(kind: str, seed: int, *, shared: bool) -> ListenerSpec:
    """The generated listener of ``kind`` and ``seed``, with or without the population component."""
    doc = generate_listener(kind, seed, shared=shared)
    doc["name"] = f"fleet-{doc['name']}"
    return parse_listener(doc)


def _in_range(i: int) -> int:
    if not 0 <= i < SEEDS_PER_RANGE:
        raise ValueError(f"fleet listener index {i} outside 0..{SEEDS_PER_RANGE - 1}")
    return i


def device_listener(i: int, *, shared: bool) -> ListenerSpec:
    return listener(kind_of(i), DEVICE_SEEDS + _in_range(i), shared=shared)


def held_out_listener(j: int, *, shared: bool) -> ListenerSpec:
    return listener(kind_of(j), HELD_OUT_SEEDS + _in_range(j), shared=shared)
