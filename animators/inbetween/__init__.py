"""Two-frame inbetweening: blend and flow baselines, the learned flow interpolator, and the
original projects' models (cvae, cgan, mipal).

METHODS: method -> factory(device) returning the animator, the default first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from animators.inbetween.animator import (
    GeneratedClipFrames,
    Inbetweener,
    LearnedFrames,
    MipalFrames,
)


def _clip_generator(kind: str) -> Callable[[Any], Inbetweener]:
    return lambda device: Inbetweener(
        kind, make_frames=GeneratedClipFrames.from_pretrained(kind, device=device)
    )


METHODS: dict[str, Callable[[Any], Any]] = {
    "learned": lambda device: Inbetweener(
        "learned", make_frames=LearnedFrames.from_pretrained(device=device)
    ),
    "flow": lambda device: Inbetweener("flow"),
    "blend": lambda device: Inbetweener("blend"),
    "cvae": _clip_generator("cvae"),
    "cgan": _clip_generator("cgan"),
    "mipal": lambda device: Inbetweener(
        "mipal", make_frames=MipalFrames.from_pretrained(device=device)
    ),
}
