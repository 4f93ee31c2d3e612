"""animators.text_sequence and the next-frame network, on a tiny untrained net (fast)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from animators import InputError
from animators.checkpoints import save_checkpoint
from animators.nets.next_frame import NextFrameConfig, NextFrameNet, stack_history
from animators.text_sequence import TextSequenceAnimator

TINY = NextFrameConfig(channels=1, width=8, bottleneck=32, embed_dim=8, caption_dim=16)


@pytest.fixture(scope="module")
def animator():
    torch.manual_seed(0)
    return TextSequenceAnimator(NextFrameNet(TINY), "mnist", device="cpu")


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
        ({"start": None}, "start frame"),
    ],
)
def test_bad_requests(animator, kwargs, message):
    arguments = {"caption": "digit 3 moving left", "start": start_frame(), "num_frames": 4}
    arguments.update(kwargs)
    with pytest.raises(InputError, match=message):
        animator(arguments.pop("caption"), arguments.pop("start"), **arguments)


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
    from animators.text_sequence import domain_of

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
