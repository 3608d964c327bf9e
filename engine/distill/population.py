"""The distillation population: listeners of every kind, under a policy mixing shuffle and the learner.

Seeds: listener ``i`` of a population is of kind ``KINDS[i % 5]`` with
listener seed ``POPULATION_SEED + i`` (300000..304999 for up to 5000
listeners), the population's shared taste on (:mod:`engine.sim.population`).
These seeds are kept apart from every seed used to evaluate the learner
(12000-12999 its development set, 13000-13031 its verdict,
``engine/bench/listeners.py``) and from the held-out listeners of
``skipwise bench prior`` (310000 on, :data:`HELD_OUT_SEED`).

Each event the policy plays a random eligible song with probability
``SHUFFLE_SHARE`` and the learner's pick (Thompson exploration, started from
the hand-set prior) otherwise; the learner learns from every labelled play. So
the log holds good and bad guesses alike, and the learner's memories (the
student's inputs) are those of a learner in use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.distill.pooled_log import CONTEXT, NEVER_HEARD_HOURS, PooledLog
from engine.learner.context import ContextState
from engine.learner.labels import Ended, label_play
from engine.learner.learner import Learner
from engine.learner.observe import Observation, observe
from engine.learner.prior import load_prior
from engine.learner.profile import Profile
from engine.queue.ranker import Ranker
from engine.sim.library import SimLibrary
from engine.sim.listener_kinds import KINDS, generate_listener
from engine.sim.listener_spec import ListenerSpec, parse_listener
from engine.sim.person import Person
from engine.sim.runner import EPOCH, Clock
from engine.sim.strategies import make_strategy

POPULATION_SEED = 300_000
MAX_POPULATION = 5_000  # so the population's seeds stay below HELD_OUT_SEED
HELD_OUT_SEED = 310_000  # skipwise bench prior's listeners
SHUFFLE_SHARE = 0.5
LIBRARY_SONGS = 2000
LIBRARY_SEED = 7  # the library skipwise bench listeners plays


def population_seeds(n: int) -> list[int]:
    """The listener seeds of a population of ``n``."""
    if not 1 <= n <= MAX_POPULATION:
        raise ValueError(f"a population has 1 to {MAX_POPULATION} listeners, not {n}")
    return [POPULATION_SEED + i for i in range(n)]


def population_listeners(n: int) -> list[ListenerSpec]:
    """Listener ``i`` is of kind ``KINDS[i % len(KINDS)]``, seed ``POPULATION_SEED + i``, shared taste on."""
    return [
        parse_listener(generate_listener(KINDS[i % len(KINDS)], s)) for i, s in enumerate(population_seeds(n))
    ]


@dataclass
class _Counts:
    """The raw counts behind the teacher's context columns (``CONTEXT``)."""

    n_songs: int
    n_artists: int
    song_plays: np.ndarray = field(init=False)
    song_skips: np.ndarray = field(init=False)
    artist_plays: np.ndarray = field(init=False)
    artist_through: np.ndarray = field(init=False)
    artist_skips: np.ndarray = field(init=False)
    session: int = -1
    position: int = 0
    session_skips: int = 0
    plays: int = 0
    through: float = 0.0

    def __post_init__(self) -> None:
        self.song_plays, self.song_skips = np.zeros(self.n_songs), np.zeros(self.n_songs)
        self.artist_plays, self.artist_through = np.zeros(self.n_artists), np.zeros(self.n_artists)
        self.artist_skips = np.zeros(self.n_artists)

    def row(self, song: int, artist: int, hour: float, since_h: float) -> list[float]:
        return [
            hour,
            self.song_plays[song],
            self.song_skips[song],
            min(since_h, NEVER_HEARD_HOURS),
            self.artist_plays[artist],
            (self.artist_through[artist] + 1.0) / (self.artist_plays[artist] + 2.0),
            self.artist_skips[artist],
            self.position,
            self.session_skips,
            (self.session_skips + 0.5) / (self.position + 1.0),
            self.plays,
            (self.through + 1.0) / (self.plays + 2.0),
        ]

    def add(self, song: int, artist: int, target: float | None, skipped: bool) -> None:
        self.position += 1
        self.session_skips += skipped
        if target is None:
            return
        self.song_plays[song] += 1
        self.song_skips[song] += skipped
        self.artist_plays[artist] += 1
        self.artist_through[artist] += target
        self.artist_skips[artist] += skipped
        self.plays += 1
        self.through += target


def play_listener(
    library: SimLibrary, spec: ListenerSpec, index: int, *, events: int, seed: int
) -> PooledLog:
    """One listener's ``events`` plays under the mixed policy, with one candidate row per labelled play.

    The generators are ``default_rng([seed, 1..5])`` (``seed`` the listener's), so a listener's
    log is the same whatever else runs.
    """
    person = Person(spec, library, np.random.default_rng([seed, 1]))
    clock = Clock(np.random.default_rng([seed, 2]))
    ctx = ContextState(library.features, library.artist)
    # the hand-set prior, whatever prior ships: the population's log must not depend on what it made
    rng = np.random.default_rng([seed, 3])
    learner = Learner(Profile.from_prior(load_prior("hand")), rng=rng)
    ranker = Ranker(learner, ctx, rng=rng)
    shuffle = make_strategy("shuffle", ctx, person, np.random.default_rng([seed, 4]))
    mix = np.random.default_rng([seed, 5])
    counts = _Counts(library.n_songs, library.n_artists)
    learn = learner.learn_one
    inputs: list[np.ndarray] = []
    context: list[list[float]] = []
    target: list[float] = []
    played: list[bool] = []

    def learn_and_log(x: np.ndarray, y: float) -> object:
        inputs.append(np.array(x))
        return learn(x, y)

    for _ in range(events):
        now = clock.next_play(ctx)
        hour = clock.hour
        if clock.session != counts.session:
            counts.session, counts.position, counts.session_skips = clock.session, 0, 0
        person.at(day=(now - EPOCH) / 86400.0, session=clock.session)
        if mix.random() < SHUFFLE_SHARE:
            song = shuffle.choose(now, hour)
        else:
            ranking = ranker.rank(now, hour)
            song = int(np.argmax(np.where(ranking.eligible, ranking.scores, -np.inf)))
        since = (now - ctx.last_played) / 3600.0
        reaction = person.react(song, hour, float(since[song]))
        label = label_play(reaction.ended, reaction.listened_ms, reaction.duration_ms)
        artist = int(library.artist[song])
        if label.target is not None:
            other = int(mix.integers(library.n_songs - 1))
            other += other >= song
            inputs.append(ctx.inputs_one(other, now, hour))
            context += [
                counts.row(other, int(library.artist[other]), hour, float(since[other])),
                counts.row(song, artist, hour, float(since[song])),
            ]
            target += [np.nan, label.target]
            played += [False, True]
        obs = Observation(song, now, hour, label, reaction.listened_ms / 1000.0, ctx.session.id)
        observe(ctx, obs, learn_and_log)
        counts.add(song, artist, label.target, reaction.ended is Ended.SKIP)
        clock.now += reaction.listened_ms / 1000.0 + 1.0
    n = len(target)
    return PooledLog(
        np.array(inputs).reshape(n, -1),
        np.array(context).reshape(n, len(CONTEXT)),
        np.array(target),
        np.full(n, index, dtype=np.int64),
        np.array(played, dtype=bool),
    )


def play_population(
    library: SimLibrary, specs: list[ListenerSpec], seeds: list[int], *, events: int
) -> PooledLog:
    """Every listener's log, pooled in listener order."""
    return PooledLog.concat(
        [
            play_listener(library, spec, i, events=events, seed=s)
            for i, (spec, s) in enumerate(zip(specs, seeds, strict=True))
        ]
    )
