"""The learned inbetweener: network plumbing with tiny random nets, the flow units it relies on,
and one test on the committed checkpoint."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from helpers import SHIFT_X, SHIFT_Y, shift_between, textured_image

import animators
from animators.core import checkpoints
from animators.core.metrics import psnr
from animators.core.optical_flow import (
    NET_FLOW_PATCH_STRIDE,
    dis_flow,
    dis_flows,
    net_flow,
    net_flows,
)
from animators.inbetween.animator import (
    Inbetweener,
    LearnedFrames,
    flow_scale_for,
    has_bfloat16_units,
)
from animators.nets.inbetween.interpolator import (
    FlowFusionNet,
    InterpolatorConfig,
    backward_warp,
    flip_x,
    occlusion,
)

TINY = InterpolatorConfig(widths=(4, 6, 8), residual_blocks=1)


def tiny_net(seed: int = 0, zero_head: bool = False) -> FlowFusionNet:
    torch.manual_seed(seed)
    net = FlowFusionNet(TINY)
    if not zero_head:
        with torch.no_grad():
            net.head.weight.normal_(0, 0.05)
    return net


def learned(net: FlowFusionNet) -> Inbetweener:
    return Inbetweener("learned", make_frames=LearnedFrames(net, device="cpu"))


def test_backward_warp_shifts_by_whole_pixels():
    image = torch.rand(1, 3, 16, 20)
    flow = torch.zeros(1, 2, 16, 20)
    flow[:, 0] = 3.0  # out[y, x] = image[y, x + 3]
    flow[:, 1] = -2.0
    out = backward_warp(image, flow)
    torch.testing.assert_close(out[..., 2:, :-3], image[..., :-2, 3:])


def test_occlusion_is_low_for_consistent_flows_and_high_otherwise():
    forward = torch.full((1, 2, 12, 12), 2.0)
    assert occlusion(forward, -forward).max() < 1e-4
    assert occlusion(forward, forward).min() > 0.9  # the round trip misses by 4 pixels


def test_prepare_refuses_mismatched_sizes():
    net = tiny_net()
    frames = torch.rand(1, 3, 32, 32)
    with pytest.raises(ValueError, match="multiple"):
        net.prepare(frames, frames, torch.zeros(1, 2, 6, 6), torch.zeros(1, 2, 6, 6))


@pytest.mark.parametrize(
    "size, scale", [((480, 854), 2), ((256, 448), 1), ((1080, 1920), 4), ((40, 50), 1)]
)
def test_flow_scale_keeps_the_flow_image_at_most_512(size, scale):
    assert flow_scale_for(*size) == scale


def test_a_larger_flow_side_keeps_more_resolution():
    assert flow_scale_for(480, 854, max_flow_side=1024) == 1
    assert flow_scale_for(1080, 1920, max_flow_side=1024) == 2


@pytest.mark.parametrize("flow_scale", [1, 2])
def test_net_flows_are_in_net_pixels(panned, flow_scale):
    start, end, _ = panned  # 96 x 128, content moves by (-8, -4) from start to end
    flow_01, flow_10 = net_flows(start, end, flow_scale)
    reduction = 2 * flow_scale
    assert flow_01.shape == (96 // reduction, 128 // reduction, 2)
    inner = flow_01[2:-2, 2:-2]
    assert np.median(inner[..., 0]) == pytest.approx(-SHIFT_X / reduction, abs=0.3)
    assert np.median(inner[..., 1]) == pytest.approx(-SHIFT_Y / reduction, abs=0.3)
    assert np.median(flow_10[2:-2, 2:-2, 0]) == pytest.approx(SHIFT_X / reduction, abs=0.3)


def test_both_ways_in_two_threads_gives_the_flows_one_after_the_other(panned):
    start, end, _ = panned
    for together, alone in (
        (net_flows(start, end, 2), (net_flow(start, end, 2), net_flow(end, start, 2))),
        (dis_flows(start, end), (dis_flow(start, end), dis_flow(end, start))),
    ):
        np.testing.assert_array_equal(together[0], alone[0])
        np.testing.assert_array_equal(together[1], alone[1])
        assert not np.array_equal(together[0], together[1])  # the two directions differ


def test_channels_last_inference_matches_the_training_layout():
    net = tiny_net(seed=3)
    start, end = torch.rand(1, 3, 32, 48), torch.rand(1, 3, 32, 48)
    flows = torch.randn(1, 2, 16, 24), torch.randn(1, 2, 16, 24)
    t = torch.tensor([0.3])
    with torch.no_grad():
        expected = net(start, end, *flows, t)
        LearnedFrames(net, device="cpu", bfloat16=False)  # makes the weights channels-last
        assert net.encode0[0][0].weight.is_contiguous(memory_format=torch.channels_last)
        torch.testing.assert_close(net(start, end, *flows, t), expected, atol=1e-5, rtol=0)


def random_pair(seed: int = 0):
    """A random prepared-pair input: frames (1, 3, 32, 48), flows (1, 2, 16, 24) in net pixels."""
    generator = torch.Generator().manual_seed(seed)
    frames = [torch.rand(1, 3, 32, 48, generator=generator) for _ in range(2)]
    flows = [2.0 * torch.randn(1, 2, 16, 24, generator=generator) for _ in range(2)]
    return frames, flows


def test_flip_x_mirrors_and_negates_only_a_flows_x():
    flow = torch.arange(2 * 2 * 3, dtype=torch.float32).view(1, 2, 2, 3)
    flipped = flip_x(flow, is_flow=True)
    torch.testing.assert_close(flipped[:, 0], -flow[:, 0].flip(-1))
    torch.testing.assert_close(flipped[:, 1], flow[:, 1].flip(-1))
    torch.testing.assert_close(flip_x(flow, is_flow=False), flow.flip(-1))


@pytest.mark.parametrize("ensemble", [False, True])
def test_the_ensemble_is_symmetric_in_time_and_mirror_and_one_pass_is_not(ensemble):
    """Averaging the four views makes the frame at t of (start, end) the frame at 1 - t of
    (end, start), and the frame of the mirrored pair the mirrored frame; a single pass of a
    trained (here: random) network is neither."""
    net = tiny_net(seed=2).eval()
    (start, end), (flow_01, flow_10) = random_pair()
    t = torch.tensor([0.3])
    with torch.no_grad():
        frame = net.frame_at(net.prepare(start, end, flow_01, flow_10), t, ensemble)
        reversed_pair = net.prepare(end, start, flow_10, flow_01)
        backwards = net.frame_at(reversed_pair, 1.0 - t, ensemble)
        mirrored_pair = net.prepare(
            flip_x(start, False), flip_x(end, False), flip_x(flow_01, True), flip_x(flow_10, True)
        )
        mirrored = flip_x(net.frame_at(mirrored_pair, t, ensemble), False)
    for other in (backwards, mirrored):
        if ensemble:
            torch.testing.assert_close(other, frame, atol=1e-5, rtol=0)
        else:
            assert (other - frame).abs().max() > 1e-3


def test_the_untrained_network_gives_the_same_frame_with_or_without_the_ensemble():
    net = tiny_net(zero_head=True).eval()
    (start, end), flows = random_pair(seed=1)
    pair = net.prepare(start, end, *flows)
    with torch.no_grad():
        single = net.frame_at(pair, torch.tensor([0.6]))
        torch.testing.assert_close(
            net.frame_at(pair, torch.tensor([0.6]), ensemble=True), single, atol=1e-5, rtol=0
        )


def test_reversed_and_mirrored_net_inputs_are_those_of_the_reversed_and_mirrored_pair():
    """The ensemble derives three of its four views' inputs from the first one's by permuting
    and mirroring channels; they must equal the inputs computed from those pairs."""
    net = tiny_net(seed=5)
    (start, end), (flow_01, flow_10) = random_pair(seed=2)
    t = torch.tensor([0.3])
    given = net.net_input(net.prepare(start, end, flow_01, flow_10), t)
    reversed_pair = net.prepare(end, start, flow_10, flow_01)
    mirrored_pair = net.prepare(
        flip_x(start, False), flip_x(end, False), flip_x(flow_01, True), flip_x(flow_10, True)
    )
    expected = {
        "time_reversed": net.net_input(reversed_pair, 1.0 - t),
        "mirrored": net.net_input(mirrored_pair, t),
    }
    for view, computed in expected.items():
        derived = getattr(given, view)()
        for got, wanted in zip(derived, computed, strict=True):
            torch.testing.assert_close(got, wanted, atol=1e-5, rtol=0)


def test_bfloat16_frames_match_float32_up_to_rounding():
    start, end = textured_image(seed=7, height=64, width=96), textured_image(8, 64, 96)
    frames = {}
    for bfloat16 in (False, True):
        make_frames = LearnedFrames(tiny_net(seed=4), device="cpu", bfloat16=bfloat16)
        frames[bfloat16] = make_frames(start, end)(0.5)
    np.testing.assert_allclose(frames[True], frames[False], atol=0.02)
    assert not has_bfloat16_units("cuda")  # bfloat16 by default only on capable CPUs
    assert LearnedFrames(tiny_net(), device="cpu", bfloat16=False).bfloat16 is False
    held = LearnedFrames(tiny_net(), device="cpu", bfloat16=True).net
    assert held.head.weight.dtype == torch.bfloat16
    assert held.detail_gain.dtype == torch.float32  # the fusion stays in float32


def test_read_only_frames_need_no_copy_warning():
    start, end = textured_image(seed=1, height=64, width=64), textured_image(2, 64, 64)
    start.flags.writeable = end.flags.writeable = False  # e.g. np.asarray of a PIL image
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch warns on non-writable arrays
        clip = learned(tiny_net())(start, end, num_frames=1)
    assert clip.frames.shape == (3, 64, 64, 3)


def test_net_flow_at_the_finest_level_tracks_a_small_object():
    background = textured_image(seed=1, height=128, width=160)
    thing = textured_image(seed=2, height=20, width=20)
    start, end = background.copy(), background.copy()
    start[50:70, 60:80], end[53:73, 64:84] = thing, thing  # moves (+4, +3) px
    errors = {}
    for finest in (0, 1):
        inside = net_flow(start, end, 1, finest_scale=finest)[26:34, 31:39]  # net pixels: /2
        errors[finest] = float(np.hypot(inside[..., 0] - 2.0, inside[..., 1] - 1.5).mean())
    assert errors[0] < 0.1 and errors[0] < errors[1] / 3  # the presets stop a level short


def test_net_flow_uses_the_denser_patch_grid_by_default():
    start = textured_image(seed=5, height=96, width=128)
    end = np.roll(start, (3, 5), axis=(0, 1))
    default = net_flow(start, end, 1)
    np.testing.assert_array_equal(
        default, net_flow(start, end, 1, patch_stride=NET_FLOW_PATCH_STRIDE)
    )
    assert NET_FLOW_PATCH_STRIDE < 3  # denser than the medium preset's stride
    assert not np.array_equal(default, net_flow(start, end, 1, patch_stride=3))


@pytest.mark.parametrize("height, width", [(61, 83), (64, 64), (33, 120)])
@pytest.mark.parametrize("num_frames", [1, 4])
def test_any_size_gives_exact_frames_and_ends(height, width, num_frames):
    start = textured_image(seed=3, height=height, width=width)
    end = textured_image(seed=4, height=height, width=width)
    clip = learned(tiny_net())(start, end, num_frames=num_frames)
    assert clip.frames.shape == (num_frames + 2, height, width, 3)
    np.testing.assert_array_equal(clip.frames[0], start)
    np.testing.assert_array_equal(clip.frames[-1], end)
    assert clip.info["method"] == "learned"


def test_learned_is_deterministic_and_loops():
    start = textured_image(seed=5, height=48, width=64)
    end = textured_image(seed=6, height=48, width=64)
    animator = learned(tiny_net(seed=1))
    first = animator(start, end, num_frames=3, loop=True)
    second = animator(start, end, num_frames=3, loop=True)
    np.testing.assert_array_equal(first.frames, second.frames)
    assert first.num_frames == 8
    np.testing.assert_array_equal(first.frames[4], end)


def test_untrained_network_is_the_classical_interpolation(panned):
    """With its output layer at zero the network fuses linear-motion warps: frames land on the
    straight path between the inputs, like the classical flow method."""
    start, end, truth = panned
    clip = learned(tiny_net(zero_head=True))(start, end, num_frames=3)
    for index in (1, 2, 3):
        dx, dy = shift_between(start, clip.frames[index])
        assert dx == pytest.approx(-SHIFT_X * index / 4, abs=1.0)
        assert dy == pytest.approx(-SHIFT_Y * index / 4, abs=1.0)
    inner = (slice(8, -8), slice(8, -8))
    middle = learned(tiny_net(zero_head=True))(start, end, num_frames=1).frames[1]
    assert psnr(middle[inner], truth[inner]) > 30.0


def test_committed_checkpoint_is_the_default_and_lands_half_way(panned):
    folder = checkpoints.resolve("inbetween", "learned")
    assert (folder / "model.safetensors").stat().st_size < 15 * 2**20
    assert animators.methods("inbetween")[0] == "learned"
    start, end, truth = panned
    animator = animators.load("inbetween", device="cpu")
    assert animator.method == "learned"
    middle = animator(start, end, num_frames=1).frames[1]
    dx, dy = shift_between(start, middle)
    assert dx == pytest.approx(-SHIFT_X / 2, abs=1.0)
    assert dy == pytest.approx(-SHIFT_Y / 2, abs=1.0)
    inner = (slice(8, -8), slice(8, -8))
    blend = animators.load("inbetween", "blend")(start, end, num_frames=1).frames[1]
    assert psnr(middle[inner], truth[inner]) > psnr(blend[inner], truth[inner]) + 8.0
