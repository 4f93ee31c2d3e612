"""Eulerian motion: a static motion field, Euler integration through it, and a looping renderer.

Conventions
- A motion field is (H, W, 2) float32, (dx, dy) in pixels per frame at the image's resolution;
  +x is right, +y is down. Direction angles are degrees: 0 = right, 90 = up, 180 = left, 270 = down.
- `render_loop` forward-splats the photo's own pixels along the accumulated displacement and makes
  the clip loop by symmetric splatting: a splat driven forward from frame 0 and a splat driven
  backward from frame N are cross-faded, so frame N equals frame 0. Each pixel cross-fades over
  its own short time window (per-pixel phase) instead of all pixels over the whole loop, which
  keeps the frames as sharp as the photo (a global linear cross-fade ghosts two textures).
- The learned motion-field model (`animators.waterfall.motion_field`) produces the same field type
  and drives the same renderer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from animators.core.base import InputError, ProgressFn, report


@dataclass(frozen=True)
class Stroke:
    """A painted region that moves one way.

    mask: (H, W) bool. direction_deg: 0 = right, 90 = up. speed: pixels per frame.
    """

    mask: np.ndarray
    direction_deg: float
    speed: float

    @property
    def velocity(self) -> tuple[float, float]:
        """(dx, dy) in pixels per frame; image y points down, so "up" is negative dy."""
        angle = math.radians(self.direction_deg)
        return self.speed * math.cos(angle), -self.speed * math.sin(angle)


def default_falloff(height: int, width: int) -> float:
    """Width in pixels of the smooth speed fall-off inside a mask's border."""
    return float(np.clip(0.02 * max(height, width), 3.0, 24.0))


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def motion_field_from_strokes(
    strokes: list[Stroke],
    freeze: np.ndarray | None = None,
    falloff: float | None = None,
) -> np.ndarray:
    """Build a static motion field from painted strokes.

    Inside the union of the strokes (minus `freeze`) the speed ramps up smoothly over `falloff`
    pixels from the border; where strokes with different directions meet, their velocities are
    blended smoothly. Returns (H, W, 2) float32 (dx, dy) pixels per frame, zero outside the
    painted region and under `freeze`.
    """
    if not strokes:
        raise InputError("Paint the region that should move.")
    height, width = strokes[0].mask.shape
    falloff = default_falloff(height, width) if falloff is None else max(float(falloff), 0.5)
    moving = np.zeros((height, width), dtype=bool)
    for stroke in strokes:
        moving |= stroke.mask
    if freeze is not None:
        moving &= ~freeze
    if not moving.any():
        raise InputError("Paint the region that should move (the mask is empty).")
    # Distance to the nearest non-moving pixel, with the image border counted as moving.
    padded = np.pad(moving.astype(np.uint8), 1, mode="edge")
    distance = cv2.distanceTransform(padded, cv2.DIST_L2, 5)[1:-1, 1:-1]
    ramp = _smoothstep(distance / falloff)

    sigma = max(falloff / 2.0, 1.0)
    velocity = np.zeros((height, width, 2), dtype=np.float32)
    total = np.zeros((height, width), dtype=np.float32)
    for stroke in strokes:
        weight = cv2.GaussianBlur(stroke.mask.astype(np.float32), (0, 0), sigma)
        dx, dy = stroke.velocity
        velocity[:, :, 0] += weight * dx
        velocity[:, :, 1] += weight * dy
        total += weight
    velocity /= np.maximum(total, 1e-6)[:, :, None]
    field = velocity * (ramp * moving)[:, :, None]
    return field.astype(np.float32)


def sample_field(field: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Bilinear sample of a (H, W, 2) field at float positions; zero outside the image."""
    return cv2.remap(
        field,
        x.astype(np.float32),
        y.astype(np.float32),
        interpolation=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )


def euler_step(field: np.ndarray, x: np.ndarray, y: np.ndarray, sign: float) -> tuple:
    """One Euler step p <- p + sign * F(p) for positions x, y (2-D float32 grids)."""
    velocity = sample_field(field, x, y)
    return x + sign * velocity[..., 0], y + sign * velocity[..., 1]


class Trajectory:
    """Positions of a grid of source pixels after k Euler steps through a static field.

    `at(k)` works for any k in [0, max_steps] in any order, using stored checkpoints every
    ~sqrt(max_steps) steps, so memory stays at O(sqrt(N)) position grids instead of O(N).
    """

    def __init__(self, field, x0, y0, sign: float, max_steps: int) -> None:
        self.field, self.sign = field, sign
        self.every = max(1, int(math.ceil(math.sqrt(max_steps))))
        self.checkpoints = {0: (x0, y0)}
        x, y = x0, y0
        for step in range(1, max_steps + 1):
            x, y = euler_step(field, x, y, sign)
            if step % self.every == 0:
                self.checkpoints[step] = (x, y)
        self.segment: dict[int, tuple] = {}

    def at(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        if k in self.segment:
            return self.segment[k]
        base = (k // self.every) * self.every
        x, y = self.checkpoints[base]
        self.segment = {base: (x, y)}
        for step in range(base + 1, base + self.every):
            x, y = euler_step(self.field, x, y, self.sign)
            self.segment[step] = (x, y)
        return self.segment[k]


def round_displacement(displacement: np.ndarray) -> np.ndarray:
    """Round to whole pixels, ties toward zero (1.5 -> 1, -1.5 -> -1), as int64.

    Symmetric in sign, so the forward and backward trajectories of a loop round alike; and
    unlike np.rint (ties to even) a uniform half-pixel shift stays a one-to-one shift instead
    of landing pairs of pixels on one target and leaving holes between them.
    """
    return (np.sign(displacement) * np.ceil(np.abs(displacement) - 0.5)).astype(np.int64)


def splat(
    channels: list[np.ndarray],
    source_x: np.ndarray,
    source_y: np.ndarray,
    dx: np.ndarray,
    dy: np.ndarray,
    height: int,
    width: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Forward-splat pixel values to the nearest pixel of their displaced positions.

    channels: C arrays of (n,) float64 values (one per colour channel); source_x, source_y:
    (n,) integer pixel positions; dx, dy: (n,) float displacements in pixels. Nearest-pixel
    splatting moves pixels without resampling them, so the frames stay as sharp as the photo;
    displacements keep full precision between frames, so speeds are exact on average.
    Returns (sum of values (H, W, C), number of pixels that landed (H, W)), float32.
    Points landing outside the grid are dropped.
    """
    xi = source_x + round_displacement(dx)
    yi = source_y + round_displacement(dy)
    keep = (xi >= 0) & (xi < width) & (yi >= 0) & (yi < height)
    index = yi * width + xi
    if not keep.all():
        index = index[keep]
        channels = [values[keep] for values in channels]
    size = height * width
    count = np.bincount(index, minlength=size).astype(np.float32)
    sums = np.empty((size, len(channels)), dtype=np.float32)
    for channel, values in enumerate(channels):
        sums[:, channel] = np.bincount(index, weights=values, minlength=size)
    return sums.reshape(height, width, -1), count.reshape(height, width)


def fill_holes(sums: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average each splatted pixel, and give holes the average of their 3x3 neighbours.

    sums (H, W, C), count (H, W) as returned by `splat`. Returns (colour (H, W, C), coverage
    (H, W) in [0, 1]); coverage is below 1 only in holes with few or no landed neighbours.
    """
    color = sums / np.maximum(count, 1.0)[:, :, None]
    coverage = np.ones_like(count)
    hole_rows, hole_cols = np.nonzero(count == 0)
    if len(hole_rows):
        # Work only on the bounding box of the holes (usually a thin band at the border).
        top, bottom = max(hole_rows.min() - 1, 0), hole_rows.max() + 2
        left, right = max(hole_cols.min() - 1, 0), hole_cols.max() + 2
        near_sums = cv2.boxFilter(sums[top:bottom, left:right], -1, (3, 3), normalize=False)
        near_count = cv2.boxFilter(count[top:bottom, left:right], -1, (3, 3), normalize=False)
        near_sums = near_sums.reshape(*near_count.shape, -1)  # OpenCV drops a single channel
        local_r, local_c = hole_rows - top, hole_cols - left
        landed = near_count[local_r, local_c]
        color[hole_rows, hole_cols] = (
            near_sums[local_r, local_c] / np.maximum(landed, 1e-6)[:, None]
        )
        coverage[hole_rows, hole_cols] = np.minimum(landed, 1.0)
    return color, coverage


def phase_map(height: int, width: int, seed: int, cell: int = 48) -> np.ndarray:
    """Smooth per-pixel phases, uniformly spread over [0, 1): (H, W) float32.

    Low-resolution noise, upsampled and rank-equalised so every phase is equally common.
    """
    rng = np.random.default_rng(seed)
    grid = rng.random((max(2, height // cell + 2), max(2, width // cell + 2))).astype(np.float32)
    smooth = cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)
    ranks = np.argsort(np.argsort(smooth, axis=None, kind="stable"), kind="stable")
    return (ranks.reshape(height, width) / max(ranks.size, 1)).astype(np.float32)


def forward_weight(time: float, phases: np.ndarray, crossfade: float) -> np.ndarray:
    """Weight of the forward splat at loop time `time` in [0, 1], per pixel.

    Each pixel cross-fades from the forward splat (weight 1) to the backward splat (weight 0)
    linearly over a window of length `crossfade` (fraction of the loop) centred on its own
    phase; crossfade = 1 is the plain global linear cross-fade 1 - time. Weight is exactly 1
    at time 0 and exactly 0 at time 1 for every pixel.
    """
    width = float(np.clip(crossfade, 1e-3, 1.0))
    centre = width / 2 + (1 - width) * phases
    return (1.0 - np.clip((time - centre) / width + 0.5, 0.0, 1.0)).astype(np.float32)


def _bounding_box(mask: np.ndarray, margin: int) -> tuple[slice, slice]:
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    top = max(int(rows[0]) - margin, 0)
    bottom = min(int(rows[-1]) + margin + 1, mask.shape[0])
    left = max(int(cols[0]) - margin, 0)
    right = min(int(cols[-1]) + margin + 1, mask.shape[1])
    return slice(top, bottom), slice(left, right)


def render_loop(
    image: np.ndarray,
    field: np.ndarray,
    num_frames: int,
    *,
    crossfade: float = 0.4,
    seed: int = 0,
    progress: ProgressFn | None = None,
) -> np.ndarray:
    """Render a seamless loop of `num_frames` frames from one photo and a static motion field.

    image: (H, W, 3) uint8 RGB. field: (H, W, 2) float32 pixels per frame.
    Frame t (0 <= t < N) blends the photo splatted forward by t Euler steps with the photo
    splatted backward by N - t steps; the next frame after the last would be frame 0 again.
    Pixels where the field is zero never change. Returns (N, H, W, 3) uint8.
    """
    height, width = image.shape[:2]
    frames = np.repeat(image[None], num_frames, axis=0)
    moving = np.abs(field).sum(axis=2) > 1e-6
    if not moving.any() or num_frames < 2:
        return frames
    rows, cols = _bounding_box(moving, margin=2)
    crop_field = np.ascontiguousarray(field[rows, cols])
    crop_image = image[rows, cols].astype(np.float32)
    crop_moving = moving[rows, cols]
    crop_h, crop_w = crop_moving.shape
    grid_y, grid_x = np.mgrid[0:crop_h, 0:crop_w].astype(np.float32)
    phases = phase_map(crop_h, crop_w, seed)
    # Only moving pixels are splatted; static pixels (e.g. a frozen island) cover themselves.
    source = np.flatnonzero(crop_moving)
    source_y, source_x = np.divmod(source, crop_w)
    channels = [crop_image[:, :, c].ravel()[source].astype(np.float64) for c in range(3)]
    static_sums = crop_image * ~crop_moving[:, :, None]
    static_count = (~crop_moving).astype(np.float32)

    forward = Trajectory(crop_field, grid_x, grid_y, +1.0, num_frames)
    backward = Trajectory(crop_field, grid_x, grid_y, -1.0, num_frames)
    fill = np.float32(1e-3)  # where neither splat lands, fall back to the photo's own pixel
    for t in range(1, num_frames):
        report(progress, t / num_frames, "Rendering frames")
        weight_forward = forward_weight(t / num_frames, phases, crossfade)
        numerator = fill * crop_image
        denominator = np.full((crop_h, crop_w), fill, dtype=np.float32)
        for (x, y), blend in (
            (forward.at(t), weight_forward),
            (backward.at(num_frames - t), 1.0 - weight_forward),
        ):
            if not blend.any():
                continue
            dx = x.ravel()[source] - source_x
            dy = y.ravel()[source] - source_y
            sums, count = splat(channels, source_x, source_y, dx, dy, crop_h, crop_w)
            color, coverage = fill_holes(sums + static_sums, count + static_count)
            coverage *= blend
            numerator += coverage[:, :, None] * color
            denominator += coverage
        rendered = (numerator / denominator[:, :, None] + 0.5).astype(np.uint8)
        np.copyto(frames[t, rows, cols], rendered, where=crop_moving[:, :, None])
    report(progress, 1.0, "Rendering frames")
    return frames


def flow_to_color(field: np.ndarray, max_speed: float | None = None) -> np.ndarray:
    """Colour-code a (H, W, 2) flow: hue = direction, saturation = speed. Returns uint8 RGB."""
    dx, dy = field[..., 0], field[..., 1]
    speed = np.hypot(dx, dy)
    top = max_speed or float(speed.max()) or 1.0
    hue = (np.degrees(np.arctan2(-dy, dx)) % 360.0) / 2.0  # OpenCV hue is 0..180
    hsv = np.stack(
        [hue, np.clip(speed / top, 0, 1) * 255.0, np.full_like(speed, 255.0)], axis=-1
    ).astype(np.uint8)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)


def flow_overlay(image: np.ndarray, field: np.ndarray, opacity: float = 0.6) -> np.ndarray:
    """The photo with the colour-coded flow laid over where things move, plus arrows. uint8."""
    color = flow_to_color(field).astype(np.float32)
    moving = (np.hypot(field[..., 0], field[..., 1]) > 1e-6)[:, :, None]
    base = image.astype(np.float32) * 0.7
    out = np.where(moving, base * (1 - opacity) + color * opacity, base)
    out = np.clip(out, 0, 255).astype(np.uint8)
    height, width = field.shape[:2]
    step = max(16, max(height, width) // 24)
    speed = np.hypot(field[..., 0], field[..., 1])
    scale = 0.8 * step / max(float(speed.max()), 1e-6)
    for y in range(step // 2, height, step):
        for x in range(step // 2, width, step):
            if speed[y, x] > 1e-3:
                tip = (int(x + field[y, x, 0] * scale), int(y + field[y, x, 1] * scale))
                cv2.arrowedLine(out, (x, y), tip, (255, 255, 255), 1, cv2.LINE_AA, tipLength=0.3)
    return out
