"""Per-request limits, enforced in the animators (the API bypasses the UI's sliders), and
`Range`, the one definition of a setting's slider range and default.

Each limit has a default and an environment variable that a host may set.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from animators.core.base import InputError


@dataclass(frozen=True)
class Range:
    """A setting's range and default, defined once in its task's `defaults` module: the app's
    slider (minimum to maximum by step, starting at default), the command line's default and the
    animators' default and checks all read it."""

    minimum: float
    maximum: float
    default: float
    step: float = 1


MAX_SEED = 2**31 - 1  # the largest random seed the animators accept
SEED = Range(0, 9999, 0)  # the app's seed sliders (the API accepts up to MAX_SEED)


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """max_side: longest image side in pixels after loading (larger images are scaled down).
    min_side: shortest side accepted, in pixels (smaller images are refused).
    max_input_pixels: largest image that is decoded at all (width * height).
    max_output_frames: most frames one request may produce.
    max_fps: highest frame rate accepted.
    """

    max_side: int = 1024
    min_side: int = 32
    max_input_pixels: int = 150_000_000
    max_output_frames: int = 300
    max_fps: float = 60.0

    @classmethod
    def from_env(cls) -> Limits:
        """Limits with host overrides: ANIMATE_MAX_SIDE, ANIMATE_MAX_FRAMES."""
        return cls(
            max_side=max(64, _env_int("ANIMATE_MAX_SIDE", cls.max_side)),
            max_output_frames=max(2, _env_int("ANIMATE_MAX_FRAMES", cls.max_output_frames)),
        )


def check_count(value: object, name: str, low: int, high: int) -> int:
    """An integer in [low, high], or InputError naming `name` and the range."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"The {name} must be a whole number from {low} to {high}.") from None
    if not math.isfinite(number) or number != int(number) or not low <= number <= high:
        raise InputError(f"The {name} must be a whole number from {low} to {high}, got {value}.")
    return int(number)


def check_number(value: object, name: str, low: float, high: float) -> float:
    """A finite float in [low, high], or InputError naming `name` and the range."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"The {name} must be a number from {low:g} to {high:g}.") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise InputError(f"The {name} must be a number from {low:g} to {high:g}, got {value}.")
    return number


def check_fps(value: object, limits: Limits | None = None) -> float:
    """Frames per second in (0, max_fps]."""
    limits = limits or Limits.from_env()
    fps = check_number(value, "frame rate (fps)", 0.0, limits.max_fps)
    if fps <= 0:
        raise InputError(f"The frame rate (fps) must be above 0 and at most {limits.max_fps:g}.")
    return fps
