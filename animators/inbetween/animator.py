"""Two-frame inbetweening: start + end frame -> an exact number of frames between them.

Methods
- "blend": linear cross-fade, the baseline every other method is compared with.
- "flow": classical optical flow (OpenCV DIS) both ways; each input is backward-warped to
  time t with the flow scaled by t and 1 - t, and the two are blended with weights that drop
  where forward-backward consistency says a pixel is hidden in the other frame.
- "learned": DIS flow at a reduced resolution, refined for each t by a trained network that
  also predicts the fusion mask and a colour residual (`animators.nets.inbetween.interpolator`,
  checkpoint inbetween/learned, trained by `training/inbetween/train_interpolator.py`).
- `GeneratedClipFrames` runs the original project's whole-clip generators (3D-conv CVAE / CGAN,
  `training/inbetween/train_clip_generator.py`) at 64x64, upscaled as a preview; `MipalFrames` the
  original project's encoder-decoder + refinement model (`training/inbetween/train_mipal.py`) at
  256x256.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable

import cv2
import numpy as np
import torch
from PIL import Image

from animators.core import checkpoints
from animators.core.base import (
    Clip,
    InputError,
    ProgressFn,
    pad_to_multiple,
    report,
    to_float,
    to_uint8,
)
from animators.core.inputs import prepare_image
from animators.core.limits import MAX_SEED, Limits, check_count, check_fps
from animators.core.optical_flow import backward_warp, dis_flows, net_flows, occlusion, pixel_grid
from animators.inbetween.defaults import FPS, INBETWEENS
from animators.nets.inbetween.clip_generator import ClipGenerator, ClipGeneratorConfig
from animators.nets.inbetween.interpolator import NET_MULTIPLE, FlowFusionNet, InterpolatorConfig
from animators.nets.inbetween.mipal import Mipal, MipalConfig

FrameAt = Callable[[float], np.ndarray]
"""Given t in (0, 1), return the frame at that time as float32 (H, W, 3) in [0, 1].

Every method is a function (or callable object) of the two input frames, uint8 (H, W, 3) RGB of
the same size, that returns a FrameAt."""


def blend_frames(start8: np.ndarray, end8: np.ndarray) -> FrameAt:
    """Linear cross-fade between two uint8 images."""
    start, end = to_float(start8), to_float(end8)
    return lambda t: (1.0 - t) * start + t * end


def flow_frames(start8: np.ndarray, end8: np.ndarray, preset: str = "medium") -> FrameAt:
    """Occlusion-aware bidirectional flow interpolation between two uint8 images."""
    start, end = to_float(start8), to_float(end8)
    flow_01, flow_10 = dis_flows(start8, end8, preset)
    grid = pixel_grid(*start.shape[:2])
    hidden_in_end = occlusion(flow_01, flow_10, grid)  # start's pixels not seen in end
    hidden_in_start = occlusion(flow_10, flow_01, grid)

    def frame_at(t: float) -> np.ndarray:
        # Flow from time t back to each input (linear-motion approximation, Super SloMo style).
        flow_t0 = -(1.0 - t) * t * flow_01 + t * t * flow_10
        flow_t1 = (1.0 - t) ** 2 * flow_01 - t * (1.0 - t) * flow_10
        from_start = backward_warp(start, flow_t0, grid)
        from_end = backward_warp(end, flow_t1, grid)
        weight_start = (1.0 - t) * (1.0 - backward_warp(hidden_in_start, flow_t1, grid)) + 1e-4
        weight_end = t * (1.0 - backward_warp(hidden_in_end, flow_t0, grid)) + 1e-4
        total = weight_start + weight_end
        return (
            from_start * (weight_start / total)[..., None]
            + from_end * (weight_end / total)[..., None]
        )

    return frame_at


MAX_FLOW_SIDE = 512
"""The learned method estimates DIS flow at the largest power-of-two reduction whose longer
side is at most this, and its network works at half that resolution."""


def flow_scale_for(height: int, width: int, max_flow_side: int = MAX_FLOW_SIDE) -> int:
    """The power-of-two reduction at which the learned method estimates flow (1, 2, 4, ...)."""
    scale = 1
    while max(height, width) / scale > max_flow_side:
        scale *= 2
    return scale


def has_bfloat16_units(device: str | torch.device) -> bool:
    """Whether `device` is a CPU with bfloat16 matrix instructions (AMX or AVX512-BF16), where
    the interpolator's convolutions run several times faster in bfloat16 than in float32 (see
    the `learned, float32` row of the README's inbetweening table)."""
    if torch.device(device).type != "cpu":
        return False
    try:
        return torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported()
    except AttributeError:  # an older or newer torch without these probes: stay in float32
        return False


class LearnedFrames:
    """The `learned` method: (start, end) uint8 images -> FrameAt, with a trained
    `FlowFusionNet` (animators.nets.inbetween.interpolator) refining DIS flow for each t.

    max_flow_side: frames whose longer side exceeds it get their flow (and the network) at a
    power-of-two reduction (`flow_scale_for`); a larger value is finer and slower (a 854x480
    frame takes about 3 times as long at 1024 as at the default 512).
    ensemble: average the network's maps over the pair's four symmetric views (time-reversed,
    mirrored; `FlowFusionNet.ensemble_maps`): four passes of the small network per frame,
    higher PSNR on real video than one pass (README, Inbetweening).
    bfloat16: hold the network's convolutions in bfloat16 (`FlowFusionNet.convolutions_to`;
    the net given is changed in place); None (default) does so on CPUs with bfloat16 units
    (`has_bfloat16_units`), where it is much faster; the frames differ from float32 by float
    rounding (the benchmark's PSNR to three decimals is the same)."""

    def __init__(
        self,
        net: FlowFusionNet,
        device: str | None = None,
        max_flow_side: int = MAX_FLOW_SIDE,
        ensemble: bool = True,
        bfloat16: bool | None = None,
    ) -> None:
        self.device = checkpoints.pick_device(device)
        # Channels-last convolution weights: oneDNN's faster layout on CPU (about 5 ms less per
        # frame for the network; the same outputs up to float rounding).
        self.net = net.to(self.device, memory_format=torch.channels_last).eval()
        self.max_flow_side = max_flow_side
        self.ensemble = ensemble
        self.bfloat16 = has_bfloat16_units(self.device) if bfloat16 is None else bfloat16
        if self.bfloat16:
            self.net.convolutions_to(torch.bfloat16)

    @classmethod
    def from_pretrained(
        cls, source: str | None = None, device: str | None = None, **options
    ) -> LearnedFrames:
        """Load checkpoints/inbetween/learned/ (or `source`, or the Hub); options go to
        __init__ (max_flow_side, ensemble, bfloat16)."""
        folder = checkpoints.resolve("inbetween", "learned", path=source)
        net = checkpoints.load_module(FlowFusionNet, InterpolatorConfig, folder)
        return cls(net, device, **options)

    def __call__(self, start8: np.ndarray, end8: np.ndarray) -> FrameAt:
        height, width = start8.shape[:2]
        flow_scale = flow_scale_for(height, width, self.max_flow_side)
        multiple = 2 * flow_scale * NET_MULTIPLE
        start_padded, _ = pad_to_multiple(start8, multiple)
        end_padded, _ = pad_to_multiple(end8, multiple)
        flow_01, flow_10 = net_flows(start_padded, end_padded, flow_scale)

        def tensor(array: np.ndarray) -> torch.Tensor:  # (H, W, C) -> float32 (1, C, H, W)
            values = torch.from_numpy(np.require(array, requirements="CW")).permute(2, 0, 1)[None]
            values = values.to(self.device, torch.float32)
            return values / 255.0 if array.dtype == np.uint8 else values

        with torch.inference_mode():
            pair = self.net.prepare(
                tensor(start_padded), tensor(end_padded), tensor(flow_01), tensor(flow_10)
            )

        def frame_at(t: float) -> np.ndarray:
            with torch.inference_mode():
                time_t = torch.tensor([t], dtype=torch.float32, device=self.device)
                frame = self.net.frame_at(pair, time_t, self.ensemble)[0]
            return frame.permute(1, 2, 0).cpu().numpy()[:height, :width]

        return frame_at


def squeezed(image8: np.ndarray, side: int, device) -> torch.Tensor:
    """A uint8 (H, W, 3) frame squeezed to a float32 (1, 3, side, side) tensor in [0, 1], the
    input of the original project's fixed-size models."""
    small = cv2.resize(to_float(image8), (side, side), interpolation=cv2.INTER_AREA)
    return torch.from_numpy(small.transpose(2, 0, 1).copy())[None].to(device)


class GeneratedClipFrames:
    """The original project's whole-clip methods (`cvae`, `cgan`): a 3D-convolutional generator
    (animators.nets.inbetween.clip_generator) makes a 30-frame 64x64 clip from the two frames
    (squeezed to 64x64) and a latent drawn from `seed`; frame t is read from that clip (linear
    between its frames) and upsampled back to the input size, as a preview."""

    uses_seed = True

    def __init__(self, generator: ClipGenerator, device: str | None = None) -> None:
        self.device = checkpoints.pick_device(device)
        self.generator = generator.to(self.device).eval()
        self.preview_size = generator.config.size

    @classmethod
    def from_pretrained(cls, kind: str, source: str | None = None, device: str | None = None):
        """Load checkpoints/inbetween/<kind>/ (kind "cvae" or "cgan"; or `source`, or the Hub)."""
        folder = checkpoints.resolve("inbetween", kind, path=source)
        return cls(checkpoints.load_module(ClipGenerator, ClipGeneratorConfig, folder), device)

    def __call__(self, start8: np.ndarray, end8: np.ndarray, seed: int = 0) -> FrameAt:
        height, width = start8.shape[:2]
        side = self.generator.config.size

        with torch.inference_mode():
            first, last = (squeezed(image, side, self.device) for image in (start8, end8))
            clip = self.generator.sample(first, last, seed)[0]
        clip = clip.permute(1, 2, 3, 0).cpu().numpy()  # (T, side, side, 3)

        def frame_at(t: float) -> np.ndarray:
            position = t * (len(clip) - 1)
            index = min(int(position), len(clip) - 2)
            weight = position - index
            small = (1.0 - weight) * clip[index] + weight * clip[index + 1]
            large = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
            return np.clip(large, 0.0, 1.0)

        return frame_at


class MipalFrames:
    """The original project's encoder-decoder + refinement method
    (`mipal`, animators.nets.inbetween.mipal): both frames squeezed to 256x256 and encoded once;
    for each t the latents are mixed, decoded and refined, and the frame is resized back to the
    input size (a preview above 256 px)."""

    def __init__(self, model: Mipal, device: str | None = None) -> None:
        self.device = checkpoints.pick_device(device)
        self.model = model.to(self.device).eval()
        self.preview_size = model.config.size

    @classmethod
    def from_pretrained(cls, source: str | None = None, device: str | None = None):
        """Load checkpoints/inbetween/mipal/ (or `source`, or the Hub)."""
        folder = checkpoints.resolve("inbetween", "mipal", path=source)
        return cls(checkpoints.load_module(Mipal, MipalConfig, folder), device)

    def __call__(self, start8: np.ndarray, end8: np.ndarray) -> FrameAt:
        height, width = start8.shape[:2]
        side = self.model.config.size

        first, last = (squeezed(image, side, self.device) for image in (start8, end8))
        with torch.inference_mode():
            latents = self.model.interpolator.encode(first), self.model.interpolator.encode(last)

        def frame_at(t: float) -> np.ndarray:
            with torch.inference_mode():
                coarse = self.model.interpolator.decode((1.0 - t) * latents[0] + t * latents[1])
                refined = self.model.refiner(coarse, first, last)[0]
            small = refined.permute(1, 2, 0).cpu().numpy()
            return np.clip(cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC), 0, 1)

        return frame_at


CLASSICAL_METHODS: dict[str, Callable[[np.ndarray, np.ndarray], FrameAt]] = {
    "blend": blend_frames,
    "flow": flow_frames,
}


def match_size(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Resize `end` to `start`'s size if they differ (saying so)."""
    if end.shape[:2] == start.shape[:2]:
        return end, []
    height, width = start.shape[:2]
    resized = np.asarray(Image.fromarray(end).resize((width, height), Image.Resampling.LANCZOS))
    return resized, [
        f"The end frame was {end.shape[1]}x{end.shape[0]} and was resized to the start "
        f"frame's {width}x{height}."
    ]


class Inbetweener:
    """Callable animator: (start, end) -> Clip of num_frames + 2 frames (both inputs included).

    With `loop=True` it also goes from the end back to the start, returning 2 * (num_frames + 1)
    frames that close into a smooth cycle: the way there reversed (ping-pong) for a
    deterministic method, a second sample from the end to the start for a sampling one.
    """

    def __init__(
        self,
        method: str = "flow",
        limits: Limits | None = None,
        make_frames: Callable[[np.ndarray, np.ndarray], FrameAt] | None = None,
    ) -> None:
        """`method` names a method in CLASSICAL_METHODS, or any name when `make_frames`
        (e.g. a `LearnedFrames`) is given."""
        if make_frames is None and method not in CLASSICAL_METHODS:
            names = ", ".join(CLASSICAL_METHODS)
            raise InputError(f"Unknown inbetweening method {method!r}; use one of {names}.")
        self.method = method
        self.make_frames = make_frames or CLASSICAL_METHODS[method]
        self.limits = limits or Limits.from_env()

    @property
    def stochastic(self) -> bool:
        """True when `seed` changes the frames (a sampling method such as cvae or cgan)."""
        return bool(getattr(self.make_frames, "uses_seed", False))

    def __call__(
        self,
        start: np.ndarray,
        end: np.ndarray,
        *,
        num_frames: int = INBETWEENS.default,
        fps: float = FPS.default,
        loop: bool = False,
        seed: int = 0,
        progress: ProgressFn | None = None,
    ) -> Clip:
        # The clip holds n + 2 frames, or 2 (n + 1) with the loop's second leg back to the start.
        frame_budget = self.limits.max_output_frames
        most_for_budget = frame_budget // 2 - 1 if loop else frame_budget - 2
        most = max(INBETWEENS.minimum, min(INBETWEENS.maximum, most_for_budget))
        num_frames = check_count(
            num_frames, "number of in-between frames", INBETWEENS.minimum, most
        )
        fps = check_fps(fps, self.limits)
        seed = check_count(seed, "seed", 0, MAX_SEED)
        start, notes = prepare_image(start, self.limits)
        end, end_notes = prepare_image(end, self.limits)
        end, size_notes = match_size(start, end)
        notes = notes + [f"End frame: {note}" for note in end_notes] + size_notes
        began = _time.perf_counter()
        report(progress, 0.0, "Estimating motion")
        # A deterministic method's way back is its way there reversed (exactly symmetric, and
        # half the work); a sampling method draws the way back as a clip of its own.
        sampled_back = loop and self.stochastic
        pairs = [(start, end)] + ([(end, start)] if sampled_back else [])
        frames: list[np.ndarray] = [start]
        if getattr(self.make_frames, "preview_size", None):
            side = self.make_frames.preview_size
            notes.append(
                f"{self.method} generates {side}x{side} clips; these frames are upscaled to "
                f"{start.shape[1]}x{start.shape[0]} as a preview."
            )
        for leg, (first, last) in enumerate(pairs):
            if self.stochastic:
                frame_at = self.make_frames(first, last, seed=seed)
            else:
                frame_at = self.make_frames(first, last)
            for index in range(1, num_frames + 1):
                done = (leg * num_frames + index) / (len(pairs) * num_frames)
                report(progress, done, "Interpolating")
                frames.append(to_uint8(frame_at(index / (num_frames + 1))))
            if leg == 0:
                frames.append(end)
        if loop and not sampled_back:
            frames += frames[num_frames:0:-1]
        elapsed = _time.perf_counter() - began
        info = {
            "method": self.method,
            "warnings": notes,
            "seconds": round(elapsed, 3),
            "ms_per_frame": round(1000 * elapsed / (num_frames * len(pairs)), 1),
        }
        return Clip(frames=np.stack(frames), fps=fps, info=info)
