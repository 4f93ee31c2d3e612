"""The app's sliders span the ranges, and start at the defaults, of the tasks' `defaults`."""

from __future__ import annotations

import pytest

import app
from animators.birds import defaults as birds
from animators.core.limits import SEED
from animators.inbetween import defaults as inbetween
from animators.text import defaults as text
from animators.waterfall import defaults as waterfall

# api_name -> the settings of its sliders, by their position among the event's inputs
SLIDERS = {
    "waterfall": {
        5: waterfall.DIRECTION,
        6: waterfall.SPEED,
        7: waterfall.SECOND_DIRECTION,
        8: waterfall.FRAMES,
        9: waterfall.FPS,
    },
    "inbetween": {3: inbetween.INBETWEENS, 4: inbetween.FPS, 6: SEED, 7: inbetween.SAMPLES},
    "text": {2: text.FRAMES, 3: text.HISTORY, 4: text.FPS, 5: SEED, 7: text.SWITCH_AT},
    "birds": {
        1: birds.FRAMES,
        2: birds.POSE_LAYERS,
        3: birds.SMOOTHNESS,
        4: birds.TRUNCATION,
        5: birds.PROJECTION_STEPS,
        6: SEED,
        9: birds.FPS,
        10: birds.IDENTITY_STEPS,
    },
}


@pytest.fixture(scope="module")
def inputs():
    demo = app.build_demo()
    functions = demo.fns.values() if isinstance(demo.fns, dict) else demo.fns
    return {fn.api_name: fn.inputs for fn in functions if fn.api_name in SLIDERS}


@pytest.mark.parametrize("api_name", SLIDERS)
def test_sliders_span_their_settings(inputs, api_name):
    for position, span in SLIDERS[api_name].items():
        slider = inputs[api_name][position]
        assert slider.get_block_name() == "slider", (api_name, position)
        found = (slider.minimum, slider.maximum, slider.value, slider.step)
        assert found == (span.minimum, span.maximum, span.default, span.step), slider.label
