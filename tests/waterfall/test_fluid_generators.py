"""The original project's texture-motion generators (waterfall methods pix2gif / recursive /
recurrent): networks, the animator around them, the training script and the committed
checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from helpers import rect_mask, textured_image
from PIL import Image

import animators
from animators.core.base import InputError
from animators.nets.waterfall.pix2gif import (
    FramePatchDiscriminator,
    Pix2GifConfig,
    Pix2GifGenerator,
    RecursiveConfig,
    RecursiveGenerator,
    VideoPatchDiscriminator,
)
from animators.waterfall.generators import ORIGINAL_METHODS, GeneratedWaterfall, resample_in_time
from training.waterfall import train_fluid_gan

CHECKPOINTS = Path(__file__).resolve().parents[2] / "checkpoints/waterfall"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def tiny(method: str):
    torch.manual_seed(0)
    if method == "pix2gif":
        return Pix2GifGenerator(Pix2GifConfig(frames=8, width=16, residual_blocks=1))
    return RecursiveGenerator(RecursiveConfig(width=8, recurrent=method == "recurrent"))


def test_pix2gif_frames_differ_in_time_and_with_noise():
    generator = tiny("pix2gif").eval()
    photo = torch.rand(1, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        video = generator(photo, torch.zeros(1, 8))
        other = generator(photo, torch.ones(1, 8))
    assert video.shape == (1, 3, 8, 64, 64) and video.abs().max() <= 1.0
    # The original project copied one feature map over time, so frame t + 4 repeated frame t.
    assert (video[:, :, 0] - video[:, :, 4]).abs().mean() > 1e-4
    assert (video - other).abs().mean() > 1e-4
    scores = VideoPatchDiscriminator(width=8)(photo, video)
    assert scores.shape[:2] == (1, 1)
    with pytest.raises(ValueError, match="multiple of 4"):
        Pix2GifGenerator(Pix2GifConfig(frames=6))


def test_next_frame_generator_state():
    photo = torch.rand(2, 3, 64, 64) * 2 - 1
    plain, hidden = tiny("recursive")(photo)
    assert plain.shape == photo.shape and hidden is None
    frame, hidden = tiny("recurrent")(photo)
    assert hidden is not None and hidden.shape[0] == 2
    again, _ = tiny("recurrent")(photo, hidden)
    assert (again - frame).abs().mean() > 1e-5  # the state changes the next frame
    assert FramePatchDiscriminator(width=8)(photo, frame).shape[:2] == (2, 1)


def test_resample_in_time_keeps_the_ends():
    frames = np.arange(24, dtype=np.float32).reshape(24, 1)
    assert np.allclose(resample_in_time(frames, 47)[[0, -1], 0], [0, 23])
    assert np.allclose(resample_in_time(frames, 47)[1, 0], 0.5)


@pytest.mark.parametrize("method", ORIGINAL_METHODS)
def test_animator_sizes_counts_freeze_and_notes(method):
    animator = GeneratedWaterfall(method, tiny(method))
    photo = textured_image(seed=1, height=72, width=100)
    freeze = rect_mask(72, 100, 0, 36, 0, 100)
    clip = animator(photo, num_frames=12, freeze=freeze, mask=np.ones((72, 100), bool))
    assert clip.frames.shape == (12, 72, 100, 3)
    assert (clip.frames[:, :30] == photo[:30]).all()  # frozen pixels stay the photo's
    assert clip.info["motion_field"].shape == (72, 100, 2)
    assert any("ignored" in note for note in clip.warnings)
    with pytest.raises(InputError, match="number of frames"):
        animator(photo, num_frames=2)


@pytest.mark.parametrize("method", ORIGINAL_METHODS)
def test_training_smoke_run(tmp_path, method):
    photos = tmp_path / "photos"
    photos.mkdir()
    for seed in range(2):
        Image.fromarray(textured_image(seed=seed, height=80, width=90)).save(photos / f"{seed}.png")
    missing = str(tmp_path / "none")
    train_fluid_gan.main(
        ["--model", method, "--out", str(tmp_path / "run"), "--smoke", "--backgrounds", str(photos)]
        + ["--birds", missing, "--davis", missing, "--export", str(tmp_path / "export")]
    )
    log = [json.loads(line) for line in (tmp_path / "run/log.jsonl").read_text().splitlines()]
    assert [entry["step"] for entry in log] == [2, 4]
    assert (tmp_path / "export/model.safetensors").is_file()
    loaded = GeneratedWaterfall.from_pretrained(method, tmp_path / "export")
    assert loaded(textured_image(), num_frames=8).frames.shape == (8, 96, 128, 3)


@pytest.mark.parametrize("method", ORIGINAL_METHODS)
def test_committed_checkpoint_animates_the_example(method):
    if not (CHECKPOINTS / method / "model.safetensors").is_file():
        pytest.skip(f"no {method} checkpoint")
    photo = np.asarray(Image.open(EXAMPLES / "waterfall.png").convert("RGB"))
    clip = animators.load("waterfall", method)(photo, num_frames=24)
    assert clip.frames.shape == (24, 512, 768, 3)
    assert np.abs(clip.frames[-1].astype(int) - photo).mean() > 0.5  # something moves
    assert 0.3 < clip.info["sharpness"] < 3.0
