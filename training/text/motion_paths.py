"""Motion trajectories and wrap-around rendering shared by the captioned sequence generators.

A sprite (an MNIST digit, a drawn shape) moves on a square canvas of `CANVAS` pixels:

- "left", "right", "up", "down": it keeps going that way; leaving one border it re-enters from
  the opposite one (the canvas is a torus). The positions are stored modulo the canvas size.
- "up and down", "left and right": it bounces between the borders, always fully inside
  (top-left coordinate in 0..CANVAS - size). It starts the way the caption names first ("up and
  down" starts upwards, "left and right" leftwards), so one start frame and the caption fix the
  whole path (a random start direction would make the first frames unpredictable).

The coordinate that does not move stays at a random position with the sprite fully inside.
Positions are top-left (x, y) in pixels, x to the right and y downwards ("up" = y decreasing).
All positions are whole numbers of pixels, so rendering is an exact shift (no resampling).
"""

from __future__ import annotations

import numpy as np

CANVAS = 64
MOTIONS = ("left", "right", "up", "down", "up and down", "left and right")
# Pixels per frame. A caption without a speed word means DEFAULT_SPEED.
SPEEDS = {"slowly": 2, "quickly": 4}
DEFAULT_SPEED = "slowly"

_DIRECTIONS = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}
_BOUNCE_AXIS = {"left and right": 0, "up and down": 1}


def trajectory(
    motion: str,
    speed_px: int,
    num_frames: int,
    size: int,
    rng: np.random.Generator,
    canvas: int = CANVAS,
) -> np.ndarray:
    """Top-left positions of a `size` x `size` sprite: (num_frames, 2) float64 (x, y).

    Wrapping motions give positions in [0, canvas); bouncing ones in [0, canvas - size].
    Draws the start position from `rng`.
    """
    if motion not in MOTIONS:
        raise ValueError(f"Unknown motion {motion!r}; choose one of {MOTIONS}.")
    if not 0 < size <= canvas:
        raise ValueError(f"Sprite size {size} must be in 1..{canvas}.")
    steps = np.arange(num_frames)
    span = canvas - size  # largest top-left coordinate that keeps the sprite inside
    positions = np.empty((num_frames, 2))
    if motion in _DIRECTIONS:
        step = np.array(_DIRECTIONS[motion])
        axis = int(np.flatnonzero(step)[0])
        start = rng.integers(0, canvas)
        positions[:, axis] = (start + step[axis] * speed_px * steps) % canvas
    else:
        axis = _BOUNCE_AXIS[motion]
        start = rng.integers(0, span + 1)
        positions[:, axis] = _reflect(start - speed_px * steps, span)  # up / left first
    positions[:, 1 - axis] = rng.integers(0, span + 1)
    return positions


def _reflect(unbounded: np.ndarray, span: int) -> np.ndarray:
    """Fold a straight path into [0, span] as a ball bouncing between 0 and span would go."""
    if span == 0:
        return np.zeros_like(unbounded)
    folded = np.mod(unbounded, 2 * span)
    return np.where(folded <= span, folded, 2 * span - folded)


def render_wrapped(sprite: np.ndarray, positions: np.ndarray, canvas: int = CANVAS) -> np.ndarray:
    """The sprite drawn at each position on a black canvas that wraps at its borders.

    sprite: (h, w) or (h, w, C), any dtype; positions: (T, 2) whole-pixel top-left (x, y).
    Returns (T, canvas, canvas) or (T, canvas, canvas, C), the sprite's dtype; a sprite that
    crosses a border shows its cut-off part at the opposite border.
    """
    height, width = sprite.shape[:2]
    padded = np.zeros((canvas, canvas) + sprite.shape[2:], dtype=sprite.dtype)
    padded[:height, :width] = sprite
    xy = np.rint(positions).astype(np.int64)
    pixels = np.arange(canvas)
    rows = (pixels[None, :] - xy[:, 1:2]) % canvas  # (T, canvas): source row of each row
    cols = (pixels[None, :] - xy[:, 0:1]) % canvas
    return padded[rows[:, :, None], cols[:, None, :]]
