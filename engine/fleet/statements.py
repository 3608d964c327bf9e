"""What the listener is told in plain words before joining a fleet (Fleet settings, ``fleet status``)."""

from __future__ import annotations

WHAT_LEAVES = (
    "Per round, one update of 42 numbers: how this player's 42 weights would move if trained from the "
    "fleet's baseline on your plays, clipped to a fixed size, with random noise added, and masked by secure "
    "aggregation so that the server can only read it summed with other players' updates. "
    "Never your plays, song titles, artists, audio features or your profile."
)
WHAT_COMES_BACK = (
    "A baseline: 42 numbers averaged over the fleet. It becomes your profile's starting point (what a reset "
    "returns to, and what your weights are gently pulled towards); your own weights stay as they are. "
    "A baseline that is malformed or out of bounds is refused, and nothing changes."
)
OFF_BY_DEFAULT = "Off until you join: the player opens no network connection for the fleet."
