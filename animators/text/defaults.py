"""Text-to-sequence settings, defined once: the app's sliders, the command line's defaults and
the animator's defaults and checks read them."""

from __future__ import annotations

from animators.core.limits import Range

FRAMES = Range(1, 64, 16)
HISTORY = Range(1, 10, 4)  # past frames the model sees (a model may accept fewer)
FPS = Range(1, 30, 8)  # the slider; the animator accepts up to Limits.max_fps
CLI_FPS = 12.0  # the command line's default frame rate (the app's is FPS.default)
SWITCH_AT = Range(1, FRAMES.maximum - 1, 8)  # frame where a second caption takes over
