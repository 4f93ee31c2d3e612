"""The original project's texture-motion generators as waterfall methods: "pix2gif" (3D generator,
all frames at once), "recursive" (next-frame pix2pix fed its own output), "recurrent" (the same
with a ConvGRU state). Baselines for the default motion-field method.

They work at 64x64: the photo is squeezed to 64x64, the generator makes the frames there, and
the *change* each frame makes to the squeezed photo is upsampled and added to the full-size
photo, so the photo keeps its own detail where nothing changes (the motion itself is only as
detailed as 64x64). Painted motion strokes do not steer these models (they are ignored, with a
note); freeze strokes keep pixels as in the photo. Pix2Gif makes 24 frames; other counts are
read from them by linear interpolation in time.
"""

from __future__ import annotations

import time as _time

import cv2
import numpy as np
import torch

from animators.core import checkpoints, metrics
from animators.core.base import Clip, ProgressFn, report
from animators.core.inputs import prepare_image, prepare_mask
from animators.core.limits import MAX_SEED, Limits, check_count, check_fps, check_number
from animators.core.optical_flow import dis_flow
from animators.nets.waterfall.pix2gif import (
    Pix2GifConfig,
    Pix2GifGenerator,
    RecursiveConfig,
    RecursiveGenerator,
)
from animators.waterfall.defaults import FPS, FRAMES
from animators.waterfall.render import flow_overlay

SIDE = 64
ORIGINAL_METHODS = ("pix2gif", "recursive", "recurrent")


class GeneratedWaterfall:
    """Callable animator for the original projects' methods; same call as `animator.Waterfall`.

    Clip.info holds "motion_field" (the generated clip's average optical flow, (H, W, 2)
    px/frame at the photo's size), "motion_preview", "loop_seam", "sharpness", "seconds",
    "warnings"."""

    def __init__(self, method: str, generator, device=None, limits: Limits | None = None):
        if method not in ORIGINAL_METHODS:
            raise ValueError(f"method must be one of {ORIGINAL_METHODS}")
        self.method = method
        self.device = checkpoints.pick_device(device)
        self.generator = generator.to(self.device).eval()
        self.limits = limits or Limits.from_env()

    @classmethod
    def from_pretrained(cls, method: str, source=None, device=None) -> GeneratedWaterfall:
        """Load checkpoints/waterfall/<method> (or the folder `source`; local first, then the
        Hub)."""
        folder = checkpoints.resolve("waterfall", method, source)
        if method == "pix2gif":
            generator = checkpoints.load_module(Pix2GifGenerator, Pix2GifConfig, folder)
        else:
            generator = checkpoints.load_module(RecursiveGenerator, RecursiveConfig, folder)
        return cls(method, generator, device)

    def small_frames(self, small: np.ndarray, num_frames: int, seed: int, progress) -> np.ndarray:
        """(num_frames, 64, 64, 3) float32 in [0, 255] from a (64, 64, 3) uint8 photo."""
        photo = torch.from_numpy(small.astype(np.float32) / 127.5 - 1.0).permute(2, 0, 1)[None]
        photo = photo.to(self.device)
        generator = torch.Generator().manual_seed(int(seed))
        with torch.no_grad():
            if self.method == "pix2gif":
                noise = torch.randn(1, self.generator.config.noise_channels, generator=generator)
                video = self.generator(photo, noise.to(self.device))[0]  # (3, T, 64, 64)
                made = video.permute(1, 2, 3, 0).cpu().numpy()
                made = resample_in_time(made, num_frames)
            else:
                frames, hidden, frame = [photo[0]], None, photo
                for index in range(1, num_frames):
                    report(progress, index / num_frames, "Generating frames")
                    frame, hidden = self.generator(frame, hidden)
                    frames.append(frame[0])
                made = torch.stack(frames).permute(0, 2, 3, 1).cpu().numpy()
        return (made + 1.0) * 127.5

    def __call__(
        self,
        image: np.ndarray,
        *,
        mask: np.ndarray | None = None,
        second_mask: np.ndarray | None = None,
        freeze: np.ndarray | None = None,
        num_frames: int = FRAMES.default,
        fps: float = FPS.default,
        seed: int = 0,
        progress: ProgressFn | None = None,
        **ignored,
    ) -> Clip:
        """image (H, W, 3) uint8 -> Clip of num_frames frames (H, W, 3) uint8. `direction`,
        `speed` and painted strokes do not apply to these models."""
        most = max(FRAMES.minimum, min(FRAMES.maximum, self.limits.max_output_frames))
        num_frames = check_count(num_frames, "number of frames", FRAMES.minimum, most)
        fps = check_fps(fps, self.limits)
        seed = int(check_number(seed, "seed", 0, MAX_SEED))
        image, notes = prepare_image(image, self.limits)
        height, width = image.shape[:2]
        freeze, freeze_notes = prepare_mask(freeze, (height, width), "freeze mask")
        notes += freeze_notes
        if any(m is not None and np.asarray(m).any() for m in (mask, second_mask)):
            notes.append(
                f"Method {self.method} does not follow painted strokes; they were ignored."
            )
        notes.append(
            f"Method {self.method} generates at {SIDE}x{SIDE}; its changes are upsampled onto "
            "the photo."
        )
        began = _time.perf_counter()
        report(progress, 0.0, "Generating frames")
        small = cv2.resize(image, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
        made = self.small_frames(small, num_frames, seed, progress)
        frames = np.empty((num_frames, height, width, 3), np.uint8)
        for index, frame in enumerate(made):
            change = cv2.resize(
                frame - small.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR
            )
            if freeze is not None:
                change[freeze] = 0.0
            frames[index] = np.clip(image + change + 0.5, 0, 255).astype(np.uint8)
        elapsed = _time.perf_counter() - began
        field = measured_field(made, (height, width))
        info = {
            "method": self.method,
            "warnings": notes,
            "seconds": round(elapsed, 3),
            "loop_seam": round(metrics.loop_seam_ratio(frames), 3),
            "sharpness": round(metrics.sharpness_ratio(frames, image), 3),
            "motion_field": field,
            "motion_preview": flow_overlay(image, field),
        }
        return Clip(frames=frames, fps=fps, info=info)


def resample_in_time(frames: np.ndarray, count: int) -> np.ndarray:
    """(T, ...) -> (count, ...) by linear interpolation between neighbouring frames."""
    if len(frames) == count:
        return frames
    positions = np.linspace(0, len(frames) - 1, count)
    below = np.minimum(positions.astype(int), len(frames) - 2)
    weight = (positions - below).reshape(-1, *([1] * (frames.ndim - 1)))
    return (1 - weight) * frames[below] + weight * frames[below + 1]


def measured_field(frames: np.ndarray, size_hw: tuple[int, int]) -> np.ndarray:
    """The average DIS flow of (T, 64, 64, 3) float frames, resized to `size_hw` and scaled
    to its pixels: the motion field the generated clip shows."""
    small = np.clip(frames + 0.5, 0, 255).astype(np.uint8)
    flows = [dis_flow(a, b) for a, b in zip(small[:-1], small[1:], strict=True)]
    average = np.mean(flows, axis=0).astype(np.float32)
    height, width = size_hw
    field = cv2.resize(average, (width, height), interpolation=cv2.INTER_LINEAR)
    field[..., 0] *= width / SIDE
    field[..., 1] *= height / SIDE
    return field
