"""The waterfall's settings, defined once: the app's sliders, the command line's defaults and
the animators' defaults and checks read them."""

from __future__ import annotations

from animators.core.limits import Range

FRAMES = Range(8, 120, 24)
FPS = Range(1, 60, 12)  # the slider; the animators accept up to Limits.max_fps
DIRECTION = Range(0, 359, 270)  # degrees, 0 right, 90 up; the animators take any angle
SECOND_DIRECTION = Range(0, 359, 0)
SPEED = Range(0.1, 20, 2.0, 0.1)  # pixels per frame: the slider, narrower than MAX_SPEED
MAX_SPEED = 40.0  # the fastest speed the animators accept (from 0)
CROSSFADE = Range(0.05, 1.0, 0.4, 0.05)  # per-pixel loop cross-fade window (command line only)
