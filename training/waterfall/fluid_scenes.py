"""Procedural fluid scenes for the motion-field model: real photos with a synthetic flowing layer.

A scene is a real background photo with a fluid layer composited inside a random soft region:
- "fall": a vertical curtain (waterfall), flowing down, faster lower down;
- "river": a band across the lower part, flowing sideways or toward the viewer (down);
- "smoke": soft blobs drifting up or sideways, semi-transparent.
The layer's texture is streaked along the flow (line-integral convolution of noise, or of a real
water patch cut from a video frame), so that a still photo shows where, and along which axis,
things flow: the cue a person reads in a photo of a waterfall. Directions follow the priors of
real scenes (water falls down, smoke rises), since a still photo cannot tell a river's sign.

The target is the layer's motion field: (H, W, 2) float32 px/frame, zero outside the region, and
`moving` (H, W) bool. `render_clip` advects the layer along the field over time, giving a video
whose measured average flow is the field (the benchmark's held-out "clips").

Backgrounds never contain real fluid that should move (the DAVIS water clips are excluded), or
the model would learn that real water stands still. Held-out scenes use other photos (bird
test split, the held-out DAVIS sequences) and another real water texture (blackswan); the names
are in training.splits (HELD_OUT_DAVIS, WATER_CLIPS, TRAIN_WATER, TEST_WATER), the photo and
frame readers in training.videos.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from training.splits import HELD_OUT_DAVIS, TEST_WATER, TRAIN_WATER, WATER_CLIPS
from training.videos import (
    DEFAULT_BIRDS,
    DEFAULT_DAVIS,
    read_bird_photos,
    read_frame_folder,
    read_photos,
)

KINDS = ("fall", "river", "smoke")
KIND_WEIGHTS = (0.45, 0.35, 0.2)
EMPTY_SHARE = 0.15  # scenes without any fluid: the model must not invent motion
DISTRACTOR_SHARE = 0.4  # scenes with a still, streak-free layer shaped like a fluid region


@dataclass
class FluidScene:
    """image (S, S, 3) uint8; field (S, S, 2) float32 px/frame, zero where nothing moves;
    moving (S, S) bool; alpha (S, S) float32 the layer's opacity; layer (S, S, 3) float32 the
    fluid's colours before compositing; background (S, S, 3) float32; flow (S, S, 2) float32 the
    field before masking (for advecting the layer); direction_known False where the direction's
    sign was a coin flip that the photo does not show (`main_direction`)."""

    image: np.ndarray
    field: np.ndarray
    moving: np.ndarray
    kind: str
    alpha: np.ndarray
    layer: np.ndarray
    background: np.ndarray
    flow: np.ndarray
    direction_known: bool


@dataclass
class ScenePool:
    """Background photos and real water patches ((H, W, 3) uint8) for one split."""

    backgrounds: list[np.ndarray]
    water: list[np.ndarray]


def _davis_frames(davis: Path, sequences, every: int) -> list[np.ndarray]:
    frames = []
    for name in sequences:
        folder = Path(davis) / name
        if folder.is_dir():
            frames += list(read_frame_folder(folder)[::every])
    return frames


def load_pool(
    split: str = "train",
    birds: Path = DEFAULT_BIRDS,
    davis: Path = DEFAULT_DAVIS,
    bird_limit: int | None = None,
    extra_backgrounds: list[np.ndarray] | None = None,
) -> ScenePool:
    """Backgrounds and water patches for "train" or "test" (held out: bird test split, the
    HELD_OUT_DAVIS sequences, blackswan water)."""
    if split not in ("train", "test"):
        raise ValueError("split must be 'train' or 'test'")
    train = split == "train"
    davis = Path(davis)
    available = sorted(p.name for p in davis.iterdir() if p.is_dir()) if davis.is_dir() else []
    if train:
        sequences = [s for s in available if s not in HELD_OUT_DAVIS + WATER_CLIPS]
    else:
        sequences = [s for s in available if s in HELD_OUT_DAVIS]
    backgrounds = read_bird_photos(birds, split, bird_limit) + _davis_frames(davis, sequences, 10)
    backgrounds += list(extra_backgrounds or [])
    water_clip = davis / (TRAIN_WATER if train else TEST_WATER)
    water = []
    if water_clip.is_dir():
        for frame in read_frame_folder(water_clip)[::5]:
            height = frame.shape[0]
            water.append(frame[int(0.55 * height) :])  # the lower part is open water
    if not backgrounds:
        raise FileNotFoundError("No background photos found (bird photos or DAVIS frames).")
    return ScenePool(backgrounds, water)


def add_pool_arguments(parser) -> None:
    """--birds, --davis and --backgrounds options of the trainers that use fluid scenes."""
    parser.add_argument("--birds", type=Path, default=DEFAULT_BIRDS)
    parser.add_argument("--davis", type=Path, default=DEFAULT_DAVIS)
    parser.add_argument(
        "--backgrounds", type=Path, default=None, help="a folder of more background photos"
    )


def pools_from_arguments(args, limit: int | None = None) -> tuple[ScenePool, ScenePool]:
    """(train, held-out) pools for `add_pool_arguments`' options; without held-out photos the
    training pool validates too (and says so)."""
    extra = read_photos(args.backgrounds) if args.backgrounds else []
    train = load_pool("train", args.birds, args.davis, limit, extra)
    try:
        return train, load_pool("test", args.birds, args.davis, limit)
    except FileNotFoundError:
        print("No held-out photos (bird test split, held-out DAVIS): validating on training ones.")
        return train, train


def smooth_noise(height: int, width: int, cells: int, rng: np.random.Generator) -> np.ndarray:
    """Smooth random values in [-1, 1] varying over about `cells` bumps across the image."""
    grid = rng.uniform(-1, 1, (cells + 3, cells + 3)).astype(np.float32)
    return cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC).clip(-1, 1)


def random_crop(image: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """A random square crop (40-100 % of the shorter side), resized to size x size, maybe
    mirrored."""
    height, width = image.shape[:2]
    side = int(min(height, width) * rng.uniform(0.4, 1.0))
    top = rng.integers(0, height - side + 1)
    left = rng.integers(0, width - side + 1)
    crop = image[top : top + side, left : left + side]
    crop = cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(crop[:, ::-1]) if rng.random() < 0.5 else crop


def region(kind: str, size: int, rng: np.random.Generator) -> np.ndarray:
    """A soft (size, size) float32 mask in [0, 1] of where the fluid is."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32) / size
    wobble = smooth_noise(size, size, 4, rng)
    if kind == "fall":
        centre = rng.uniform(0.15, 0.85) + 0.05 * smooth_noise(size, 1, 3, rng)
        half = rng.uniform(0.06, 0.25) * (1 + 0.35 * smooth_noise(size, 1, 3, rng))
        top, bottom = rng.uniform(0.0, 0.35), rng.uniform(0.75, 1.05)
        inside = (np.abs(xs - centre) < half) & (ys > top) & (ys < bottom)
    elif kind == "river":
        upper = rng.uniform(0.3, 0.7) + 0.06 * smooth_noise(1, size, 3, rng)
        lower = rng.uniform(0.85, 1.1) + 0.06 * smooth_noise(1, size, 3, rng)
        inside = (ys > upper) & (ys < lower)
    else:
        level = rng.uniform(0.1, 0.5)
        inside = smooth_noise(size, size, int(rng.integers(2, 4)), rng) > level
        if inside.mean() < 0.05:
            inside = np.hypot(xs - 0.5, ys - 0.5) < 0.3
    mask = inside.astype(np.float32)
    # Jagged, soft border: blur, then perturb the threshold with noise.
    blurred = cv2.GaussianBlur(mask, (0, 0), size * rng.uniform(0.01, 0.03))
    return np.clip((blurred - 0.5 + 0.15 * wobble) * rng.uniform(3, 8) + 0.5, 0, 1)


def main_direction(kind: str, rng: np.random.Generator) -> tuple[float, bool]:
    """The kind's main flow direction in degrees (0 = right, 90 = up) and whether a photo can
    tell it: True where it follows the kind's prior (falls go down, smoke mostly up, some
    rivers toward the viewer), False where its sign is a coin flip (sideways rivers, sideways
    smoke). The layer's look depends only on the axis (`streak` is symmetric), so for a coin
    flip the photo is the same either way and no method can tell the sign from it."""
    if kind == "fall":
        return 270.0 + rng.uniform(-15, 15), True
    if kind == "river":
        if rng.random() < 0.75:
            return float(rng.choice([0.0, 180.0])) + rng.uniform(-20, 20), False
        return 270.0 + rng.uniform(-40, 40), True
    if rng.random() < 0.6:
        return 90.0 + rng.uniform(-35, 35), True
    return float(rng.choice([0.0, 180.0])), False


def flow_for(kind: str, mask: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """(S, S, 2) float32 unmasked flow in px/frame (speed 0.5-3) around the kind's
    `main_direction`, with smooth variation of angle and speed; and whether a photo can tell
    the direction (`main_direction`)."""
    size = mask.shape[0]
    angle, direction_known = main_direction(kind, rng)
    angles = np.radians(angle + rng.uniform(5, 20) * smooth_noise(size, size, 3, rng))
    speed = rng.uniform(0.5, 3.0) * (1 + 0.25 * smooth_noise(size, size, 3, rng))
    if kind == "fall":  # falling water speeds up
        rows = np.flatnonzero(mask.max(axis=1) > 0.5)
        if len(rows):
            depth = np.clip((np.arange(size) - rows[0]) / max(len(rows), 1), 0, 1)
            speed = speed * (0.6 + 0.7 * depth)[:, None]
    flow = np.stack([speed * np.cos(angles), -speed * np.sin(angles)], axis=-1)
    return flow.astype(np.float32), direction_known


def streak(source: np.ndarray, flow: np.ndarray, length: int) -> np.ndarray:
    """Line-integral convolution: average `source` ((S, S) or (S, S, C) float32) along straight
    lines of 2 * length + 1 samples in the local flow direction. Streaks follow the flow."""
    size = source.shape[0]
    speed = np.hypot(flow[..., 0], flow[..., 1])[..., None] + 1e-6
    direction = flow / speed
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    total = np.zeros_like(source, dtype=np.float32)
    for offset in range(-length, length + 1):
        map_x = xs + offset * 0.8 * direction[..., 0]
        map_y = ys + offset * 0.8 * direction[..., 1]
        total += cv2.remap(source, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return total / (2 * length + 1)


WATER_COLOURS = np.array(
    [[235, 240, 245], [200, 220, 235], [70, 110, 140], [40, 80, 70], [110, 95, 70], [60, 70, 80]],
    dtype=np.float32,
)
SMOKE_COLOURS = np.array([[235, 235, 235], [180, 180, 185], [120, 120, 125]], dtype=np.float32)


def fluid_layer(
    kind: str, flow: np.ndarray, pool: ScenePool, rng: np.random.Generator
) -> tuple[np.ndarray, float]:
    """(S, S, 3) float32 colours of the fluid, streaked along `flow`, and its opacity."""
    size = flow.shape[0]
    length = int(rng.integers(3, max(4, size // 10)))
    if kind == "smoke":
        noise = cv2.GaussianBlur(rng.random((size, size), dtype=np.float32), (0, 0), 2.0)
        noise = 0.5 * noise + 0.5 * (smooth_noise(size, size, 6, rng) * 0.5 + 0.5)
        texture = streak(noise, flow, length)
        texture = (texture - texture.mean()) / (texture.std() + 1e-6)
        colour = SMOKE_COLOURS[rng.integers(len(SMOKE_COLOURS))]
        layer = colour + 40.0 * texture[..., None]
        return np.clip(layer, 0, 255), float(rng.uniform(0.45, 0.85))
    noise = rng.random((size, size), dtype=np.float32)
    noise += (rng.random((size, size)) < 0.03) * 2.0  # sparse glints / foam flecks
    texture = streak(cv2.GaussianBlur(noise, (0, 0), 0.7), flow, length)
    texture = (texture - texture.mean()) / (texture.std() + 1e-6)
    if pool.water and rng.random() < 0.4:  # a real water patch, partly smeared along the flow
        patch = random_crop(pool.water[rng.integers(len(pool.water))], size, rng)
        patch = patch.astype(np.float32)
        layer = 0.6 * streak(patch, flow, length) + 0.4 * patch
        layer = layer * (1 + rng.uniform(0.1, 0.3) * texture[..., None])  # streaks stay visible
        layer = layer * rng.uniform(0.7, 1.3) + rng.uniform(-30, 30, 3)
        return np.clip(layer, 0, 255).astype(np.float32), float(rng.uniform(0.8, 1.0))
    light = rng.integers(2) if kind == "fall" else rng.integers(len(WATER_COLOURS))  # falls foam
    dark = rng.choice([i for i in range(len(WATER_COLOURS)) if i != light])
    dark, light = WATER_COLOURS[dark], WATER_COLOURS[light]
    mix = np.clip(0.5 + rng.uniform(0.08, 0.4) * texture, 0, 1)[..., None]
    return dark * (1 - mix) + light * mix, float(rng.uniform(0.75, 1.0))


def static_layer(
    size: int, pool: ScenePool, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A distractor that must *not* move: (colours (S, S, 3) float32, alpha (S, S)) in the
    shape of a fluid region and often in water colours, but with no streaks (isotropic noise,
    a smooth gradient, or a piece of another photo), so the network learns to look for flow
    streaks rather than for a band of blue at the bottom or a white stripe."""
    mask = region(str(rng.choice(KINDS)), size, rng)
    style = rng.random()
    if style < 0.45:
        noise = cv2.GaussianBlur(
            rng.random((size, size), dtype=np.float32), (0, 0), rng.uniform(0.5, 4)
        )
        noise = (noise - noise.mean()) / (noise.std() + 1e-6)
        pick = rng.choice(len(WATER_COLOURS), 2, replace=False)
        mix = np.clip(0.5 + rng.uniform(0.1, 0.35) * noise, 0, 1)[..., None]
        layer = WATER_COLOURS[pick[0]] * (1 - mix) + WATER_COLOURS[pick[1]] * mix
    elif style < 0.75:
        colour = rng.uniform(20, 240, 3).astype(np.float32)
        gradient = smooth_noise(size, size, 2, rng)[..., None] * rng.uniform(5, 40)
        layer = colour + gradient
    else:
        layer = random_crop(pool.backgrounds[rng.integers(len(pool.backgrounds))], size, rng)
        layer = layer.astype(np.float32)
    return np.clip(layer, 0, 255).astype(np.float32), (mask * rng.uniform(0.7, 1.0)).astype(
        np.float32
    )


def make_scene(pool: ScenePool, size: int, rng: np.random.Generator, kind: str | None = None):
    """One random FluidScene of size x size pixels (kind "empty" has no fluid). Some scenes
    also get a still distractor layer under the fluid (`static_layer`)."""
    background = random_crop(pool.backgrounds[rng.integers(len(pool.backgrounds))], size, rng)
    background = background.astype(np.float32)
    if rng.random() < DISTRACTOR_SHARE:
        still, still_alpha = static_layer(size, pool, rng)
        background = background * (1 - still_alpha[..., None]) + still * still_alpha[..., None]
    if kind is None:
        kind = "empty" if rng.random() < EMPTY_SHARE else str(rng.choice(KINDS, p=KIND_WEIGHTS))
    if kind == "empty":
        zero = np.zeros((size, size, 2), np.float32)
        return FluidScene(
            np.clip(background + 0.5, 0, 255).astype(np.uint8), zero,
            np.zeros((size, size), bool), kind, np.zeros((size, size), np.float32),
            background.copy(), background, zero, True,
        )  # fmt: skip
    mask = region(kind, size, rng)
    flow, direction_known = flow_for(kind, mask, rng)
    layer, opacity = fluid_layer(kind, flow, pool, rng)
    alpha = (mask * opacity).astype(np.float32)
    image = background * (1 - alpha[..., None]) + layer * alpha[..., None]
    moving = mask > 0.5
    field = (flow * mask[..., None]).astype(np.float32)
    return FluidScene(
        np.clip(image + 0.5, 0, 255).astype(np.uint8), field, moving, kind, alpha,
        layer, background, flow, direction_known,
    )  # fmt: skip


def render_clip(scene: FluidScene, num_frames: int) -> np.ndarray:
    """(num_frames, S, S, 3) uint8: the fluid layer advected along its flow (frame k shows the
    layer moved by k steps) over the still background. Frame 0 is `scene.image`."""
    size = scene.image.shape[0]
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    frames = [scene.image]
    map_x, map_y = xs.copy(), ys.copy()
    alpha = scene.alpha[..., None]
    for _ in range(1, num_frames):
        # Backward advection: the colour now at p was at p - v one frame earlier.
        velocity = cv2.remap(
            scene.flow, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
        map_x, map_y = map_x - velocity[..., 0], map_y - velocity[..., 1]
        moved = cv2.remap(
            scene.layer, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
        frame = scene.background * (1 - alpha) + moved * alpha
        frames.append(np.clip(frame + 0.5, 0, 255).astype(np.uint8))
    return np.stack(frames)
