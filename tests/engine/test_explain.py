"""'Why this song': the named parts of a score add up to the model's logit."""

from __future__ import annotations

import numpy as np
import pytest

from engine.learner import model
from engine.learner.explain import BASE_RATE, contributions, top_reasons
from engine.learner.params import N_PARAMS
from tests.engine.helpers import random_inputs


@pytest.mark.parametrize("seed", range(5))
def test_parts_sum_to_the_logit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    w = rng.uniform(-2, 2, N_PARAMS)
    x = random_inputs(rng, 1)[0]
    parts = contributions(w, x)
    assert len(parts) == 19 and parts[-1].name == BASE_RATE
    assert sum(p.value for p in parts) == pytest.approx(model.logit(w, x), abs=1e-9)


def test_top_reasons_name_the_input_that_dominates() -> None:
    rng = np.random.default_rng(1)
    w = np.zeros(N_PARAMS)
    w[24:42] = np.tile([1.0, 1.0, 0.0], 6)  # gains of 1, no base rate
    w[3] = -2.0  # mood: acousticness
    x = random_inputs(rng, 1)[0]
    x[0:18] = 0.0
    x[3] = 2.5
    (first, *_rest) = top_reasons(w, x, 3)
    assert first.name == "mood: acousticness" and first.value == pytest.approx(-5.0)
