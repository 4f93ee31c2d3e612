"""Text-conditioned sequences: does the roll-out keep its subject and follow the caption?

MNIST domain. For each split (seen / held-out digit-motion combinations; start digits from the
MNIST test images, index % 10 == 0) one-digit sequences are generated; the model gets the
real frame 0 and the caption and rolls out 40 frames. Measured at 10, 20 and 40 frames:
- subject accuracy: the digit checker (a classifier trained by
  training/judges/train_digit_checker.py, never used to train the generator) on a 28x28 crop
  centred on each frame's digit, mean over the generated frames;
- direction accuracy: the centroid track (wrap-aware) moves along the caption's axis, the
  right way for left/right/up/down (> 0.5 px/frame), back and forth for "up and down" /
  "left and right";
- sharpness: Laplacian variance of the last frame / frame 0's.

Icons domain: the same with a shape and colour read by simple measurements (fill of the
bounding box, centroid height, mean colour); a frame counts when both are right.

Walking domain: real people (test split: the last quarter of vtest.avi, never trained on);
the model gets the real first frame; direction: the summed horizontal optical flow of the
moving pixels has the caption's sign and is at least 2 px; no subject check.

Rows: the next-frame model and the copy-last-frame baseline (which keeps the subject and never
moves); for MNIST also any `--mnist-variants` (the adversarial schedules). First-frame GAN:
subject accuracy of frames it draws from captions. Speed: seconds for a 16-frame roll-out on
this CPU.

    python -m benchmarks.text [--domains mnist icons walking] [--sequences 60] [--out FILE]
        [--mnist-variants NAME=FOLDER ...]
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import torch

from animators.core.checkpoints import CheckpointNotFound, load_module, resolve
from animators.text.animator import TextSequenceAnimator
from animators.text.captions import COLORS, tokenize
from benchmarks.common import RESULTS, write_json
from benchmarks.judges.digit_checker import DigitChecker, DigitCheckerConfig
from training.text import icons
from training.text.moving_mnist import load_mnist, make_sequence

HORIZONS = (10, 20, 40)
CANVAS = 64
METRICS = ("subject", "direction", "sharpness")


# ---------------------------------------------------------------- measurements
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


def centred(frame: np.ndarray) -> np.ndarray:
    """The wrapping canvas rolled so that the subject's centroid is at the centre.

    frame: (H, W) or (H, W, C); brightness is the maximum over channels."""
    brightness = frame if frame.ndim == 2 else frame.max(axis=2)
    x, y = circular_centroid(brightness)
    return np.roll(frame, (round(CANVAS / 2 - y), round(CANVAS / 2 - x)), axis=(0, 1))


def centred_crop(frame: np.ndarray) -> np.ndarray:
    """A 28x28 crop centred on the digit (rolling the wrapping canvas). (28, 28) float."""
    return centred(frame)[18:46, 18:46]


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
    """Laplacian variance of a (H, W) frame (or of the channel maximum of (H, W, C))."""
    gray = frame if frame.ndim == 2 else frame.max(axis=2)
    return float(cv2.Laplacian(gray.astype(np.float64), cv2.CV_64F).var())


def icon_shape_and_color(frame: np.ndarray) -> tuple[str, str]:
    """(shape, colour) of the one icon on a (64, 64, 3) float frame in [0, 1].

    Shape from the fill of the covered pixels' bounding box (square 1.0, circle ~0.78,
    triangle/diamond ~0.5-0.57, star ~0.43) and the centroid's height in the box (a
    triangle's is low); colour: nearest caption colour to the covered pixels' mean.
    Returns ("none", "none") for an empty frame.
    """
    rolled = centred(frame)
    brightness = rolled.max(axis=2)
    covered = brightness > 0.5 * max(float(brightness.max()), 1e-6)
    if brightness.max() < 0.2 or covered.sum() < 4:
        return "none", "none"
    ys, xs = np.nonzero(covered)
    box_w, box_h = xs.max() - xs.min() + 1, ys.max() - ys.min() + 1
    fill = covered.sum() / (box_w * box_h)
    drop = (ys.mean() - ys.min()) / max(box_h - 1, 1) - 0.5
    if fill >= 0.9:
        shape = "square"
    elif fill >= 0.66:
        shape = "circle"
    elif drop >= 0.1:
        shape = "triangle"
    elif fill < 0.48:
        shape = "star"
    else:
        shape = "diamond"
    mean = rolled[covered].mean(axis=0) * 255
    palette = np.array([icons.COLOR_RGB[c] for c in COLORS], dtype=np.float64)
    color = COLORS[int(np.argmin(np.linalg.norm(palette - mean, axis=1)))]
    return shape, color


def horizontal_travel(frames: np.ndarray) -> float:
    """Summed horizontal motion (pixels) of the moving pixels over (T, H, W) float frames.

    Farneback optical flow between consecutive frames; per pair, the mean x-flow over pixels
    moving more than 0.5 px (0 when none moves)."""
    total = 0.0
    gray = (np.clip(frames, 0, 1) * 255).astype(np.uint8)
    for before, after in zip(gray[:-1], gray[1:], strict=True):
        flow = cv2.calcOpticalFlowFarneback(before, after, None, 0.5, 2, 9, 3, 5, 1.1, 0)
        moving = np.linalg.norm(flow, axis=2) > 0.5
        if moving.sum() >= 8:
            total += float(flow[..., 0][moving].mean())
    return total


# ---------------------------------------------------------------- per-domain evaluation
def evaluate(
    frames: np.ndarray, subject_ok: Callable[[np.ndarray], np.ndarray], motion: str
) -> dict:
    """frames (T, 64, 64[, 3]) float in [0, 1], T = 1 + max horizon -> metrics per horizon.

    subject_ok: frames -> (T,) bool, whether each frame still shows the caption's subject.
    """
    correct = subject_ok(frames)
    brightness = frames if frames.ndim == 3 else frames.max(axis=3)
    track = np.array([circular_centroid(f) for f in brightness])
    return {
        horizon: {
            "subject": float(correct[1 : horizon + 1].mean()),
            "direction": float(track_ok(track[: horizon + 1], motion)),
            "sharpness": sharpness(frames[horizon]) / max(sharpness(frames[0]), 1e-9),
        }
        for horizon in HORIZONS
    }


def summarise(rows: list[dict]) -> dict:
    return {
        str(h): {k: round(float(np.mean([r[h][k] for r in rows])), 3) for k in METRICS}
        for h in HORIZONS
    }


def digit_checker() -> DigitChecker:
    return load_module(DigitChecker, DigitCheckerConfig, resolve("text", "digit_checker"))


def digits_of(frames: np.ndarray, checker: DigitChecker) -> np.ndarray:
    """(T, 64, 64) float frames -> (T,) digit the checker reads in each."""
    with torch.inference_mode():
        crops = torch.from_numpy(np.stack([centred_crop(f) for f in frames])).float()[:, None]
        return checker(crops).argmax(1).numpy()


def roll_out(animator, caption: str, start: np.ndarray, longest: int) -> np.ndarray:
    """Model roll-out as float frames (T, 64, 64, 3) in [0, 1]."""
    clip = animator(caption, start, num_frames=longest + 1, history=4)
    return clip.frames.astype(np.float32) / 255.0


def bench_mnist(
    animator, checker, sequences: int, data: Path | None, variants: dict | None = None
) -> dict:
    """variants: more models to score on the same sequences, {row name: animator}."""
    images, labels = load_mnist(data)
    longest = max(HORIZONS)
    models = {"model": animator, **(variants or {})}
    results: dict = {}
    for split, name in (("train", "seen"), ("heldout", "held-out")):
        rng = np.random.default_rng(0 if split == "train" else 1)
        scores: dict[str, list] = {method: [] for method in [*models, "copy-last-frame"]}
        for _ in range(sequences):
            sequence = make_sequence(
                images, labels, rng, longest + 1, num_digits=1, split=split, image_split="test"
            )
            real = sequence.frames.astype(np.float32) / 255.0
            start = np.repeat(sequence.frames[0][..., None], 3, 2)
            digit = sequence.digits[0]

            def is_digit(frames: np.ndarray, digit: int = digit) -> np.ndarray:
                return digits_of(frames, checker) == digit

            for method, model in models.items():
                generated = roll_out(model, sequence.caption, start, longest)[..., 0]
                scores[method].append(evaluate(generated, is_digit, sequence.motion))
            copied = np.repeat(real[:1], longest + 1, axis=0)
            scores["copy-last-frame"].append(evaluate(copied, is_digit, sequence.motion))
        results[name] = {method: summarise(rows) for method, rows in scores.items()}
    return results


def bench_icons(animator, sequences: int) -> dict:
    longest = max(HORIZONS)
    rng = np.random.default_rng(2)
    scores: dict[str, list] = {"model": [], "copy-last-frame": []}
    for _ in range(sequences):
        sequence = icons.make_sequence(rng, longest + 1)
        real = sequence.frames.astype(np.float32) / 255.0
        generated = roll_out(animator, sequence.caption, sequence.frames[0], longest)
        copied = np.repeat(real[:1], longest + 1, axis=0)
        wanted = (sequence.shape, sequence.color)

        def is_icon(frames: np.ndarray, wanted=wanted) -> np.ndarray:
            return np.array([icon_shape_and_color(f) == wanted for f in frames])

        scores["model"].append(evaluate(generated, is_icon, sequence.motion))
        scores["copy-last-frame"].append(evaluate(copied, is_icon, sequence.motion))
    return {"seen": {method: summarise(rows) for method, rows in scores.items()}}


def bench_walking(animator, sequences: int, data: Path | None) -> dict:
    from training.text.walking import load_clips

    clips = load_clips(data, "test")
    longest = max(HORIZONS)
    rng = np.random.default_rng(4)
    scores: dict[str, list] = {"model": [], "copy-last-frame": [], "real video": []}
    for pick in rng.permutation(len(clips["clips"]))[:sequences]:
        real = clips["clips"][pick].astype(np.float32) / 255.0  # (16, 64, 64)
        caption = str(clips["captions"][pick])
        sign = 1 if caption.endswith("right") else -1
        start = np.repeat(clips["clips"][pick, 0][..., None], 3, axis=2)
        generated = roll_out(animator, caption, start, longest)[..., 0]
        runs = {
            "model": generated,
            "copy-last-frame": np.repeat(real[:1], longest + 1, axis=0),
            "real video": real,
        }
        for method, frames in runs.items():
            row = {}
            for horizon in HORIZONS:
                if horizon >= len(frames):
                    continue
                travel = horizontal_travel(frames[: horizon + 1])
                row[horizon] = {
                    "direction": float(sign * travel >= 2.0),
                    "sharpness": sharpness(frames[horizon]) / max(sharpness(frames[0]), 1e-9),
                }
            scores[method].append(row)
    return {
        "held-out": {
            method: {
                str(h): {
                    k: round(float(np.mean([r[h][k] for r in rows])), 3)
                    for k in ("direction", "sharpness")
                }
                for h in HORIZONS
                if h in rows[0]
            }
            for method, rows in scores.items()
        }
    }


def bench_first_frame(animator, domain: str, checker, samples: int) -> float | None:
    """Share of GAN-drawn first frames that show the caption's subject (None: no GAN)."""
    try:
        generator = animator.first_frame
    except CheckpointNotFound:
        return None
    rng = np.random.default_rng(3)
    correct = []
    for index in range(samples):
        if domain == "mnist":
            digit = index % 10
            caption = f"the digit {digit} is moving {('left', 'up', 'right', 'down')[index % 4]}"
        else:
            shape = icons.SHAPES[index % len(icons.SHAPES)]
            color = COLORS[int(rng.integers(len(COLORS)))]
            caption = f"a {color} {shape} moving left"
        frame = generator.sample(torch.tensor([tokenize(caption)]), seed=index)[0]
        frame = frame.permute(1, 2, 0).numpy()  # (64, 64, C)
        if domain == "mnist":
            correct.append(digits_of(frame[None, :, :, 0], checker)[0] == digit)
        else:
            frame = np.repeat(frame, 3, axis=2) if frame.shape[2] == 1 else frame
            correct.append(icon_shape_and_color(frame) == (shape, color))
    return round(float(np.mean(correct)), 3)


def seconds_for_16(animator, caption: str) -> float:
    start = np.zeros((64, 64, 3), np.uint8)
    start[20:44, 28:36] = 255
    animator(caption, start, num_frames=16)  # warm-up
    began = time.perf_counter()
    repeats = 5
    for _ in range(repeats):
        animator(caption, start, num_frames=16)
    return (time.perf_counter() - began) / repeats


SPEED_CAPTIONS = {
    "mnist": "the digit 1 is moving left",
    "icons": "a red square moving left",
    "walking": "person walking left",
}


def format_cell(cell: dict | None) -> str:
    """'subject / direction / sharpness' of one horizon, '-' for what was not measured."""
    if cell is None:
        return f"{'-':>30}"
    subject = f"{cell['subject']:.3f}" if "subject" in cell else "-"
    return f"{subject:>16} / {cell['direction']:.3f} / {cell['sharpness']:.2f}"


def config_overrides(text: str) -> dict:
    """Inference-config changes: "rigid_window=0,whole_pixel_motion=false" -> a dict."""
    overrides: dict = {}
    for item in filter(None, text.split(",")):
        key, _, value = item.partition("=")
        lowered = value.strip().lower()
        overrides[key.strip()] = lowered == "true" if lowered in ("true", "false") else int(value)
    return overrides


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--domains", nargs="+", choices=("mnist", "icons", "walking"), default=["mnist"]
    )
    parser.add_argument("--sequences", type=int, default=60, help="per split")
    parser.add_argument("--gan-samples", type=int, default=100)
    parser.add_argument("--data", type=Path, default=None, help="mnist .npz")
    parser.add_argument("--out", type=Path, default=RESULTS / "text.json")
    parser.add_argument(
        "--mnist-variants",
        nargs="*",
        default=[],
        metavar="NAME=FOLDER[:KEY=VALUE,...]",
        help="more digit models (checkpoint folders) scored as extra rows, e.g. the "
        "adversarial schedules: adversarial=runs/text_mnist_adversarial/export; options after "
        "':' change the inference configuration, e.g. checkpoints/text/mnist:rigid_window=0",
    )
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    torch.set_num_threads(min(2, torch.get_num_threads()))
    checker = digit_checker()

    report: dict = {"benchmark": "text", "sequences_per_split": args.sequences, "domains": {}}
    for domain in args.domains:
        animator = TextSequenceAnimator.from_pretrained(domain, device="cpu")
        if domain == "mnist":
            variants = {}
            for entry in args.mnist_variants:
                name, _, source = entry.partition("=")
                folder, _, overrides = source.partition(":")
                variant = TextSequenceAnimator.from_pretrained("mnist", source=folder, device="cpu")
                variant.net.config = replace(variant.net.config, **config_overrides(overrides))
                variants[name] = variant
            results = bench_mnist(animator, checker, args.sequences, args.data, variants)
        elif domain == "icons":
            results = bench_icons(animator, args.sequences)
        else:
            results = bench_walking(animator, args.sequences, None)
        report["domains"][domain] = {
            "results": results,
            "first_frame_gan_subject": (
                bench_first_frame(animator, domain, checker, args.gan_samples)
                if domain != "walking"
                else None
            ),
            "seconds_16_frames": round(seconds_for_16(animator, SPEED_CAPTIONS[domain]), 3),
        }

    header = " ".join(f"{f'{h} frames: subj / dir / sharp':>30}" for h in HORIZONS)
    print(f"{'domain':7} {'split':9} {'method':16} {header}")
    for domain, entry in report["domains"].items():
        for split, methods in entry["results"].items():
            for method, cells in methods.items():
                row = " ".join(format_cell(cells.get(str(h))) for h in HORIZONS)
                print(f"{domain:7} {split:9} {method:16} {row}")
        seconds = entry["seconds_16_frames"]
        print(
            f"{domain}: 16 frames in {seconds:.3f} s ({15 / seconds:.0f} frames/s); "
            f"first-frame GAN subject accuracy: {entry['first_frame_gan_subject']}"
        )
    write_json(report, args.out)


if __name__ == "__main__":
    main()
