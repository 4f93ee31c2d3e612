"""The original project's whole-clip inbetweeners (3D-conv CVAE / CGAN): network shapes and
behaviour with tiny random nets, training windows, and smoke runs of the training script."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from helpers import panning_frames, textured_image, write_gif

from animators.core.checkpoints import load_module
from animators.nets.inbetween.clip_generator import (
    ClipDiscriminator,
    ClipGenerator,
    ClipGeneratorConfig,
    VideoEncoder,
    crossfade,
    end_frame_error,
    kl_divergence,
)
from training.inbetween import train_clip_generator
from training.inbetween.clip_windows import WindowSampler, window_starts
from training.inbetween.video_triplets import VideoClip

TINY = ClipGeneratorConfig(width=4)


def ends(batch: int = 2) -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    return torch.rand(batch, 3, 64, 64), torch.rand(batch, 3, 64, 64)


def test_untrained_generator_is_the_crossfade():
    first, last = ends()
    clip = ClipGenerator(TINY)(first, last, torch.randn(2, TINY.z_dim))
    assert clip.shape == (2, 3, 30, 64, 64)
    torch.testing.assert_close(clip, crossfade(first, last, 30))
    assert end_frame_error(clip, first, last) < 1e-10


def test_samples_depend_on_the_seed_only():
    first, last = ends()
    generator = ClipGenerator(TINY).eval()
    with torch.no_grad():
        generator.out.weight.normal_(0, 0.1)  # a generator that uses z
        one, again = generator.sample(first, last, 3), generator.sample(first, last, 3)
        other = generator.sample(first, last, 4)
    torch.testing.assert_close(one, again)
    assert (one - other).abs().max() > 1e-3
    assert 0.0 <= one.min() and one.max() <= 1.0


def test_encoder_discriminator_and_kl_shapes():
    first, last = ends()
    clip = crossfade(first, last, 30)
    mean, log_variance = VideoEncoder(TINY)(clip, first, last)
    assert mean.shape == log_variance.shape == (2, TINY.z_dim)
    assert ClipDiscriminator(TINY)(clip).shape == (2,)
    zeros = torch.zeros(2, TINY.z_dim)
    assert kl_divergence(zeros, zeros) == 0.0
    assert kl_divergence(zeros + 1.0, zeros) > 0.0


def test_generator_refuses_other_sizes():
    with pytest.raises(ValueError, match="64x64"):
        ClipGenerator(ClipGeneratorConfig(frames=40))


def test_windows_take_the_longest_step_and_skip_cuts():
    frames = np.stack([textured_image(seed=i % 5, height=48, width=64) for i in range(70)])
    cuts = np.zeros(69, dtype=bool)
    cuts[40] = True
    clip = VideoClip("c", frames, cuts)
    starts = window_starts(clip, 30, 2)  # spans 58 frames: only starts 0..11 fit, none cut
    assert starts.tolist() == [i for i in range(12) if not (i <= 40 < i + 58)]
    sampler = WindowSampler([clip], frames=30, size=64)
    ((_, step, _),) = sampler.options
    assert step == 1  # every 3rd or 2nd frame would cross the cut in every window
    batch = sampler.batch(np.random.default_rng(0), 3)
    assert batch.shape == (3, 3, 30, 64, 64) and batch.dtype == np.float32


@pytest.mark.parametrize("kind", ["cvae", "cgan"])
def test_smoke_training_writes_a_loadable_generator(tmp_path, kind):
    videos = tmp_path / "videos"
    videos.mkdir()
    write_gif(videos / "pan.gif", panning_frames(32, height=72, width=96))
    run = tmp_path / kind
    train_clip_generator.main(
        ["--kind", kind, "--out", str(run), "--smoke", "--davis", str(tmp_path / "none"),
         "--videos", str(videos)]
    )  # fmt: skip
    generator = load_module(ClipGenerator, ClipGeneratorConfig, run / "export")
    assert generator.config.width == 4
    metrics = json.loads((run / "export" / "metrics.json").read_text())
    assert metrics["kind"] == kind and metrics["step"] == 2
    assert (run / "samples" / "step_000002.png").is_file()


def test_generated_clip_frames_give_exact_counts_seeded_samples_and_a_preview_note():
    from animators.inbetween.animator import GeneratedClipFrames, Inbetweener

    torch.manual_seed(0)
    generator = ClipGenerator(TINY)
    with torch.no_grad():
        generator.out.weight.normal_(0, 0.1)
    animator = Inbetweener("cvae", make_frames=GeneratedClipFrames(generator, device="cpu"))
    start = textured_image(seed=1, height=90, width=120)
    end = textured_image(seed=2, height=90, width=120)
    clip = animator(start, end, num_frames=5, seed=7)
    assert clip.frames.shape == (7, 90, 120, 3)
    np.testing.assert_array_equal(clip.frames[0], start)
    np.testing.assert_array_equal(clip.frames[-1], end)
    assert any("64x64" in note and "120x90" in note for note in clip.warnings)
    again = animator(start, end, num_frames=5, seed=7)
    other = animator(start, end, num_frames=5, seed=8)
    np.testing.assert_array_equal(clip.frames, again.frames)
    assert np.abs(clip.frames[3].astype(int) - other.frames[3]).mean() > 0.1


@pytest.mark.parametrize("kind", ["cvae", "cgan"])
def test_committed_checkpoint_is_registered_and_samples_differ_by_seed(kind):
    import animators

    animator = animators.load("inbetween", kind, device="cpu")
    assert animator.stochastic and kind in animators.methods("inbetween")
    start = textured_image(seed=1, height=72, width=96)
    end = textured_image(seed=2, height=72, width=96)
    first = animator(start, end, num_frames=4, seed=0)
    again = animator(start, end, num_frames=4, seed=0)
    other = animator(start, end, num_frames=4, seed=1)
    assert first.frames.shape == (6, 72, 96, 3) and first.info["method"] == kind
    np.testing.assert_array_equal(first.frames, again.frames)
    assert not np.array_equal(first.frames[1:-1], other.frames[1:-1])
    if kind == "cvae":  # the committed cgan collapsed: its seeds differ only slightly
        assert np.abs(first.frames[1:-1].astype(int) - other.frames[1:-1]).mean() > 0.05
    # The middle frame sits between the two ends, closer to them than they are to each other.
    middle = first.frames[3].astype(float)
    gap = np.abs(start.astype(float) - end).mean()
    assert np.abs(middle - start).mean() < gap and np.abs(middle - end).mean() < gap
