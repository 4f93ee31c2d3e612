"""Waterfall / fluid texture motion: a motion field (learned, or from the brush) drives a looping
renderer that moves the photo's own pixels; the original Pix2Gif generators beside it.

METHODS: method -> factory(device) returning the animator, the default first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from animators.waterfall.animator import Waterfall
from animators.waterfall.generators import ORIGINAL_METHODS, GeneratedWaterfall
from animators.waterfall.motion_field import MotionFieldPredictor


def _generated(name: str) -> Callable[[Any], GeneratedWaterfall]:
    return lambda device: GeneratedWaterfall.from_pretrained(name, device=device)


METHODS: dict[str, Callable[[Any], Any]] = {
    "flow": lambda device: Waterfall(MotionFieldPredictor.from_pretrained(device=device)),
    "brush": lambda device: Waterfall(),
    **{name: _generated(name) for name in ORIGINAL_METHODS},
}
