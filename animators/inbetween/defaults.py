"""Inbetweening's settings, defined once: the app's sliders, the command line's defaults and
the animators' defaults and checks read them."""

from __future__ import annotations

from animators.core.limits import Range

INBETWEENS = Range(1, 60, 7)  # frames put between the start and the end frame
FPS = Range(1, 60, 12)  # the slider; the animators accept up to Limits.max_fps
SAMPLES = Range(1, 3, 1)  # the app's sampling methods' clips side by side, one seed each
