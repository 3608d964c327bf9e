"""Synthesise the bundled Skipwise demo library.

Writes 14 short Ogg Vorbis tracks, tagged with mutagen, and a ``truth.json``
sidecar that records the musical ground truth of each track (tempo, key, mode,
timbre, loudness, drums). Everything is made from scratch with numpy and fixed
seeds, so running the script twice writes byte-identical files.

Usage::

    python tools/make_demo_library.py [--out assets/demo]
"""

import argparse
import json
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import soundfile as sf
from mutagen.ogg import OggPage
from mutagen.oggvorbis import OggVorbis

SR = 44100
ALBUM = "Skipwise Demo"
# libsndfile maps this to Vorbis VBR quality 1 - level (0.85 -> "-q 1.5", about 65-80 kbps).
COMPRESSION_LEVEL = 0.85
LOUD_PEAK_DBFS = -1.0
QUIET_PEAK_DBFS = -20.0
TAIL_S = 2.0
WRITE_BLOCK = 4096  # frames per write to the encoder
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "assets" / "demo"

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
ROMAN = {"i": 0, "ii": 1, "iii": 2, "iv": 3, "v": 4, "vi": 5, "vii": 6}

Instrument = Callable[[int, int], np.ndarray]


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Note:
    """One note or drum hit, timed in beats from the start of the track."""

    beat: float
    beats: float
    midi: int
    vel: float


@dataclass(frozen=True)
class Part:
    """One voice of an arrangement.

    ``role`` is ``chords``, ``pad``, ``bass`` or ``lead``; ``pattern`` names a chord
    pattern, a bass pattern or a melody rhythm set, depending on the role.
    """

    role: str
    instrument: str
    pattern: str
    gain: float
    pan: float = 0.0
    send: float = 0.2


@dataclass(frozen=True)
class Track:
    """Musical and catalogue description of one demo track."""

    title: str
    artist: str
    genre: str
    year: str
    bpm: float
    tonic: str
    mode: str
    progression: tuple[str, ...]
    phrases: int
    timbre: str
    loudness: str
    parts: tuple[Part, ...]
    kit: str | None
    groove: str | None
    description: str
    sidechain: float = 0.0
    reverb_s: float = 1.6

    @property
    def beat_s(self) -> float:
        return 60.0 / self.bpm

    @property
    def n_bars(self) -> int:
        return 4 * self.phrases + 1

    @property
    def n_samples(self) -> int:
        return round((self.n_bars * 4 * self.beat_s + TAIL_S) * SR)


# ---------------------------------------------------------------------- dsp helpers


def midi_hz(midi: float) -> float:
    """Equal-tempered frequency of a MIDI note number (A4 = 69 = 440 Hz)."""
    return 440.0 * 2.0 ** ((midi - 69) / 12)


def seeded_rng(*keys: object) -> np.random.Generator:
    """Random generator seeded from ``keys`` (stable across runs, unlike ``hash``)."""
    return np.random.default_rng(zlib.crc32(repr(keys).encode()))


def fast_len(n: int) -> int:
    """Smallest 5-smooth integer >= ``n``, a fast FFT size."""
    best = 1 << (n - 1).bit_length()
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            p = p35
            while p < n:
                p *= 2
            best = min(best, p)
            p35 *= 3
        p5 *= 5
    return best


def fft_filter(x: np.ndarray, gain: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Zero-phase filter ``x`` by a magnitude response.

    Parameters
    ----------
    x : np.ndarray [shape=(n,) or (n, c)]
        Signal.
    gain : callable
        Maps frequencies in Hz, shape (m,), to linear gains, shape (m,).

    Returns
    -------
    y : np.ndarray [shape=x.shape]
    """
    size = fast_len(x.shape[0] + 2048)
    spec = np.fft.rfft(x, n=size, axis=0)
    g = gain(np.fft.rfftfreq(size, 1.0 / SR))
    spec *= g if x.ndim == 1 else g[:, None]
    return np.fft.irfft(spec, n=size, axis=0)[: x.shape[0]]


def lowpass(x: np.ndarray, cutoff: float, order: int = 2) -> np.ndarray:
    """Butterworth-magnitude low-pass, ``x`` : np.ndarray [shape=(n,) or (n, c)]."""
    return fft_filter(x, lambda f: 1.0 / np.sqrt(1.0 + (f / cutoff) ** (2 * order)))


def highpass(x: np.ndarray, cutoff: float, order: int = 2) -> np.ndarray:
    """Butterworth-magnitude high-pass, ``x`` : np.ndarray [shape=(n,) or (n, c)]."""
    return fft_filter(x, lambda f: 1.0 / np.sqrt(1.0 + (cutoff / np.maximum(f, 1e-3)) ** (2 * order)))


def adsr(n_on: int, attack: float, decay: float, sustain: float, release: float) -> np.ndarray:
    """Attack-decay-sustain-release envelope.

    Parameters
    ----------
    n_on : int
        Samples from note-on to note-off.
    attack, decay, release : float
        Times in seconds (decay is an exponential time constant).
    sustain : float
        Sustain level in [0, 1].

    Returns
    -------
    env : np.ndarray [shape=(n_on + round(release * SR),)]
    """
    t = np.arange(n_on) / SR
    on = np.where(
        t < attack,
        t / attack,
        sustain + (1.0 - sustain) * np.exp(-(t - attack) / decay),
    )
    level = on[-1] if n_on else 0.0
    tr = np.arange(round(release * SR)) / (release * SR)
    return np.concatenate([on, level * (1.0 - tr) ** 2])


def poly_blep(phase: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """PolyBLEP residual that removes the aliasing of a unit step at phase 0.

    Parameters
    ----------
    phase : np.ndarray [shape=(n,)]
        Oscillator phase in [0, 1).
    dt : np.ndarray [shape=(n,)]
        Phase increment per sample.

    Returns
    -------
    r : np.ndarray [shape=(n,)]
    """
    r = np.zeros_like(phase)
    head = phase < dt
    x = phase[head] / dt[head]
    r[head] = 2 * x - x * x - 1.0
    tail = phase > 1.0 - dt
    x = (phase[tail] - 1.0) / dt[tail]
    r[tail] = x * x + 2 * x + 1.0
    return r


def saw(freq: np.ndarray, phase0: float = 0.0) -> np.ndarray:
    """Band-limited sawtooth; ``freq`` : np.ndarray [shape=(n,)] in Hz -> shape (n,)."""
    dt = freq / SR
    phase = (phase0 + np.cumsum(dt)) % 1.0
    return 2.0 * phase - 1.0 - poly_blep(phase, dt)


def square(freq: np.ndarray, phase0: float = 0.0) -> np.ndarray:
    """Band-limited square; ``freq`` : np.ndarray [shape=(n,)] in Hz -> shape (n,)."""
    dt = freq / SR
    phase = (phase0 + np.cumsum(dt)) % 1.0
    naive = np.where(phase < 0.5, 1.0, -1.0)
    return naive + poly_blep(phase, dt) - poly_blep((phase + 0.5) % 1.0, dt)


def normalise(y: np.ndarray) -> np.ndarray:
    """Scale ``y`` : np.ndarray [shape=(n,)] to unit peak."""
    peak = np.max(np.abs(y))
    return y / peak if peak > 0 else y


# ---------------------------------------------------------------- acoustic voices


def karplus_strong(freq: float, n: int, t60: float, brightness: float, rng) -> np.ndarray:
    """Plucked string by the Karplus-Strong algorithm.

    The delay line is an integer number of samples; the small remaining tuning
    error is removed by reading the result back with linear interpolation.

    Parameters
    ----------
    freq : float
        Fundamental in Hz.
    n : int
        Output length in samples.
    t60 : float
        Time in seconds for the fundamental to decay by 60 dB.
    brightness : float
        0 (dark, smoothed excitation) to 1 (raw white-noise burst).
    rng : np.random.Generator

    Returns
    -------
    y : np.ndarray [shape=(n,)]
    """
    ideal = SR / freq
    period = max(2, int(ideal - 0.5))
    ratio = (period + 0.5) / ideal
    burst = rng.uniform(-1.0, 1.0, period)
    smooth = np.convolve(burst, np.ones(3) / 3.0, mode="same")
    burst = brightness * burst + (1.0 - brightness) * smooth
    burst -= burst.mean()
    loss = 10.0 ** (-3.0 * (period + 0.5) / SR / t60)
    n_blocks = int(n * ratio) // period + 3
    buf = np.zeros(n_blocks * period)
    buf[:period] = burst
    before = 0.0
    for k in range(1, n_blocks):
        prev = buf[(k - 1) * period : k * period]
        shifted = np.concatenate(([before], prev[:-1]))
        before = prev[-1]
        buf[k * period : (k + 1) * period] = 0.5 * loss * (prev + shifted)
    return np.interp(np.arange(n) * ratio, np.arange(buf.size), buf)


def guitar(midi: int, n: int) -> np.ndarray:
    """Nylon-ish plucked string, muted 60 ms after note-off -> shape (n + 0.06 s,)."""
    freq = midi_hz(midi)
    n_out = n + round(0.06 * SR)
    t60 = float(np.clip(2.8 * (196.0 / freq) ** 0.5, 0.8, 4.0))
    y = karplus_strong(freq, n_out, t60, 0.55, seeded_rng("guitar", midi, n))
    mute = np.ones(n_out)
    mute[n:] = np.linspace(1.0, 0.0, n_out - n)
    return normalise(lowpass(y, 5000.0)) * mute


def string_bass(midi: int, n: int) -> np.ndarray:
    """Dark plucked bass string -> shape (n + 0.05 s,)."""
    freq = midi_hz(midi)
    n_out = n + round(0.05 * SR)
    y = karplus_strong(freq, n_out, 2.5, 0.2, seeded_rng("bass", midi, n))
    mute = np.ones(n_out)
    mute[n:] = np.linspace(1.0, 0.0, n_out - n)
    return normalise(lowpass(y, 1200.0)) * mute


def piano(midi: int, n: int) -> np.ndarray:
    """Piano-like tone: inharmonic decaying partials, two strings, damper.

    Returns
    -------
    y : np.ndarray [shape=(n + 0.2 s,)]
    """
    f0 = midi_hz(midi)
    n_out = n + round(0.2 * SR)
    t = np.arange(n_out) / SR
    k = np.arange(1, 19)
    fk = k * f0 * np.sqrt(1.0 + 3e-4 * k**2)
    k, fk = k[fk < 9000.0], fk[fk < 9000.0]
    amp = k**-1.3 * (0.25 + np.abs(np.sin(np.pi * k / 7.3)))
    t_long = float(np.clip(3.0 * (261.6 / f0) ** 0.6, 0.8, 6.0))
    decay = t_long / (1.0 + 0.35 * (k - 1))
    rng = seeded_rng("piano", midi, n)
    phases = rng.uniform(0, 2 * np.pi, (2, k.size))
    env = 0.6 * np.exp(-t[None] / (0.15 * decay[:, None])) + 0.4 * np.exp(-t[None] / decay[:, None])
    strings = np.sin(2 * np.pi * fk[:, None] * t[None] + phases[0][:, None])
    strings += np.sin(2 * np.pi * fk[:, None] * 1.0007 * t[None] + phases[1][:, None])
    y = (amp[:, None] * env * strings).sum(axis=0)
    y *= np.minimum(1.0, t / 0.002)
    damper = np.ones(n_out)
    damper[n:] = np.exp(-np.arange(n_out - n) / (0.05 * SR))
    return normalise(y) * damper


def soft_pad(midi: int, n: int) -> np.ndarray:
    """Soft, slowly swelling pad of a few chorused sine harmonics -> (n + 0.9 s,)."""
    f0 = midi_hz(midi)
    env = adsr(n, 0.5, 1.0, 0.8, 0.9)
    t = np.arange(env.size) / SR
    rng = seeded_rng("soft_pad", midi, n)
    y = np.zeros_like(t)
    for cents in (-6.0, 5.0):
        f = f0 * 2 ** (cents / 1200)
        for h in range(1, 6):
            y += np.sin(2 * np.pi * h * f * t + rng.uniform(0, 2 * np.pi)) / h**2
    return normalise(y) * env


# ------------------------------------------------------------- electronic voices


def saw_pad(midi: int, n: int) -> np.ndarray:
    """Three detuned band-limited saws through a low-pass -> (n + 0.7 s,)."""
    env = adsr(n, 0.25, 0.8, 0.85, 0.7)
    rng = seeded_rng("saw_pad", midi, n)
    y = np.zeros(env.size)
    for cents in (-10.0, 0.0, 9.0):
        y += saw(np.full(env.size, midi_hz(midi) * 2 ** (cents / 1200)), rng.uniform())
    return normalise(lowpass(y, 1600.0)) * env


def saw_lead(midi: int, n: int) -> np.ndarray:
    """Two detuned saws with delayed vibrato and a closing filter -> (n + 0.1 s,)."""
    env = adsr(n, 0.006, 0.2, 0.75, 0.1)
    t = np.arange(env.size) / SR
    vib = 1.0 + 0.004 * np.sin(2 * np.pi * 5.5 * t) * np.clip((t - 0.15) / 0.2, 0.0, 1.0)
    raw = sum(saw(midi_hz(midi) * 2 ** (c / 1200) * vib, p) for c, p in ((-7, 0.0), (6, 0.4)))
    dark = lowpass(raw, 1800.0)
    bright = np.exp(-t / 0.12)
    return normalise(dark + bright * (raw - dark)) * env


def square_lead(midi: int, n: int) -> np.ndarray:
    """Hollow square-wave lead, gently filtered -> (n + 0.08 s,)."""
    env = adsr(n, 0.008, 0.15, 0.7, 0.08)
    y = lowpass(square(np.full(env.size, midi_hz(midi))), 2600.0)
    return normalise(y) * env


def synth_pluck(midi: int, n: int) -> np.ndarray:
    """Saw-plus-square pluck with a fast filter envelope -> (n + 0.03 s,)."""
    env = adsr(n, 0.002, 0.18, 0.0, 0.03)
    t = np.arange(env.size) / SR
    f = np.full(env.size, midi_hz(midi))
    raw = saw(f) + 0.5 * square(f, 0.25)
    dark = lowpass(raw, 900.0)
    return normalise(dark + np.exp(-t / 0.04) * (raw - dark)) * env


def saw_bass(midi: int, n: int) -> np.ndarray:
    """Saw bass with a sine sub an octave down, filtered -> (n + 0.03 s,)."""
    env = adsr(n, 0.003, 0.3, 0.8, 0.03)
    t = np.arange(env.size) / SR
    f0 = midi_hz(midi)
    raw = saw(np.full(env.size, f0)) + 0.8 * np.sin(np.pi * f0 * t)
    dark = lowpass(raw, 450.0)
    return normalise(dark + 0.6 * np.exp(-t / 0.05) * (raw - dark)) * env


def sub_bass(midi: int, n: int) -> np.ndarray:
    """Sine sub bass with a touch of second harmonic -> (n + 0.04 s,)."""
    env = adsr(n, 0.005, 0.5, 0.9, 0.04)
    t = np.arange(env.size) / SR
    w = 2 * np.pi * midi_hz(midi) * t
    return normalise(np.sin(w) + 0.25 * np.sin(2 * w)) * env


INSTRUMENTS: dict[str, Instrument] = {
    "guitar": guitar,
    "string_bass": string_bass,
    "piano": piano,
    "soft_pad": soft_pad,
    "saw_pad": saw_pad,
    "saw_lead": saw_lead,
    "square_lead": square_lead,
    "synth_pluck": synth_pluck,
    "saw_bass": saw_bass,
    "sub_bass": sub_bass,
}


@lru_cache(maxsize=4096)
def note_audio(instrument: str, midi: int, n: int) -> np.ndarray:
    """Cached rendering of one note; see :data:`INSTRUMENTS`."""
    return INSTRUMENTS[instrument](midi, n)


# ---------------------------------------------------------------------------- drums


def drum_time(seconds: float) -> np.ndarray:
    """Sample times of a one-shot, shape (round(seconds * SR),)."""
    return np.arange(round(seconds * SR)) / SR


def kick(body_s: float, top_hz: float, base_hz: float, click: float, rng) -> np.ndarray:
    """Pitch-swept sine kick with a noise click -> shape (0.6 s,)."""
    t = drum_time(0.6)
    f = base_hz + (top_hz - base_hz) * np.exp(-t / 0.03)
    body = np.sin(2 * np.pi * np.cumsum(f) / SR) * np.exp(-t / body_s)
    tick = lowpass(rng.standard_normal(t.size) * np.exp(-t / 0.004), 4000.0)
    return normalise(np.tanh(1.5 * (body + click * tick)))


def snare(tone_hz: float, noise_s: float, tone: float, rng) -> np.ndarray:
    """Drum tone plus band-passed noise -> shape (0.4 s,)."""
    t = drum_time(0.4)
    body = np.sin(2 * np.pi * tone_hz * t) * np.exp(-t / 0.05)
    body += 0.5 * np.sin(2 * np.pi * tone_hz * 1.8 * t) * np.exp(-t / 0.03)
    noise = highpass(lowpass(rng.standard_normal(t.size), 9000.0), 1200.0)
    return normalise(tone * body + normalise(noise) * np.exp(-t / noise_s))


def clap(rng) -> np.ndarray:
    """Three quick noise bursts and a short tail -> shape (0.3 s,)."""
    t = drum_time(0.3)
    env = sum(np.where(t >= d, np.exp(-(t - d) / 0.006), 0.0) for d in (0.0, 0.011, 0.022))
    env += 0.6 * np.where(t >= 0.03, np.exp(-(t - 0.03) / 0.07), 0.0)
    noise = highpass(lowpass(rng.standard_normal(t.size), 5000.0), 900.0)
    return normalise(noise * env)


def hat(decay_s: float, cutoff: float, length_s: float, rng) -> np.ndarray:
    """High-passed noise hi-hat -> shape (length_s,)."""
    t = drum_time(length_s)
    return normalise(highpass(rng.standard_normal(t.size), cutoff, 4) * np.exp(-t / decay_s))


def brush(rng) -> np.ndarray:
    """Brushed snare swish: soft-attack band-passed noise -> shape (0.4 s,)."""
    t = drum_time(0.4)
    env = np.minimum(1.0, t / 0.008) * np.exp(-t / 0.16)
    return normalise(highpass(lowpass(rng.standard_normal(t.size), 6000.0), 700.0) * env)


def shaker(rng) -> np.ndarray:
    """Shaker: band-passed noise with a gentle attack -> shape (0.15 s,)."""
    t = drum_time(0.15)
    env = np.minimum(1.0, t / 0.012) * np.exp(-t / 0.04)
    return normalise(highpass(lowpass(rng.standard_normal(t.size), 11000.0), 4500.0, 3) * env)


@lru_cache(maxsize=64)
def drum_audio(kit: str, voice: str) -> np.ndarray:
    """One-shot sample of ``voice`` from ``kit``, shape (m,)."""
    rng = seeded_rng("drum", kit, voice)
    if voice == "kick":
        return {
            "machine": lambda: kick(0.32, 160.0, 48.0, 0.25, rng),
            "acoustic": lambda: kick(0.14, 110.0, 58.0, 0.6, rng),
            "brush": lambda: kick(0.12, 95.0, 55.0, 0.2, rng),
        }[kit]()
    voices: dict[str, Callable[[], np.ndarray]] = {
        "snare": lambda: snare(190.0, 0.12 if kit == "machine" else 0.17, 0.6, rng),
        "clap": lambda: clap(rng),
        "hat": lambda: hat(0.035, 7000.0, 0.15, rng),
        "open_hat": lambda: hat(0.2, 6500.0, 0.5, rng),
        "brush": lambda: brush(rng),
        "shaker": lambda: shaker(rng),
    }
    return voices[voice]()


def steps(pattern: str, vel: float, accent: float = 1.0) -> tuple[tuple[int, float], ...]:
    """Parse a 16-step pattern such as ``"x...x..."``; ``X`` is accented by ``accent``."""
    return tuple((i, vel * (accent if c == "X" else 1.0)) for i, c in enumerate(pattern) if c in "xX")


GROOVES: dict[str, dict[str, tuple[tuple[int, float], ...]]] = {
    "brush": {
        "kick": steps("x.......x.x.....", 0.8),
        "brush": steps("....x.......x...", 0.7),
        "shaker": steps("X.x.X.x.X.x.X.x.", 0.35, 1.8),
    },
    "pop": {
        "kick": steps("x.......x.x.....", 1.0),
        "snare": steps("....x.......x...", 0.85),
        "hat": steps("X.x.X.x.X.x.X.x.", 0.3, 1.7),
    },
    "synthwave": {
        "kick": steps("x.......x.......", 1.0),
        "snare": steps("....x.......x...", 0.8),
        "clap": steps("....x.......x...", 0.5),
        "hat": steps("X.x.X.x.X.x.X.x.", 0.3, 1.6),
    },
    "house": {
        "kick": steps("x...x...x...x...", 1.0),
        "clap": steps("....x.......x...", 0.7),
        "open_hat": steps("..x...x...x...x.", 0.35),
        "hat": steps("x.x.x.x.x.x.x.x.", 0.15),
    },
    "techno": {
        "kick": steps("x...x...x...x...", 1.0),
        "clap": steps("....x.......x...", 0.45),
        "open_hat": steps("..x...x...x...x.", 0.3),
        "hat": steps("xxxxxxxxxxxxxxxx", 0.12),
    },
    "electro": {
        "kick": steps("x.......x..x....", 1.0),
        "snare": steps("....x.......x...", 0.9),
        "hat": steps("X.x.X.x.X.x.X.x.", 0.3, 1.5),
    },
    "dnb": {
        "kick": steps("x.........x.....", 1.0),
        "snare": steps("....x.......x...", 0.9),
        "hat": steps("X.x.X.x.X.x.X.x.", 0.25, 1.6),
    },
}


# ------------------------------------------------------------------------- harmony


def tonic_pc(name: str) -> int:
    """Pitch class of a note name from :data:`NOTE_NAMES`."""
    return NOTE_NAMES.index(name)


def chord_pcs(numeral: str, tonic: int, mode: str) -> tuple[int, int, int]:
    """Root, third and fifth pitch classes of a Roman-numeral triad.

    The root comes from the natural scale of ``mode``; upper case means a major
    third, so ``V`` in a minor key is the harmonic-minor dominant.
    """
    root = (tonic + SCALES[mode][ROMAN[numeral.lower()]]) % 12
    third = 4 if numeral.isupper() else 3
    return root, (root + third) % 12, (root + 7) % 12


def melody_pcs(chord: tuple[int, int, int], tonic: int, mode: str) -> set[int]:
    """Scale pitch classes to use over ``chord``, altered to agree with its tones."""
    scale = {(tonic + s) % 12 for s in SCALES[mode]}
    clashes = {(c + d) % 12 for c in chord if c not in scale for d in (-1, 1)}
    return (scale - clashes) | set(chord)


def pick_pitch(candidates: set[int], prev: int, low: int, high: int, rng) -> int:
    """Choose a MIDI note from pitch classes ``candidates``, near ``prev``."""
    midis = np.array([m for m in range(low, high + 1) if m % 12 in candidates])
    dist = np.abs(midis - prev)
    weights = np.exp(-dist / 2.5) * np.where(dist == 0, 0.4, 1.0)
    return int(rng.choice(midis, p=weights / weights.sum()))


RHYTHMS: dict[str, tuple[tuple[float, ...], ...]] = {
    "slow": ((2.0, 2.0), (1.0, 1.0, 2.0), (3.0, 1.0), (2.0, 1.0, 1.0)),
    "medium": ((1.0, 1.0, 1.0, 1.0), (1.5, 0.5, 2.0), (1.0, 1.0, 2.0), (2.0, 1.0, 1.0)),
    "busy": (
        (0.5, 0.5, 1.0, 0.5, 0.5, 1.0),
        (1.0, 0.5, 0.5, 1.0, 1.0),
        (1.5, 0.5, 1.0, 1.0),
        (0.5, 0.5, 0.5, 0.5, 2.0),
    ),
}


def compose_phrase(
    chords: Sequence[tuple[int, int, int]],
    tonic: int,
    mode: str,
    rhythms: Sequence[tuple[float, ...]],
    register: tuple[int, int],
    rng,
) -> list[Note]:
    """Compose a melody over a phrase of one chord per bar.

    Strong beats take chord tones; over the tonic chord the phrase leans on its
    third, which is what tells major from minor; the phrase ends on the tonic
    when its last chord is the tonic.

    Returns
    -------
    notes : list of Note
        Beats are relative to the start of the phrase.
    """
    low, high = register
    prev = (low + high) // 2
    tonic_chord = chords[0]
    notes: list[Note] = []
    for bar, chord in enumerate(chords):
        durations = rhythms[int(rng.integers(len(rhythms)))]
        onsets = np.concatenate(([0.0], np.cumsum(durations)[:-1]))
        for i, (onset, dur) in enumerate(zip(onsets, durations, strict=True)):
            strong = onset in (0.0, 2.0)
            last = bar == len(chords) - 1 and i == len(durations) - 1
            if last and chord == tonic_chord:
                allowed = {tonic}
            elif chord == tonic_chord and onset == 0.0:
                allowed = {tonic_chord[1]}
            elif strong:
                allowed = set(chord)
            else:
                allowed = melody_pcs(chord, tonic, mode)
            prev = pick_pitch(allowed, prev, low, high, rng)
            vel = (0.95 if strong else 0.75) + rng.uniform(-0.05, 0.05)
            notes.append(Note(4 * bar + onset, dur * 0.95, prev, vel))
    return notes


# ------------------------------------------------------------------------ patterns


def voice_chord(chord: tuple[int, int, int], low: int) -> list[int]:
    """Close-position voicing of ``chord`` in the octave starting at MIDI ``low``."""
    return sorted(low + (pc - low) % 12 for pc in chord)


def chord_notes(pattern: str, chord: tuple[int, int, int], bar_beat: float) -> list[Note]:
    """Accompaniment notes for one bar of ``chord``; every beat has an onset."""
    low = 53
    root, third, fifth = voice_chord(chord, low)
    tones = voice_chord(chord, low)
    if pattern == "block":
        return [Note(bar_beat + b, 0.95, m, 0.9 if b == 0 else 0.65) for b in range(4) for m in tones]
    if pattern == "arp":
        order = (tones[0], tones[1], tones[2], tones[1] + 12 if tones[1] + 12 < 80 else tones[1])
        return [Note(bar_beat + b, 1.9, m, 0.9 if b == 0 else 0.7) for b, m in enumerate(order)]
    if pattern == "arp8":
        order = (tones[0], tones[2], tones[1] + 12, tones[2], tones[0] + 12, tones[2], tones[1], tones[2])
        return [Note(bar_beat + i / 2, 0.45, m, 0.95 if i % 2 == 0 else 0.5) for i, m in enumerate(order)]
    if pattern == "strum":
        voicing = [*tones, tones[0] + 12]
        return [
            Note(bar_beat + b + 0.012 * j * 2, 0.95, m, (0.9 if b % 2 == 0 else 0.6) * (1 - 0.06 * j))
            for b in range(4)
            for j, m in enumerate(voicing)
        ]
    if pattern == "stabs":
        return [Note(bar_beat + b + 0.5, 0.3, m, 0.7) for b in range(4) for m in tones]
    if pattern == "sustain":
        return [Note(bar_beat, 4.0, m, 0.7) for m in (*tones, third + 12)]
    raise ValueError(f"unknown chord pattern {pattern!r} ({root}, {fifth})")


def bass_notes(pattern: str, chord: tuple[int, int, int], bar_beat: float) -> list[Note]:
    """Bass line for one bar of ``chord``, rooted in MIDI 33-44."""
    root = 33 + (chord[0] - 33) % 12
    fifth = root + 7
    if pattern == "half":
        return [Note(bar_beat, 1.9, root, 0.9), Note(bar_beat + 2, 1.9, fifth, 0.8)]
    if pattern == "quarter":
        return [Note(bar_beat + b, 0.9, root, 0.9 if b % 2 == 0 else 0.75) for b in range(4)]
    if pattern == "eighths":
        return [
            Note(bar_beat + i / 2, 0.42, root + (12 if i % 2 else 0), 0.95 if i % 2 == 0 else 0.7)
            for i in range(8)
        ]
    if pattern == "offbeat":
        return [Note(bar_beat + b + 0.5, 0.4, root, 0.9) for b in range(4)]
    if pattern == "rolling":
        return [Note(bar_beat, 2.4, root, 0.95), Note(bar_beat + 2.5, 1.4, root, 0.85)]
    raise ValueError(f"unknown bass pattern {pattern!r}")


# ----------------------------------------------------------------------- arranging


def phrase_plan(track: Track) -> list[str]:
    """Section label of each 4-bar phrase: an intro, then alternating A and B."""
    return ["intro"] + ["A" if i % 2 else "B" for i in range(1, track.phrases)]


def part_notes(track: Track, part: Part, rng) -> list[Note]:
    """All notes of ``part`` over the whole track, ending on a held tonic."""
    tonic = tonic_pc(track.tonic)
    chords = [chord_pcs(c, tonic, track.mode) for c in track.progression]
    plan = phrase_plan(track)
    end_beat = 16.0 * track.phrases
    tonic_chord = chords[0]
    if part.role == "lead":
        register = (60, 79) if part.instrument in ("piano", "guitar") else (64, 83)
        motifs = {
            s: compose_phrase(chords, tonic, track.mode, RHYTHMS[part.pattern], register, rng)
            for s in ("A", "B")
        }
        notes = [
            Note(16.0 * p + n.beat, n.beats, n.midi, n.vel)
            for p, section in enumerate(plan)
            if section != "intro"
            for n in motifs[section]
        ]
        final = 72 + (tonic - 72) % 12 if register[0] > 60 else 60 + (tonic - 60) % 12
        return [*notes, Note(end_beat, 3.5, final, 0.8)]
    notes = []
    for p in range(track.phrases):
        for b, chord in enumerate(chords):
            bar_beat = 16.0 * p + 4 * b
            if part.role == "bass":
                notes += bass_notes(part.pattern, chord, bar_beat)
            else:
                notes += chord_notes(part.pattern, chord, bar_beat)
    if part.role == "bass":
        return [*notes, Note(end_beat, 3.8, 33 + (tonic - 33) % 12, 0.9)]
    return [*notes, *(Note(end_beat, 3.8, m, 0.8) for m in voice_chord(tonic_chord, 53))]


def section_gain(track: Track, beat: float) -> float:
    """Slow dynamic arc over the phrases (softer intro, fuller B sections)."""
    plan = phrase_plan(track)
    p = int(beat // 16)
    if p >= len(plan):
        return 0.85
    return {"intro": 0.7, "A": 0.85, "B": 1.0}[plan[p]]


def render_notes(track: Track, instrument: str, notes: Sequence[Note]) -> np.ndarray:
    """Mix ``notes`` played on ``instrument``.

    Returns
    -------
    y : np.ndarray [shape=(track.n_samples,)]
    """
    out = np.zeros(track.n_samples)
    for note in notes:
        start = round(note.beat * track.beat_s * SR)
        length = round(note.beats * track.beat_s * SR)
        y = note_audio(instrument, note.midi, length)
        end = min(out.size, start + y.size)
        out[start:end] += note.vel * section_gain(track, note.beat) * y[: end - start]
    return out


def render_drums(track: Track) -> np.ndarray:
    """Drum-kit stem: the groove on every bar and a last hit on the final downbeat.

    Returns
    -------
    y : np.ndarray [shape=(track.n_samples, 2)]
    """
    out = np.zeros((track.n_samples, 2))
    if track.kit is None or track.groove is None:
        return out
    rng = seeded_rng("groove", track.title)
    pans = {"hat": 0.3, "open_hat": 0.3, "shaker": -0.3, "clap": 0.1}
    for voice, hits in GROOVES[track.groove].items():
        sample = drum_audio(track.kit, voice)
        gains = pan_gains(pans.get(voice, 0.0))
        for bar in range(track.n_bars):
            for step, vel in hits:
                if bar == track.n_bars - 1 and (step > 0 or voice not in ("kick", "open_hat")):
                    continue
                beat = 4 * bar + step / 4
                start = round(beat * track.beat_s * SR)
                end = min(out.shape[0], start + sample.size)
                v = vel * (1.0 + rng.uniform(-0.08, 0.08)) * section_gain(track, beat)
                out[start:end] += v * sample[: end - start, None] * gains[None]
    return out


def pan_gains(pan: float) -> np.ndarray:
    """Equal-power left/right gains for ``pan`` in [-1, 1], shape (2,)."""
    angle = (pan + 1.0) * np.pi / 4
    return np.array([np.cos(angle), np.sin(angle)]) * np.sqrt(2.0)


def reverb(send: np.ndarray, seconds: float, seed: int) -> np.ndarray:
    """Stereo reverb by convolution with decaying noise.

    Parameters
    ----------
    send : np.ndarray [shape=(n,)]
        Mono reverb send.
    seconds : float
        Reverb time (RT60).
    seed : int

    Returns
    -------
    wet : np.ndarray [shape=(n, 2)]
    """
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * SR)) / SR
    ir = rng.standard_normal((t.size, 2)) * np.exp(-6.9 * t / seconds)[:, None]
    ir = lowpass(ir, 4500.0)
    ir[: round(0.012 * SR)] = 0.0
    ir /= np.sqrt((ir**2).sum(axis=0))
    size = fast_len(send.size + ir.shape[0])
    spec = np.fft.rfft(send, n=size)[:, None] * np.fft.rfft(ir, n=size, axis=0)
    return np.fft.irfft(spec, n=size, axis=0)[: send.size]


def sidechain(track: Track) -> np.ndarray:
    """Gain that ducks on every beat, as if keyed from a four-on-the-floor kick.

    Returns
    -------
    g : np.ndarray [shape=(track.n_samples,)]
    """
    t = np.arange(track.n_samples) / SR
    since = t % track.beat_s
    duck = np.minimum(1.0, since / 0.005) * np.exp(-since / 0.09)
    return 1.0 - track.sidechain * np.minimum(duck, 1.0)


def mix(track: Track) -> np.ndarray:
    """Render and mix every part, the drums and the reverb.

    Returns
    -------
    y : np.ndarray [shape=(track.n_samples, 2)]
    """
    rng = seeded_rng("arrangement", track.title)
    dry = np.zeros((track.n_samples, 2))
    send = np.zeros(track.n_samples)
    duck = sidechain(track)
    for part in track.parts:
        y = part.gain * render_notes(track, part.instrument, part_notes(track, part, rng))
        if part.role in ("pad", "bass", "chords") and track.sidechain:
            y *= duck
        dry += y[:, None] * pan_gains(part.pan)[None]
        send += part.send * y
    note_audio.cache_clear()
    drums = render_drums(track)
    send += 0.08 * drums.mean(axis=1)
    wet = reverb(send, track.reverb_s, zlib.crc32(track.title.encode()))
    return dry + drums + wet


# ------------------------------------------------------------------------ mastering


def compress(y: np.ndarray, threshold_db: float, ratio: float) -> np.ndarray:
    """Feed-forward RMS compressor with smoothed gain.

    Parameters
    ----------
    y : np.ndarray [shape=(n, 2)]
    threshold_db : float
        Threshold relative to the signal's own peak RMS.
    ratio : float

    Returns
    -------
    y : np.ndarray [shape=(n, 2)]
    """
    hop = 256
    power = (y**2).mean(axis=1)
    n_frames = -(-power.size // hop)
    frames = np.pad(power, (0, n_frames * hop - power.size)).reshape(n_frames, hop).mean(axis=1)
    kernel = np.hanning(17)
    level = np.sqrt(np.convolve(frames, kernel / kernel.sum(), mode="same")) + 1e-9
    level_db = 20 * np.log10(level / level.max())
    over = np.maximum(level_db - threshold_db, 0.0)
    gain_db = -over * (1.0 - 1.0 / ratio)
    centres = (np.arange(n_frames) + 0.5) * hop
    gain = 10 ** (np.interp(np.arange(power.size), centres, gain_db) / 20)
    return y * gain[:, None]


def master(y: np.ndarray, loudness: str) -> np.ndarray:
    """Clean up, shape dynamics and set the peak level.

    Loud tracks are compressed, soft-saturated and peak at :data:`LOUD_PEAK_DBFS`;
    quiet ones keep their dynamics and peak at :data:`QUIET_PEAK_DBFS`.

    Parameters
    ----------
    y : np.ndarray [shape=(n, 2)]
    loudness : {"loud", "quiet"}

    Returns
    -------
    y : np.ndarray [shape=(n, 2)], float32
    """
    y = highpass(y, 30.0)
    if loudness == "loud":
        y = compress(y, -14.0, 4.0)
        y = np.tanh(2.5 * y / np.max(np.abs(y)))
        peak_db = LOUD_PEAK_DBFS
    else:
        peak_db = QUIET_PEAK_DBFS
    fade = np.ones(y.shape[0])
    n_fade = round(1.0 * SR)
    fade[-n_fade:] = np.linspace(1.0, 0.0, n_fade) ** 2
    fade[:64] = np.linspace(0.0, 1.0, 64)
    y = y * fade[:, None]
    y *= 10 ** (peak_db / 20) / np.max(np.abs(y))
    return y.astype(np.float32)


# -------------------------------------------------------------------------- catalogue


def acoustic(lead: str, chords: str, pattern: str, bass: str = "string_bass") -> tuple[Part, ...]:
    """Parts of an acoustic arrangement (bass, chords, lead)."""
    return (
        Part("bass", bass, "half", 0.55, 0.0, 0.05),
        Part("chords", chords, pattern, 0.35, -0.25, 0.25),
        Part("lead", lead, "medium", 0.55, 0.2, 0.3),
    )


# fmt: off
TRACKS: tuple[Track, ...] = (
    Track(
        "Slow Morning Light", "Quiet Orchard", "Ambient", "2021", 60.0, "F", "major",
        ("I", "IV", "V", "I"), 3, "acoustic", "quiet",
        (
            Part("bass", "piano", "half", 0.45, -0.1, 0.2),
            Part("chords", "piano", "block", 0.22, -0.2, 0.35),
            Part("lead", "piano", "slow", 0.6, 0.15, 0.35),
        ),
        None, None,
        "A slow solo piano piece in F major with chords on every beat and a songlike melody.",
        reverb_s=2.4,
    ),
    Track(
        "Lanterns Under Snow", "Quiet Orchard", "Ambient", "2021", 72.0, "D", "minor",
        ("i", "iv", "V", "i"), 3, "acoustic", "quiet",
        (
            Part("pad", "soft_pad", "sustain", 0.25, 0.0, 0.4),
            Part("chords", "guitar", "arp", 0.5, -0.3, 0.3),
            Part("bass", "string_bass", "half", 0.5, 0.0, 0.1),
            Part("lead", "piano", "slow", 0.45, 0.3, 0.4),
        ),
        None, None,
        "A hushed D minor lullaby of soft pads, plucked arpeggios and a few piano notes.",
        reverb_s=2.6,
    ),
    Track(
        "Porch Swing", "Marrow Lane", "Folk", "2019", 84.0, "G", "major",
        ("I", "IV", "I", "V"), 4, "acoustic", "quiet",
        acoustic("guitar", "guitar", "strum"),
        None, None,
        "A gentle fingerpicked folk tune in G major for two guitars and string bass.",
    ),
    Track(
        "Hollow River", "Marrow Lane", "Folk", "2020", 96.0, "A", "minor",
        ("i", "VI", "iv", "V"), 4, "acoustic", "quiet",
        acoustic("piano", "guitar", "arp"),
        "brush", "brush",
        "A brushed-drum folk song in A minor with guitar arpeggios and a piano melody.",
    ),
    Track(
        "Glass Arcade", "Neon Tidepool", "Synthwave", "2022", 105.0, "E", "minor",
        ("i", "iv", "v", "i"), 4, "electronic", "loud",
        (
            Part("pad", "saw_pad", "sustain", 0.22, 0.0, 0.35),
            Part("bass", "saw_bass", "eighths", 0.5, 0.0, 0.0),
            Part("lead", "saw_lead", "medium", 0.4, 0.15, 0.35),
        ),
        "machine", "synthwave",
        "Driving E minor synthwave with octave saw bass, wide pads and a gated snare.",
    ),
    Track(
        "Paper Planes", "The Cedar Kites", "Indie Pop", "2023", 112.0, "C", "major",
        ("I", "vi", "IV", "V"), 5, "acoustic", "loud",
        (
            Part("bass", "string_bass", "quarter", 0.5, 0.0, 0.05),
            Part("chords", "guitar", "strum", 0.32, -0.35, 0.2),
            Part("chords", "piano", "block", 0.18, 0.3, 0.2),
            Part("lead", "piano", "busy", 0.5, 0.1, 0.25),
        ),
        "acoustic", "pop",
        "Upbeat C major indie pop with strummed guitar, piano and a full acoustic kit.",
    ),
    Track(
        "Signal Bloom", "Vector Bloom", "House", "2022", 120.0, "A", "major",
        ("I", "IV", "V", "I"), 5, "electronic", "loud",
        (
            Part("chords", "saw_pad", "stabs", 0.3, -0.2, 0.35),
            Part("pad", "saw_pad", "sustain", 0.12, 0.2, 0.3),
            Part("bass", "saw_bass", "offbeat", 0.5, 0.0, 0.0),
            Part("lead", "square_lead", "medium", 0.35, 0.2, 0.35),
        ),
        "machine", "house",
        "A bright A major house track with a four-on-the-floor kick and offbeat chord stabs.",
        sidechain=0.6,
    ),
    Track(
        "Night Bus Circuit", "Vector Bloom", "Techno", "2023", 128.0, "F#", "minor",
        ("i", "VI", "VII", "i"), 6, "electronic", "loud",
        (
            Part("chords", "synth_pluck", "arp8", 0.35, -0.2, 0.3),
            Part("pad", "saw_pad", "sustain", 0.12, 0.1, 0.3),
            Part("bass", "sub_bass", "offbeat", 0.6, 0.0, 0.0),
            Part("lead", "saw_lead", "slow", 0.3, 0.25, 0.4),
        ),
        "machine", "techno",
        "Dark F# minor techno with a pounding kick, sixteenth hats and a plucked arpeggio.",
        sidechain=0.6,
    ),
    Track(
        "Bicycle Bells", "The Cedar Kites", "Indie Folk", "2024", 136.0, "Bb", "major",
        ("I", "IV", "V", "I"), 6, "acoustic", "quiet",
        (
            Part("bass", "string_bass", "half", 0.5, 0.0, 0.05),
            Part("chords", "guitar", "arp", 0.5, -0.3, 0.25),
            Part("lead", "piano", "medium", 0.45, 0.25, 0.3),
        ),
        None, None,
        "A light, quick B-flat major tune of picked guitar and piano without drums.",
    ),
    Track(
        "Quiet Terminal", "Neon Tidepool", "Ambient Electronic", "2022", 144.0, "C", "minor",
        ("i", "iv", "V", "i"), 6, "electronic", "quiet",
        (
            Part("chords", "synth_pluck", "arp8", 0.4, -0.25, 0.35),
            Part("pad", "saw_pad", "sustain", 0.15, 0.15, 0.4),
            Part("bass", "sub_bass", "half", 0.5, 0.0, 0.0),
            Part("lead", "square_lead", "slow", 0.3, 0.3, 0.4),
        ),
        None, None,
        "A soft C minor synth arpeggio piece with a warm pad and no drums.",
        reverb_s=2.2,
    ),
    Track(
        "Kitchen Dance", "Marrow Lane", "Folk", "2020", 152.0, "D", "major",
        ("I", "IV", "I", "V"), 6, "acoustic", "quiet",
        (
            Part("bass", "string_bass", "half", 0.5, 0.0, 0.05),
            Part("chords", "guitar", "strum", 0.35, -0.3, 0.2),
            Part("lead", "guitar", "slow", 0.5, 0.3, 0.25),
        ),
        "brush", "brush",
        "A brisk D major folk dance with strummed guitars and soft brushed drums.",
    ),
    Track(
        "Overclock", "Glasshouse Static", "Electro", "2024", 160.0, "G", "minor",
        ("i", "VI", "iv", "V"), 7, "electronic", "loud",
        (
            Part("chords", "synth_pluck", "stabs", 0.3, -0.2, 0.25),
            Part("bass", "saw_bass", "quarter", 0.5, 0.0, 0.0),
            Part("lead", "saw_lead", "medium", 0.4, 0.2, 0.3),
        ),
        "machine", "electro",
        "Fast, distorted G minor electro with a syncopated drum machine and saw lead.",
    ),
    Track(
        "Afterimage Run", "Glasshouse Static", "Drum and Bass", "2023", 170.0, "E", "major",
        ("I", "IV", "vi", "V"), 7, "electronic", "loud",
        (
            Part("pad", "saw_pad", "sustain", 0.18, 0.0, 0.4),
            Part("bass", "sub_bass", "rolling", 0.6, 0.0, 0.0),
            Part("lead", "square_lead", "slow", 0.35, 0.2, 0.35),
        ),
        "machine", "dnb",
        "Liquid E major drum and bass with a two-step break, sub bass and airy pads.",
    ),
    Track(
        "Hummingbird Engine", "Lumen Harbor", "Synth Pop", "2024", 180.0, "B", "minor",
        ("i", "iv", "V", "i"), 7, "electronic", "loud",
        (
            Part("chords", "synth_pluck", "arp8", 0.35, -0.25, 0.25),
            Part("pad", "saw_pad", "sustain", 0.15, 0.2, 0.3),
            Part("bass", "saw_bass", "quarter", 0.5, 0.0, 0.0),
            Part("lead", "saw_lead", "slow", 0.35, 0.15, 0.3),
        ),
        None, None,
        "A dense, compressed B minor synth piece with racing arpeggios and no drums.",
    ),
)
# fmt: on


# ---------------------------------------------------------------------------- output


def slug(text: str) -> str:
    """ASCII file-name slug: ``"The Cedar Kites"`` -> ``"the-cedar-kites"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def file_name(number: int, track: Track) -> str:
    """File name such as ``01-quiet-orchard-slow-morning-light.ogg``."""
    return f"{number:02d}-{slug(track.artist)}-{slug(track.title)}.ogg"


def tag(path: Path, number: int, track: Track) -> None:
    """Replace the Vorbis comments of ``path`` with the catalogue tags."""
    audio = OggVorbis(path)
    audio.delete()
    audio["title"] = track.title
    audio["artist"] = track.artist
    audio["album"] = ALBUM
    audio["tracknumber"] = f"{number}/{len(TRACKS)}"
    audio["genre"] = track.genre
    audio["date"] = track.year
    audio.save(padding=lambda info: 0)  # no padding: FFmpeg warns about bytes left in the comment header


def fix_serial(path: Path, serial: int) -> None:
    """Give the Ogg stream a fixed serial number.

    libsndfile picks a random serial for each file it writes, which would make
    otherwise identical output differ between runs.
    """
    pages = []
    with path.open("rb") as f:
        while True:
            try:
                pages.append(OggPage(f))
            except EOFError:
                break
    for page in pages:
        page.serial = serial
    path.write_bytes(b"".join(page.write() for page in pages))


def truth_entry(number: int, track: Track, name: str, n_samples: int) -> dict[str, object]:
    """Ground-truth record of one track for ``truth.json``."""
    return {
        "file": name,
        "title": track.title,
        "artist": track.artist,
        "album": ALBUM,
        "tracknumber": number,
        "genre": track.genre,
        "duration_s": round(n_samples / SR, 3),
        "bpm": float(track.bpm),
        "key": track.tonic,
        "mode": track.mode,
        "timbre": track.timbre,
        "loudness": track.loudness,
        "drums": track.kit is not None,
        "description": track.description,
    }


def write_track(out: Path, number: int, track: Track) -> dict[str, object]:
    """Synthesise, encode and tag one track; return its ground truth."""
    audio = master(mix(track), track.loudness)
    name = file_name(number, track)
    path = out / name
    # libsndfile's Vorbis encoder can crash on one large write: feed it in blocks.
    with sf.SoundFile(
        path, "w", SR, audio.shape[1], format="OGG", subtype="VORBIS", compression_level=COMPRESSION_LEVEL
    ) as f:
        for start in range(0, audio.shape[0], WRITE_BLOCK):
            f.write(audio[start : start + WRITE_BLOCK])
    tag(path, number, track)
    fix_serial(path, 0x5357_0000 + number)
    return truth_entry(number, track, name, audio.shape[0])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("[0-9][0-9]-*.ogg"):
        stale.unlink()
    truth = []
    for number, track in enumerate(TRACKS, start=1):
        truth.append(write_track(out, number, track))
        print(f"{truth[-1]['file']}  {truth[-1]['duration_s']:.1f} s")
    (out / "truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="ascii")
    total = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    print(f"{len(truth)} tracks, {total / 1e6:.2f} MB in {out}")


if __name__ == "__main__":
    main()
