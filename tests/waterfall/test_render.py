"""animators.waterfall.render (motion fields, Euler trajectories, the looping splat renderer) and
the "waterfall" brush animator built on it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from helpers import rect_mask, textured_image

import animators
from animators import InputError
from animators.core.limits import Limits
from animators.core.metrics import loop_seam_ratio, sharpness_ratio
from animators.waterfall.animator import Waterfall
from animators.waterfall.render import (
    Stroke,
    Trajectory,
    euler_step,
    fill_holes,
    flow_overlay,
    forward_weight,
    motion_field_from_strokes,
    phase_map,
    render_loop,
    round_displacement,
    splat,
)

H, W = 96, 128
SPEED_TOL = 1e-5


def gray(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float64)


def measured_shift(before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
    """(dx, dy) that moves `before` onto `after`, by phase correlation."""
    window = cv2.createHanningWindow((before.shape[1], before.shape[0]), cv2.CV_64F)
    (dx, dy), _ = cv2.phaseCorrelate(gray(before), gray(after), window)
    return dx, dy


# --- motion fields ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "unit"),
    [(0, (1, 0)), (90, (0, -1)), (180, (-1, 0)), (270, (0, 1)), (45, (0.7071, -0.7071))],
)
def test_field_direction_convention_and_speed(direction, unit):
    mask = rect_mask(H, W, 20, 80, 30, 110)
    field = motion_field_from_strokes([Stroke(mask, direction, 2.5)], falloff=4)

    assert field.shape == (H, W, 2) and field.dtype == np.float32
    deep = rect_mask(H, W, 30, 70, 40, 100)  # >= 10 px from the border: past the fall-off
    np.testing.assert_allclose(field[deep, 0], 2.5 * unit[0], atol=1e-3)
    np.testing.assert_allclose(field[deep, 1], 2.5 * unit[1], atol=1e-3)
    np.testing.assert_allclose(np.hypot(field[deep, 0], field[deep, 1]), 2.5, rtol=SPEED_TOL)
    assert not field[~mask].any()
    # Speed ramps up from the border, never above the speed asked for.
    speed = np.hypot(field[..., 0], field[..., 1])
    assert speed.max() <= 2.5 * (1 + SPEED_TOL)
    assert 0 < speed[20, 70] < speed[22, 70] < speed[30, 70]


def test_field_is_zero_under_freeze_and_full_speed_at_the_image_border():
    mask = np.ones((H, W), dtype=bool)
    freeze = rect_mask(H, W, 40, 60, 50, 80)
    field = motion_field_from_strokes([Stroke(mask, 270, 3.0)], freeze=freeze, falloff=5)
    speed = np.hypot(field[..., 0], field[..., 1])

    assert not field[freeze].any()
    # The image border is not a mask border: no slow-down there.
    np.testing.assert_allclose(speed[0, :], 3.0, rtol=SPEED_TOL)
    np.testing.assert_allclose(speed[:, -1], 3.0, rtol=SPEED_TOL)
    # Around the frozen island the speed ramps up again.
    assert 0 < speed[39, 65] < speed[30, 65]
    np.testing.assert_allclose(speed[30, 65], 3.0, rtol=SPEED_TOL)


def test_two_strokes_keep_their_own_directions_away_from_the_seam():
    left = rect_mask(H, W, 0, H, 0, W // 2)
    right = rect_mask(H, W, 0, H, W // 2, W)
    field = motion_field_from_strokes([Stroke(left, 270, 2.0), Stroke(right, 0, 2.0)], falloff=4)
    np.testing.assert_allclose(field[48, 10], [0.0, 2.0], atol=1e-4)
    np.testing.assert_allclose(field[48, 120], [2.0, 0.0], atol=1e-4)
    seam = field[48, W // 2]
    assert seam[0] > 0.1 and seam[1] > 0.1  # blended where they meet


@pytest.mark.parametrize(
    "strokes_and_freeze",
    [
        ([], None),
        ([Stroke(np.zeros((H, W), dtype=bool), 0, 2.0)], None),
        ([Stroke(rect_mask(H, W, 10, 20, 10, 20), 0, 2.0)], rect_mask(H, W, 0, 40, 0, 40)),
    ],
    ids=["no strokes", "empty mask", "all frozen"],
)
def test_empty_motion_region_is_refused(strokes_and_freeze):
    strokes, freeze = strokes_and_freeze
    with pytest.raises(InputError, match="Paint"):
        motion_field_from_strokes(strokes, freeze=freeze)


# --- trajectories, phases, weights --------------------------------------------------------


def test_trajectory_matches_plain_euler_steps_in_any_order():
    image_mask = rect_mask(40, 50, 5, 35, 5, 45)
    field = motion_field_from_strokes([Stroke(image_mask, 30, 1.7)], falloff=3)
    grid_y, grid_x = np.mgrid[0:40, 0:50].astype(np.float32)
    for sign in (+1.0, -1.0):
        expected = [(grid_x, grid_y)]
        for _ in range(10):
            expected.append(euler_step(field, *expected[-1], sign))
        trajectory = Trajectory(field, grid_x, grid_y, sign, max_steps=10)
        for k in [7, 3, 10, 0, 5, 5, 9, 1, 8, 2, 6, 4, 10]:
            x, y = trajectory.at(k)
            np.testing.assert_array_equal(x, expected[k][0])
            np.testing.assert_array_equal(y, expected[k][1])
    # Positions really moved (the comparison above is not between still grids).
    assert np.abs(expected[10][0] - grid_x).max() > 5


def test_phase_map_is_uniform_and_seeded():
    phases = phase_map(60, 80, seed=3)
    assert phases.shape == (60, 80) and phases.dtype == np.float32
    assert phases.min() == 0.0 and phases.max() < 1.0
    counts, _ = np.histogram(phases, bins=10, range=(0, 1))
    assert counts.min() >= 0.09 * phases.size
    np.testing.assert_array_equal(phases, phase_map(60, 80, seed=3))
    assert not np.array_equal(phases, phase_map(60, 80, seed=4))


@pytest.mark.parametrize("crossfade", [0.05, 0.4, 1.0])
def test_forward_weight_is_exactly_one_at_start_and_zero_at_end(crossfade):
    phases = phase_map(64, 64, seed=0)
    assert (forward_weight(0.0, phases, crossfade) == 1.0).all()
    assert (forward_weight(1.0, phases, crossfade) == 0.0).all()
    previous = forward_weight(0.0, phases, crossfade)
    for time in np.linspace(0.05, 1.0, 20):
        weight = forward_weight(float(time), phases, crossfade)
        assert weight.dtype == np.float32
        assert (weight <= previous + 1e-6).all() and (weight >= 0).all()
        previous = weight


def test_forward_weight_phases_spread_the_cross_fade():
    phases = phase_map(64, 64, seed=0)
    narrow = forward_weight(0.5, phases, 0.2)
    assert (narrow == 1.0).mean() > 0.3 and (narrow == 0.0).mean() > 0.3  # mostly one splat
    for time in (0.25, 0.5, 0.8):  # crossfade 1: the global linear cross-fade 1 - time
        np.testing.assert_allclose(forward_weight(time, phases, 1.0), 1.0 - time, atol=1e-6)


def test_splat_moves_values_to_the_nearest_pixel_and_drops_outside():
    values = [np.array([10.0, 20.0, 30.0, 40.0])]
    source_x, source_y = np.array([1, 2, 3, 4]), np.array([0, 1, 1, 0])
    dx = np.array([0.4, 0.6, -0.1, 5.0])  # the last lands outside a 5-wide grid
    dy = np.array([0.0, 0.2, -0.2, 0.0])
    sums, count = splat(values, source_x, source_y, dx, dy, 3, 5)
    assert count.sum() == 3 and count[0, 1] == 1 and count[1, 3] == 2
    assert sums[1, 3, 0] == 50.0
    color, coverage = fill_holes(sums, count)
    assert color[1, 3, 0] == 25.0 and coverage[1, 3] == 1.0
    # A hole next to landed pixels takes their average; a hole with none has no coverage.
    assert color[1, 2, 0] == pytest.approx((10.0 + 50.0) / 3.0)
    assert coverage[2, 0] == 0.0


def test_round_displacement_ties_toward_zero_symmetrically():
    rounded = round_displacement(np.array([-2.5, -1.5, -0.6, -0.5, 0.5, 0.6, 1.5, 2.5]))
    assert rounded.tolist() == [-2, -1, -1, 0, 0, 1, 1, 2]


def test_half_pixel_shift_is_one_to_one():
    # A uniform 1.5 px shift must not pile pairs of pixels onto one target (np.rint would).
    source_x = np.arange(10)
    sums, count = splat(
        [np.ones(10)], source_x, np.zeros(10, int), np.full(10, 1.5), np.zeros(10), 1, 12
    )
    assert count.max() == 1 and count.sum() == 10


# --- the renderer -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return textured_image(seed=0, height=H, width=W)


def test_render_loop_basics_and_seam(photo):
    mask = rect_mask(H, W, 10, 86, 10, 118)
    field = motion_field_from_strokes([Stroke(mask, 270, 2.0)])
    frames = render_loop(photo, field, 16)

    assert frames.shape == (16, H, W, 3) and frames.dtype == np.uint8
    np.testing.assert_array_equal(frames[0], photo)
    assert not np.array_equal(frames[1], photo)
    # Frame N would equal frame 0: the last step back to the start is an ordinary step.
    assert loop_seam_ratio(frames) <= 1.5
    # ... and the last frame is much closer to the first than the middle one is.
    last_to_first = np.abs(frames[-1].astype(int) - frames[0]).mean()
    middle_to_first = np.abs(frames[8].astype(int) - frames[0]).mean()
    assert last_to_first < 0.6 * middle_to_first


def test_still_pixels_never_change(photo):
    mask = rect_mask(H, W, 10, 70, 20, 100)
    freeze = rect_mask(H, W, 30, 50, 40, 60)
    field = motion_field_from_strokes([Stroke(mask, 0, 3.0)], freeze=freeze)
    frames = render_loop(photo, field, 12)
    still = ~mask | freeze
    for frame in frames:
        np.testing.assert_array_equal(frame[still], photo[still])
    assert (frames[:, mask & ~freeze] != photo[mask & ~freeze]).any()


def test_zero_field_or_one_frame_gives_the_photo(photo):
    still = render_loop(photo, np.zeros((H, W, 2), np.float32), 5)
    assert still.shape == (5, H, W, 3) and (still == photo).all()
    field = motion_field_from_strokes([Stroke(np.ones((H, W), bool), 0, 2.0)])
    one = render_loop(photo, field, 1)
    assert one.shape == (1, H, W, 3) and (one == photo).all()


@pytest.mark.parametrize(
    ("direction", "expected"), [(0, (5, 0)), (90, (0, -5)), (180, (-5, 0)), (270, (0, 5))]
)
def test_motion_goes_the_way_direction_says(photo, direction, expected):
    field = motion_field_from_strokes([Stroke(np.ones((H, W), bool), direction, 2.5)])
    frames = render_loop(photo, field, 24)
    dx, dy = measured_shift(frames[0], frames[2])  # 2 frames at 2.5 px/frame
    assert dx == pytest.approx(expected[0], abs=0.5)
    assert dy == pytest.approx(expected[1], abs=0.5)


def test_same_seed_same_frames_other_seed_other_frames(photo):
    field = motion_field_from_strokes([Stroke(rect_mask(H, W, 8, 88, 8, 120), 200, 2.3)])
    first = render_loop(photo, field, 10, seed=5)
    again = render_loop(photo, field, 10, seed=5)
    other = render_loop(photo, field, 10, seed=6)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    np.testing.assert_array_equal(first[0], other[0])


def test_progress_is_reported(photo):
    field = motion_field_from_strokes([Stroke(np.ones((H, W), bool), 0, 2.0)])
    calls = []
    render_loop(photo, field, 8, progress=lambda fraction, desc="": calls.append(fraction))
    assert calls and calls[-1] == 1.0
    assert all(0.0 <= a <= b <= 1.0 for a, b in zip(calls, calls[1:], strict=False))


def test_frames_stay_sharp_and_phases_beat_a_global_cross_fade():
    height, width = 128, 160
    mask = rect_mask(height, width, 8, height - 8, 8, width - 8)
    inner = rect_mask(height, width, 24, height - 24, 24, width - 24)
    for seed in (0, 1):
        image = textured_image(seed=seed, height=height, width=width)
        field = motion_field_from_strokes([Stroke(mask, 270, 2.0)])
        phased = render_loop(image, field, 24, crossfade=0.4, seed=seed)
        global_fade = render_loop(image, field, 24, crossfade=1.0, seed=seed)

        assert sharpness_ratio(phased, image) >= 0.85
        phased_inner = sharpness_ratio(phased, image, inner)
        global_inner = sharpness_ratio(global_fade, image, inner)
        assert phased_inner >= 0.85
        assert global_inner < 0.9 * phased_inner  # a global cross-fade ghosts two textures


def test_flow_overlay_shape():
    image = textured_image(seed=1, height=40, width=60)
    field = motion_field_from_strokes([Stroke(rect_mask(40, 60, 5, 35, 5, 55), 90, 2.0)])
    overlay = flow_overlay(image, field)
    assert overlay.shape == (40, 60, 3) and overlay.dtype == np.uint8
    assert not np.array_equal(overlay, image)


# --- the "waterfall" animator -------------------------------------------------------------


@pytest.fixture(scope="module")
def waterfall():
    return animators.load("waterfall", "brush")


@pytest.fixture(scope="module")
def small_photo() -> np.ndarray:
    return textured_image(seed=2, height=64, width=80)


@pytest.fixture(scope="module")
def small_mask() -> np.ndarray:
    return rect_mask(64, 80, 8, 56, 10, 70)


@pytest.mark.parametrize("num_frames", [0, -3, 10000, 7.5, "abc", None, float("nan"), 7, 121])
def test_waterfall_refuses_bad_frame_counts(waterfall, small_photo, small_mask, num_frames):
    with pytest.raises(InputError, match="number of frames") as caught:
        waterfall(small_photo, mask=small_mask, num_frames=num_frames)
    assert "8 to 120" in str(caught.value)
    assert str(caught.value).endswith(".")


@pytest.mark.parametrize("fps", [0, -1, 61, "fast"])
def test_waterfall_refuses_bad_fps(waterfall, small_photo, small_mask, fps):
    with pytest.raises(InputError, match="frame rate") as caught:
        waterfall(small_photo, mask=small_mask, num_frames=8, fps=fps)
    assert "60" in str(caught.value)


@pytest.mark.parametrize("mask", [None, np.zeros((64, 80), dtype=bool)], ids=["none", "empty"])
def test_waterfall_refuses_an_empty_mask(waterfall, small_photo, mask):
    with pytest.raises(InputError, match="Paint"):
        waterfall(small_photo, mask=mask, num_frames=8)


def test_waterfall_refuses_zero_speed(waterfall, small_photo, small_mask):
    with pytest.raises(InputError, match="speed"):
        waterfall(small_photo, mask=small_mask, speed=0, num_frames=8)


def test_waterfall_clip(waterfall, small_photo, small_mask):
    clip = waterfall(small_photo, mask=small_mask, direction=270, speed=2, num_frames=10, fps=15)

    assert isinstance(clip, animators.Clip)
    assert clip.num_frames == 10 and clip.frames.shape == (10, 64, 80, 3)
    assert clip.fps == 15.0
    np.testing.assert_array_equal(clip.frames[0], small_photo)
    np.testing.assert_array_equal(
        clip.frames[:, ~small_mask], clip.frames[:1, ~small_mask].repeat(10, 0)
    )
    preview = clip.info["motion_preview"]
    assert preview.shape == (64, 80, 3) and preview.dtype == np.uint8
    field = clip.info["motion_field"]
    assert field.shape == (64, 80, 2) and field[32, 40, 1] == pytest.approx(2.0)
    assert clip.warnings == []
    assert clip.info["loop_seam"] <= 1.5
    for key in ("seconds", "sharpness", "moving_fraction"):
        assert isinstance(clip.info[key], float)


def test_waterfall_resizes_a_mask_of_another_size(waterfall, small_photo):
    half_mask = np.zeros((32, 40), dtype=np.uint8)
    half_mask[4:28, 5:35] = 255
    clip = waterfall(small_photo, mask=half_mask, num_frames=8)
    assert clip.frames.shape == (8, 64, 80, 3)
    assert any("40x32" in note and "80x64" in note for note in clip.warnings)
    moving = np.hypot(*np.moveaxis(clip.info["motion_field"], -1, 0)) > 0
    assert moving[10:54, 12:68].all() and not moving[:8].any()


def test_waterfall_speed_follows_the_image_scale(small_mask):
    big = textured_image(seed=3, height=128, width=160)
    waterfall = Waterfall(limits=Limits(max_side=80))
    mask = cv2.resize(small_mask.astype(np.uint8), (160, 128), interpolation=cv2.INTER_NEAREST)
    clip = waterfall(big, mask=mask, direction=0, speed=4.0, num_frames=8)
    assert clip.size == (80, 64)
    assert any("160x128" in note for note in clip.warnings)
    field = clip.info["motion_field"]
    assert field[32, 40, 0] == pytest.approx(2.0)  # 4 px/frame at 160 wide = 2 px at 80


def test_waterfall_freeze_and_second_direction(waterfall, small_photo):
    first = rect_mask(64, 80, 0, 64, 0, 40)
    second = rect_mask(64, 80, 0, 64, 40, 80)
    freeze = rect_mask(64, 80, 24, 40, 50, 66)
    clip = waterfall(
        small_photo,
        mask=first,
        direction=270,
        second_mask=second,
        second_direction=90,
        freeze=freeze,
        speed=2.0,
        num_frames=8,
    )
    field = clip.info["motion_field"]
    assert field[32, 10, 1] == pytest.approx(2.0)  # down
    assert field[10, 70, 1] == pytest.approx(-2.0)  # up
    assert not field[freeze].any()
    np.testing.assert_array_equal(clip.frames[:, freeze], clip.frames[:1, freeze].repeat(8, 0))


def test_host_frame_limit_applies_to_waterfall(monkeypatch, photo):
    monkeypatch.setenv("ANIMATE_MAX_FRAMES", "16")
    mask = rect_mask(H, W, 10, 86, 10, 118)
    animate = animators.load("waterfall")
    assert animate(photo, mask=mask, num_frames=16).num_frames == 16
    with pytest.raises(InputError, match="from 8 to 16"):
        animate(photo, mask=mask, num_frames=17)
