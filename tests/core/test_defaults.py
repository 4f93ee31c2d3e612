"""Each setting's range and default is defined once, in its task's `defaults` module: the command
line and the animators read them from there."""

from __future__ import annotations

import inspect

import pytest

from animators.__main__ import build_parser
from animators.birds import defaults as birds
from animators.birds.animator import BirdAnimator
from animators.inbetween import defaults as inbetween
from animators.inbetween.animator import Inbetweener
from animators.text import defaults as text
from animators.text.animator import TextSequenceAnimator
from animators.waterfall import defaults as waterfall
from animators.waterfall.animator import Waterfall
from animators.waterfall.generators import GeneratedWaterfall

COMMANDS = {
    "waterfall": ["waterfall", "photo.png", "-o", "out.mp4"],
    "inbetween": ["inbetween", "start.png", "end.png", "-o", "out.mp4"],
    "text": ["text", "--caption", "the digit 3 is moving left", "-o", "out.mp4"],
    "birds": ["birds", "photo.png", "-o", "out.mp4"],
}


def _defaults(function) -> dict:
    return {
        name: parameter.default
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }


@pytest.mark.parametrize(
    "task, expected",
    [
        (
            "waterfall",
            {"num_frames": waterfall.FRAMES.default, "fps": waterfall.FPS.default}
            | {"direction": waterfall.DIRECTION.default, "speed": waterfall.SPEED.default}
            | {"second_direction": waterfall.SECOND_DIRECTION.default}
            | {"crossfade": waterfall.CROSSFADE.default},
        ),
        ("inbetween", {"num_frames": inbetween.INBETWEENS.default, "fps": inbetween.FPS.default}),
        (
            "text",
            {"num_frames": text.FRAMES.default, "history": text.HISTORY.default}
            | {"fps": text.CLI_FPS},
        ),
        (
            "birds",
            {"num_frames": birds.FRAMES.default, "fps": birds.FPS.default}
            | {"pose_layers": birds.POSE_LAYERS.default, "smoothness": birds.SMOOTHNESS.default}
            | {"truncation": birds.TRUNCATION.default}
            | {"projection_steps": birds.PROJECTION_STEPS.default}
            | {"identity_steps": birds.IDENTITY_STEPS.default},
        ),
    ],
)
def test_command_line_defaults_come_from_the_task(task, expected):
    arguments = vars(build_parser().parse_args(COMMANDS[task]))
    assert {name: arguments[name] for name in expected} == expected


def test_animator_defaults_come_from_the_task():
    for function, expected in (
        (Waterfall.__call__, {"num_frames": 24, "fps": 12, "direction": 270, "speed": 2.0}),
        (GeneratedWaterfall.__call__, {"num_frames": 24, "fps": 12}),
        (Inbetweener.__call__, {"num_frames": 7, "fps": 12}),
        (TextSequenceAnimator.__call__, {"num_frames": 16, "history": 4, "fps": 8}),
        (BirdAnimator.__call__, {"num_frames": 48, "fps": 24, "projection_steps": 150}),
    ):
        found = _defaults(function)
        assert {name: found[name] for name in expected} == expected


def test_sliders_narrower_than_the_animators_keep_both_numbers():
    assert (birds.IDENTITY_STEPS.maximum, birds.MAX_IDENTITY_STEPS) == (200, 500)
    assert (birds.PROJECTION_STEPS.maximum, birds.MAX_PROJECTION_STEPS) == (500, 1000)
    assert (waterfall.SPEED.maximum, waterfall.MAX_SPEED) == (20, 40.0)
    assert text.SWITCH_AT.maximum == text.FRAMES.maximum - 1
