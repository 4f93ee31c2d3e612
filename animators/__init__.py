"""Image animation: one animator per task, behind `load(task, method)`.

    import animators
    clip = animators.load("inbetween")(start, end, num_frames=7)  # method="learned"
    clip = animators.load("inbetween", "cvae")(start, end, num_frames=7, seed=1)  # stochastic
    clip = animators.load("waterfall")(image, num_frames=24)  # method="flow": the model finds it
    clip = animators.load("waterfall", "brush")(image, mask=mask, direction=270, num_frames=24)
    clip = animators.load("text")("the digit 3 is moving left", start, num_frames=16)
    clip = animators.load("birds")(photo, num_frames=48)  # info: box, crop, reconstruction

Images are (H, W, 3) uint8 RGB numpy arrays; every animator returns a `Clip`. `load` builds a
fresh animator (reading its checkpoints); `cached` builds each one once per process and hands
the same one to every caller (a server's requests).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from animators import birds, inbetween, text, waterfall
from animators.core.base import AnimatorError, Clip, InputError
from animators.core.checkpoints import CheckpointNotFound

# task -> method -> factory(device) returning the animator, from each task package's METHODS.
# The first method is the default.
REGISTRY: dict[str, dict[str, Callable[[Any], Any]]] = {
    "waterfall": waterfall.METHODS,
    "inbetween": inbetween.METHODS,
    "text": text.METHODS,
    "birds": birds.METHODS,
}


def methods(task: str) -> list[str]:
    """The methods available for `task`, default first."""
    if task not in REGISTRY:
        raise InputError(f"Unknown task {task!r}; available: {', '.join(REGISTRY)}.")
    return list(REGISTRY[task])


def _method(task: str, method: str | None) -> str:
    """`method`, or the task's default for None; InputError for an unknown task or method."""
    available = methods(task)
    method = method or available[0]
    if method not in available:
        raise InputError(
            f"Unknown method {method!r} for {task}; available: {', '.join(available)}."
        )
    return method


def load(task: str, method: str | None = None, device: str | None = None):
    """Return a new animator for `task` ("waterfall", "inbetween", "text", "birds") and
    `method` (default: the task's first). `device` ("cpu", "cuda") matters for learned models;
    None picks CUDA when available."""
    method = _method(task, method)
    return REGISTRY[task][method](device)


_CACHE: dict[tuple[str, str, str | None], Any] = {}
_BUILDING: dict[tuple[str, str, str | None], threading.Lock] = {}
_CACHE_LOCK = threading.Lock()


def cached(task: str, method: str | None = None, device: str | None = None):
    """The animator `load(task, method, device)` returns, built once per process: every later
    call with the same (task, method, device) gets the same object. Thread-safe: callers asking
    at once wait for one build (other animators build meanwhile); a build that fails is not
    kept, so the next call tries again."""
    key = (task, _method(task, method), device)
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        building = _BUILDING.setdefault(key, threading.Lock())
    with building:
        if key not in _CACHE:
            animator = REGISTRY[task][key[1]](device)
            with _CACHE_LOCK:
                _CACHE[key] = animator
        return _CACHE[key]


__all__ = [
    "AnimatorError",
    "CheckpointNotFound",
    "Clip",
    "InputError",
    "cached",
    "load",
    "methods",
    "REGISTRY",
]
