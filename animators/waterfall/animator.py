"""Waterfall / fluid texture motion from one photo.

Both methods build a static motion field, integrate it over time and splat the photo's own
pixels along it into a seamless loop (see `animators.waterfall.render`):
- "flow" (default): the motion-field network finds what flows and which way
  (`animators.waterfall.motion_field`); the user's speed scales it, freeze strokes stop it, and
  painted motion strokes, when given, replace it (the user knows best).
- "brush": only the painted strokes move, with the given direction and speed.
"""

from __future__ import annotations

import time as _time

import numpy as np

from animators.core import metrics
from animators.core.base import Clip, InputError, ProgressFn, report
from animators.core.inputs import prepare_image, prepare_mask
from animators.core.limits import Limits, check_count, check_fps, check_number
from animators.waterfall.defaults import (
    CROSSFADE,
    DIRECTION,
    FPS,
    FRAMES,
    MAX_SPEED,
    SECOND_DIRECTION,
    SPEED,
)
from animators.waterfall.motion_field import MotionFieldPredictor
from animators.waterfall.render import Stroke, flow_overlay, motion_field_from_strokes, render_loop

MIN_FRAMES, MAX_FRAMES = FRAMES.minimum, FRAMES.maximum  # the same, by the names benchmarks use
MIN_MOVING_SHARE = 0.002  # a predicted field moving less of the photo than this is "nothing"


class Waterfall:
    """Callable animator: photo (+ painted masks, direction, speed) -> looping Clip.

    With a `predictor` this is method "flow" (painting is optional), without it "brush".
    Clip.info holds "motion_field" ((H, W, 2) float32 px/frame), "field_source" ("model" or
    "brush"), "motion_preview" ((H, W, 3) uint8, the colour-coded field over the photo),
    "loop_seam", "sharpness", "moving_fraction", "seconds" and "warnings".
    """

    def __init__(
        self, predictor: MotionFieldPredictor | None = None, limits: Limits | None = None
    ) -> None:
        self.predictor = predictor
        self.method = "flow" if predictor is not None else "brush"
        self.limits = limits or Limits.from_env()

    def __call__(
        self,
        image: np.ndarray,
        *,
        mask: np.ndarray | None = None,
        direction: float = DIRECTION.default,
        speed: float = SPEED.default,
        second_mask: np.ndarray | None = None,
        second_direction: float = SECOND_DIRECTION.default,
        freeze: np.ndarray | None = None,
        num_frames: int = FRAMES.default,
        fps: float = FPS.default,
        crossfade: float = CROSSFADE.default,
        seed: int = 0,
        progress: ProgressFn | None = None,
    ) -> Clip:
        """image: (H, W, 3) uint8 RGB. mask / second_mask / freeze: (H, W) bool or uint8
        (resized to the photo if needed). direction in degrees (0 right, 90 up, 180 left,
        270 down) applies to painted strokes; speed in pixels per frame at the given image's
        resolution (scaled along if the image is scaled down) sets the strokes' speed, or the
        typical speed of the predicted field. Returns num_frames frames; the frame after the
        last would equal the first."""
        most = max(FRAMES.minimum, min(FRAMES.maximum, self.limits.max_output_frames))
        num_frames = check_count(num_frames, "number of frames", FRAMES.minimum, most)
        fps = check_fps(fps, self.limits)
        speed = check_number(speed, "speed (pixels per frame)", 0.0, MAX_SPEED)
        direction = check_number(direction, "direction (degrees)", -1e6, 1e6) % 360.0
        second_direction = check_number(second_direction, "second direction", -1e6, 1e6) % 360.0
        crossfade = check_number(
            crossfade, "cross-fade width", CROSSFADE.minimum, CROSSFADE.maximum
        )
        input_width = np.asarray(image).shape[1] if np.ndim(image) >= 2 else 0
        image, notes = prepare_image(image, self.limits)
        speed *= image.shape[1] / max(input_width, 1)
        size_hw = image.shape[:2]
        mask, mask_notes = prepare_mask(mask, size_hw, "motion mask")
        second_mask, second_notes = prepare_mask(second_mask, size_hw, "second-direction mask")
        freeze, freeze_notes = prepare_mask(freeze, size_hw, "freeze mask")
        notes += mask_notes + second_notes + freeze_notes
        if speed <= 0:
            raise InputError("Set a speed above 0 pixels per frame so that something moves.")
        strokes = [
            Stroke(painted, angle, speed)
            for painted, angle in ((mask, direction), (second_mask, second_direction))
            if painted is not None and painted.any()
        ]
        if not strokes and self.predictor is None:
            raise InputError("Paint the region that should move: the motion mask is empty.")

        began = _time.perf_counter()
        report(progress, 0.0, "Building the motion field")
        if strokes:
            field, source = motion_field_from_strokes(strokes, freeze=freeze), "brush"
        else:
            field, source = self.predicted_field(image, speed, freeze), "model"
        frames = render_loop(
            image, field, num_frames, crossfade=crossfade, seed=seed, progress=progress
        )
        elapsed = _time.perf_counter() - began
        moving = np.hypot(field[..., 0], field[..., 1]) > 1e-6
        info = {
            "method": self.method,
            "field_source": source,
            "warnings": notes,
            "seconds": round(elapsed, 3),
            "loop_seam": round(metrics.loop_seam_ratio(frames), 3),
            "sharpness": round(metrics.sharpness_ratio(frames, image), 3),
            "moving_fraction": round(float(moving.mean()), 3),
            "motion_field": field,
            "motion_preview": flow_overlay(image, field),
        }
        return Clip(frames=frames, fps=fps, info=info)

    def predicted_field(
        self, image: np.ndarray, speed: float, freeze: np.ndarray | None
    ) -> np.ndarray:
        """The network's field for `image`, scaled so a typical moving pixel moves `speed`
        px/frame, zero under `freeze`. Raises InputError when nothing is found to move."""
        field, _ = self.predictor.predict(image)
        if freeze is not None:
            field[freeze] = 0.0
        magnitude = np.hypot(field[..., 0], field[..., 1])
        moving = magnitude > 1e-6
        if moving.mean() < MIN_MOVING_SHARE:
            raise InputError(
                "The model found nothing that flows in this photo; paint the region that "
                "should move with the brush."
            )
        typical = float(np.median(magnitude[moving]))
        return (field * (speed / max(typical, 1e-6))).astype(np.float32)
