"""animators.text.animator and the next-frame network, on a tiny untrained net (fast)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from animators import InputError
from animators.core.checkpoints import save_checkpoint
from animators.nets.text.first_frame import (
    FirstFrameConfig,
    FirstFrameGenerator,
    FrameDiscriminator,
    place,
)
from animators.nets.text.next_frame import (
    NextFrameConfig,
    NextFrameNet,
    rigid_motion,
    shift_wrapped,
    stack_history,
)
from animators.text.animator import TextSequenceAnimator
from animators.text.captions import tokenize

TINY = NextFrameConfig(channels=1, width=8, bottleneck=32, embed_dim=8, caption_dim=16)
TINY_GAN = FirstFrameConfig(channels=1, width=8, noise_dim=8, embed_dim=8, caption_dim=16)


@pytest.fixture(scope="module")
def animator():
    torch.manual_seed(0)
    return TextSequenceAnimator(
        NextFrameNet(TINY), "mnist", device="cpu", first_frame=FirstFrameGenerator(TINY_GAN)
    )


def start_frame() -> np.ndarray:
    frame = np.zeros((64, 64, 3), np.uint8)
    frame[20:40, 28:36] = 255
    return frame


def test_network_shapes_and_range():
    net = NextFrameNet(TINY)
    history = stack_history(torch.rand(2, 3, 1, 64, 64), TINY.max_history)
    assert history.shape == (2, TINY.max_history, 64, 64)
    tokens = torch.tensor([[1, 4, 14, 0], [2, 3, 0, 0]])
    out = net(history, tokens)
    assert out.shape == (2, 1, 64, 64) and 0 <= out.min() and out.max() <= 1


def test_stack_history_front_pads_with_the_oldest_frame():
    frames = torch.arange(2, dtype=torch.float32).view(1, 2, 1, 1, 1).expand(1, 2, 1, 2, 2)
    stacked = stack_history(frames, 4)
    assert stacked[0, :, 0, 0].tolist() == [0.0, 0.0, 0.0, 1.0]


def test_caption_changes_the_prediction():
    torch.manual_seed(1)
    net = NextFrameNet(TINY).eval()
    history = stack_history(torch.rand(1, 1, 1, 64, 64), TINY.max_history)
    left = net(history, torch.tensor([[1, 4, 14, 6, 8, 23]]))
    right = net(history, torch.tensor([[1, 4, 14, 6, 8, 24]]))
    assert not torch.allclose(left, right)


def test_rollout_counts_captions_and_determinism(animator):
    clip = animator(
        "digit 3 moving left",
        start_frame(),
        num_frames=6,
        second_caption="digit 3 moving up",
        switch_at=4,
    )
    assert clip.frames.shape == (6, 64, 64, 3) and clip.frames.dtype == np.uint8
    assert clip.info["captions"] == ["digit 3 moving left"] * 4 + ["digit 3 moving up"] * 2
    again = animator(
        "digit 3 moving left",
        start_frame(),
        num_frames=6,
        second_caption="digit 3 moving up",
        switch_at=4,
    )
    assert np.array_equal(clip.frames, again.frames)
    assert np.array_equal(clip.frames[0, :, :, 0], start_frame()[:, :, 0])


def test_history_length_matters(animator):
    short = animator("digit 3 moving left", start_frame(), num_frames=5, history=1)
    long = animator("digit 3 moving left", start_frame(), num_frames=5, history=4)
    assert np.array_equal(short.frames[:2], long.frames[:2])
    assert not np.array_equal(short.frames[3:], long.frames[3:])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"caption": "digit 3 flying"}, "Unknown word 'flying'"),
        ({"caption": ""}, "Write a caption"),
        ({"num_frames": 0}, "from 1 to 64"),
        ({"num_frames": 10000}, "from 1 to 64"),
        ({"history": 11}, "history length"),
        ({"seed": -1}, "seed"),
        ({"seed": "abc"}, "seed"),
        ({"second_caption": "digit 3 moving up", "switch_at": 9}, "from 1 to 3"),
    ],
)
def test_bad_requests(animator, kwargs, message):
    arguments = {"caption": "digit 3 moving left", "start": start_frame(), "num_frames": 4}
    arguments.update(kwargs)
    with pytest.raises(InputError, match=message):
        animator(arguments.pop("caption"), arguments.pop("start"), **arguments)


def test_shift_wraps_around_the_borders():
    image = torch.zeros(1, 1, 16, 16)
    image[0, 0, 15, 3] = 1.0
    motion = torch.zeros(1, 2, 16, 16)
    motion[:, 0], motion[:, 1] = -4.0, 2.0  # 4 px left, 2 px down
    moved = shift_wrapped(image, motion, limit=8.0)
    assert moved[0, 0].nonzero().tolist() == [[1, 15]]  # row 15 + 2 -> 1, column 3 - 4 -> 15
    assert torch.isclose(moved.sum(), torch.tensor(1.0))


def test_rigid_motion_moves_a_digit_as_one_piece():
    """At a bounce the front of a digit may already turn while its back goes on: one move."""
    last = torch.zeros(1, 1, 64, 64)
    last[0, 0, 20:40, 50:60] = 1.0  # a 10 px wide "digit" near the right border
    motion = torch.zeros(1, 2, 64, 64)
    motion[:, 0, :, :55], motion[:, 0, :, 55:] = 4.0, -4.0  # back still right, front turned
    rigid = rigid_motion(motion, last, window=21)
    inside = rigid[0, 0, 20:40, 50:60]
    assert inside.max() - inside.min() < 0.5  # one move over the digit's pixels
    assert abs(inside.mean()) < 0.5  # the mean of the two halves' moves
    far = rigid[0, 0, 50:55, 20:25]  # nothing bright nearby: the plain average of the moves
    assert torch.allclose(far, torch.full_like(far, 4.0))


def test_without_a_start_frame_the_gan_draws_it(animator):
    first = animator("digit 3 moving left", None, num_frames=4, seed=5)
    again = animator("digit 3 moving left", None, num_frames=4, seed=5)
    other = animator("digit 3 moving left", None, num_frames=4, seed=6)
    assert first.info["first_frame"] == "generated" and first.frames.shape == (4, 64, 64, 3)
    assert np.array_equal(first.frames, again.frames)
    assert not np.array_equal(first.frames[0], other.frames[0])


def test_gan_networks_shapes_and_range():
    tokens = torch.tensor([[1, 4, 14, 0], [2, 3, 0, 0]])
    frames = FirstFrameGenerator(TINY_GAN).sample(tokens, seed=0)
    assert frames.shape == (2, 1, 64, 64) and 0 <= frames.min() and frames.max() <= 1
    assert FrameDiscriminator(TINY_GAN)(frames, tokens).shape == (2,)


def test_sprites_are_placed_on_a_torus():
    sprites = torch.zeros(2, 1, 4, 4)
    sprites[:, 0, 0, 0] = 1.0  # the sprite's top-left pixel
    frames = place(sprites, torch.tensor([[5, 7], [62, 63]]), size=64)
    assert frames.shape == (2, 1, 64, 64)
    assert frames[0, 0].nonzero().tolist() == [[7, 5]]  # (row y, column x)
    assert frames[1, 0].nonzero().tolist() == [[63, 62]]
    sprites[1, 0, 3, 3] = 1.0  # bottom-right pixel of a sprite at (62, 63) wraps to (1, 2)
    assert place(sprites, torch.tensor([[5, 7], [62, 63]]), 64)[1, 0, 2, 1] == 1.0


def test_sprite_generator_draws_a_small_object_somewhere_new_per_seed():
    config = FirstFrameConfig(
        channels=1, width=8, noise_dim=8, embed_dim=8, caption_dim=16, sprite=16
    )
    generator = FirstFrameGenerator(config).eval()
    tokens = torch.tensor([[1, 4, 14, 0]])
    first, again = generator.sample(tokens, seed=1), generator.sample(tokens, seed=1)
    assert first.shape == (1, 1, 64, 64) and torch.equal(first, again)
    lit = lambda frame: (frame[0, 0] > 0).nonzero()  # noqa: E731
    rows, columns = lit(first).T
    # a 16x16 sprite lights at most 16 distinct rows and columns (wrapping included)
    assert len(rows.unique()) <= 16 and len(columns.unique()) <= 16
    assert not torch.equal(first, generator.sample(tokens, seed=2))


def test_two_digit_caption_merges_two_sprite_draws():
    config = FirstFrameConfig(
        channels=1, width=8, noise_dim=8, embed_dim=8, caption_dim=16, sprite=16
    )
    torch.manual_seed(3)
    animator = TextSequenceAnimator(
        NextFrameNet(TINY), "mnist", device="cpu", first_frame=FirstFrameGenerator(config)
    )
    two = animator._generated_start("the digits 3 and 7 are moving up", seed=4)
    captions = ["the digit 3 is moving up", "the digit 7 is moving up"]
    draws = animator.first_frame.sample(torch.tensor([tokenize(c) for c in captions]), seed=4)
    assert two.shape == (1, 1, 1, 64, 64)
    assert torch.equal(two[0, 0], draws.amax(dim=0))  # one sprite per digit, brighter wins
    assert not torch.equal(draws[0], draws[1])


def test_whole_pixel_motion_keeps_content_exact():
    torch.manual_seed(0)
    config = NextFrameConfig(
        channels=1, width=8, bottleneck=32, embed_dim=8, caption_dim=16, whole_pixel_motion=True
    )
    net = NextFrameNet(config).eval()
    with torch.no_grad():  # motion head: +1.7 px in x everywhere, mask fully "move"
        net.out.weight.zero_()
        net.out.bias.copy_(torch.tensor([0.0, 1.7, 0.0, 20.0]))
    frame = (torch.rand(1, 1, 1, 64, 64) > 0.9).float()
    moved = net(stack_history(frame, config.max_history), torch.tensor([[1, 4, 0]]))
    assert torch.allclose(moved, torch.roll(frame[:, 0], shifts=2, dims=-1), atol=1e-5)


def test_a_wide_start_frame_is_padded_not_squeezed(animator):
    wide = np.zeros((64, 128, 3), np.uint8)
    wide[:, 60:68] = 255  # a vertical bar in the middle
    clip = animator("digit 1 moving left", wide, num_frames=2)
    assert "padded with black" in clip.warnings[0]
    bar = clip.frames[0, :, :, 0] > 128
    assert bar[16:48, 30:34].all() and not bar[:14].any() and not bar[50:].any()


def test_from_pretrained_round_trip(tmp_path, monkeypatch):
    torch.manual_seed(2)
    net = NextFrameNet(TINY)
    save_checkpoint(tmp_path / "text" / "mnist", net, TINY, metrics={}, half=False)
    monkeypatch.setenv("ANIMATE_CHECKPOINTS_DIR", str(tmp_path))
    loaded = TextSequenceAnimator.from_pretrained("mnist", device="cpu")
    direct = TextSequenceAnimator(net, "mnist", device="cpu")
    assert np.array_equal(
        loaded("digit 3 moving left", start_frame(), num_frames=3).frames,
        direct("digit 3 moving left", start_frame(), num_frames=3).frames,
    )


def test_captions_route_to_their_domain():
    from animators.text.animator import domain_of

    assert domain_of("the digit 3 is moving left") == "mnist"
    assert domain_of("a red square moving up") == "icons"
    with pytest.raises(InputError, match="Say what moves"):
        domain_of("moving left")


def test_load_text_and_cli_with_a_checkpoint_folder(tmp_path, monkeypatch):
    import animators
    from animators.__main__ import main

    torch.manual_seed(3)
    save_checkpoint(tmp_path / "text" / "mnist", NextFrameNet(TINY), TINY, metrics={})
    monkeypatch.setenv("ANIMATE_CHECKPOINTS_DIR", str(tmp_path))
    clip = animators.load("text")("the digit 3 is moving left", start_frame(), num_frames=5)
    assert clip.num_frames == 5
    from PIL import Image

    Image.fromarray(start_frame()).save(tmp_path / "start.png")
    out = tmp_path / "out.npz"
    code = main(
        [
            "text",
            "--caption",
            "digit 3 moving up",
            "--start",
            str(tmp_path / "start.png"),
            "-n",
            "6",
            "-o",
            str(out),
        ]
    )
    assert code == 0 and np.load(out)["frames"].shape == (6, 64, 64, 3)
    # No icons checkpoint: one sentence naming what is missing.
    with pytest.raises(animators.CheckpointNotFound, match="text/icons"):
        animators.load("text")("a red square moving left", start_frame(), num_frames=2)


def rendered_digit(digit: int, x: int, y: int) -> np.ndarray:
    """A 64x64 RGB frame with a white digit drawn in Pillow's own font at (x, y)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (64, 64))
    font = ImageFont.load_default(size=24)
    ImageDraw.Draw(image).text((x, y), str(digit), fill=255, font=font, stroke_width=1)
    return np.repeat(np.asarray(image)[:, :, None], 3, axis=2)


@pytest.mark.parametrize("digit", [3, 8])
@pytest.mark.parametrize(
    ("motion", "position"), [("left and right", (46, 20)), ("up and down", (24, 36))]
)
def test_committed_digit_model_keeps_a_bouncing_digit_whole(digit, motion, position):
    """Without rigid moves the committed model squashed digits at the bounce (their brightness
    fell or rose well beyond 20 %); with them every frame keeps the digit's brightness."""
    animator = TextSequenceAnimator.from_pretrained("mnist", device="cpu")
    start = rendered_digit(digit, *position)
    clip = animator(f"digit {digit} moving {motion} quickly", start, num_frames=25)
    brightness = clip.frames[:, :, :, 0].astype(np.float64).sum(axis=(1, 2))
    assert np.abs(brightness / brightness[0] - 1).max() < 0.2
