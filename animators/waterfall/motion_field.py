"""The learned motion field: where a photo flows and which way, from the photo alone.

`MotionFieldPredictor` runs `nets.waterfall.motion_field.MotionFieldNet` on small copies of the
photo (longest side each of `NET_SIDES`, padded to a multiple of 16) and returns the field at the
photo's size in relative units (about 1 where things flow); the caller multiplies by a speed in
pixels per frame. Two sizes, because what the network finds depends on how large the flowing
region looks to it (a narrow waterfall can be missed at one size and found at the other): the
moving probability is the larger of the two, the field their probability-weighted average.
Pixels the network thinks are still at every size (moving probability below about 0.35) get
exactly zero, so the renderer leaves them untouched. Then, with `align` (the default), the
field's direction is turned toward the photo's own streaks where they are clear and roughly
agree with it (`streaks.align_to_streaks`): the network sees a small copy and predicts a
smooth field; the streaks at full size say more exactly which way a fall or a river runs.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import torch

from animators.core import checkpoints
from animators.core.base import pad_to_multiple
from animators.nets.waterfall.motion_field import MULTIPLE, MotionFieldConfig, MotionFieldNet
from animators.waterfall.streaks import align_to_streaks

NET_SIDES = (160, 256)
"""Longest sides of the copies the network sees (it was trained on 128 and 160 px scenes)."""
STILL_BELOW, RAMP = 0.35, 0.3  # probability where motion starts, and the width of its ramp


class MotionFieldPredictor:
    """photo -> (relative motion field (H, W, 2) float32, moving probability (H, W) float32)."""

    def __init__(
        self, net, device="cpu", sides: tuple[int, ...] = NET_SIDES, align: bool = True
    ) -> None:
        if not sides:
            raise ValueError("The motion-field network needs at least one input size.")
        self.net, self.device, self.sides, self.align = net, device, tuple(sides), align

    @classmethod
    def from_pretrained(cls, source: str | Path | None = None, device=None) -> MotionFieldPredictor:
        """Load checkpoints/waterfall/flow (or the folder `source`; local first, then the Hub)."""
        device = checkpoints.pick_device(device)
        folder = checkpoints.resolve("waterfall", "flow", source)
        net = checkpoints.load_module(MotionFieldNet, MotionFieldConfig, folder, device)
        return cls(net, device)

    def predict(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """image (H, W, 3) uint8 RGB -> (field (H, W, 2) float32 relative units, zero where
        still at every size, turned toward the streaks if `align`; probability (H, W) float32
        in [0, 1], the largest over sizes)."""
        results = [self.predict_at(image, side) for side in self.sides]
        probabilities = np.stack([probability for _, probability in results])
        weights = probabilities / np.maximum(probabilities.sum(axis=0), 1e-6)
        field = np.zeros(image.shape[:2] + (2,), np.float32)
        still = np.ones(image.shape[:2], bool)
        for weight, (side_field, _) in zip(weights, results, strict=True):
            field += weight[..., None] * side_field
            still &= ~side_field.any(axis=-1)
        field[still] = 0.0
        if self.align:
            field = align_to_streaks(field, image)
        return field, probabilities.max(axis=0)

    def predict_at(self, image: np.ndarray, side: int) -> tuple[np.ndarray, np.ndarray]:
        """`predict` with the network seeing one copy of longest side `side` px."""
        height, width = image.shape[:2]
        scale = side / max(height, width)
        small_size = (max(MULTIPLE, round(width * scale)), max(MULTIPLE, round(height * scale)))
        small = cv2.resize(image, small_size, interpolation=cv2.INTER_AREA)
        padded, (small_h, small_w) = pad_to_multiple(small, MULTIPLE, mode="reflect")
        tensor = torch.from_numpy(padded).permute(2, 0, 1)[None].float().div(255.0)
        with torch.no_grad():
            output = self.net(tensor.to(self.device))
        velocity = output["velocity"][0, :, :small_h, :small_w].permute(1, 2, 0).cpu().numpy()
        logit = output["moving_logit"][0, 0, :small_h, :small_w].cpu().numpy()
        probability = 1.0 / (1.0 + np.exp(-logit))
        weight = np.clip((probability - STILL_BELOW) / RAMP, 0.0, 1.0)
        weight = weight * weight * (3.0 - 2.0 * weight)
        field = (velocity * weight[..., None]).astype(np.float32)
        # Relative units do not scale with the image size; only the sampling grid does.
        field = cv2.resize(field, (width, height), interpolation=cv2.INTER_LINEAR)
        probability = cv2.resize(probability.astype(np.float32), (width, height))
        still = cv2.resize((weight <= 0).astype(np.uint8), (width, height), cv2.INTER_NEAREST)
        field[still.astype(bool)] = 0.0
        return field, probability
