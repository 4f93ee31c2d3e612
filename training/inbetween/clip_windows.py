"""30-frame 64x64 training windows for the whole-clip inbetweeners (cvae, cgan).

Windows are cut from the same real clips as the interpolator's triplets
(`training.inbetween.video_triplets.load_clips`: DAVIS minus the held-out sequences, the OpenCV
clips, --data footage), taking every `step`-th frame: 3 as the original project did where a clip is
long enough, else 2 or 1 (most DAVIS sequences have 40-100 frames). Windows never cross a scene cut.
Each window gets a random square crop (40-100 % of the shorter side), resized to 64x64, a random
horizontal flip and a random time reversal.
"""

from __future__ import annotations

import cv2
import numpy as np

from training.inbetween.video_triplets import VideoClip

STEPS = (3, 2, 1)


def window_starts(clip: VideoClip, frames: int, step: int) -> np.ndarray:
    """First indices of the windows of `frames` frames, every `step`-th, crossing no cut."""
    span = (frames - 1) * step
    count = len(clip.frames) - span
    if count <= 0:
        return np.zeros(0, dtype=int)
    crossing = [clip.cuts[i : i + span].any() for i in range(count)]
    return np.flatnonzero(~np.array(crossing, dtype=bool))


class WindowSampler:
    """Random windows from the clips that have one; each clip uses the longest step it allows
    (the original project's every 3rd frame where possible) and counts once, whatever its length."""

    def __init__(self, clips: list[VideoClip], frames: int = 30, size: int = 64) -> None:
        self.frames, self.size = frames, size
        self.options = []
        for clip in clips:
            for step in STEPS:
                starts = window_starts(clip, frames, step)
                if len(starts):
                    self.options.append((clip, step, starts))
                    break
        if not self.options:
            raise ValueError(f"No clip is long enough for {frames}-frame windows.")

    def window(self, rng: np.random.Generator) -> np.ndarray:
        """One (frames, size, size, 3) uint8 window."""
        clip, step, starts = self.options[int(rng.integers(len(self.options)))]
        first = int(rng.choice(starts))
        window = clip.frames[first : first + (self.frames - 1) * step + 1 : step]
        height, width = window.shape[1:3]
        side = int(min(height, width) * rng.uniform(0.4, 1.0))
        top = int(rng.integers(0, height - side + 1))
        left = int(rng.integers(0, width - side + 1))
        out = np.stack(
            [
                cv2.resize(
                    frame[top : top + side, left : left + side],
                    (self.size, self.size),
                    interpolation=cv2.INTER_AREA,
                )
                for frame in window
            ]
        )
        if rng.random() < 0.5:
            out = out[:, :, ::-1]
        if rng.random() < 0.5:
            out = out[::-1]
        return np.ascontiguousarray(out)

    def batch(self, rng: np.random.Generator, batch_size: int) -> np.ndarray:
        """(B, 3, frames, size, size) float32 clips in [0, 1]."""
        windows = np.stack([self.window(rng) for _ in range(batch_size)])
        return windows.transpose(0, 4, 1, 2, 3).astype(np.float32) / 255.0
