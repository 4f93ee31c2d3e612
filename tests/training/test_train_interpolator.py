"""Training data and script of the learned inbetweener, on footage the test makes itself."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from helpers import panning_frames, textured_image, write_gif

from animators.core.checkpoints import load_module
from animators.nets.inbetween.interpolator import FlowFusionNet, InterpolatorConfig
from training.inbetween import train_interpolator, video_triplets


def test_scene_cuts_find_a_cut_and_not_motion():
    moving = panning_frames(6)
    other = np.full_like(moving[:3], (200, 30, 30))
    other[:, ::7] = 0  # some texture
    cuts = video_triplets.scene_cuts(np.concatenate([moving, other]))
    assert cuts.tolist() == [False] * 5 + [True] + [False] * 2


def test_windows_skip_cuts_and_split_keeps_frames_apart():
    frames = panning_frames(20)
    cuts = np.zeros(19, dtype=bool)
    cuts[9] = True  # between frames 9 and 10
    clip = video_triplets.VideoClip("c", frames, cuts)
    starts = clip.windows(2)
    assert all(not (i <= 9 < i + 2) for i in starts) and 8 not in starts and 9 not in starts
    train, validation = video_triplets.split_clips([clip], share=0.25)
    assert len(train[0].frames) == 13 and len(validation[0].frames) == 7  # 7: longest span + 1
    assert len(train[0].cuts) == 12 and train[0].cuts[9]
    short = video_triplets.VideoClip("s", frames[:10], cuts[:9])
    assert video_triplets.split_clips([short])[1] == []  # too short to split: all training


@pytest.mark.parametrize("flow_scale", [1, 2])
def test_sampler_batches_have_matching_shapes_and_times(flow_scale):
    clip = video_triplets.VideoClip("pan", panning_frames(16), np.zeros(15, dtype=bool))
    birds = [textured_image(seed=s, height=100, width=100) for s in range(3)]
    sampler = video_triplets.TripletSampler([clip], birds, crop=64, synthetic_share=0.5)
    batch = sampler.batch(np.random.default_rng(0), 6, flow_scale)
    assert batch["start"].shape == batch["middle"].shape == (6, 3, 64, 64)
    net_side = 64 // (2 * flow_scale)
    assert batch["flow_01"].shape == batch["flow_10"].shape == (6, 2, net_side, net_side)
    assert batch["start"].dtype == np.float32 and 0 <= batch["start"].min() <= 1
    assert ((batch["t"] > 0) & (batch["t"] < 1)).all()


def test_sampler_large_crop_is_used_only_for_full_size_frames():
    clip = video_triplets.VideoClip("pan", panning_frames(16), np.zeros(15, dtype=bool))
    sampler = video_triplets.TripletSampler([clip], None, crop=32, large_crop=64)
    rng = np.random.default_rng(0)
    assert sampler.batch(rng, 2, 1)["start"].shape == (2, 3, 32, 32)
    batch = sampler.batch(rng, 2, 2)
    assert batch["start"].shape == (2, 3, 64, 64)
    assert batch["flow_01"].shape == (2, 2, 16, 16)


def test_flow_scale_cycle_is_parsed_and_checked_before_any_work(capsys):
    def parse(*extra):
        return train_interpolator.parse_arguments(["--out", "runs/x", *extra])

    assert parse("--flow-scales", "1,2,2").flow_scales == [1, 2, 2]
    assert parse().flow_scales == [1, 2]
    for bad in ("3", "1,x", ""):
        with pytest.raises(SystemExit):
            parse("--flow-scales", bad)
        assert "--flow-scales: takes values from (1, 2)" in capsys.readouterr().err


def test_log_mse_is_minus_a_tenth_of_the_psnr():
    target = torch.rand(2, 3, 16, 16)
    prediction = (target + 0.1 * torch.randn_like(target)).clamp(0, 1)
    per_sample = ((prediction - target) ** 2).mean(dim=(1, 2, 3))
    expected = (-10 * torch.log10(per_sample)).mean() / -10
    assert train_interpolator.log_mse(prediction, target) == pytest.approx(
        float(expected), abs=1e-4
    )
    assert train_interpolator.log_mse(target, target) < -5  # near the 1e-6 floor


def test_ssim_loss_is_zero_for_equal_images_and_grows_with_noise():
    image = torch.rand(1, 3, 32, 32)
    assert train_interpolator.ssim_loss(image, image) < 1e-5
    noisy = (image + 0.2 * torch.randn_like(image)).clamp(0, 1)
    assert train_interpolator.ssim_loss(noisy, image) > 0.1


def test_smoke_run_writes_a_loadable_checkpoint_and_resumes(tmp_path):
    videos = tmp_path / "videos"
    videos.mkdir()
    write_gif(videos / "pan.gif", panning_frames(30))
    run = tmp_path / "run"
    arguments = [
        "--out", str(run), "--smoke", "--davis", str(tmp_path / "none"),
        "--videos", str(videos), "--birds", str(tmp_path / "none"),
    ]  # fmt: skip
    train_interpolator.main(arguments)
    log = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
    assert [entry["step"] for entry in log] == [2, 4]
    assert (run / "samples" / "step_000004.png").is_file()
    net = load_module(FlowFusionNet, InterpolatorConfig, run / "best")
    assert isinstance(net, FlowFusionNet)
    metrics = json.loads((run / "best" / "metrics.json").read_text())
    assert metrics["validation_psnr"] >= metrics["validation_psnr_at_start"]
    train_interpolator.main(arguments + ["--resume"])  # 4 more steps from the saved state
    steps = [json.loads(line)["step"] for line in (run / "log.jsonl").read_text().splitlines()]
    assert steps == [2, 4, 6, 8]


def test_grow_keeps_the_output_and_adds_trainable_channels():
    torch.manual_seed(0)
    small = FlowFusionNet(InterpolatorConfig(widths=(8, 12, 16), residual_blocks=2))
    torch.nn.init.normal_(small.head.weight, std=0.1)  # a "trained" head, not the zero start
    big = train_interpolator.grow(small, InterpolatorConfig(widths=(8, 12, 24), residual_blocks=2))
    start, end = torch.rand(2, 3, 32, 48), torch.rand(2, 3, 32, 48)
    flow_01, flow_10 = torch.randn(2, 2, 16, 24), torch.randn(2, 2, 16, 24)
    t = torch.tensor([0.3, 0.6])
    with torch.no_grad():
        expected = small(start, end, flow_01, flow_10, t)
        assert torch.allclose(big(start, end, flow_01, flow_10, t), expected, atol=1e-5)
    # the new channels are live: a gradient reaches the (zero) weights that read them, so the
    # first step opens them up
    big(start, end, flow_01, flow_10, t).mean().backward()
    reads_new_level2 = big.decode1[0][0].weight.grad[:, 16:24]
    assert reads_new_level2.abs().sum() > 0
    with pytest.raises(ValueError):
        train_interpolator.grow(big, InterpolatorConfig(widths=(8, 12, 16), residual_blocks=2))
