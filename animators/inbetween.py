"""Two-frame inbetweening: start + end frame -> an exact number of frames between them.

Methods
- "blend": linear cross-fade, the baseline every other method is compared with.
- "flow": classical optical flow (OpenCV DIS) both ways; each input is backward-warped to
  time t with the flow scaled by t and 1 - t, and the two are blended with weights that drop
  where forward-backward consistency says a pixel is hidden in the other frame.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable

import numpy as np
from PIL import Image

from .base import Clip, InputError, ProgressFn, report, to_float, to_uint8
from .inputs import prepare_image
from .limits import Limits, check_count, check_fps
from .optical_flow import backward_warp, dis_flow, occlusion, pixel_grid

MAX_INBETWEENS = 60

FrameAt = Callable[[float], np.ndarray]
"""Given t in (0, 1), return the frame at that time as float32 (H, W, 3) in [0, 1]."""


def blend_frames(start: np.ndarray, end: np.ndarray) -> FrameAt:
    """Linear cross-fade between two float images."""
    return lambda t: (1.0 - t) * start + t * end


def flow_frames(start: np.ndarray, end: np.ndarray, preset: str = "medium") -> FrameAt:
    """Occlusion-aware bidirectional flow interpolation between two float images."""
    start8, end8 = to_uint8(start), to_uint8(end)
    flow_01 = dis_flow(start8, end8, preset)
    flow_10 = dis_flow(end8, start8, preset)
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


METHODS: dict[str, Callable[[np.ndarray, np.ndarray], FrameAt]] = {
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

    With `loop=True` it also interpolates from the end back to the start, returning
    2 * (num_frames + 1) frames that close into a smooth cycle.
    """

    def __init__(self, method: str = "flow", limits: Limits | None = None) -> None:
        if method not in METHODS:
            raise InputError(
                f"Unknown inbetweening method {method!r}; use one of {', '.join(METHODS)}."
            )
        self.method = method
        self.make_frames = METHODS[method]
        self.limits = limits or Limits.from_env()

    def __call__(
        self,
        start: np.ndarray,
        end: np.ndarray,
        *,
        num_frames: int = 7,
        fps: float = 12.0,
        loop: bool = False,
        seed: int = 0,
        progress: ProgressFn | None = None,
    ) -> Clip:
        # The clip holds n + 2 frames, or 2 (n + 1) with the loop's second leg back to the start.
        legs = 2 if loop else 1
        frame_budget = self.limits.max_output_frames
        most_for_budget = frame_budget // 2 - 1 if loop else frame_budget - 2
        most = max(1, min(MAX_INBETWEENS, most_for_budget))
        num_frames = check_count(num_frames, "number of in-between frames", 1, most)
        fps = check_fps(fps, self.limits)
        start, notes = prepare_image(start, self.limits)
        end, end_notes = prepare_image(end, self.limits)
        end, size_notes = match_size(start, end)
        notes = notes + [f"End frame: {note}" for note in end_notes] + size_notes
        began = _time.perf_counter()
        report(progress, 0.0, "Estimating motion")
        pairs = [(start, end)] + ([(end, start)] if loop else [])
        frames: list[np.ndarray] = [start]
        for leg, (first, last) in enumerate(pairs):
            frame_at = self.make_frames(to_float(first), to_float(last))
            for index in range(1, num_frames + 1):
                done = (leg * num_frames + index) / (legs * num_frames)
                report(progress, done, "Interpolating")
                frames.append(to_uint8(frame_at(index / (num_frames + 1))))
            if leg == 0:
                frames.append(end)
        elapsed = _time.perf_counter() - began
        info = {
            "method": self.method,
            "warnings": notes,
            "seconds": round(elapsed, 3),
            "ms_per_frame": round(1000 * elapsed / (num_frames * legs), 1),
        }
        return Clip(frames=np.stack(frames), fps=fps, info=info)
