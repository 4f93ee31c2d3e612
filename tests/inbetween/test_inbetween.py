"""animators.inbetween.animator through animators.load("inbetween", method=...): frame counts, exact
end frames, flow interpolation lands half-way, and input checks."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import SHIFT_X, SHIFT_Y, shift_between, textured_image

import animators
from animators import InputError
from animators.core.metrics import psnr, sharpness_ratio
from animators.inbetween.animator import Inbetweener

H, W = 64, 80
METHODS = ["learned", "flow", "blend"]


@pytest.fixture(scope="module")
def pair() -> tuple[np.ndarray, np.ndarray]:
    return textured_image(seed=20, height=H, width=W), textured_image(seed=21, height=H, width=W)


def test_methods_are_registered():
    assert animators.methods("inbetween") == ["learned", "flow", "blend", "cvae", "cgan", "mipal"]
    assert animators.load("inbetween").method == "learned"  # the default


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("num_frames", [1, 2, 5, 7])
def test_frame_count_and_exact_ends(pair, method, num_frames):
    start, end = pair
    clip = animators.load("inbetween", method=method)(start, end, num_frames=num_frames, fps=9)
    assert clip.frames.shape == (num_frames + 2, H, W, 3)
    assert clip.fps == 9.0
    np.testing.assert_array_equal(clip.frames[0], start)
    np.testing.assert_array_equal(clip.frames[-1], end)
    assert clip.info["method"] == method
    assert clip.warnings == []


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("num_frames", [1, 3])
def test_loop_goes_there_and_back(pair, method, num_frames):
    start, end = pair
    clip = animators.load("inbetween", method=method)(start, end, num_frames=num_frames, loop=True)
    assert clip.num_frames == 2 * (num_frames + 1)
    np.testing.assert_array_equal(clip.frames[0], start)
    np.testing.assert_array_equal(clip.frames[num_frames + 1], end)
    # The way back is the way there reversed, so the frame after the last is the start again.
    for index in range(1, num_frames + 1):
        back = clip.frames[2 * (num_frames + 1) - index]
        np.testing.assert_array_equal(clip.frames[index], back, err_msg=str(index))
    if num_frames > 1:
        last = clip.frames[-1].astype(int)
        assert np.abs(last - start).mean() < np.abs(last - end).mean()


def test_blend_frames_are_the_linear_mix(pair):
    start, end = pair
    clip = animators.load("inbetween", method="blend")(start, end, num_frames=3)
    for index in (1, 2, 3):
        t = index / 4
        expected = np.rint(((1 - t) * start / 255.0 + t * end / 255.0) * 255.0)
        assert np.abs(clip.frames[index].astype(float) - expected).max() <= 1


def test_flow_lands_half_way_and_blend_does_not(panned):
    start, end, truth = panned
    assert shift_between(start, end) == pytest.approx((-SHIFT_X, -SHIFT_Y), abs=0.3)

    flow = animators.load("inbetween", method="flow")(start, end, num_frames=1).frames[1]
    blend = animators.load("inbetween", method="blend")(start, end, num_frames=1).frames[1]

    dx, dy = shift_between(start, flow)
    assert dx == pytest.approx(-SHIFT_X / 2, abs=1.0)
    assert dy == pytest.approx(-SHIFT_Y / 2, abs=1.0)
    inner = (slice(8, -8), slice(8, -8))  # leave out borders that enter/leave the view
    flow_psnr = psnr(flow[inner], truth[inner])
    blend_psnr = psnr(blend[inner], truth[inner])
    assert flow_psnr > 35.0
    assert flow_psnr > blend_psnr + 10.0
    # A cross-fade is a double exposure, not a sharp shifted copy.
    assert sharpness_ratio(flow[None][(slice(None), *inner)], truth[inner]) > 0.9
    assert sharpness_ratio(blend[None][(slice(None), *inner)], truth[inner]) < 0.7


def test_flow_frames_move_steadily(panned):
    start, end, _ = panned
    clip = animators.load("inbetween", method="flow")(start, end, num_frames=3)
    for index in (1, 2, 3):
        dx, dy = shift_between(start, clip.frames[index])
        assert dx == pytest.approx(-SHIFT_X * index / 4, abs=1.0)
        assert dy == pytest.approx(-SHIFT_Y * index / 4, abs=1.0)


@pytest.mark.parametrize("method", METHODS)
def test_end_of_another_size_is_resized_with_a_warning(pair, method):
    start, _ = pair
    end = textured_image(seed=22, height=48, width=72)
    clip = animators.load("inbetween", method=method)(start, end, num_frames=2)
    assert clip.frames.shape == (4, H, W, 3)
    assert any("72x48" in note and f"{W}x{H}" in note for note in clip.warnings)


def test_large_inputs_are_scaled_with_a_warning():
    inbetween = animators.inbetween.animator.Inbetweener(
        "blend", limits=animators.core.limits.Limits(max_side=64)
    )
    start = textured_image(seed=1, height=64, width=128)
    clip = inbetween(start, start, num_frames=1)
    assert clip.size == (64, 32)
    assert any("128x64" in note for note in clip.warnings)
    assert any(note.startswith("End frame:") for note in clip.warnings)


def test_progress_is_reported(pair):
    calls = []
    animators.load("inbetween", method="flow")(
        *pair, num_frames=3, progress=lambda fraction, desc="": calls.append((fraction, desc))
    )
    fractions = [fraction for fraction, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)


@pytest.mark.parametrize("num_frames", [0, 61, -1, 10000, 2.5, "many"])
def test_bad_frame_counts_are_refused(pair, num_frames):
    with pytest.raises(InputError, match="in-between frames") as caught:
        animators.load("inbetween", method="blend")(*pair, num_frames=num_frames)
    assert "1 to 60" in str(caught.value)


@pytest.mark.parametrize("fps", [0, -2, 1000])
def test_bad_fps_is_refused(pair, fps):
    with pytest.raises(InputError, match="frame rate"):
        animators.load("inbetween", method="blend")(*pair, num_frames=1, fps=fps)


def test_tiny_or_broken_inputs_are_refused(pair):
    start, _ = pair
    with pytest.raises(InputError, match="32"):
        animators.load("inbetween", method="blend")(start, start[:20, :20], num_frames=1)
    broken = start.astype(np.float32) / 255.0
    broken[0, 0, 0] = np.nan
    with pytest.raises(InputError, match="NaN"):
        animators.load("inbetween", method="flow")(broken, start, num_frames=1)


def test_unknown_method_or_task_is_refused():
    with pytest.raises(InputError, match="learned, flow, blend") as caught:
        animators.load("inbetween", method="magic")
    assert "magic" in str(caught.value)
    with pytest.raises(InputError, match="nope"):
        animators.load("nope")
    with pytest.raises(InputError):
        Inbetweener("magic")


def test_host_frame_limit_applies(monkeypatch, texture):
    monkeypatch.setenv("ANIMATE_MAX_FRAMES", "20")
    interpolate = animators.load("inbetween", method="blend")
    assert interpolate(texture, texture, num_frames=18).num_frames == 20
    with pytest.raises(animators.InputError, match="from 1 to 18"):
        interpolate(texture, texture, num_frames=19)
    assert interpolate(texture, texture, num_frames=9, loop=True).num_frames == 20
    with pytest.raises(animators.InputError, match="from 1 to 9"):
        interpolate(texture, texture, num_frames=10, loop=True)
