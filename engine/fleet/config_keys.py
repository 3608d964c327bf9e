"""The names of the values the server sends with each round (Flower config records), in one place."""

from __future__ import annotations

ROUND = "skipwise-round"
CLIP = "skipwise-clip"
NOISE = "skipwise-noise-multiplier"
EXPECTED = "skipwise-expected-devices"
DP_MODE = "skipwise-dp"
SEND = "skipwise-send"  # "delta" (the clipped update) or "weights" (central DP: Flower's mod clips)
LABELS = "skipwise-labels-sha256"
EPSILON = "skipwise-epsilon"
DELTA = "skipwise-delta"
VERSION = "skipwise-baseline-version"
FLEET = "skipwise-fleet"

DP_MODES = ("distributed", "central", "off")
MAX_CLIP = 100.0  # a device refuses a round asking for more (the weights' whole range is 8 per weight)
