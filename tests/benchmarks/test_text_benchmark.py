"""The measurements behind benchmarks/text/rollouts.py, checked on ground-truth sequences."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from benchmarks.text.rollouts import circular_centroid, icon_shape_and_color, sharpness, track_ok
from training.text import icons
from training.text.motion_paths import MOTIONS


def test_shape_and_colour_are_read_from_real_icon_frames():
    rng = np.random.default_rng(0)
    for _ in range(150):
        sequence = icons.make_sequence(rng, 3)
        for frame in sequence.frames:
            read = icon_shape_and_color(frame.astype(np.float32) / 255)
            assert read == (sequence.shape, sequence.color), sequence.caption
    assert icon_shape_and_color(np.zeros((64, 64, 3), np.float32)) == ("none", "none")


@pytest.mark.parametrize("motion", MOTIONS)
def test_direction_check_accepts_the_truth_and_rejects_others(motion):
    rng = np.random.default_rng(1)
    sequence = icons.make_sequence(rng, 21, motion=motion, color="white")
    track = np.array([circular_centroid(f[:, :, 0] / 255.0) for f in sequence.frames])
    assert track_ok(track, motion)
    assert not track_ok(np.repeat(track[:1], len(track), axis=0), motion)  # standing still
    opposite = {"left": "right", "right": "left", "up": "down", "down": "up"}
    if motion in opposite:
        assert not track_ok(track, opposite[motion])
    crossing = {"up and down": "left and right", "left and right": "up and down"}
    if motion in crossing:
        assert not track_ok(track, crossing[motion])


def test_sharpness_drops_with_blur():
    frame = np.zeros((64, 64), np.float32)
    frame[20:40, 20:40] = 1
    blurred = cv2.GaussianBlur(frame, (0, 0), 2)
    assert sharpness(blurred) < 0.3 * sharpness(frame)
