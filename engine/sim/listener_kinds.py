"""Generated listeners of every kind: ``generate_listener(kind, seed, shared=True)`` -> a listener document.

The kinds (``docs/simulator.md`` says what each assumes about people):

- ``feature``: today's feature-taste listeners (:func:`random_listener`):
  2-4 liked or disliked audio features, sometimes an hour window, a few artists;
- ``artist_loyal``: a handful of liked and disliked artists out of the
  library's hundreds carry the taste; the own audio taste is weak;
- ``two_moods``: two opposite regions of feature space are liked (slow
  acoustic and fast electronic, say), the middle between them is not;
- ``session_moods``: two or three regions, and each listening session wants
  one of them;
- ``drifting``: the all-day taste turns from one direction to an unrelated one
  over two to five weeks.

Every kind draws from its own generator ``[seed, salt]``, so a seed gives the
same listener every time, and different kinds from one seed are unrelated.
With ``shared=True`` the document has ``"shared": s``, ``s`` uniform in 0.5..1:
that share of the population's taste (:mod:`engine.sim.population`) joins
the listener's own. ``s`` comes from a generator of its own, so the same seed
with ``shared=False`` is the same listener without the shared part.

The stable API: ``KINDS``, ``generate_listener(kind, seed, *, shared=True)``,
``generate_listeners(kinds, seeds, *, shared=True)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from engine.features.names import FEATURE_NAMES
from engine.sim.listener_spec import KINDS, parse_listener
from engine.sim.random_listener import random_listener

__all__ = ["KINDS", "SHARED_RANGE", "generate_listener", "generate_listeners", "random_listener"]

# The generator of a kind is default_rng([seed, salt]); "feature" keeps random_listener's 4242,
# so feature-S has the own taste of untuned-S.
_SALT = {"feature": 4242, "artist_loyal": 4343, "two_moods": 4444, "session_moods": 4545, "drifting": 4646}
_SHARED_SALT = 77
SHARED_RANGE = (0.5, 1.0)

# Regions of feature space where real collections have many songs, each along the directions
# in which the features move together (engine/sim/library.py's latent traits): a mood region is
# one of these, scaled and jittered, or its opposite.
ARCHETYPES: dict[str, dict[str, float]] = {
    "slow acoustic": {"energy": -1.0, "acousticness": 1.0, "tempo": -0.6},
    "sad and quiet": {"valence": -1.0, "mode": -0.6, "energy": -0.5},
    "groove": {"danceability": 1.0, "percussiveness": 0.9},
    "dark and heavy": {"valence": -0.9, "energy": 0.9, "loudness": 0.8},
    "bright and upbeat": {"valence": 0.9, "brightness": 0.7, "danceability": 0.6},
    "quiet and dynamic": {"dynamic_range": 1.0, "loudness": -0.9},
}


def _r(x: float) -> float:
    return round(float(x), 2)


def _behaviour(rng: np.random.Generator, *, tolerance: tuple[float, float] = (2, 48)) -> dict[str, Any]:
    return {
        "repeat_tolerance_hours": round(float(rng.uniform(*tolerance)), 1),
        "patience": _r(rng.uniform(0.7, 1.3)),
        "noise": _r(rng.uniform(0.2, 0.5)),
    }


def _few_artists(rng: np.random.Generator, most: int = 6) -> dict[str, Any]:
    return {
        "liked": int(rng.integers(0, most + 1)),
        "disliked": int(rng.integers(0, most + 1)),
        "strength": _r(rng.uniform(0.5, 1.5)),
    }


def _region(rng: np.random.Generator, archetype: dict[str, float], sign: float) -> dict[str, Any]:
    scale = rng.uniform(1.1, 1.5)
    center = {k: _r(sign * v * scale + rng.normal(0.0, 0.15)) for k, v in archetype.items()}
    return {"center": center, "width": _r(rng.uniform(0.8, 1.1)), "strength": _r(rng.uniform(2.0, 3.5))}


def _pulls(regions: list[dict[str, Any]]) -> np.ndarray:
    """How much each region pulls at each region's center [shape=(n, n)], as a share of its strength."""
    spec = parse_listener({"name": "regions", "moods": {"regions": regions}})
    assert spec.moods is not None
    centers = np.array([r.center for r in spec.moods.regions])
    return np.array([r.utility(centers) / r.strength for r in spec.moods.regions])


def _feature(seed: int, rng: np.random.Generator) -> dict[str, Any]:
    doc = random_listener(seed)
    doc.update(description="feature taste: 2-4 audio features, sometimes an hour window, a few artists")
    return doc


def _artist_loyal(seed: int, rng: np.random.Generator) -> dict[str, Any]:
    features = rng.choice(FEATURE_NAMES, size=int(rng.integers(1, 3)), replace=False)
    return {
        "description": "artist-loyal: a handful of liked and disliked artists decide; weak audio taste",
        "taste": {str(f): _r(np.clip(rng.normal(0.0, 0.3), -0.6, 0.6)) for f in features},
        "artists": {
            "liked": int(rng.integers(3, 9)),
            "disliked": int(rng.integers(2, 13)),
            "strength": _r(rng.uniform(1.5, 3.0)),
            "pick": "by_songs" if rng.random() < 0.5 else "uniform",
        },
        **_behaviour(rng, tolerance=(3, 36)),
    }


def _two_moods(seed: int, rng: np.random.Generator) -> dict[str, Any]:
    name = str(rng.choice(list(ARCHETYPES)))
    archetype = ARCHETYPES[name]
    regions = [_region(rng, archetype, 1.0), _region(rng, archetype, -1.0)]
    # Narrow enough that the middle between the two centers gets at most 0.43 of either's pull
    # (its distance from each is at least 1.75 widths), and equally strong.
    a, b = (np.array(list(r["center"].values())) for r in regions)
    width = min(regions[0]["width"], float(np.linalg.norm(a - b)) / 2 / 1.75)
    for r in regions:
        r.update(width=_r(np.floor(width * 100) / 100), strength=regions[0]["strength"])
    return {
        "description": f"two moods: {name} and its opposite, not the middle",
        "moods": {"regions": regions},
        "artists": _few_artists(rng),
        **_behaviour(rng),
    }


def _session_moods(seed: int, rng: np.random.Generator) -> dict[str, Any]:
    n = int(rng.integers(2, 4))
    while True:  # distinct moods: no region pulls at another's center with more than 0.3 of its strength
        names = [str(a) for a in rng.choice(list(ARCHETYPES), size=n, replace=False)]
        regions = [_region(rng, ARCHETYPES[a], 1.0 if rng.random() < 0.6 else -1.0) for a in names]
        for r in regions:
            r.update(width=_r(min(r["width"], 1.0)), share=_r(rng.uniform(0.5, 1.5)))
        pulls = _pulls(regions)
        if (pulls - np.eye(n) * pulls).max() <= 0.3:
            break
    return {
        "description": f"session moods: each session wants one of {len(regions)} regions",
        "moods": {"regions": regions, "per_session": True, "off_session": _r(rng.uniform(0.0, 0.3))},
        "artists": _few_artists(rng),
        **_behaviour(rng),
    }


def _drifting(seed: int, rng: np.random.Generator) -> dict[str, Any]:
    chosen = rng.choice(FEATURE_NAMES, size=int(rng.integers(4, 7)), replace=False)
    n_start = len(chosen) // 2
    start, end = chosen[:n_start], chosen[n_start:]  # disjoint: the end taste is orthogonal to the start
    return {
        "description": "drifting: the all-day taste turns to unrelated features over weeks",
        "taste": {str(f): _r(rng.normal(0.0, 1.0)) for f in start},
        "drift": {"taste": {str(f): _r(rng.normal(0.0, 1.0)) for f in end}, "days": _r(rng.uniform(14, 35))},
        "artists": _few_artists(rng),
        **_behaviour(rng),
    }


_MAKERS = {
    "feature": _feature,
    "artist_loyal": _artist_loyal,
    "two_moods": _two_moods,
    "session_moods": _session_moods,
    "drifting": _drifting,
}


def generate_listener(kind: str, seed: int, *, shared: bool = True) -> dict[str, Any]:
    """A listener document of ``kind`` from ``seed``, named ``KIND-SEED`` (``KIND-SEED-solo`` without
    the shared part); ``parse_listener`` accepts it. Raises ``ValueError`` for an unknown kind.
    """
    if kind not in _MAKERS:
        raise ValueError(f"unknown listener kind {kind!r}; known: {', '.join(KINDS)}")
    doc = _MAKERS[kind](seed, np.random.default_rng([seed, _SALT[kind]]))
    share = _r(np.random.default_rng([seed, _SALT[kind], _SHARED_SALT]).uniform(*SHARED_RANGE))
    out: dict[str, Any] = {"name": f"{kind}-{seed}" + ("" if shared else "-solo"), "kind": kind}
    out.update({k: v for k, v in doc.items() if k != "name"})
    if shared:
        out["shared"] = share
    return out


def generate_listeners(
    kinds: Iterable[str], seeds: Iterable[int], *, shared: bool = True
) -> list[dict[str, Any]]:
    """Every kind of ``kinds`` for every seed of ``seeds``, kind by kind."""
    seeds = list(seeds)
    return [generate_listener(kind, seed, shared=shared) for kind in kinds for seed in seeds]
