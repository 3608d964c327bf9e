"""Listeners nobody tuned on: random but plausible listener documents."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.features.names import FEATURE_NAMES


def random_listener(seed: int) -> dict[str, Any]:
    """A listener JSON object drawn from ``seed``: 2-4 liked or disliked features,
    sometimes an hour window with its own taste, a few artists, mixed patience.
    """
    rng = np.random.default_rng([seed, 4242])
    features = rng.choice(FEATURE_NAMES, size=int(rng.integers(2, 5)), replace=False)
    doc: dict[str, Any] = {
        "name": f"untuned-{seed}",
        "description": "generated; no setting of the learner was chosen by looking at it",
        "taste": {str(f): round(float(rng.normal(0.0, 1.0)), 2) for f in features},
        "artists": {
            "liked": int(rng.integers(0, 12)),
            "disliked": int(rng.integers(0, 12)),
            "strength": round(float(rng.uniform(0.5, 2.0)), 2),
        },
        "repeat_tolerance_hours": round(float(rng.uniform(2, 48)), 1),
        "patience": round(float(rng.uniform(0.7, 1.3)), 2),
        "noise": round(float(rng.uniform(0.2, 0.5)), 2),
    }
    if rng.random() < 0.5:
        start = int(rng.integers(0, 24))
        end = (start + int(rng.integers(3, 9))) % 24 or 24
        doc["hours"] = {
            f"{start}-{end}": {str(rng.choice(FEATURE_NAMES)): round(float(rng.normal(0, 1.2)), 2)}
        }
    return doc
