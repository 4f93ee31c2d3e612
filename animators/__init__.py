"""Image animation: one animator per task, behind `load(task, method)`.

    import animators
    clip = animators.load("inbetween")(start, end, num_frames=7)  # method="learned"
    clip = animators.load("inbetween", "cvae")(start, end, num_frames=7, seed=1)  # stochastic
    clip = animators.load("waterfall")(image, num_frames=24)  # method="flow": the model finds it
    clip = animators.load("waterfall", "brush")(image, mask=mask, direction=270, num_frames=24)
    clip = animators.load("text")("the digit 3 is moving left", start, num_frames=16)
    clip = animators.load("birds")(photo, num_frames=48)  # info: box, crop, reconstruction

Images are (H, W, 3) uint8 RGB numpy arrays; every animator returns a `Clip`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from animators.birds.animator import BirdAnimator
from animators.core.base import AnimatorError, Clip, InputError
from animators.core.checkpoints import CheckpointNotFound
from animators.inbetween.animator import (
    GeneratedClipFrames,
    Inbetweener,
    LearnedFrames,
    MipalFrames,
)
from animators.text.animator import TextAnimator
from animators.waterfall.animator import Waterfall
from animators.waterfall.generators import ORIGINAL_METHODS, GeneratedWaterfall
from animators.waterfall.motion_field import MotionFieldPredictor

# task -> method -> factory(device) returning the animator. The first method is the default.
REGISTRY: dict[str, dict[str, Callable[[Any], Any]]] = {
    "waterfall": {
        "flow": lambda device: Waterfall(MotionFieldPredictor.from_pretrained(device=device)),
        "brush": lambda device: Waterfall(),
        **{
            name: (
                lambda device, name=name: GeneratedWaterfall.from_pretrained(name, device=device)
            )
            for name in ORIGINAL_METHODS
        },
    },
    "inbetween": {
        "learned": lambda device: Inbetweener(
            "learned", make_frames=LearnedFrames.from_pretrained(device=device)
        ),
        "flow": lambda device: Inbetweener("flow"),
        "blend": lambda device: Inbetweener("blend"),
        **{
            kind: (
                lambda device, kind=kind: Inbetweener(
                    kind, make_frames=GeneratedClipFrames.from_pretrained(kind, device=device)
                )
            )
            for kind in ("cvae", "cgan")
        },
        "mipal": lambda device: Inbetweener(
            "mipal", make_frames=MipalFrames.from_pretrained(device=device)
        ),
    },
    "text": {
        "next_frame": lambda device: TextAnimator(device),
    },
    "birds": {
        "stylegan": lambda device: BirdAnimator.from_pretrained(device=device),
    },
}


def methods(task: str) -> list[str]:
    """The methods available for `task`, default first."""
    if task not in REGISTRY:
        raise InputError(f"Unknown task {task!r}; available: {', '.join(REGISTRY)}.")
    return list(REGISTRY[task])


def load(task: str, method: str | None = None, device: str | None = None):
    """Return the animator for `task` ("waterfall", "inbetween", "text", "birds") and `method`
    (default: the task's first). `device` ("cpu", "cuda") matters for learned models; None picks
    CUDA when available."""
    available = methods(task)
    method = method or available[0]
    if method not in available:
        raise InputError(
            f"Unknown method {method!r} for {task}; available: {', '.join(available)}."
        )
    return REGISTRY[task][method](device)


__all__ = [
    "AnimatorError",
    "CheckpointNotFound",
    "Clip",
    "InputError",
    "load",
    "methods",
    "REGISTRY",
]
