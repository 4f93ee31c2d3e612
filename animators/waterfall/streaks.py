"""The axis of a photo's own streaks, and a motion field turned to follow it.

Flowing water and smoke leave streaks along their flow: a fall is striped top to bottom, a
river along its course. The structure tensor of the photo (smoothed products of its gradients)
finds that axis at every pixel, with a coherence in [0, 1] (1 = clean parallel streaks, 0 = no
preferred direction). The motion-field network sees the photo at 160-256 px and predicts a
smooth field; `align_to_streaks` turns that field toward the streak axis where the streaks are
clear and already roughly agree with it, keeping the field's sign (which way along the axis)
and its speed. Where the streaks cross the predicted flow by more than `MAX_TURN_DEGREES`
(waves across a river, say), the field is left alone.

The constants were chosen on training-split scenes
(`python -m training.waterfall.tune_streak_axis`).
"""

from __future__ import annotations

import cv2
import numpy as np

WORKING_SIDE = 256
"""The photo's longest side while measuring its streaks (px)."""
GRADIENT_SIGMA = 0.7
"""Blur before the gradient, at the working size (px)."""
WINDOW_SIGMA = 16.0
"""Size of the neighbourhood the gradients are averaged over, at the working size (px)."""
COHERENCE_RAMP = (0.2, 0.6)
"""Coherence where the field starts turning toward the axis, and where it turns fully."""
MAX_TURN_DEGREES = 45.0
"""Streaks further than this from the predicted direction are not followed."""


def streak_axis(
    image: np.ndarray, working_side: int = WORKING_SIDE, window_sigma: float = WINDOW_SIGMA
) -> tuple[np.ndarray, np.ndarray]:
    """image (H, W, 3) uint8 RGB -> (axis (H, W, 2) float32 unit vectors (x right, y down)
    along the streaks, sign arbitrary; coherence (H, W) float32 in [0, 1])."""
    height, width = image.shape[:2]
    scale = min(1.0, working_side / max(height, width))
    small_size = (max(8, round(width * scale)), max(8, round(height * scale)))
    gray = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY).astype(np.float32)
    gray = cv2.resize(gray, small_size, interpolation=cv2.INTER_AREA) / 255.0
    gray = cv2.GaussianBlur(gray, (0, 0), GRADIENT_SIGMA)
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    jxx, jxy, jyy = (
        cv2.resize(cv2.GaussianBlur(product, (0, 0), window_sigma), (width, height))
        for product in (gx * gx, gx * gy, gy * gy)
    )
    difference, trace = jxx - jyy, jxx + jyy
    spread = np.sqrt(difference * difference + 4.0 * jxy * jxy)
    coherence = np.clip(spread / np.maximum(trace, 1e-8), 0.0, 1.0)
    # The dominant gradient direction is at angle 0.5 * atan2(2 jxy, jxx - jyy); streaks run
    # at right angles to it.
    across = 0.5 * np.arctan2(2.0 * jxy, difference)
    axis = np.stack([-np.sin(across), np.cos(across)], axis=-1)
    return axis.astype(np.float32), coherence.astype(np.float32)


def align_to_streaks(
    field: np.ndarray,
    image: np.ndarray,
    coherence_ramp: tuple[float, float] = COHERENCE_RAMP,
    max_turn_degrees: float = MAX_TURN_DEGREES,
    window_sigma: float = WINDOW_SIGMA,
) -> np.ndarray:
    """field (H, W, 2) float32 (any units) and the photo (H, W, 3) uint8 -> the field turned
    toward the streak axis where coherence is high and the axis lies within
    `max_turn_degrees` of the field; same speed everywhere, zero stays zero."""
    axis, coherence = streak_axis(image, window_sigma=window_sigma)
    speed = np.hypot(field[..., 0], field[..., 1])
    moving = speed > 1e-9
    unit = np.where(moving[..., None], field / np.maximum(speed, 1e-9)[..., None], 0.0)
    along = (unit * axis).sum(axis=-1)
    axis = axis * np.where(along < 0, -1.0, 1.0)[..., None]  # point the axis the field's way
    agrees = np.abs(along) >= np.cos(np.radians(max_turn_degrees))
    low, high = coherence_ramp
    weight = np.clip((coherence - low) / max(high - low, 1e-6), 0.0, 1.0) * agrees
    turned = (1.0 - weight[..., None]) * unit + weight[..., None] * axis
    turned /= np.maximum(np.hypot(turned[..., 0], turned[..., 1]), 1e-9)[..., None]
    return np.where(moving[..., None], turned * speed[..., None], 0.0).astype(np.float32)
