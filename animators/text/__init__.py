"""Text-conditioned sequences: a caption and a start frame rolled out by a next-frame U-Net; a
small caption-conditioned GAN can draw the first frame.

METHODS: method -> factory(device) returning the animator, the default first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from animators.text.animator import TextAnimator

METHODS: dict[str, Callable[[Any], Any]] = {
    "next_frame": lambda device: TextAnimator(device),
}
