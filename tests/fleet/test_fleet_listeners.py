"""The fleet's listeners come from the project's generator: every kind, seeds of their own, shared or not."""

from __future__ import annotations

import numpy as np
import pytest

from engine.fleet.listeners import (
    DEVICE_SEEDS,
    HELD_OUT_SEEDS,
    SEEDS_PER_RANGE,
    device_listener,
    held_out_listener,
)
from engine.sim.listener_kinds import KINDS, generate_listener
from engine.sim.listener_spec import parse_listener

# Seeds the rest of the project evaluates or trains on (docs/fleet.md names them).
TAKEN = {
    "evaluation": range(0, 10_000),
    "learner tuning": range(12_000, 13_000),
    "learner verdict": range(13_000, 13_032),
    "distillation": range(300_000, 310_000),
}


def test_fleet_seeds_are_apart_from_each_other_and_from_every_evaluation() -> None:
    devices = range(DEVICE_SEEDS, DEVICE_SEEDS + SEEDS_PER_RANGE)
    held_out = range(HELD_OUT_SEEDS, HELD_OUT_SEEDS + SEEDS_PER_RANGE)
    assert not set(devices) & set(held_out)
    for name, taken in TAKEN.items():
        assert not set(taken) & (set(devices) | set(held_out)), name
    with pytest.raises(ValueError):
        device_listener(SEEDS_PER_RANGE, shared=True)


def test_devices_and_held_out_listeners_are_the_generators_every_kind() -> None:
    devices = [device_listener(i, shared=True) for i in range(2 * len(KINDS))]
    held_out = [held_out_listener(j, shared=True) for j in range(len(KINDS))]
    assert [d.kind for d in devices[: len(KINDS)]] == list(KINDS)
    assert [h.kind for h in held_out] == list(KINDS)
    # Exactly the generator's listener of that kind and seed, named as a fleet listener.
    expected = parse_listener({**generate_listener(KINDS[1], DEVICE_SEEDS + 1), "name": "x"})
    assert np.array_equal(devices[1].taste, expected.taste)
    assert devices[1].name == f"fleet-{KINDS[1]}-{DEVICE_SEEDS + 1}"
    assert len({d.name for d in devices + held_out}) == len(devices) + len(held_out)


def test_shared_off_is_the_same_listener_without_the_population_component() -> None:
    on, off = device_listener(3, shared=True), device_listener(3, shared=False)
    assert on.shared > 0 and off.shared == 0
    assert on.kind == off.kind and on.name.endswith(str(DEVICE_SEEDS + 3)) and off.name.endswith("-solo")
