"""Brush (user-guided) waterfall renderer: speed, loop seam and sharpness on test photos.

Each test photo is resized to `--width` pixels wide (aspect kept), given a motion mask, a
direction and a speed, and rendered into a `--frames`-frame loop with

    animators.load("waterfall", "brush")(image, mask=mask, direction=..., speed=..., num_frames=N)

once with the default per-pixel cross-fade ("brush") and once with crossfade=1.0, one global
cross-fade of the two splats for all pixels (the baseline; its weight follows a smoothstep
in time rather than a straight line). Measured per photo and overall:
- seconds: wall-clock time of the whole call (median of `--repeats` runs);
- seam: `metrics.loop_seam_ratio(frames)`, the jump last -> first frame over the typical
  frame-to-frame change (about 1.0 is seamless);
- sharpness: `metrics.sharpness_ratio(frames, photo)` on the whole frame, and "in-mask" the
  same ratio over the moving mask only (the static part is the photo itself, so the
  whole-frame number flatters renderers when the mask is small).
Targets (brush, 24 frames at 768 px wide, 2 CPU cores): time < 2 s, seam <= 1.5,
sharpness >= 0.85 (whole frame).

Timings are noisy on a shared machine, so the JSON also has brush time / baseline time.

Test photos: the first frames of DAVIS blackswan and kite-surf (real water; the lower 55%
moves), the first frame of DAVIS cows with the whole image moving at a fractional speed (the
slowest case), examples/waterfall.png with examples/waterfall_mask.png when they exist (the
falling water moves down; examples/waterfall_pool_mask.png, if there, is a second stroke
moving right), and any images in folders given with --photos (the lower half moves down).

    python -m benchmarks.waterfall [--width 768] [--frames 24] [--data DIR]
                                   [--photos DIR ...] [--repeats 3] [--out FILE]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import animators
from animators.core import metrics
from animators.core.base import fit_size
from animators.core.inputs import load_image, load_mask, prepare_mask
from animators.core.limits import Limits
from animators.waterfall.animator import MAX_FRAMES, MIN_FRAMES
from benchmarks.common import (
    DEFAULT_DATA,
    REPO,
    RESULTS,
    machine,
    read_rgb,
    require_dir,
    resize,
    write_json,
)

MAX_SECONDS, MAX_SEAM, MIN_SHARPNESS = 2.0, 1.5, 0.85
MODES = {"brush": {}, "crossfade=1.0": {"crossfade": 1.0}}  # extra keyword arguments
PHOTO_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"}


@dataclass
class TestPhoto:
    name: str
    image: np.ndarray  # (H, W, 3) uint8 at the benchmark width
    mask: np.ndarray  # (H, W) bool, True where things move
    direction: float
    speed: float
    second_mask: np.ndarray | None = None  # moves at `second_direction`, same speed
    second_direction: float = 0.0

    @property
    def moving(self) -> np.ndarray:
        """Everything painted to move (both masks)."""
        return self.mask if self.second_mask is None else self.mask | self.second_mask


def at_width(image: np.ndarray, width: int) -> np.ndarray:
    """Resize to `width` pixels wide, aspect kept, within the library's longest-side limit."""
    height = max(1, round(image.shape[0] * width / image.shape[1]))
    return resize(image, *fit_size(width, height, Limits.from_env().max_side))


def lower_part(image: np.ndarray, fraction: float) -> np.ndarray:
    """A mask of the lower `fraction` of the image."""
    mask = np.zeros(image.shape[:2], dtype=bool)
    mask[round(image.shape[0] * (1.0 - fraction)) :] = True
    return mask


def test_photos(data: Path, width: int, extra_folders: list[Path]) -> list[TestPhoto]:
    def davis(sequence: str) -> np.ndarray:
        path = data / sequence / "00000.jpg"
        if not path.is_file():
            sys.exit(f"The DAVIS frame {path} is missing; pass the frames folder with --data DIR.")
        return at_width(read_rgb(path), width)

    photos = []
    for sequence, direction, speed in (("blackswan", 180.0, 1.5), ("kite-surf", 0.0, 2.5)):
        image = davis(sequence)
        photos.append(TestPhoto(sequence, image, lower_part(image, 0.55), direction, speed))
    image = davis("cows")
    whole = np.ones(image.shape[:2], dtype=bool)
    photos.append(TestPhoto("cows (whole image)", image, whole, 270.0, 1.3))

    example, example_mask = REPO / "examples/waterfall.png", REPO / "examples/waterfall_mask.png"
    if example.is_file() and example_mask.is_file():
        image = at_width(load_image(example)[0], width)
        mask, _ = prepare_mask(load_mask(example_mask) > 127, image.shape[:2])
        photo = TestPhoto("examples/waterfall.png", image, mask, 270.0, 2.0)
        pool_mask = REPO / "examples/waterfall_pool_mask.png"  # a second stroke, moving right
        if pool_mask.is_file():
            photo.second_mask, _ = prepare_mask(load_mask(pool_mask) > 127, image.shape[:2])
        photos.append(photo)

    for folder in extra_folders:
        if not folder.is_dir():
            sys.exit(f"No photo folder at {folder}.")
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in PHOTO_SUFFIXES:
                image = at_width(load_image(path)[0], width)
                photos.append(TestPhoto(path.name, image, lower_part(image, 0.5), 270.0, 2.0))
    return photos


def measure(animator, photo: TestPhoto, frames: int, repeats: int, **options) -> dict:
    """Render `photo` `repeats` times; the median wall-clock seconds and the clip's metrics."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        clip = animator(
            photo.image,
            mask=photo.mask,
            direction=photo.direction,
            speed=photo.speed,
            second_mask=photo.second_mask,
            second_direction=photo.second_direction,
            num_frames=frames,
            **options,
        )
        times.append(time.perf_counter() - began)
    seconds = statistics.median(times)
    seam = metrics.loop_seam_ratio(clip.frames)
    sharpness = metrics.sharpness_ratio(clip.frames, photo.image)
    in_mask = metrics.sharpness_ratio(clip.frames, photo.image, photo.moving)
    return {
        "seconds": round(seconds, 3),
        "seconds_all_runs": [round(t, 3) for t in times],
        "render_seconds": clip.info["seconds"],  # the renderer's own timer (no input checks)
        "loop_seam": round(seam, 3),
        "sharpness": round(sharpness, 3),
        "sharpness_in_mask": round(in_mask, 3),
        "passes": {
            "time": seconds < MAX_SECONDS,
            "seam": seam <= MAX_SEAM,
            "sharpness": sharpness >= MIN_SHARPNESS,
        },
    }


def overall(rows: list[dict]) -> dict:
    """Mean and worst case over the photos of one mode; the targets are judged on the worst."""
    keys = ("seconds", "loop_seam", "sharpness", "sharpness_in_mask")
    mean = {key: round(statistics.fmean(r[key] for r in rows), 3) for key in keys}
    worst = {
        "seconds": max(r["seconds"] for r in rows),
        "loop_seam": max(r["loop_seam"] for r in rows),
        "sharpness": min(r["sharpness"] for r in rows),
        "sharpness_in_mask": min(r["sharpness_in_mask"] for r in rows),
    }
    worst["passes"] = {
        "time": worst["seconds"] < MAX_SECONDS,
        "seam": worst["loop_seam"] <= MAX_SEAM,
        "sharpness": worst["sharpness"] >= MIN_SHARPNESS,
    }
    return {"mean": mean, "worst": worst}


def verdict(passes: dict) -> str:
    failed = [name for name, ok in passes.items() if not ok]
    return "pass" if not failed else "FAIL: " + ", ".join(failed)


def print_table(photos: list[TestPhoto], results: dict, summary: dict) -> None:
    header = (
        f"{'photo':24} {'mode':14} {'size':>8} {'speed':>5} {'seconds':>8} {'seam':>6} "
        f"{'sharp':>6} {'in-mask':>7}  targets"
    )
    print(header)
    print("-" * len(header))

    def line(name: str, mode: str, size: str, speed: str, row: dict, passes: dict | None) -> None:
        print(
            f"{name:24} {mode:14} {size:>8} {speed:>5} {row['seconds']:8.2f} "
            f"{row['loop_seam']:6.2f} {row['sharpness']:6.3f} {row['sharpness_in_mask']:7.3f}"
            f"  {verdict(passes) if passes is not None else ''}"
        )

    for photo in photos:
        size = f"{photo.image.shape[1]}x{photo.image.shape[0]}"
        for mode in MODES:
            row = results[photo.name][mode]
            line(photo.name, mode, size, f"{photo.speed:g}", row, row["passes"])
    for mode in MODES:
        worst = summary[mode]["worst"]
        line("all (mean)", mode, "", "", summary[mode]["mean"], None)
        line("all (worst)", mode, "", "", worst, worst["passes"])
    print(
        f"targets: time < {MAX_SECONDS:g} s, seam <= {MAX_SEAM:g}, "
        f"sharpness >= {MIN_SHARPNESS:g} (whole frame; in-mask is reported, not judged)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.waterfall", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--width", type=int, default=768, help="photo width in pixels")
    parser.add_argument("--frames", type=int, default=24, help="frames per loop")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="DAVIS frames folder")
    parser.add_argument(
        "--photos", type=Path, nargs="*", default=[], help="extra photo folders (lower half moves)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per photo and mode")
    parser.add_argument("--out", type=Path, default=RESULTS / "waterfall.json")
    args = parser.parse_args(argv)

    data = require_dir(args.data)
    if args.width < 64 or args.repeats < 1:
        sys.exit("The width must be at least 64 pixels and --repeats at least 1.")
    if not MIN_FRAMES <= args.frames <= MAX_FRAMES:
        sys.exit(f"The number of frames must be from {MIN_FRAMES} to {MAX_FRAMES}.")
    photos = test_photos(data, args.width, args.photos)
    animator = animators.load("waterfall", "brush")
    print(f"waterfall benchmark: {len(photos)} photos, {args.frames} frames, width {args.width}")
    warm = photos[0]  # the first call pays one-off set-up costs; not timed
    animator(warm.image, mask=warm.mask, direction=warm.direction, speed=warm.speed, num_frames=8)

    results: dict[str, dict] = {}
    for photo in photos:
        results[photo.name] = {
            mode: measure(animator, photo, args.frames, args.repeats, **options)
            for mode, options in MODES.items()
        }
        results[photo.name]["brush"]["time_vs_baseline"] = round(
            results[photo.name]["brush"]["seconds"]
            / max(results[photo.name]["crossfade=1.0"]["seconds"], 1e-9),
            2,
        )
    summary = {mode: overall([results[p.name][mode] for p in photos]) for mode in MODES}
    print_table(photos, results, summary)
    all_pass = all(summary["brush"]["worst"]["passes"].values())
    ratios = ", ".join(
        f"{name} {row['brush']['time_vs_baseline']:.2f}x" for name, row in results.items()
    )
    print(f"brush / crossfade=1.0 time: {ratios}")
    print(f"brush meets every target on every photo: {'yes' if all_pass else 'NO'}")

    write_json(
        {
            "benchmark": "waterfall",
            "data": str(data),
            "width": args.width,
            "frames": args.frames,
            "repeats": args.repeats,
            "targets": {
                "max_seconds": MAX_SECONDS,
                "max_loop_seam": MAX_SEAM,
                "min_sharpness": MIN_SHARPNESS,
            },
            "photos": [
                {
                    "name": p.name,
                    "size": f"{p.image.shape[1]}x{p.image.shape[0]}",
                    "moving_fraction": round(float(p.moving.mean()), 3),
                    "direction": p.direction,
                    "speed": p.speed,
                    "second_direction": p.second_direction if p.second_mask is not None else None,
                }
                for p in photos
            ],
            "results": results,
            "overall": summary,
            "brush_meets_targets": all_pass,
            "machine": machine(),
        },
        args.out,
    )


if __name__ == "__main__":
    main()
