"""The original project's encoder-decoder + refinement inbetweener (`mipal`): shapes and behaviour
with tiny random nets, the inbetweening wrapper, and a smoke run of its training script."""

from __future__ import annotations

import json

import numpy as np
import torch
from helpers import panning_frames, textured_image, write_gif

from animators.core.checkpoints import load_module
from animators.inbetween.animator import Inbetweener, MipalFrames
from animators.nets.inbetween.mipal import Mipal, MipalConfig, PatchDiscriminator
from training.inbetween import train_mipal

TINY = MipalConfig(width=4, refine_width=4, latent_channels=8)


def test_stages_keep_the_frame_size_and_range():
    torch.manual_seed(0)
    model = Mipal(TINY).eval()
    start, end = torch.rand(2, 3, 256, 256), torch.rand(2, 3, 256, 256)
    latent = model.interpolator.encode(start)
    assert latent.shape == (2, 8, 32, 32)
    with torch.no_grad():
        coarse, refined = model(start, end, torch.tensor([0.25, 0.75]))
    assert coarse.shape == refined.shape == (2, 3, 256, 256)
    assert 0.0 <= float(refined.min()) and float(refined.max()) <= 1.0
    assert PatchDiscriminator(8)(refined, coarse).shape == (2, 1, 30, 30)


def test_latent_mix_follows_t():
    """At t = 0 and t = 1 stage 1 decodes exactly the start's and the end's latent."""
    torch.manual_seed(1)
    model = Mipal(TINY).eval()
    start, end = torch.rand(1, 3, 256, 256), torch.rand(1, 3, 256, 256)
    with torch.no_grad():
        at_zero = model.interpolator(start, end, torch.tensor([0.0]))
        at_one = model.interpolator(start, end, torch.tensor([1.0]))
        encode, decode = model.interpolator.encode, model.interpolator.decode
        torch.testing.assert_close(at_zero, decode(encode(start)))
        torch.testing.assert_close(at_one, decode(encode(end)))


def test_wrapper_gives_exact_frames_at_any_size_with_a_preview_note():
    torch.manual_seed(2)
    animator = Inbetweener("mipal", make_frames=MipalFrames(Mipal(TINY), device="cpu"))
    start = textured_image(seed=1, height=60, width=100)
    end = textured_image(seed=2, height=60, width=100)
    clip = animator(start, end, num_frames=3)
    assert clip.frames.shape == (5, 60, 100, 3)
    np.testing.assert_array_equal(clip.frames[0], start)
    np.testing.assert_array_equal(clip.frames[-1], end)
    assert any("256x256" in note for note in clip.warnings)
    again = animator(start, end, num_frames=3)
    np.testing.assert_array_equal(clip.frames, again.frames)


def test_smoke_training_writes_a_loadable_checkpoint(tmp_path):
    videos = tmp_path / "videos"
    videos.mkdir()
    write_gif(videos / "pan.gif", panning_frames(24, height=72, width=96))
    run = tmp_path / "mipal"
    train_mipal.main(
        ["--out", str(run), "--smoke", "--davis", str(tmp_path / "none"), "--videos", str(videos)]
    )
    model = load_module(Mipal, MipalConfig, run / "export")
    assert model.config.width == 4
    metrics = json.loads((run / "export" / "metrics.json").read_text())
    assert metrics["step"] == 2 and 0.0 <= metrics["coarse_ms_ssim"] <= 1.0
    assert (run / "samples" / "step_000002.png").is_file()


def test_committed_checkpoint_is_registered_and_deterministic():
    import animators

    animator = animators.load("inbetween", "mipal", device="cpu")
    assert "mipal" in animators.methods("inbetween") and not animator.stochastic
    start = textured_image(seed=1, height=72, width=96)
    end = textured_image(seed=2, height=72, width=96)
    clip = animator(start, end, num_frames=2)
    assert clip.frames.shape == (4, 72, 96, 3) and clip.info["method"] == "mipal"
    np.testing.assert_array_equal(clip.frames, animator(start, end, num_frames=2).frames)
    assert 0 < clip.frames[1:-1].mean() < 255
