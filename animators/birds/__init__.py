"""Bird flight: find the bird, animate it, fly it across the photo.

METHODS: method -> factory(device) returning the animator, the default first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from animators.birds.animator import BirdAnimator

METHODS: dict[str, Callable[[Any], Any]] = {
    "stylegan": lambda device: BirdAnimator.from_pretrained(device=device),
}
