"""The extractor's parts on signals whose right answers are known by construction."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage

from engine.features.decode_types import SR
from engine.features.extract import AnalysisError, analyse_segments
from engine.features.loudness import level
from engine.features.medfilt import median_along_rows, median_along_time
from engine.features.names import FEATURE_NAMES
from engine.features.spectrum import spectra
from engine.features.tonal import key, pitch_profile
from engine.features.windows import DEFAULT_PLAN, WindowPlan

RNG = np.random.default_rng(7)


def _tone(freq: float, seconds: float, amplitude: float = 1.0) -> np.ndarray:
    t = np.arange(round(seconds * SR)) / SR
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _clicks(bpm: float, seconds: float) -> np.ndarray:
    """Decaying noise bursts on every beat over a faint noise bed."""
    y = 0.01 * RNG.standard_normal(round(seconds * SR)).astype(np.float32)
    burst = (RNG.standard_normal(2000) * np.exp(-np.arange(2000) / 300)).astype(np.float32)
    for t in np.arange(0.0, seconds - 0.2, 60.0 / bpm):
        start = round(t * SR)
        y[start : start + burst.size] += 0.5 * burst
    return y


def _chords(notes: list[list[int]], seconds_each: float = 1.0) -> np.ndarray:
    """Chords of MIDI notes, each note with a few decaying partials."""
    out = []
    t = np.arange(round(seconds_each * SR)) / SR
    for chord in notes:
        y = np.zeros_like(t)
        for m in chord:
            f = 440.0 * 2 ** ((m - 69) / 12)
            y += sum(0.6 ** (h - 1) * np.sin(2 * np.pi * f * h * t) for h in range(1, 5))
        out.append(0.1 * y * np.exp(-t))
    return np.concatenate(out).astype(np.float32)


def test_loudness_is_calibrated_like_bs1770() -> None:
    # BS.1770: a full-scale 997 Hz sine in one channel reads -3.01 LKFS.
    assert level(spectra([_tone(997.0, 5.0)])).integrated_lufs == pytest.approx(-3.01, abs=0.1)
    assert level(spectra([_tone(997.0, 5.0, 0.1)])).integrated_lufs == pytest.approx(-23.01, abs=0.1)
    # The relative gate ignores a long pause.
    paused = np.concatenate([_tone(997.0, 5.0, 0.1), np.zeros(10 * SR, dtype=np.float32)])
    assert level(spectra([paused])).integrated_lufs == pytest.approx(-23.01, abs=0.2)


@pytest.mark.parametrize("bpm", [62.0, 75.0, 100.0, 128.0, 150.0, 165.0])
def test_tempo_of_a_click_track(bpm: float) -> None:
    values, _ = analyse_segments([_clicks(bpm, 20.0)])
    assert values["tempo"] == pytest.approx(bpm, rel=0.02)


def test_tempo_from_windows_of_a_click_track() -> None:
    y = _clicks(110.0, 120.0)
    windows = [y[round(s * SR) : round((s + n) * SR)] for s, n in DEFAULT_PLAN(120.0)]
    values, details = analyse_segments(windows)
    assert values["tempo"] == pytest.approx(110.0, rel=0.02)
    assert details["analysed_s"] == pytest.approx(DEFAULT_PLAN.count * DEFAULT_PLAN.length_s)


def test_major_and_minor_cadences() -> None:
    c_major = [[60, 64, 67], [65, 69, 72], [67, 71, 74], [60, 64, 67]] * 2  # I IV V I
    a_minor = [[57, 60, 64], [62, 65, 69], [64, 68, 71], [57, 60, 64]] * 2  # i iv V i
    gate = np.ones(1, dtype=bool)
    for notes, name in ((c_major, "C major"), (a_minor, "A minor")):
        spec = spectra([_chords(notes)])
        k = key(pitch_profile(spec.chroma, np.resize(gate, spec.n_frames)))
        assert k.name == name
        assert (k.mode > 0) == name.endswith("major")


def test_running_median_matches_scipy() -> None:
    x = RNG.random((7, 50)).astype(np.float32)
    x[:, 10:20] = 0.5  # ties
    for k in (1, 3, 9, 17, 61):
        assert np.array_equal(median_along_time(x, k), scipy.ndimage.median_filter(x, (1, k), mode="nearest"))
        assert np.array_equal(median_along_rows(x, k), scipy.ndimage.median_filter(x, (k, 1), mode="nearest"))


def test_window_plan() -> None:
    plan = WindowPlan(count=4, length_s=6.0, whole_below_s=36.0)
    assert plan(20.0) == [(0.0, 20.0)], "short songs whole"
    windows = plan(240.0)
    assert [s + n / 2 for s, n in windows] == [30.0, 90.0, 150.0, 210.0], "centres of four equal parts"
    assert all(s >= 0 and s + n <= 36.5 for s, n in plan(36.5))
    assert len(plan(3 * 3600.0)) == 4


@pytest.mark.parametrize(
    "signal",
    [
        pytest.param(RNG.standard_normal(3 * SR).astype(np.float32) * 0.3, id="white noise"),
        pytest.param(np.full(3 * SR, 0.5, dtype=np.float32), id="dc offset"),
        pytest.param(np.sign(_tone(50.0, 3.0)), id="full-scale square"),
        pytest.param(_tone(440.0, 1.0), id="one second"),
        pytest.param(np.where(np.arange(3 * SR) % 1000 == 0, np.nan, _tone(440.0, 3.0)), id="nan samples"),
        pytest.param(_tone(11000.0, 3.0, 1e-3), id="quiet and high"),
    ],
)
def test_odd_signals_give_finite_values(signal: np.ndarray) -> None:
    values, _ = analyse_segments([signal.astype(np.float32)])
    assert list(values) == list(FEATURE_NAMES)
    assert all(np.isfinite(v) for v in values.values()), values
    for name in ("valence", "energy", "acousticness", "danceability", "percussiveness"):
        assert 0.0 <= values[name] <= 1.0, name
    assert -1.0 <= values["mode"] <= 1.0


def test_silence_is_a_reason_not_a_value() -> None:
    with pytest.raises(AnalysisError, match="silent"):
        analyse_segments([np.zeros(5 * SR, dtype=np.float32)])
    with pytest.raises(AnalysisError, match="silent"):
        analyse_segments([np.full(5 * SR, 1e-6, dtype=np.float32) * RNG.standard_normal(5 * SR)])


def test_chroma_filters_are_librosas() -> None:
    import librosa

    from engine.features.spectrum import N_FFT, chroma_filters

    expected = librosa.filters.chroma(sr=SR, n_fft=N_FFT, tuning=0.0)
    np.testing.assert_allclose(chroma_filters(), expected, atol=1e-6)


def test_brightness_is_not_pulled_by_the_quiet_frames_between_hits() -> None:
    """A plain mean of per-frame centroids counted digital silence as 0 Hz and dither as its own
    noise floor: the same music read 2-6 times brighter or darker with inaudible changes."""
    beat = np.zeros(SR // 2, dtype=np.float32)
    beat[: SR // 10] = _tone(440.0, 0.1, 0.5) * np.hanning(SR // 10).astype(np.float32)
    y = np.tile(beat, 40)
    dithered = y + (1e-5 * RNG.standard_normal(y.size)).astype(np.float32)  # -100 dBFS
    plain, _ = analyse_segments([y])
    with_dither, _ = analyse_segments([dithered])
    assert plain["brightness"] == pytest.approx(440.0, rel=0.1)
    assert with_dither["brightness"] == pytest.approx(plain["brightness"], rel=0.02)


@pytest.mark.parametrize("signal", ["quiet tone", "loud tone", "held chord"])
def test_a_steady_sound_has_no_tempo(signal: str) -> None:
    """Its onset envelope is rounding noise; scale-free autocorrelation once found a 'beat' in it."""
    y = {
        "quiet tone": _tone(1000.0, 20.0, 0.1),
        "loud tone": _tone(1000.0, 20.0, 0.5),
        "held chord": sum(_tone(f, 20.0, 0.2) for f in (261.63, 329.63, 392.0)),
    }[signal]
    values, _ = analyse_segments([np.asarray(y, dtype=np.float32)])
    assert values["tempo"] == 120.0, "the preference's centre: no pulse measured"


def test_dynamic_range_gates_from_the_absolute_gated_mean_as_ebu_3342_does() -> None:
    loud, quiet = _tone(1000.0, 2.0, 0.5), _tone(1000.0, 2.0, 0.5 * 10 ** (-22 / 20))  # 22 dB apart
    values, _ = analyse_segments([np.tile(np.concatenate([loud, quiet]), 5)])
    assert values["dynamic_range"] == pytest.approx(22.0, abs=0.5), "the quiet half is not gated out"
