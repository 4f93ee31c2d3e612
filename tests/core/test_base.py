"""animators.core.base: Clip validation and frame helpers."""

from __future__ import annotations

import numpy as np
import pytest

from animators.core.base import Clip, fit_size, pad_to_multiple, to_float, to_uint8


def test_clip_rejects_wrong_frames_and_fps():
    good = np.zeros((2, 4, 6, 3), np.uint8)
    assert Clip(good, 12).size == (6, 4) and Clip(good, 12).num_frames == 2
    with pytest.raises(ValueError, match="uint8"):
        Clip(good.astype(np.float32), 12)
    with pytest.raises(ValueError, match="uint8"):
        Clip(good[..., :2], 12)
    with pytest.raises(ValueError, match="positive fps"):
        Clip(good, 0)


def test_pad_to_multiple_pads_bottom_right_and_crops_back():
    image = np.arange(5 * 7 * 3, dtype=np.uint8).reshape(5, 7, 3)
    padded, (height, width) = pad_to_multiple(image, 4)
    assert padded.shape == (8, 8, 3) and (height, width) == (5, 7)
    assert np.array_equal(padded[:height, :width], image)
    assert np.array_equal(padded[7, 6], image[4, 6])  # edge replicated
    same, _ = pad_to_multiple(padded, 4)
    assert same is padded


def test_fit_size_keeps_aspect_and_never_enlarges():
    assert fit_size(4000, 3000, 1024) == (1024, 768)
    assert fit_size(3000, 4000, 1024) == (768, 1024)
    assert fit_size(640, 480, 1024) == (640, 480)
    assert fit_size(5000, 2, 1000) == (1000, 1)


def test_uint8_float_round_trip_is_exact():
    values = np.arange(256, dtype=np.uint8)
    assert np.array_equal(to_uint8(to_float(values)), values)
    assert to_uint8(np.array([-0.5, 1.7])).tolist() == [0, 255]
