"""Bird flight from one photo: detect the bird, project its crop into the bird StyleGAN, mix its
appearance with flying poses, interpolate a closed wing-beat loop, paste it back.

    animator = BirdAnimator.from_pretrained()
    clip = animator(photo, num_frames=48)           # photo: (H, W, 3) uint8 RGB
    clip.info["box"], clip.info["crop"], clip.info["reconstruction"]

Steps (each in its own module of animators.birds): `detector` (YOLOv8, COCO class bird),
`projection` (encoder + short optimisation in W+), `flight` (style mixing with the pose bank,
closed latent path, feathered paste-back, optional loop flight across the photo). Settings and
their defaults: `animators.birds.defaults`.
"""

from __future__ import annotations

import time as _time
from pathlib import Path

import cv2
import numpy as np
import torch

from animators.birds.defaults import (
    FPS,
    FRAMES,
    IDENTITY_STEPS,
    MAX_IDENTITY_STEPS,
    MAX_PROJECTION_STEPS,
    POSE_LAYERS,
    PROJECTION_STEPS,
    SMOOTHNESS,
    TRUNCATION,
)
from animators.birds.defaults import SUGGESTED_IDENTITY_STEPS as SUGGESTED_IDENTITY_STEPS
from animators.birds.detector import BirdDetector, Detection, square_around
from animators.birds.flight import closed_path, loop_offsets, match_colours, mix_styles, paste_back
from animators.birds.projection import (
    fixed_noise,
    keep_identity,
    load_generator_and_critic,
    project,
)
from animators.core import checkpoints
from animators.core.base import Clip, InputError, ProgressFn, report, sub_progress
from animators.core.inputs import prepare_image
from animators.core.limits import MAX_SEED, Limits, check_count, check_fps, check_number
from animators.core.metrics import psnr
from animators.nets.birds.encoder import BirdEncoder, BirdEncoderConfig
from animators.nets.birds.pose_bank import PoseBank, PoseBankConfig
from animators.nets.birds.stylegan import StyleGANDiscriminator, StyleGANGenerator

# Defaults by the names benchmarks/ and tests/ use (with SUGGESTED_IDENTITY_STEPS above).
DEFAULT_COARSE_LAYERS = POSE_LAYERS.default
DEFAULT_PROJECTION_STEPS = PROJECTION_STEPS.default
DEFAULT_IDENTITY_STEPS = IDENTITY_STEPS.default
WORKING_SIDE = 640  # the photo's longest side while animating (300 frames stay in memory)


class BirdAnimator:
    """Holds the generator, its discriminator (projection features), the encoder, the pose bank
    and the detector; call it with a photo.

    The networks are frozen (no parameter gradients: projection optimises only latents), so
    nothing of one call stays behind in the animator for the next."""

    def __init__(
        self,
        generator: StyleGANGenerator,
        pose_ws: torch.Tensor,
        encoder: BirdEncoder | None = None,
        critic: StyleGANDiscriminator | None = None,
        detector: BirdDetector | None = None,
        device=None,
        limits: Limits | None = None,
    ) -> None:
        self.device = checkpoints.pick_device(device)
        self.generator = generator.to(self.device).eval()
        self.encoder = None if encoder is None else encoder.to(self.device).eval()
        self.critic = None if critic is None else critic.to(self.device).eval()
        for network in (self.generator, self.encoder, self.critic):
            if network is not None:
                network.requires_grad_(False)
        self.pose_ws = pose_ws.to(self.device)
        self.detector = detector if detector is not None else BirdDetector()
        self.limits = limits or Limits.from_env()
        self.method = "stylegan"

    @classmethod
    def from_pretrained(
        cls, detector: str | Path | None = None, device=None, source: str | Path | None = None
    ) -> BirdAnimator:
        """Load checkpoints/birds/{stylegan, stylegan_critic, encoder, pose_bank} (local first,
        then the Hub). `detector`: YOLOv8 weights path (default: ANIMATE_BIRD_DETECTOR, else
        ultralytics' yolov8n.pt). `source`: a folder holding those four checkpoint folders."""
        device = checkpoints.pick_device(device)

        def folder(model: str) -> Path:
            return checkpoints.resolve("birds", model, Path(source) / model if source else None)

        generator, critic = load_generator_and_critic(
            folder("stylegan"), folder("stylegan_critic"), device
        )
        encoder = checkpoints.load_module(BirdEncoder, BirdEncoderConfig, folder("encoder"), device)
        bank = checkpoints.load_module(PoseBank, PoseBankConfig, folder("pose_bank"), device)
        return cls(generator, bank.ws, encoder, critic, BirdDetector(detector), device)

    @property
    def resolution(self) -> int:
        return self.generator.config.resolution

    def _to_tensor(self, crop: np.ndarray) -> torch.Tensor:
        return (
            torch.from_numpy(crop).permute(2, 0, 1)[None].float().div(127.5).sub(1).to(self.device)
        )

    @staticmethod
    def _to_images(tensor: torch.Tensor) -> np.ndarray:
        """(B, 3, S, S) in [-1, 1] -> (B, S, S, 3) uint8."""
        images = tensor.clamp(-1, 1).add(1).mul(127.5).round().byte()
        return images.permute(0, 2, 3, 1).cpu().numpy()

    def locate(
        self, photo: np.ndarray, whole_image: bool
    ) -> tuple[Detection | None, tuple[int, int, int]]:
        """The detection (None for the whole image) and the square (x0, y0, side) to animate."""
        height, width = photo.shape[:2]
        if whole_image:
            side = min(width, height)
            return None, ((width - side) // 2, (height - side) // 2, side)
        detection = self.detector.detect(photo)
        if detection is None:
            raise InputError(
                "No bird was found in the photo; try a photo where the bird is larger, or tick "
                "'use the whole image' to animate the (square centre of the) photo anyway."
            )
        return detection, square_around(detection.box, (width, height))

    def crop(self, photo: np.ndarray, square: tuple[int, int, int]) -> np.ndarray:
        """The square as the generator sees it: (S, S, 3) uint8."""
        x0, y0, side = square
        piece = photo[y0 : y0 + side, x0 : x0 + side]
        return cv2.resize(piece, (self.resolution, self.resolution), interpolation=cv2.INTER_AREA)

    def __call__(
        self,
        image: np.ndarray,
        *,
        num_frames: int = FRAMES.default,
        coarse_layers: int | None = None,
        smoothness: float = SMOOTHNESS.default,
        truncation: float = TRUNCATION.default,
        projection_steps: int = PROJECTION_STEPS.default,
        identity_steps: int = IDENTITY_STEPS.default,
        whole_image: bool = False,
        fly_across: bool = False,
        fps: float = FPS.default,
        seed: int = 0,
        progress: ProgressFn | None = None,
    ) -> Clip:
        """image: (H, W, 3) uint8 RGB photo with a bird. Returns the whole photo with the bird
        flapping in place (or flying a closed loop across the photo with `fly_across`), looping:
        the frame after the last would equal the first. `coarse_layers` (0..num_ws): how many
        style inputs come from the flying poses; `smoothness` 0..1 rounds the latent path;
        `truncation` 0..1 pulls the animation toward the average bird (1 = off). None for
        `coarse_layers` means DEFAULT_COARSE_LAYERS (or all, for a generator with fewer).
        `identity_steps` (0 = off) optimise each posed keyframe's colour and texture inputs
        back toward the bird's look (`projection.keep_identity`; needs the critic)."""
        if coarse_layers is None:
            coarse_layers = min(POSE_LAYERS.default, self.generator.num_ws)
        most_frames = min(FRAMES.maximum, self.limits.max_output_frames)
        num_frames = check_count(num_frames, "number of frames", FRAMES.minimum, most_frames)
        coarse_layers = check_count(
            coarse_layers, "number of pose layers", POSE_LAYERS.minimum, self.generator.num_ws
        )
        smoothness = check_number(smoothness, "smoothness", SMOOTHNESS.minimum, SMOOTHNESS.maximum)
        truncation = check_number(truncation, "truncation", TRUNCATION.minimum, TRUNCATION.maximum)
        projection_steps = check_count(
            projection_steps,
            "number of projection steps",
            PROJECTION_STEPS.minimum,
            MAX_PROJECTION_STEPS,
        )
        identity_steps = check_count(
            identity_steps, "number of identity steps", IDENTITY_STEPS.minimum, MAX_IDENTITY_STEPS
        )
        fps = check_fps(fps, self.limits)
        seed = check_count(seed, "seed", 0, MAX_SEED)
        photo, notes = prepare_image(image, self.limits)
        if max(photo.shape[:2]) > WORKING_SIDE:
            scale = WORKING_SIDE / max(photo.shape[:2])
            size = (max(1, round(photo.shape[1] * scale)), max(1, round(photo.shape[0] * scale)))
            photo = cv2.resize(photo, size, interpolation=cv2.INTER_AREA)
            notes.append(f"The photo is animated at {size[0]}x{size[1]} pixels.")
        began = _time.perf_counter()
        timings: dict[str, float] = {}

        report(progress, 0.0, "Looking for the bird")
        detection, square = self.locate(photo, bool(whole_image))
        timings["detect_s"] = _time.perf_counter() - began
        crop = self.crop(photo, square)

        with torch.inference_mode():
            noise = fixed_noise(self.generator, seed, self.device)
            start = _time.perf_counter()
            ws, reconstruction = project(
                self.generator,
                self.encoder,
                self.critic,
                self._to_tensor(crop),
                noise,
                steps=projection_steps,
                progress=sub_progress(progress, 0.1, 0.5),
            )
            timings["project_s"] = _time.perf_counter() - start
            start = _time.perf_counter()
            report(progress, 0.6, "Mixing the bird with the flying poses")
            keys = mix_styles(ws[0], self.pose_ws, coarse_layers)
            if self.critic is not None:
                keys = keep_identity(
                    self.generator,
                    self.critic,
                    keys,
                    reconstruction,
                    noise,
                    coarse_layers,
                    steps=identity_steps,
                    progress=sub_progress(progress, 0.6, 0.15),
                )
            timings["identity_s"] = _time.perf_counter() - start
            start = _time.perf_counter()
            average = self.generator.mapping.w_average
            keys = average + truncation * (keys - average)
            path = closed_path(keys, num_frames, smoothness)
            crops = []
            for first in range(0, num_frames, 16):
                rendered = self.generator.synthesis(path[first : first + 16], noise)
                crops.append(self._to_images(match_colours(rendered, reconstruction)))
                done = min(num_frames, first + 16)
                report(progress, 0.75 + 0.15 * done / num_frames, "Rendering the flight")
            crops = np.concatenate(crops)
            timings["render_s"] = _time.perf_counter() - start
        reconstruction = self._to_images(reconstruction)[0]

        report(progress, 0.9, "Pasting the bird back into the photo")
        start = _time.perf_counter()
        if fly_across:
            offsets = loop_offsets(num_frames, square, (photo.shape[1], photo.shape[0]))
            frames = paste_back(
                photo, crops, square, offsets, background=remove_bird(photo, square)
            )
        else:
            frames = paste_back(photo, crops, square)
        timings["paste_s"] = _time.perf_counter() - start
        timings["total_s"] = _time.perf_counter() - began
        report(progress, 1.0, "Done")
        info = {
            "method": self.method,
            "box": None if detection is None else tuple(round(v, 1) for v in detection.box),
            "score": None if detection is None else round(detection.score, 3),
            "square": square,
            "crop": crop,
            "reconstruction": reconstruction,
            "animated_crop": crops,
            "projection_psnr": round(psnr(reconstruction, crop), 2),
            "coarse_layers": coarse_layers,
            "projection_steps": projection_steps,
            "identity_steps": identity_steps if self.critic is not None else 0,
            "resolution": self.resolution,
            "timings": {k: round(v, 3) for k, v in timings.items()},
            "warnings": notes,
        }
        return Clip(frames, fps, info)


def remove_bird(photo: np.ndarray, square: tuple[int, int, int]) -> np.ndarray:
    """The photo with the bird's square filled in from its surroundings (cv2.inpaint, Telea),
    the background under a bird that flies away."""
    x0, y0, side = square
    mask = np.zeros(photo.shape[:2], dtype=np.uint8)
    inset = side // 10
    mask[y0 + inset : y0 + side - inset, x0 + inset : x0 + side - inset] = 255
    scale = min(1.0, 256 / max(photo.shape[:2]))  # inpaint small, it is slow on big holes
    if scale < 1.0:
        small = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        small_mask = cv2.resize(
            mask, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_NEAREST
        )
        filled = cv2.resize(
            cv2.inpaint(small, small_mask, 5, cv2.INPAINT_TELEA),
            (photo.shape[1], photo.shape[0]),
            interpolation=cv2.INTER_CUBIC,
        )
        return np.where(mask[..., None] > 0, filled, photo)
    return cv2.inpaint(photo, mask, 5, cv2.INPAINT_TELEA)
