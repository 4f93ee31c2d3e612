"""Texture motion from one photo, judged against held-out clips: does the animation move where
and the way the clip moves, and does it stay sharp and loop?

Held-out clips (first frame in, the clip as the reference):
- procedural: `--scenes` fluid scenes (training.waterfall.fluid_scenes, split "test": bird
  test-split photos and the held-out DAVIS sequences as backgrounds, blackswan water as the real
  texture, none of which training sees), `--size` pixels square, the layer advected for `--frames`
  frames; empty scenes (no fluid) are counted apart;
- real: every video, gif or frame folder in the folders given with `--clips` (still-camera
  footage of waterfalls, rivers, smoke...), and with `--fluid test` the held-out real fluid
  clips of ../shared/data/video/fluid (training.splits.HELD_OUT_FLUID_SOURCES; kind from the
  manifest).
The reference motion is measured on the clip the same way for both: its average DIS optical
flow, "moving" where that is at least 0.2 px/frame and coherent (training.waterfall.motion_targets).

Rows: "static photo" (no motion), "flow" (the motion-field model + renderer, no brush, speed set
to the clip's median speed as a user would with the slider), "brush-guided" (the brush renderer
with the reference's moving pixels painted, its mean direction and median speed), and the original
project's generators "pix2gif", "recursive", "recurrent" (rows skipped when their checkpoints are
missing). Columns:
- field cos / EPE: the method's motion field against the reference on moving pixels (cosine of
  the directions, a pixel the method leaves still counts 0; end-point error in px/frame);
  "found" is the share of moving pixels the method moves at all, "cos found" the cosine over
  those only (direction quality apart from detection); for the generators, the
  field is their clip's measured average flow;
- in/out: mean speed of the field inside the moving region over outside it;
- clip in/out: the same for the rendered animation (its measured mean |optical flow| per frame);
- seam (last->first change / typical change), sharpness (Laplacian variance vs the photo, whole
  frame and inside the moving region), frame-0 PSNR against the photo, ms per frame.
Also the field cosine apart for scenes whose direction the photo shows (falls, rising smoke,
rivers toward the viewer) and scenes whose sign was a coin flip (sideways rivers and smoke: the
photo is identical either way, so any photo-only method scores 0 there in expectation), with
the ceiling that sets for any photo-only method: the share of direction-shown scenes.
Targets: field cosine >= 0.7 and in/out >= 5 without a brush; seam <= 1.5 and
sharpness >= 0.85; 24 frames of a 768 px-wide photo in under 3 s (timed on `--time-photos`
photos: examples/waterfall.png and held-out scenes resized to 768x512).
Also a check on our own rendered example, a different kind of picture from the training
scenes: the share of examples/waterfall.png's falling water (examples/waterfall_mask.png) that
`flow` moves, and the direction it moves it.
`--sides` sets the sizes the motion-field network sees (default: the app's, NET_SIDES).
The predictor ablation gives the field cosine of the network alone and with the streak
alignment (animators.waterfall.streaks) that the app applies after it.

    python -m benchmarks.waterfall.motion [--scenes 48] [--size 256] [--frames 24]
        [--clips DIR ...] [--fluid test|train|all] [--sides 160 256]
        [--out benchmarks/results/waterfall_motion.json]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

import animators
from animators.core import metrics
from animators.core.base import InputError
from animators.core.checkpoints import CheckpointNotFound
from animators.core.inputs import load_image
from animators.core.optical_flow import dis_flow
from animators.waterfall.generators import ORIGINAL_METHODS
from benchmarks.common import REPO, RESULTS, machine, write_json
from training.videos import DEFAULT_FLUID, FLUID_SPLITS, clip_paths, fluid_clips, read_clip
from training.waterfall import motion_targets

MIN_COSINE, MIN_IN_OUT, MAX_SEAM, MIN_SHARPNESS, MAX_SECONDS = 0.7, 5.0, 1.5, 0.85, 3.0
ROWS = ("static photo", "flow", "brush-guided", "pix2gif", "recursive", "recurrent")


@dataclass
class Case:
    """A held-out clip: its first frame and the motion measured on it."""

    name: str
    source: str  # "procedural" or "real"
    kind: str  # the scene's kind ("fall", "river", "smoke"; a manifest's kind) or "real"
    image: np.ndarray  # (H, W, 3) uint8
    reference: motion_targets.MotionTarget
    direction_known: bool = True  # False: the sign was a coin flip the photo does not show


def procedural_cases(count: int, size: int, frames: int, seed: int = 2026) -> tuple[list, list]:
    """(cases with fluid, first frames of empty scenes) from the held-out scene pool."""
    cases, empty = [], []
    for _, scene, reference in motion_targets.measured_scenes("test", count, size, frames, seed):
        if reference is None:
            empty.append(scene.image)
            continue
        cases.append(
            Case(
                reference.name, "procedural", scene.kind, scene.image, reference,
                scene.direction_known,
            )
        )  # fmt: skip
    return cases, empty


def real_cases(clips: list[tuple[Path, str]], width: int) -> list[Case]:
    """One case per (clip path, kind): its first frame and the motion measured on it."""
    cases = []
    for path, kind in clips:
        frames = motion_targets.resize_frames(read_clip(path), width)
        reference = motion_targets.measure(path.stem, frames)
        cases.append(Case(path.stem, "real", kind, frames[0], reference))
    return cases


def median_speed(reference: motion_targets.MotionTarget) -> float:
    speed = np.hypot(reference.field[..., 0], reference.field[..., 1])[reference.moving]
    return float(np.median(speed)) if speed.size else 1.0


def mean_direction(field: np.ndarray, where: np.ndarray) -> float | None:
    """Direction of the mean of `field` (H, W, 2) over `where` (H, W) bool, in degrees
    (0 = right, 90 = up); None where nothing is selected or nothing moves."""
    if not where.any():
        return None
    mean = field[where].mean(axis=0)
    if not np.hypot(*mean) > 1e-9:
        return None
    return round(float(np.degrees(np.arctan2(-mean[1], mean[0])) % 360.0), 1)


def animate(row: str, case: Case, animators_by_row: dict, frames: int):
    """(frames (N, H, W, 3) uint8, motion field (H, W, 2) or None, seconds) for one row."""
    reference = case.reference
    speed = median_speed(reference)
    began = time.perf_counter()
    if row == "static photo":
        return np.repeat(case.image[None], frames, axis=0), np.zeros_like(reference.field), 0.0
    if row == "flow":
        try:
            clip = animators_by_row[row](case.image, speed=speed, num_frames=frames)
        except InputError:  # the model found nothing to move: a still photo
            still = np.repeat(case.image[None], frames, axis=0)
            return still, np.zeros_like(reference.field), time.perf_counter() - began
    elif row != "brush-guided":
        # the original project's generators: their field is their clip's flow
        clip = animators_by_row[row](case.image, num_frames=frames)
    else:
        direction = mean_direction(reference.field, reference.moving) or 0.0
        clip = animators_by_row[row](
            case.image, mask=reference.moving, direction=direction, speed=speed, num_frames=frames
        )
    return clip.frames, clip.info.get("motion_field"), time.perf_counter() - began


def clip_motion(frames: np.ndarray) -> np.ndarray:
    """(H, W) mean |optical flow| per frame of a clip (how much each pixel moves)."""
    flows = [dis_flow(a, b) for a, b in zip(frames[:-1], frames[1:], strict=True)]
    return np.mean([np.hypot(f[..., 0], f[..., 1]) for f in flows], axis=0)


def ratio(values: np.ndarray, inside: np.ndarray) -> float:
    outside = float(values[~inside].mean()) if (~inside).any() else 0.0
    return float(values[inside].mean()) / max(outside, 1e-3)


def score(case: Case, frames: np.ndarray, field: np.ndarray, seconds: float) -> dict:
    reference, moving = case.reference, case.reference.moving
    speed = np.hypot(field[..., 0], field[..., 1])
    cosine = metrics.field_cosines(field, reference.field)
    epe = np.hypot(*(field - reference.field)[moving].T)
    found = moving & (speed > 1e-6)
    return {
        "field_cosine": round(float(cosine[moving].mean()), 3),
        "axis_cosine": round(float(np.abs(cosine[moving]).mean()), 3),
        "cosine_where_found": round(float(cosine[found].mean()), 3) if found.any() else 0.0,
        "found": round(float(found.sum() / max(moving.sum(), 1)), 3),
        "epe": round(float(epe.mean()), 3),
        "in_out": round(ratio(speed, moving), 2),
        "clip_in_out": round(ratio(clip_motion(frames), moving), 2),
        "seam": round(metrics.loop_seam_ratio(frames), 3),
        "sharpness": round(metrics.sharpness_ratio(frames, case.image), 3),
        "sharpness_moving": round(metrics.sharpness_ratio(frames, case.image, moving), 3),
        "frame0_psnr": round(metrics.psnr(frames[0], case.image), 2),
        "ms_per_frame": round(1000.0 * seconds / len(frames), 1),
    }


def summarise(rows: list[dict]) -> dict:
    keys = rows[0].keys()
    return {key: round(statistics.fmean(r[key] for r in rows), 3) for key in keys}


def empty_scene_motion(animator, images: list[np.ndarray]) -> float:
    """Mean share of an empty scene (no fluid at all) that the model sets moving."""
    shares = []
    for image in images:
        try:
            clip = animator(image, num_frames=8)
            field = clip.info["motion_field"]
            shares.append(float((np.hypot(field[..., 0], field[..., 1]) > 1e-6).mean()))
        except InputError:
            shares.append(0.0)
    return round(statistics.fmean(shares), 3) if shares else float("nan")


def predictor_ablation(predictor, cases: list[Case]) -> dict[str, dict[str, float]]:
    """Field cosine on moving pixels of the procedural cases (all / direction shown) for the
    network alone and with the streak alignment the app uses (`predictor.align`)."""
    procedural = [c for c in cases if c.source == "procedural"]
    chosen = predictor.align
    ablation = {}
    if not procedural:
        return ablation
    try:
        for name, align in (("network only", False), ("+ streak alignment", True)):
            predictor.align = align
            cosines = {}
            for case in procedural:
                field, _ = predictor.predict(case.image)
                cosine = metrics.field_cosines(field, case.reference.field)
                cosines[case.name] = float(cosine[case.reference.moving].mean())
            shown = [cosines[c.name] for c in procedural if c.direction_known]
            ablation[name] = {
                "field_cosine": round(statistics.fmean(cosines.values()), 3),
                "field_cosine_direction_shown": round(statistics.fmean(shown), 3),
            }
    finally:
        predictor.align = chosen
    return ablation


def timing(animator, photos: list[np.ndarray], frames: int) -> list[float]:
    """Seconds for `frames` frames of each photo, end to end (model + render)."""
    seconds = []
    for photo in photos:
        began = time.perf_counter()
        try:
            animator(photo, num_frames=frames)
        except InputError:
            pass
        seconds.append(round(time.perf_counter() - began, 3))
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.waterfall.motion", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--scenes", type=int, default=48, help="procedural held-out scenes")
    parser.add_argument("--size", type=int, default=256, help="procedural scene side (px)")
    parser.add_argument("--frames", type=int, default=24)
    parser.add_argument("--clips", type=Path, nargs="*", default=[], help="real footage folders")
    parser.add_argument(
        "--fluid",
        choices=FLUID_SPLITS,
        default=None,
        help="also the real fluid clips of this split (../shared/data/video/fluid/MANIFEST.csv)",
    )
    parser.add_argument("--fluid-dir", type=Path, default=DEFAULT_FLUID)
    parser.add_argument("--width", type=int, default=384, help="real clips are resized to this")
    parser.add_argument(
        "--sides", type=int, nargs="+", default=None, help="network input sizes (px)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "waterfall_motion.json")
    args = parser.parse_args(argv)

    cases, empty = procedural_cases(args.scenes, args.size, args.frames)
    clips = [(path, "real") for path in clip_paths(args.clips)]
    if args.fluid:
        clips += fluid_clips(args.fluid_dir, args.fluid)
    cases += real_cases(clips, args.width)
    by_row = {"flow": animators.load("waterfall", "flow")}
    if args.sides:
        by_row["flow"].predictor.sides = tuple(args.sides)
    by_row["brush-guided"] = animators.load("waterfall", "brush")
    for method in ORIGINAL_METHODS:
        try:
            by_row[method] = animators.load("waterfall", method)
        except CheckpointNotFound:
            print(f"no {method} checkpoint: its row is skipped")
    rows = [row for row in ROWS if row == "static photo" or row in by_row]
    print(f"waterfall motion benchmark: {len(cases)} held-out clips, {args.frames} frames")
    results: dict[str, dict[str, dict]] = {row: {} for row in rows}
    flow_directions: dict[str, float | None] = {}  # where `flow` moves the moving region
    for case in cases:
        for row in rows:
            frames, field, seconds = animate(row, case, by_row, args.frames)
            results[row][case.name] = score(case, frames, field, seconds)
            if row == "flow":
                moved = case.reference.moving & (np.hypot(field[..., 0], field[..., 1]) > 1e-6)
                flow_directions[case.name] = mean_direction(field, moved)
    header = (
        f"{'row':14} {'clips':10} {'field cos':>9} {'found':>6} {'cos found':>9} {'EPE':>6} "
        f"{'in/out':>7} {'clip in/out':>11} "
        f"{'seam':>6} {'sharp':>6} {'sharp mv':>8} {'PSNR0':>6} {'ms/fr':>6}"
    )
    print(header)
    print("-" * len(header))
    summary: dict[str, dict] = {}
    for row in rows:
        for source in ("procedural", "real"):
            chosen = [results[row][c.name] for c in cases if c.source == source]
            if not chosen:
                continue
            mean = summarise(chosen)
            summary.setdefault(row, {})[source] = mean
            print(
                f"{row:14} {source:10} {mean['field_cosine']:9.3f} {mean['found']:6.2f} "
                f"{mean['cosine_where_found']:9.3f} {mean['epe']:6.2f} "
                f"{mean['in_out']:7.1f} {mean['clip_in_out']:11.1f} {mean['seam']:6.2f} "
                f"{mean['sharpness']:6.3f} {mean['sharpness_moving']:8.3f} "
                f"{mean['frame0_psnr']:6.1f} {mean['ms_per_frame']:6.1f}"
            )
    print("field cosine by kind of scene (how many):")
    kinds = sorted({c.kind for c in cases})
    by_kind: dict[str, dict[str, float]] = {}
    for row in rows:
        by_kind[row] = {
            kind: round(
                statistics.fmean(
                    results[row][c.name]["field_cosine"] for c in cases if c.kind == kind
                ),
                3,
            )
            for kind in kinds
        }
        counts = {kind: sum(c.kind == kind for c in cases) for kind in kinds}
        print(
            f"  {row:14} "
            + "  ".join(f"{k} ({counts[k]}) {v:.3f}" for k, v in by_kind[row].items())
        )
    known = [c for c in cases if c.source == "procedural" and c.direction_known]
    coin_flips = [c for c in cases if c.source == "procedural" and not c.direction_known]
    by_cue = {
        row: {
            group: {
                "scenes": len(chosen),
                "field_cosine": round(
                    statistics.fmean(results[row][c.name]["field_cosine"] for c in chosen), 3
                ),
                "axis_cosine": round(
                    statistics.fmean(results[row][c.name]["axis_cosine"] for c in chosen), 3
                ),
            }
            for group, chosen in (("direction_shown", known), ("sign_coin_flip", coin_flips))
            if chosen
        }
        for row in rows
    }
    procedural = len(known) + len(coin_flips)
    ceiling = round(len(known) / procedural, 3) if procedural else None
    print(
        f"field cosine where the photo shows the direction ({len(known)} scenes) / where its sign"
        f" is a coin flip the photo does not show ({len(coin_flips)}; axis |cos| in brackets):"
    )

    def value(row: str, group: str, key: str) -> float:
        return by_cue[row].get(group, {}).get(key, float("nan"))

    for row in rows:
        print(
            f"  {row:14} {value(row, 'direction_shown', 'field_cosine'):.3f} / "
            f"{value(row, 'sign_coin_flip', 'field_cosine'):.3f} "
            f"({value(row, 'sign_coin_flip', 'axis_cosine'):.3f})"
        )
    print(f"ceiling for any photo-only method (coin flips score 0 in expectation): {ceiling}")
    ablation = predictor_ablation(by_row["flow"].predictor, cases)
    print("motion-field predictor ablation (field cosine, all / direction shown):")
    for name, values in ablation.items():
        print(
            f"  {name:20} {values['field_cosine']:.3f} / "
            f"{values['field_cosine_direction_shown']:.3f}"
        )
    empty_share = empty_scene_motion(by_row["flow"], empty)
    print(f"flow on {len(empty)} empty scenes: moves {empty_share:.1%} of the photo on average")

    example, _ = load_image(REPO / "examples/waterfall.png")
    fall, _ = load_image(REPO / "examples/waterfall_mask.png")
    fall = fall[..., 0] > 127
    example_field, _ = by_row["flow"].predictor.predict(example)
    example_fall = {
        "moving_share": round(float(np.any(example_field[fall] != 0, axis=-1).mean()), 3),
        "direction_degrees": mean_direction(example_field, fall),
    }
    print(
        f"flow on examples/waterfall.png: moves {example_fall['moving_share']:.0%} of the "
        f"falling water, direction {example_fall['direction_degrees']} degrees (270 = down)"
    )
    photos = [cv2.resize(example, (768, 512), interpolation=cv2.INTER_AREA)]
    photos += [cv2.resize(c.image, (768, 512), interpolation=cv2.INTER_LINEAR) for c in cases[:3]]
    by_row["flow"](photos[0], num_frames=8)  # warm-up, not timed
    seconds = timing(by_row["flow"], photos, 24)
    print(f"flow, 24 frames of 768x512 photos, end to end: {seconds} s")

    # the targets are judged on the procedural scenes, or on the real clips when there are none
    flow = summary["flow"].get("procedural") or summary["flow"]["real"]
    passes = {
        "field_cosine": flow["field_cosine"] >= MIN_COSINE,
        "in_out": flow["in_out"] >= MIN_IN_OUT,
        "seam": flow["seam"] <= MAX_SEAM,
        "sharpness": flow["sharpness"] >= MIN_SHARPNESS,
        "time": max(seconds) < MAX_SECONDS,
    }
    print("flow targets: " + ", ".join(f"{k} {'pass' if v else 'FAIL'}" for k, v in passes.items()))
    write_json(
        {
            "benchmark": "waterfall_motion",
            "frames": args.frames,
            "procedural_scenes": args.scenes,
            "scene_size": args.size,
            "real_clip_folders": [str(p) for p in args.clips],
            "fluid_split": args.fluid,
            "clips": [
                {
                    "name": c.name,
                    "source": c.source,
                    "kind": c.kind,
                    "moving_fraction": round(float(c.reference.moving.mean()), 3),
                    "direction_known": c.direction_known,
                    "direction_degrees": mean_direction(c.reference.field, c.reference.moving),
                    "flow_direction_degrees": flow_directions[c.name],
                }
                for c in cases
            ],
            "results": results,
            "summary": summary,
            "field_cosine_by_kind": by_kind,
            "field_cosine_by_direction_cue": by_cue,
            "photo_only_ceiling": ceiling,
            "predictor_ablation": ablation,
            "empty_scenes": len(empty),
            "empty_scene_moving_share": empty_share,
            "seconds_768x512_24_frames": seconds,
            "network_sides": list(by_row["flow"].predictor.sides),
            "example_waterfall_fall": example_fall,
            "targets": {
                "min_field_cosine": MIN_COSINE,
                "min_in_out": MIN_IN_OUT,
                "max_seam": MAX_SEAM,
                "min_sharpness": MIN_SHARPNESS,
                "max_seconds": MAX_SECONDS,
            },
            "flow_passes": passes,
            "machine": machine(),
        },
        args.out,
    )


if __name__ == "__main__":
    main()
