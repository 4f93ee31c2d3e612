"""The streak axis of a photo and the motion field turned toward it."""

import numpy as np
import pytest
from helpers import FixedNet

from animators.waterfall.motion_field import MotionFieldPredictor
from animators.waterfall.streaks import align_to_streaks, streak_axis


def stripes(degrees: float, height: int = 96, width: int = 128, period: float = 6.0):
    """(H, W, 3) uint8 stripes running at `degrees` (0 = right, 90 = up)."""
    y, x = np.mgrid[:height, :width].astype(np.float64)
    angle = np.radians(degrees)
    across = -x * np.sin(angle) - y * np.cos(angle)  # distance across the stripes
    gray = 127.5 + 100.0 * np.sin(2.0 * np.pi * across / period)
    return np.repeat(gray[..., None], 3, axis=-1).astype(np.uint8)


@pytest.mark.parametrize("degrees", [90.0, 0.0, 30.0])
def test_axis_follows_stripes_and_noise_has_no_axis(degrees):
    axis, coherence = streak_axis(stripes(degrees))
    expected = np.array([np.cos(np.radians(degrees)), -np.sin(np.radians(degrees))])
    centre = axis[30:66, 40:88]
    assert np.abs(centre @ expected).min() > 0.98  # parallel, either sign
    assert coherence[30:66, 40:88].min() > 0.8
    noise = np.random.default_rng(0).integers(0, 256, (96, 128, 3), dtype=np.uint8)
    assert streak_axis(noise)[1].mean() < 0.3


def test_alignment_turns_the_field_keeping_sign_speed_and_stillness():
    photo = stripes(90.0)  # vertical streaks, as in a fall
    field = np.zeros((96, 128, 2), np.float32)
    turn = np.radians(30.0)
    field[:, :64] = 2.0 * np.array([np.sin(turn), np.cos(turn)])  # down, 30 degrees off
    field[:, 64:100] = 1.5 * np.array([1.0, 0.0])  # sideways: 90 degrees off, left alone
    aligned = align_to_streaks(field, photo)
    speed = np.hypot(aligned[..., 0], aligned[..., 1])
    assert np.allclose(speed, np.hypot(field[..., 0], field[..., 1]), atol=1e-4)
    assert np.allclose(aligned[20:76, 10:54], [0.0, 2.0], atol=0.02)  # now straight down
    assert np.allclose(aligned[:, 70:96], field[:, 70:96], atol=1e-5)
    assert (aligned[:, 100:] == 0).all()
    flipped = align_to_streaks(-field, photo)
    assert np.allclose(flipped[20:76, 10:54], [0.0, -2.0], atol=0.02)  # up stays up


def test_predictor_applies_the_alignment_only_when_asked():
    photo = stripes(20.0, height=90, width=200)  # streaks 20 degrees above the horizontal
    plain, _ = MotionFieldPredictor(FixedNet(), align=False).predict(photo)
    aligned, _ = MotionFieldPredictor(FixedNet()).predict(photo)
    assert np.allclose(plain[10:35, 40:160], [1.0, 0.0], atol=1e-3)
    expected = [np.cos(np.radians(20.0)), -np.sin(np.radians(20.0))]
    assert np.allclose(aligned[10:35, 40:160], expected, atol=0.03)
    assert (aligned[55:] == 0).all()
