"""Loudness and dynamic range after EBU R128 / ITU-R BS.1770, from the shared STFT's frames.

Frames are grouped into gating blocks of about 400 ms that overlap by 75 %
(never across two windows of a song). Blocks below -70 LUFS are silence;
the integrated loudness is the mean power of the blocks above that and above
the relative gate 10 LU under the level of those, in LUFS of the mono mix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.features.spectrum import FRAME_RATE, Spectra

BLOCK_FRAMES = round(0.4 * FRAME_RATE)  # 17 frames: 395 ms
BLOCK_HOP = max(1, BLOCK_FRAMES // 4)
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
RANGE_GATE_LU = -20.0  # EBU Tech 3342: the loudness range ignores blocks 20 LU under the song
RANGE_PERCENTILES = (10.0, 95.0)


@dataclass(frozen=True)
class Level:
    """Block loudness of a song and the gates applied to it.

    block_lufs : np.ndarray [shape=(n_blocks,)], loudness of each gating block
    block_frames : np.ndarray [shape=(n_blocks,)], the first frame of each block
    integrated_lufs : float, -inf when every block is silent
    """

    block_lufs: np.ndarray
    block_frames: np.ndarray
    integrated_lufs: float

    @property
    def silent(self) -> bool:
        return not np.isfinite(self.integrated_lufs)

    def frame_gate(self, n_frames: int) -> np.ndarray:
        """Frames inside at least one block that passes the relative gate.

        Returns
        -------
        gate : np.ndarray [shape=(n_frames,)], bool
        """
        gate = np.zeros(n_frames, dtype=bool)
        if self.silent:
            return gate
        keep = self.block_frames[self.block_lufs > self.integrated_lufs + RELATIVE_GATE_LU]
        for start in keep:
            gate[start : start + BLOCK_FRAMES] = True
        return gate


def _lufs(mean_square: np.ndarray | float) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return -0.691 + 10.0 * np.log10(mean_square)


def level(spec: Spectra) -> Level:
    """Gating blocks and integrated loudness (BS.1770-4) of the frames in ``spec``."""
    starts: list[np.ndarray] = []
    powers: list[np.ndarray] = []
    cum = np.concatenate([[0.0], np.cumsum(spec.k_power, dtype=np.float64)])
    for seg in spec.segment_slices():
        n = seg.stop - seg.start
        if n == 0:
            continue
        size = min(BLOCK_FRAMES, n)
        first = np.arange(seg.start, seg.stop - size + 1, BLOCK_HOP)
        starts.append(first)
        powers.append((cum[first + size] - cum[first]) / size)
    block_frames = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
    block_power = np.concatenate(powers) if powers else np.zeros(0)
    block_lufs = _lufs(np.maximum(block_power, 0.0))
    audible = block_lufs > ABSOLUTE_GATE_LUFS
    if not audible.any():
        return Level(block_lufs, block_frames, float("-inf"))
    ungated = float(_lufs(block_power[audible].mean()))
    loud = audible & (block_lufs > ungated + RELATIVE_GATE_LU)
    return Level(block_lufs, block_frames, float(_lufs(block_power[loud].mean())))


def dynamic_range(lvl: Level) -> float:
    """Spread of the block loudness in LU: the 95th minus the 10th percentile.

    Blocks 20 LU under the mean loudness of the blocks above -70 LUFS (pauses,
    fade tails) are left out, as in EBU Tech 3342's loudness range (its
    relative gate comes from that absolute-gated mean, not from the integrated
    loudness, whose own -10 LU gate would raise it), but the blocks are the 400 ms
    momentary ones rather than 3 s short-term ones, so the value describes the
    music's own swell and attack (and how hard it was compressed) rather than
    the difference between its quietest and loudest sections. That keeps it
    measurable from a few seconds of a song.
    """
    if lvl.silent:
        return 0.0
    audible = lvl.block_lufs[lvl.block_lufs > ABSOLUTE_GATE_LUFS]
    threshold = float(_lufs(float(np.mean(10.0 ** ((audible + 0.691) / 10.0))))) + RANGE_GATE_LU
    kept = audible[audible > threshold]
    if kept.size < 2:
        return 0.0
    lo, hi = np.percentile(kept, RANGE_PERCENTILES)
    return float(hi - lo)
