"""The model's 26 inputs, named once: every other module indexes them through these names.

One song in one context is a flat vector ``x`` [shape=(26,)]:

=====  ==  =============================================================
0:10   f   frozen audio features, z-scored against the library
10:14  h   history: song affinity, artist affinity, session similarity,
           heard recently
14:18  k   skip memory: early skips of the song, late skips, skips of the
           artist, session skip streak
18:24  t   time of day as soft membership of six 4-hour bins (sums to 1)
24:26  c   (sin, cos) of the hour angle 2 pi hour / 24
=====  ==  =============================================================

The first 18 (``[f, h, k]``) vary from song to song at one moment; the last 8
are the same for every song at that moment. Re-ranking therefore builds the
song part for the whole library, [shape=(n, 18)], and the time part once.
"""

from __future__ import annotations

from engine.features.names import N_FEATURES
from engine.learner.timeofday import N_BINS

FEATURES = slice(0, N_FEATURES)

SONG_AFFINITY = N_FEATURES
ARTIST_AFFINITY = N_FEATURES + 1
SESSION_SIMILARITY = N_FEATURES + 2
HEARD_RECENTLY = N_FEATURES + 3
HISTORY = slice(SONG_AFFINITY, HEARD_RECENTLY + 1)

EARLY_SKIPS = HEARD_RECENTLY + 1
LATE_SKIPS = HEARD_RECENTLY + 2
ARTIST_SKIPS = HEARD_RECENTLY + 3
SKIP_STREAK = HEARD_RECENTLY + 4
SKIPS = slice(EARLY_SKIPS, SKIP_STREAK + 1)

N_SONG_INPUTS = SKIP_STREAK + 1  # [f, h, k]
TIME_BINS = slice(N_SONG_INPUTS, N_SONG_INPUTS + N_BINS)
HOUR_ANGLE = slice(TIME_BINS.stop, TIME_BINS.stop + 2)  # (sin, cos)
N_INPUTS = HOUR_ANGLE.stop

assert N_INPUTS == 26 and N_SONG_INPUTS == 18
