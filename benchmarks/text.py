"""Text-conditioned sequences (captioned Moving-MNIST): does the roll-out keep the digit and
follow the caption?

For each split (seen / held-out digit-motion combinations; start digits from the MNIST test
images, index % 10 == 0) one-digit sequences are generated; the model gets the real frame 0
and the caption and rolls out 40 frames. Measured at 10, 20 and 40 frames:
- digit accuracy: the checker (a classifier trained by training/train_digit_checker.py, never
  used to train the generator) on a 28x28 crop centred on each frame's digit, mean over frames;
- direction accuracy: the digit's centroid track (wrap-aware) moves along the caption's axis,
  the right way for left/right/up/down (> 0.5 px/frame) and back and forth along the axis for
  "up and down" / "left and right";
- sharpness: Laplacian variance of the last frame / frame 0's.
Rows: the next-frame model and the copy-last-frame baseline. Speed: frames per second for
16-frame roll-outs on this CPU.

    python -m benchmarks.text [--sequences 60] [--checkpoint DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import cv2
import numpy as np
import torch

from animators.checkpoints import load_module, resolve
from animators.nets.digit_checker import DigitChecker, DigitCheckerConfig
from animators.text_sequence import TextSequenceAnimator
from training.data.moving_mnist import load_mnist, make_sequence

from .common import RESULTS, write_json

HORIZONS = (10, 20, 40)
CANVAS = 64


def circular_centroid(frame: np.ndarray) -> tuple[float, float]:
    """(x, y) of the intensity centroid on a wrapping 64x64 canvas. frame: (H, W) float."""
    weights = frame.astype(np.float64) + 1e-9
    angles = 2 * math.pi * np.arange(CANVAS) / CANVAS
    result = []
    for axis in (0, 1):  # columns give x, rows give y
        profile = weights.sum(axis=axis)
        angle = math.atan2((profile * np.sin(angles)).sum(), (profile * np.cos(angles)).sum())
        result.append((angle % (2 * math.pi)) * CANVAS / (2 * math.pi))
    return result[0], result[1]


def centred_crop(frame: np.ndarray) -> np.ndarray:
    """A 28x28 crop centred on the digit (rolling the wrapping canvas). (28, 28) float."""
    x, y = circular_centroid(frame)
    rolled = np.roll(frame, (round(CANVAS / 2 - y), round(CANVAS / 2 - x)), axis=(0, 1))
    return rolled[18:46, 18:46]


def track_ok(track: np.ndarray, motion: str) -> bool:
    """track: (T, 2) centroids. True if the motion follows the caption's motion."""
    steps = (np.diff(track, axis=0) + CANVAS / 2) % CANVAS - CANVAS / 2  # wrap-aware
    axis = 0 if motion in ("left", "right", "left and right") else 1
    along, across = steps[:, axis], steps[:, 1 - axis]
    if " and " in motion:  # back and forth along the axis
        moving = np.abs(along).mean() > 0.5 and np.abs(along).mean() > 2 * np.abs(across).mean()
        turns = np.sum(np.diff(np.sign(along[np.abs(along) > 0.25])) != 0)
        return bool(moving and (turns >= 1 or len(steps) < 20))
    sign = 1 if motion in ("right", "down") else -1
    return bool(sign * along.mean() > 0.5 and np.abs(across).mean() < 0.5 * abs(along.mean()))


def sharpness(frame: np.ndarray) -> float:
    return float(cv2.Laplacian(frame.astype(np.float64), cv2.CV_64F).var())


def evaluate(frames: np.ndarray, digit: int, motion: str, checker: DigitChecker) -> dict:
    """frames (T, 64, 64) float in [0, 1], T = 1 + max horizon -> metrics per horizon."""
    with torch.inference_mode():
        crops = torch.from_numpy(np.stack([centred_crop(f) for f in frames])).float()[:, None]
        predicted = checker(crops).argmax(1).numpy()
    track = np.array([circular_centroid(f) for f in frames])
    result = {}
    for horizon in HORIZONS:
        result[horizon] = {
            "digit": float((predicted[1 : horizon + 1] == digit).mean()),
            "direction": float(track_ok(track[: horizon + 1], motion)),
            "sharpness": sharpness(frames[horizon]) / max(sharpness(frames[0]), 1e-9),
        }
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sequences", type=int, default=60, help="per split")
    parser.add_argument("--checkpoint", type=Path, default=None, help="text/mnist folder")
    parser.add_argument("--data", type=Path, default=None, help="mnist .npz")
    parser.add_argument("--out", type=Path, default=RESULTS / "text.json")
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    images, labels = load_mnist(args.data)
    animator = TextSequenceAnimator.from_pretrained("mnist", source=args.checkpoint, device="cpu")
    checker = load_module(DigitChecker, DigitCheckerConfig, resolve("text", "digit_checker"))
    longest = max(HORIZONS)

    results: dict = {}
    for split in ("train", "heldout"):
        rng = np.random.default_rng(0 if split == "train" else 1)
        scores: dict[str, list] = {"model": [], "copy-last-frame": []}
        for _ in range(args.sequences):
            sequence = make_sequence(
                images,
                labels,
                rng,
                num_frames=longest + 1,
                num_digits=1,
                split=split,
                image_split="test",
            )
            start = np.repeat(sequence.frames[0][:, :, None], 3, axis=2)
            clip = animator(sequence.caption, start, num_frames=longest + 1, history=4)
            generated = clip.frames[:, :, :, 0].astype(np.float32) / 255.0
            copied = np.repeat(sequence.frames[:1].astype(np.float32) / 255.0, longest + 1, axis=0)
            digit, motion = sequence.digits[0], sequence.motion
            scores["model"].append(evaluate(generated, digit, motion, checker))
            scores["copy-last-frame"].append(evaluate(copied, digit, motion, checker))
        name = "seen" if split == "train" else "held-out"
        results[name] = {
            method: {
                str(h): {
                    k: round(float(np.mean([s[h][k] for s in rows])), 3)
                    for k in ("digit", "direction", "sharpness")
                }
                for h in HORIZONS
            }
            for method, rows in scores.items()
        }

    start = np.zeros((64, 64, 3), np.uint8)
    start[20:44, 28:36] = 255
    animator("the digit 1 is moving left", start, num_frames=16)  # warm-up
    began = time.perf_counter()
    repeats = 5
    for _ in range(repeats):
        animator("the digit 1 is moving left", start, num_frames=16)
    seconds_16 = (time.perf_counter() - began) / repeats

    print(
        f"{'split':9} {'method':16} "
        + " ".join(f"{f'{h} frames: digit / dir / sharp':>32}" for h in HORIZONS)
    )
    for split, methods in results.items():
        for method, cells in methods.items():
            row = " ".join(
                "{digit:>18.3f} / {direction:.3f} / {sharpness:.2f}".format(**cells[str(h)])
                for h in HORIZONS
            )
            print(f"{split:9} {method:16} {row}")
    print(f"16 frames at 64x64: {seconds_16:.3f} s ({15 / seconds_16:.0f} frames/s)")
    write_json(
        {
            "benchmark": "text",
            "sequences_per_split": args.sequences,
            "results": results,
            "seconds_16_frames": round(seconds_16, 3),
        },
        args.out,
    )


if __name__ == "__main__":
    main()
