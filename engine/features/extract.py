"""The feature extractor: one file in, the ten frozen features out (``docs/features.md``).

The analysis workers import ``analyse_file`` and call ``warm_up`` once. A file
is decoded only in the windows of the plan (``windows.py``), transformed once
(``spectrum.py``), and every feature is computed from that one STFT.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.features import loudness, mood, rhythm, timbre, tonal
from engine.features.decode import SR, decode_whole, decode_windows
from engine.features.names import FEATURE_NAMES
from engine.features.spectrum import spectra
from engine.features.windows import DEFAULT_PLAN, WindowPlan

MIN_DURATION_S = 1.0
MAX_WHOLE_FALLBACK_S = 20 * 60.0  # a song silent in every window is decoded whole up to this long


class AnalysisError(Exception):
    """A file that decodes but cannot be analysed; ``str(exc)`` is a reason for a human."""


@dataclass(frozen=True)
class Analysis:
    """The result for one file.

    values : the ten features by name (``engine.features.names``), all finite
    duration_s : the song's duration
    decoder : "av" or "soundfile"
    details : intermediate measurements (key, decay share, analysed seconds...) for reports
    """

    values: dict[str, float]
    duration_s: float
    decoder: str
    details: dict[str, Any] = field(default_factory=dict)


def analyse_segments(segments: list[np.ndarray]) -> tuple[dict[str, float], dict[str, Any]]:
    """The ten features of some stretches of one song.

    Parameters
    ----------
    segments : list of np.ndarray [shape=(n_i,)], float32 mono at 22,050 Hz

    Returns
    -------
    values : the ten features by name
    details : the intermediate measurements behind them

    Raises
    ------
    AnalysisError
        When every stretch is silent (no block above -70 LUFS).
    """
    # Float files can hold NaN or infinite samples: they count as the silence they should have been.
    segments = [np.nan_to_num(np.asarray(y, dtype=np.float32), posinf=0.0, neginf=0.0) for y in segments]
    spec = spectra(segments)
    lvl = loudness.level(spec)
    if lvl.silent:
        raise AnalysisError("silent (nothing above -70 LUFS)")
    gate = lvl.frame_gate(spec.n_frames)
    L = rhythm.log_mel(spec)
    beat = rhythm.rhythm(spec, rhythm.onset_envelope(spec, L), gate)
    k = tonal.key(tonal.pitch_profile(spec.chroma, gate))
    share = timbre.decay_share(spec, L, gate)
    perc = timbre.percussiveness(spec, gate)
    bright = timbre.brightness(spec, gate)
    dyn = loudness.dynamic_range(lvl)
    values = {
        "valence": mood.valence(k.mode, beat.tempo_bpm, bright),
        "energy": mood.energy(lvl.integrated_lufs, beat.onset_strength, dyn),
        "tempo": beat.tempo_bpm,
        "acousticness": timbre.acousticness(share),
        "danceability": mood.danceability(beat.pulse_clarity, beat.tempo_bpm, perc),
        "brightness": bright,
        "loudness": lvl.integrated_lufs,
        "dynamic_range": dyn,
        "mode": k.mode,
        "percussiveness": perc,
    }
    bad = [n for n in FEATURE_NAMES if not np.isfinite(values[n])]
    if bad:
        raise AnalysisError(f"analysis gave no finite value for {', '.join(bad)}")
    details = {
        "key": k.name,
        "pulse_clarity": beat.pulse_clarity,
        "onset_strength": beat.onset_strength,
        "decay_share": share,
        "analysed_s": sum(y.size for y in segments) / SR,
    }
    return {n: float(values[n]) for n in FEATURE_NAMES}, details


def analyse_file(path: str | os.PathLike[str], *, plan: WindowPlan | None = DEFAULT_PLAN) -> Analysis:
    """Decode the plan's windows of ``path`` (the whole song when ``plan`` is None) and analyse them.

    Raises
    ------
    DecodeError
        When no decoder can read the file.
    AnalysisError
        When it decodes but is too short, or silent.
    """
    decoded = decode_whole(path) if plan is None else decode_windows(path, plan)
    if decoded.duration_s < MIN_DURATION_S or decoded.decoded_s < MIN_DURATION_S:
        seconds = min(decoded.duration_s, decoded.decoded_s)
        raise AnalysisError(f"too short to analyse ({seconds:.2f} s; at least {MIN_DURATION_S:g} s needed)")
    try:
        values, details = analyse_segments(decoded.segments)
    except AnalysisError:
        # Windows can all fall into a long pause: listen to the whole song before calling it silent.
        if decoded.decoded_s >= decoded.duration_s - 1.0:
            raise
        if decoded.duration_s > MAX_WHOLE_FALLBACK_S:
            raise AnalysisError(f"silent in all {len(decoded.segments)} analysed windows") from None
        decoded = decode_whole(path)
        values, details = analyse_segments(decoded.segments)
    return Analysis(values, decoded.duration_s, decoded.decoder, details)


def warm_up() -> None:
    """Prepare a worker process: one thread for BLAS, filter banks built, numba code compiled."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # a worker is one core either way; BLAS threads would only contend
        pass
    else:
        threadpool_limits(1)
    t = np.arange(3 * SR) / SR
    pulsing = 1.0 + np.sign(np.sin(2 * np.pi * 2.0 * t))
    tone = (0.1 * np.sin(2 * np.pi * 440.0 * t) * pulsing).astype(np.float32)
    analyse_segments([tone, tone[: SR // 2]])  # two windows, one shorter than a tempo needs
