"""Choose the streak-alignment settings (`animators.waterfall.streaks`) on training-split scenes.

Builds `--scenes` procedural fluid scenes from the *training* pool (never the benchmark's
held-out one), runs the shipped motion-field network once per scene without alignment, then
scores every combination of window size, coherence ramp and largest turn by the field cosine
on moving pixels (as `benchmarks.waterfall.motion` measures it). Prints the grid, best first;
the chosen values are the constants in `animators/waterfall/streaks.py`.

    python -m training.waterfall.tune_streak_axis [--scenes 60] [--size 256] [--seed 7]
"""

from __future__ import annotations

import argparse
import itertools
import statistics

import numpy as np
from tqdm import tqdm

from animators.core import metrics
from animators.waterfall.motion_field import MotionFieldPredictor
from animators.waterfall.streaks import align_to_streaks
from training.waterfall import motion_targets

WINDOW_SIGMAS = (6.0, 10.0, 16.0)
COHERENCE_RAMPS = ((0.1, 0.4), (0.2, 0.6), (0.3, 0.8))
MAX_TURNS = (45.0, 60.0, 90.0)


def training_cases(count: int, size: int, seed: int, frames: int = 24) -> list:
    """[(photo (S, S, 3) uint8, reference MotionTarget)] for the fluid training scenes."""
    scenes = motion_targets.measured_scenes("train", count, size, frames, seed)
    return [
        (scene.image, reference)
        for _, scene, reference in tqdm(scenes, total=count, desc="scenes")
        if reference is not None
    ]


def mean_cosine(fields: list[np.ndarray], cases: list) -> float:
    return statistics.fmean(
        float(metrics.field_cosines(field, reference.field)[reference.moving].mean())
        for field, (_, reference) in zip(fields, cases, strict=True)
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m training.waterfall.tune_streak_axis")
    parser.add_argument("--scenes", type=int, default=60)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    cases = training_cases(args.scenes, args.size, args.seed)
    predictor = MotionFieldPredictor.from_pretrained()
    predictor.align = False
    fields = [predictor.predict(image)[0] for image, _ in tqdm(cases, desc="network")]
    print(f"{len(cases)} training-split scenes; network only: {mean_cosine(fields, cases):.3f}")
    scores = []
    grid = list(itertools.product(WINDOW_SIGMAS, COHERENCE_RAMPS, MAX_TURNS))
    for window, ramp, turn in tqdm(grid, desc="grid"):
        aligned = [
            align_to_streaks(field, image, ramp, turn, window)
            for field, (image, _) in zip(fields, cases, strict=True)
        ]
        scores.append((mean_cosine(aligned, cases), window, ramp, turn))
    print("field cosine  window  coherence ramp  max turn")
    for score, window, ramp, turn in sorted(scores, reverse=True):
        print(f"{score:12.3f}  {window:6.0f}  {ramp!s:>14}  {turn:8.0f}")


if __name__ == "__main__":
    main()
