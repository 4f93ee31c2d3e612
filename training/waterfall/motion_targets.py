"""Motion-field targets measured on real footage: a clip's average optical flow is the motion
field of its first frame (as in "Animating Pictures with Eulerian Motion Fields").

This assumes a still camera (tripod footage of waterfalls, rivers, smoke). A moving camera adds
its own motion to every pixel: the shared DAVIS water clips (blackswan, kite-surf) pan with
their subject, so their average flow is the pan, not the water; they are not used as targets.
`coherence` (|average flow| / average |flow|) tells steady flow (near 1) from back-and-forth
motion such as leaves in wind (near 0), which has no single direction to learn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from animators.core.optical_flow import dis_flow
from training.videos import clip_paths, read_clip

MIN_SPEED = 0.2  # px/frame at the measured size: slower pixels count as still
MIN_COHERENCE = 0.5


@dataclass
class MotionTarget:
    """image (H, W, 3) uint8 first frame; field (H, W, 2) float32 average flow in px/frame;
    moving (H, W) bool; coherence (H, W) float32; name."""

    name: str
    image: np.ndarray
    field: np.ndarray
    moving: np.ndarray
    coherence: np.ndarray


def resize_frames(frames: np.ndarray, width: int) -> np.ndarray:
    """Resize (T, H, W, 3) frames to `width` pixels wide, aspect kept."""
    height = max(1, round(frames.shape[1] * width / frames.shape[2]))
    return np.stack([cv2.resize(f, (width, height), interpolation=cv2.INTER_AREA) for f in frames])


def measure(name: str, frames: np.ndarray, max_frames: int = 60) -> MotionTarget:
    """Average DIS flow over the first `max_frames` consecutive pairs of (T, H, W, 3) uint8
    frames; moving = average speed >= MIN_SPEED and coherence >= MIN_COHERENCE."""
    frames = frames[: max_frames + 1]
    if len(frames) < 2:
        raise ValueError(f"{name}: a clip needs at least 2 frames.")
    flows = np.stack([dis_flow(a, b) for a, b in zip(frames[:-1], frames[1:], strict=True)])
    field = flows.mean(axis=0).astype(np.float32)
    speed = np.hypot(field[..., 0], field[..., 1])
    typical = np.hypot(flows[..., 0], flows[..., 1]).mean(axis=0)
    coherence = (speed / np.maximum(typical, 1e-6)).astype(np.float32)
    moving = (speed >= MIN_SPEED) & (coherence >= MIN_COHERENCE)
    return MotionTarget(name, frames[0], field, moving, coherence)


def load_targets(folders: list[Path], size: int) -> list[MotionTarget]:
    """Measure every clip in `folders` (`training.videos.clip_paths`) with its shorter side at
    1.5 x `size`."""
    targets = []
    for path in clip_paths(folders):
        frames = read_clip(path)
        short = min(frames.shape[1:3])
        width = round(frames.shape[2] * 1.5 * size / short)
        targets.append(measure(path.stem, resize_frames(frames, width)))
    return targets


def measured_scenes(split: str, count: int, size: int, frames: int, seed: int):
    """Yield (index, scene, reference) for `count` procedural fluid scenes of `split`
    ("train" or "test", see fluid_scenes.load_pool), `size` px square: each scene's clip of
    `frames` frames measured like real footage; reference None for an empty scene. Scenes
    whose layer is too faint to measure (under 1 % of the photo moving) are skipped."""
    from training.waterfall import fluid_scenes

    pool = fluid_scenes.load_pool(split)
    rng = np.random.default_rng(seed)
    for index in range(count):
        scene = fluid_scenes.make_scene(pool, size, rng)
        if scene.kind == "empty":
            yield index, scene, None
            continue
        clip = fluid_scenes.render_clip(scene, frames)
        reference = measure(f"scene {index} ({scene.kind})", clip)
        if reference.moving.mean() >= 0.01:
            yield index, scene, reference


def random_crop(target: MotionTarget, size: int, rng: np.random.Generator):
    """A random square crop (60-100 % of the shorter side) resized to size x size:
    (image uint8, field px/frame at that size, moving bool)."""
    height, width = target.image.shape[:2]
    side = int(min(height, width) * rng.uniform(0.6, 1.0))
    top = rng.integers(0, height - side + 1)
    left = rng.integers(0, width - side + 1)
    window = (slice(top, top + side), slice(left, left + side))
    scale = size / side
    image = cv2.resize(target.image[window], (size, size), interpolation=cv2.INTER_AREA)
    field = cv2.resize(target.field[window], (size, size), interpolation=cv2.INTER_AREA) * scale
    moving = cv2.resize(target.moving[window].astype(np.uint8), (size, size)) > 0
    return image, field.astype(np.float32), moving


def camera_share(target: MotionTarget) -> float:
    """|median flow vector| / mean speed of the average flow: near 1 when one global motion
    (a camera pan) explains the whole field, low when only parts of the image move."""
    speed = np.hypot(target.field[..., 0], target.field[..., 1])
    median = np.median(target.field.reshape(-1, 2), axis=0)
    return min(1.0, float(np.hypot(*median) / max(float(speed.mean()), 1e-6)))


def main(argv=None) -> None:
    """Print what the average flow of each clip looks like (is it usable as a target?)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m training.waterfall.motion_targets", description=main.__doc__
    )
    parser.add_argument("paths", type=Path, nargs="+", help="videos, gifs or frame folders")
    parser.add_argument("--width", type=int, default=384)
    args = parser.parse_args(argv)
    print(f"{'clip':24} {'mean speed':>10} {'coherence':>9} {'moving':>7} {'camera share':>12}")
    for path in args.paths:
        frames = resize_frames(read_clip(path), args.width)
        target = measure(path.stem, frames)
        speed = np.hypot(target.field[..., 0], target.field[..., 1])
        print(
            f"{path.stem:24} {speed.mean():10.2f} {float(target.coherence.mean()):9.2f} "
            f"{target.moving.mean():7.1%} {camera_share(target):12.2f}"
        )


if __name__ == "__main__":
    main()
