"""The interface every task shares: `Clip`, the error types, and small frame helpers.

Images everywhere in this package are numpy arrays of shape (H, W, 3), dtype uint8, RGB.
Masks are (H, W) arrays, bool or uint8 (non-zero means "painted").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

ProgressFn = Callable[..., Any]
"""A progress callback: `progress(fraction_0_to_1, desc="...")`. `gr.Progress` fits it."""


class AnimatorError(Exception):
    """Base class for every error this package raises on purpose.

    The message is one sentence a person understands; the UI shows it as it is.
    """


class InputError(AnimatorError, ValueError):
    """The input (image, mask, number of frames, ...) cannot be used."""


@dataclass(frozen=True)
class Clip:
    """A short video.

    frames: (T, H, W, 3) uint8 RGB, T >= 1.
    fps: frames per second, > 0.
    info: free-form facts shown to the user (timings, metrics, warnings: list[str]).
    """

    frames: np.ndarray
    fps: float
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        frames = self.frames
        if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
            raise ValueError(
                f"Clip frames must be (T, H, W, 3) uint8, got {frames.shape} {frames.dtype}."
            )
        if len(frames) < 1:
            raise ValueError("A clip needs at least one frame.")
        if not self.fps > 0:
            raise ValueError(f"A clip needs a positive fps, got {self.fps}.")

    @property
    def num_frames(self) -> int:
        return int(self.frames.shape[0])

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return int(self.frames.shape[2]), int(self.frames.shape[1])

    @property
    def warnings(self) -> list[str]:
        return list(self.info.get("warnings", []))


def to_uint8(image: np.ndarray) -> np.ndarray:
    """Float image in [0, 1] (any shape) -> uint8 in [0, 255], rounded and clipped."""
    return np.clip(np.rint(np.asarray(image, dtype=np.float32) * 255.0), 0, 255).astype(np.uint8)


def to_float(image: np.ndarray) -> np.ndarray:
    """uint8 image -> float32 in [0, 1]."""
    return np.asarray(image, dtype=np.float32) / 255.0


def fit_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """(width, height) scaled down so the longer side is at most `max_side`, aspect kept.

    Sizes already within the limit come back unchanged; each side is at least 1.
    """
    longest = max(width, height)
    if longest <= max_side:
        return width, height
    scale = max_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def pad_to_multiple(
    image: np.ndarray, multiple: int, mode: str = "edge"
) -> tuple[np.ndarray, tuple[int, int]]:
    """Pad (H, W, ...) on the bottom and right to multiples of `multiple`, by edge replication
    (`mode="edge"`) or mirroring without repeating the border pixel (`mode="reflect"`).

    Returns the padded array and the original (H, W), to crop back with `image[:H, :W]`.
    """
    height, width = image.shape[:2]
    pad_h = (-height) % multiple
    pad_w = (-width) % multiple
    if pad_h == 0 and pad_w == 0:
        return image, (height, width)
    pad = [(0, pad_h), (0, pad_w)] + [(0, 0)] * (image.ndim - 2)
    return np.pad(image, pad, mode=mode), (height, width)


def report(progress: ProgressFn | None, fraction: float, desc: str) -> None:
    """Call a progress callback if there is one."""
    if progress is not None:
        progress(float(min(max(fraction, 0.0), 1.0)), desc=desc)


def sub_progress(progress: ProgressFn | None, start: float, span: float) -> ProgressFn | None:
    """A callback for one stage that reports its 0..1 as start..start + span of `progress`."""
    if progress is None:
        return None
    return lambda fraction, desc: progress(start + span * fraction, desc=desc)
