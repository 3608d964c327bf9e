"""The listener generator: every kind is generated as docs/simulator.md describes, for any seed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.features.names import FEATURE_INDEX
from engine.sim.library import synthetic_library
from engine.sim.listener_kinds import KINDS, SHARED_RANGE, generate_listener, generate_listeners
from engine.sim.listener_spec import ListenerSpec, builtin_names, load_listener, parse_listener
from engine.sim.person import Person
from engine.sim.population import SHARED_TASTE, shared_taste
from engine.sim.random_listener import random_listener
from engine.sim.runner import run_one

SEEDS = st.integers(min_value=0, max_value=2**31)
LIBRARY = synthetic_library(600, seed=3)


def _person(doc: dict, seed: int = 0) -> Person:
    return Person(parse_listener(doc), LIBRARY, np.random.default_rng([seed, 1]))


def _point(center: dict[str, float]) -> np.ndarray:
    f = np.zeros((1, len(FEATURE_INDEX)))
    for name, value in center.items():
        f[0, FEATURE_INDEX[name]] = value
    return f


@settings(max_examples=25, deadline=None)
@given(kind=st.sampled_from(KINDS), seed=SEEDS)
def test_every_kind_parses_is_named_and_repeats_from_its_seed(kind: str, seed: int) -> None:
    doc = generate_listener(kind, seed)
    spec = parse_listener(doc)
    assert spec.name == f"{kind}-{seed}" and spec.kind == kind and spec.description
    assert generate_listener(kind, seed) == doc
    assert SHARED_RANGE[0] <= spec.shared <= SHARED_RANGE[1]


@settings(max_examples=25, deadline=None)
@given(kind=st.sampled_from(KINDS), seed=SEEDS)
def test_shared_off_is_the_same_listener_without_the_shared_part(kind: str, seed: int) -> None:
    on, off = generate_listener(kind, seed), generate_listener(kind, seed, shared=False)
    assert "shared" not in off and parse_listener(off).shared == 0.0
    assert off["name"] == on["name"] + "-solo"
    assert {k: v for k, v in on.items() if k not in ("shared", "name")} == {
        k: v for k, v in off.items() if k != "name"
    }


def test_kinds_from_one_seed_are_different_listeners() -> None:
    docs = [generate_listener(kind, 5) for kind in KINDS]
    bodies = [
        {k: v for k, v in d.items() if k not in ("name", "kind", "description", "shared")} for d in docs
    ]
    assert all(a != b for i, a in enumerate(bodies) for b in bodies[i + 1 :])
    assert [d["name"] for d in generate_listeners(KINDS[:2], [1, 2])] == [
        "feature-1", "feature-2", "artist_loyal-1", "artist_loyal-2",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="unknown listener kind 'jazz'"):
        generate_listener("jazz", 1)


def test_the_shared_part_adds_the_population_taste_scaled_by_the_share() -> None:
    on = _person(generate_listener("feature", 7))
    off = _person(generate_listener("feature", 7, shared=False))
    share = on.spec.shared
    assert np.allclose(on.base_taste() - off.base_taste(), share * shared_taste())
    assert shared_taste()[FEATURE_INDEX["danceability"]] == SHARED_TASTE["danceability"] > 0
    morning, night = on.hour_taste(8.0) - off.hour_taste(8.0), on.hour_taste(23.0) - off.hour_taste(23.0)
    assert morning[FEATURE_INDEX["energy"]] > share * shared_taste()[FEATURE_INDEX["energy"]]
    assert night[FEATURE_INDEX["energy"]] < share * shared_taste()[FEATURE_INDEX["energy"]]


@settings(max_examples=30, deadline=None)
@given(seed=SEEDS)
def test_feature_listeners_are_the_untuned_ones_plus_the_shared_part(seed: int) -> None:
    doc, untuned = generate_listener("feature", seed, shared=False), random_listener(seed)
    assert {k: v for k, v in doc.items() if k not in ("name", "kind", "description")} == {
        k: v for k, v in untuned.items() if k not in ("name", "description")
    }
    assert 2 <= len(doc["taste"]) <= 4


@settings(max_examples=40, deadline=None)
@given(seed=SEEDS)
def test_artist_loyal_listeners_are_carried_by_a_handful_of_strong_artists(seed: int) -> None:
    doc = generate_listener("artist_loyal", seed)
    artists = doc["artists"]
    assert 3 <= artists["liked"] <= 8 and 2 <= artists["disliked"] <= 12
    assert artists["strength"] >= 1.5 and artists["pick"] in ("uniform", "by_songs")
    assert 1 <= len(doc["taste"]) <= 2 and max(abs(w) for w in doc["taste"].values()) <= 0.6
    assert max(abs(w) for w in doc["taste"].values()) < artists["strength"] / 2


def test_artists_picked_by_songs_have_more_songs_than_uniform_picks() -> None:
    songs = np.bincount(LIBRARY.artist)
    picked = {}
    for pick in ("uniform", "by_songs"):
        doc = {"name": "x", "artists": {"liked": 10, "disliked": 0, "strength": 1, "pick": pick}}
        spec = parse_listener(doc)
        counts = [
            songs[Person(spec, LIBRARY, np.random.default_rng(s)).artist_bias > 0].mean() for s in range(20)
        ]
        picked[pick] = float(np.mean(counts))
    assert picked["by_songs"] > 1.5 * picked["uniform"]


@settings(max_examples=15, deadline=None)
@given(seed=SEEDS)
def test_two_mood_listeners_like_two_opposite_regions_and_not_the_middle(seed: int) -> None:
    doc = generate_listener("two_moods", seed)
    person = _person(doc)
    a, b = (r["center"] for r in doc["moods"]["regions"])
    assert set(a) == set(b) and "per_session" not in doc["moods"]
    pa, pb = _point(a), _point(b)
    assert np.linalg.norm(pa - pb) >= 2.5  # separate regions
    mid = 0.5 * (pa + pb)
    peak_a, peak_b, middle = (float(person.mood_utility(p)[0]) for p in (pa, pb, mid))
    # Any linear taste w has w.mid = (w.a + w.b) / 2, so it likes the middle at least as much as one of
    # the two regions; this person likes both regions clearly more than the middle.
    assert min(peak_a, peak_b) - middle >= 1.0
    assert middle <= 0.5 * min(peak_a, peak_b)


@settings(max_examples=12, deadline=None)
@given(seed=SEEDS)
def test_session_mood_listeners_want_one_region_per_session(seed: int) -> None:
    doc = generate_listener("session_moods", seed)
    moods = doc["moods"]
    assert moods["per_session"] is True and 2 <= len(moods["regions"]) <= 3 and moods["off_session"] <= 0.3
    person = _person(doc)
    wanted = [person.session_mood(k) for k in range(200)]
    assert len(set(wanted)) >= 2  # the mood changes between sessions
    again = _person(doc)
    assert wanted == [again.session_mood(k) for k in range(200)]  # the same for every strategy
    for i, region in enumerate(moods["regions"]):
        center = _point(region["center"])
        inside = [float(person.mood_utility(center, k)[0]) for k in range(200) if wanted[k] == i]
        outside = [float(person.mood_utility(center, k)[0]) for k in range(200) if wanted[k] != i]
        if inside and outside:  # (1 - off_session) (its strength - another's pull) at least
            assert min(inside) >= max(outside) + 0.3 * region["strength"]


@settings(max_examples=15, deadline=None)
@given(seed=SEEDS)
def test_drifting_listeners_turn_to_an_unrelated_taste_over_weeks(seed: int) -> None:
    doc = generate_listener("drifting", seed, shared=False)
    start, end, days = doc["taste"], doc["drift"]["taste"], doc["drift"]["days"]
    assert not set(start) & set(end) and 14 <= days <= 35  # orthogonal tastes, two to five weeks
    person = _person(doc)
    s, e = person.base_taste(0.0), person.base_taste(days)
    assert np.allclose(s, _point(start)[0]) and np.allclose(e, _point(end)[0])
    assert np.allclose(person.base_taste(10 * days), e)
    halfway = person.base_taste(days / 2)
    assert np.allclose(halfway, np.sqrt(0.5) * (s + e))
    person.at(day=days, session=3)
    assert np.allclose(person.base_taste(), e)


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_builtin_listener(kind: str) -> None:
    assert kind in {load_listener(name).kind for name in builtin_names()}


@pytest.mark.parametrize("name", ["loyal", "twomoods", "moodswings", "drifter"])
def test_shuffle_skips_the_new_builtins_at_the_published_rate(name: str) -> None:
    spec: ListenerSpec = load_listener(name)
    skipped = np.mean([run_one(LIBRARY, spec, "shuffle", events=400, seed=s).skipped.mean() for s in (0, 1)])
    assert skipped == pytest.approx(0.486, abs=0.06)


def test_the_utility_parts_add_up_and_partial_oracles_rank_by_theirs() -> None:
    person = _person(generate_listener("session_moods", 4))
    person.at(day=2.0, session=7)
    since = np.where(np.arange(LIBRARY.n_songs) % 3 == 0, 2.0, np.inf)
    parts = person.utility_parts(9.0, since)
    assert set(parts) == {"taste", "artists", "repeat"}
    np.testing.assert_allclose(sum(parts.values()), person.utility(9.0, since))
    assert parts["repeat"][0] < 0 == parts["repeat"][1]
    loyal = load_listener("loyal")
    taste, artists = (
        np.mean([run_one(LIBRARY, loyal, name, events=200, seed=s).skipped[100:].mean() for s in (0, 1)])
        for name in ("oracle_taste", "oracle_artists")
    )
    assert artists < taste  # an artist-loyal listener's gain is in the artists
