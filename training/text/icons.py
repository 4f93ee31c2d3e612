"""Captioned coloured shapes: 64x64 RGB sequences of one anti-aliased shape on black, moving
like the Moving-MNIST digits (same motions, speeds and wrap/bounce rules, from `motion_paths`).

Captions: "a red square moving left", "the blue star is moving up and down quickly"; a caption
without a speed word means "slowly" (2 pixels per frame; "quickly" is 4).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from animators.text.captions import COLORS, MAX_WORDS, SHAPES, tokenize
from training.text.motion_paths import (
    CANVAS,
    DEFAULT_SPEED,
    MOTIONS,
    SPEEDS,
    render_wrapped,
    trajectory,
)

__all__ = [
    "CANVAS",
    "COLOR_RGB",
    "MOTIONS",
    "SHAPES",
    "SIZES",
    "SPEEDS",
    "IconSequence",
    "batch",
    "draw_shape",
    "make_caption",
    "make_sequence",
]

# RGB of each caption colour; a fully covered pixel has exactly this value.
COLOR_RGB: dict[str, tuple[int, int, int]] = {
    "red": (255, 48, 48),
    "green": (48, 220, 72),
    "blue": (48, 96, 255),
    "yellow": (250, 220, 40),
    "white": (255, 255, 255),
    "purple": (170, 70, 230),
}
assert tuple(COLOR_RGB) == COLORS, "COLOR_RGB must name exactly the caption colours"
SIZES = range(14, 19)  # side of the shape's bounding box in pixels, 14..18
_SUBPIXEL_BITS = 4  # cv2 drawing with 1/16-pixel vertex precision


def _polygon(shape: str, size: int) -> np.ndarray:
    """Vertices (K, 2) float (x, y) of a polygonal shape inside the box [0, size - 1]^2."""
    last = size - 1.0
    middle = last / 2
    if shape == "square":
        return np.array([(0, 0), (last, 0), (last, last), (0, last)], dtype=float)
    if shape == "triangle":
        return np.array([(middle, 0), (last, last), (0, last)], dtype=float)
    if shape == "diamond":
        return np.array([(middle, 0), (last, middle), (middle, last), (0, middle)], dtype=float)
    if shape == "star":
        angles = -np.pi / 2 + np.arange(10) * np.pi / 5
        radii = np.where(np.arange(10) % 2 == 0, middle, 0.4 * middle)
        return np.stack([middle + radii * np.cos(angles), middle + radii * np.sin(angles)], 1)
    raise ValueError(f"Unknown shape {shape!r}; choose one of {SHAPES}.")


def draw_shape(shape: str, size: int) -> np.ndarray:
    """Anti-aliased coverage of the shape filling a size x size box: (size, size) uint8 0..255."""
    mask = np.zeros((size, size), dtype=np.uint8)
    scale = 1 << _SUBPIXEL_BITS
    if shape == "circle":
        middle = round((size - 1) / 2 * scale)
        cv2.circle(mask, (middle, middle), middle, 255, -1, cv2.LINE_AA, _SUBPIXEL_BITS)
    else:
        points = np.rint(_polygon(shape, size) * scale).astype(np.int32)
        cv2.fillPoly(mask, [points], 255, cv2.LINE_AA, _SUBPIXEL_BITS)
    return mask


def make_caption(
    shape: str, color: str, motion: str, speed: str | None = None, article: str = "the"
) -> str:
    """The caption: "the blue star is moving up and down" (article "the") or
    "a red square moving left" (article "a"); `speed` None leaves the speed word out (which
    means "slowly")."""
    verb = "is moving" if article == "the" else "moving"
    return f"{article} {color} {shape} {verb} {motion}" + (f" {speed}" if speed else "")


@dataclass(frozen=True)
class IconSequence:
    """One captioned shape sequence.

    frames: (T, 64, 64, 3) uint8 RGB; positions: (T, 2) float64 top-left (x, y) of the shape's
    size x size box (modulo 64 for wrapping motions); size: the box side in pixels.
    """

    frames: np.ndarray
    caption: str
    shape: str
    color: str
    motion: str
    speed: str
    positions: np.ndarray
    size: int


def _check(name: str, value: str, options) -> None:
    if value not in options:
        raise ValueError(f"Unknown {name} {value!r}; choose one of {tuple(options)}.")


def _choose(rng: np.random.Generator, options):
    options = tuple(options)
    return options[int(rng.integers(len(options)))]


def make_sequence(
    rng: np.random.Generator,
    num_frames: int = 20,
    shape: str | None = None,
    color: str | None = None,
    motion: str | None = None,
    speed: str | None = None,
    *,
    size: int | None = None,
    mention_speed: bool | None = None,
) -> IconSequence:
    """A random captioned shape sequence; arguments left None are drawn from `rng`.

    size: box side in pixels (default 14..18). mention_speed None: "quickly" is always in the
    caption, "slowly" half of the time; False with speed "quickly" raises ValueError.
    """
    if num_frames < 1:
        raise ValueError(f"num_frames must be at least 1, not {num_frames}.")
    shape = shape or _choose(rng, SHAPES)
    color = color or _choose(rng, COLORS)
    motion = motion or _choose(rng, MOTIONS)
    if speed is None:
        speed = DEFAULT_SPEED if mention_speed is False else _choose(rng, SPEEDS)
    size = int(size or _choose(rng, SIZES))
    _check("shape", shape, SHAPES)
    _check("colour", color, COLORS)
    _check("motion", motion, MOTIONS)
    _check("speed", speed, SPEEDS)
    if mention_speed is None:
        mention_speed = speed != DEFAULT_SPEED or bool(rng.random() < 0.5)
    if not mention_speed and speed != DEFAULT_SPEED:
        raise ValueError(f"A caption without a speed word means {DEFAULT_SPEED!r}, not {speed!r}.")

    positions = trajectory(motion, SPEEDS[speed], num_frames, size, rng)
    coverage = render_wrapped(draw_shape(shape, size), positions)  # (T, 64, 64) uint8
    rgb = np.array(COLOR_RGB[color], dtype=np.uint16)
    # Exact integer rounding of coverage / 255 * rgb.
    frames = ((coverage[..., None].astype(np.uint16) * rgb + 127) // 255).astype(np.uint8)
    article = _choose(rng, ("the", "a"))
    caption = make_caption(shape, color, motion, speed if mention_speed else None, article)
    return IconSequence(frames, caption, shape, color, motion, speed, positions, size)


def batch(
    rng: np.random.Generator, batch_size: int = 16, num_frames: int = 12, **sequence_options
) -> dict:
    """A training batch of `batch_size` sequences (see `make_sequence` for the options).

    Returns numpy arrays: frames (B, T, 3, 64, 64) float32 in [0, 1]; tokens (B, 12) int64
    (0 = padding); positions (B, T, 2) float32 top-left (x, y); sizes (B,) int64; speed_px (B,)
    float32 pixels per frame; and the lists captions, shapes, colors, motions, speeds.
    """
    sequences = [make_sequence(rng, num_frames, **sequence_options) for _ in range(batch_size)]
    frames = np.stack([s.frames for s in sequences]).transpose(0, 1, 4, 2, 3)
    return {
        "frames": np.ascontiguousarray(frames, dtype=np.float32) / np.float32(255.0),
        "tokens": np.array([tokenize(s.caption, MAX_WORDS) for s in sequences], dtype=np.int64),
        "positions": np.stack([s.positions for s in sequences]).astype(np.float32),
        "sizes": np.array([s.size for s in sequences], dtype=np.int64),
        "speed_px": np.array([SPEEDS[s.speed] for s in sequences], dtype=np.float32),
        "captions": [s.caption for s in sequences],
        "shapes": [s.shape for s in sequences],
        "colors": [s.color for s in sequences],
        "motions": [s.motion for s in sequences],
        "speeds": [s.speed for s in sequences],
    }
