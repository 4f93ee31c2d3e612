"""Inbetweening, the original project's protocol for whole-clip models: 30-frame 64x64 clips, first
and last frame given, the 28 frames between them predicted; mean L2 per clip (pixels in 0..1).

Clips are cut from the three DAVIS sequences held out of all training
(training.splits.HELD_OUT_DAVIS), taking every 2nd frame (the original project
took every 3rd frame of Moments in Time; our held-out sequences are 60-84 frames long, too short for
30 frames at every 3rd), centre-cropped to a square and resized to 64x64. A clip starts every
`--every` sampled frames. Each method is called as

    animators.load("inbetween", method=m)(first, last, num_frames=28).frames[1:-1]

"L2" is the mean squared error per pixel and channel over the 28 predicted frames, one number
per clip, averaged over clips (lower is better); PSNR of the same error is reported beside it.
Sampling methods (cvae, cgan) run once per seed (`--samples` seeds): their L2 is the mean over
seeds, beside the best seed per clip (how close the nearest sample comes) and the diversity
(the per-pixel standard deviation across the samples, pixels in 0..1).

    python -m benchmarks.inbetween.clips [--data DIR] [--methods blend,flow,learned,cvae,cgan,mipal]
                                         [--samples N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

import animators
from benchmarks.common import (
    DEFAULT_DATA,
    RESULTS,
    machine,
    read_rgb,
    require_dir,
    resize,
    write_json,
)
from training.splits import HELD_OUT_DAVIS

CLIP_FRAMES = 30
FRAME_STEP = 2
SIZE = 64


def square_crop(image: np.ndarray) -> np.ndarray:
    """The centred square of an (H, W, 3) image."""
    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    return image[top : top + side, left : left + side]


def clips_of(folder: Path, every: int) -> list[np.ndarray]:
    """(30, 64, 64, 3) uint8 clips of a frame folder, every 2nd frame, one every `every`."""
    paths = sorted(folder.glob("*.jpg"))[::FRAME_STEP]
    frames = [resize(square_crop(read_rgb(path)), SIZE, SIZE) for path in paths]
    return [
        np.stack(frames[first : first + CLIP_FRAMES])
        for first in range(0, len(frames) - CLIP_FRAMES + 1, every)
    ]


def clip_l2(prediction: np.ndarray, truth: np.ndarray) -> float:
    """Mean squared error per pixel and channel, pixels in 0..1."""
    difference = prediction.astype(np.float64) / 255.0 - truth.astype(np.float64) / 255.0
    return float(np.mean(difference**2))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="DAVIS frames folder")
    parser.add_argument("--sequences", default=",".join(HELD_OUT_DAVIS))
    parser.add_argument("--every", type=int, default=2, help="a clip every N sampled frames")
    parser.add_argument("--methods", default="blend,flow,learned,cvae,cgan,mipal")
    parser.add_argument("--samples", type=int, default=3, help="seeds per sampling method")
    parser.add_argument("--out", type=Path, default=RESULTS / "inbetween_clips.json")
    args = parser.parse_args(argv)

    data = require_dir(args.data)
    sequences = [name.strip() for name in args.sequences.split(",") if name.strip()]
    methods = [name.strip() for name in args.methods.split(",") if name.strip()]
    clips = {name: clips_of(data / name, max(1, args.every)) for name in sequences}
    count = sum(len(found) for found in clips.values())
    if count == 0:
        raise SystemExit(f"No sequence under {data} is long enough for {CLIP_FRAMES}-frame clips.")
    print(f"{count} clips of {CLIP_FRAMES} frames at {SIZE}x{SIZE} from {', '.join(sequences)}")

    results: dict[str, dict] = {}
    for method in methods:
        animator = animators.load("inbetween", method)
        seeds = range(max(1, args.samples)) if animator.stochastic else range(1)
        errors, best, spread, seconds = [], [], [], []
        for found in clips.values():
            for clip in found:
                made = []
                for seed in seeds:
                    began = time.perf_counter()
                    frames = animator(clip[0], clip[-1], num_frames=CLIP_FRAMES - 2, seed=seed)
                    seconds.append(time.perf_counter() - began)
                    made.append(frames.frames[1:-1])
                clip_errors = [clip_l2(predicted, clip[1:-1]) for predicted in made]
                errors += clip_errors
                best.append(min(clip_errors))
                if len(made) > 1:
                    spread.append(float((np.stack(made) / 255.0).std(axis=0).mean()))
        mean = statistics.fmean(errors)
        row = {
            "mean_l2": round(mean, 5),
            "psnr": round(-10 * np.log10(mean), 3),
            "seconds_per_clip": round(statistics.median(seconds), 3),
            "clips": len(best),
        }
        if animator.stochastic:
            row["samples"] = len(seeds)
            row["best_of_samples_l2"] = round(statistics.fmean(best), 5)
            row["diversity"] = round(statistics.fmean(spread), 4) if spread else 0.0
        results[method] = row
        print(
            f"{method:8} mean L2 {mean:.5f}  ({row['psnr']:.2f} dB)  "
            f"{row['seconds_per_clip']:.2f} s per clip"
            + (f"  best of {len(seeds)} {row['best_of_samples_l2']:.5f}" if len(seeds) > 1 else "")
        )
    write_json(
        {
            "benchmark": "inbetween_clips",
            "data": str(data),
            "sequences": sequences,
            "clip_frames": CLIP_FRAMES,
            "frame_step": FRAME_STEP,
            "size": SIZE,
            "every": args.every,
            "samples_per_sampling_method": args.samples,
            "machine": machine(),
            "results": results,
        },
        args.out,
    )


if __name__ == "__main__":
    main()
