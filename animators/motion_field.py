"""The learned motion field: where a photo flows and which way, from the photo alone.

`MotionFieldPredictor` runs `nets.motion_field.MotionFieldNet` on a small copy of the photo
(longest side `NET_SIDE`, padded to a multiple of 16) and returns the field at the photo's size
in relative units (about 1 where things flow); the caller multiplies by a speed in pixels per
frame. Pixels the network thinks are still (moving probability below about 0.35) get exactly
zero, so the renderer leaves them untouched.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from . import checkpoints

NET_SIDE = 160
"""Longest side of the copy the network sees (it was trained on 128 px whole scenes)."""
STILL_BELOW, RAMP = 0.35, 0.3  # probability where motion starts, and the width of its ramp


def _pad_to(image: np.ndarray, multiple: int) -> tuple[np.ndarray, tuple[int, int]]:
    height, width = image.shape[:2]
    pad_h, pad_w = (-height) % multiple, (-width) % multiple
    padded = cv2.copyMakeBorder(image, 0, pad_h, 0, pad_w, cv2.BORDER_REFLECT_101)
    return padded, (height, width)


class MotionFieldPredictor:
    """photo -> (relative motion field (H, W, 2) float32, moving probability (H, W) float32)."""

    def __init__(self, net, device="cpu", side: int = NET_SIDE) -> None:
        self.net, self.device, self.side = net, device, side

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, device=None) -> MotionFieldPredictor:
        from .nets.motion_field import MotionFieldConfig, MotionFieldNet

        device = checkpoints.pick_device(device)
        folder = checkpoints.resolve("waterfall", "flow", path)
        net = checkpoints.load_module(MotionFieldNet, MotionFieldConfig, folder, device)
        return cls(net, device)

    def predict(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """image (H, W, 3) uint8 RGB -> (field (H, W, 2) float32 relative units, zero where
        still; probability (H, W) float32 in [0, 1])."""
        import torch

        from .nets.motion_field import MULTIPLE

        height, width = image.shape[:2]
        scale = self.side / max(height, width)
        small_size = (max(MULTIPLE, round(width * scale)), max(MULTIPLE, round(height * scale)))
        small = cv2.resize(image, small_size, interpolation=cv2.INTER_AREA)
        padded, (small_h, small_w) = _pad_to(small, MULTIPLE)
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
