"""The ten frozen audio features, in the order the learner's mood weights use."""

FEATURE_NAMES: tuple[str, ...] = (
    "valence",
    "energy",
    "tempo",
    "acousticness",
    "danceability",
    "brightness",
    "loudness",
    "dynamic_range",
    "mode",
    "percussiveness",
)
N_FEATURES = len(FEATURE_NAMES)
FEATURE_INDEX: dict[str, int] = {name: i for i, name in enumerate(FEATURE_NAMES)}


def feature_index(name: str) -> int:
    """Position of a feature by name; a clear error for unknown names."""
    try:
        return FEATURE_INDEX[name]
    except KeyError:
        known = ", ".join(FEATURE_NAMES)
        raise ValueError(f"unknown feature {name!r}; known features: {known}") from None
