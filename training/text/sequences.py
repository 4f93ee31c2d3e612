"""What the text-task trainers share: each domain's batches of captioned sequences, roll-outs of
the next-frame network with its validation and sample grids, and the configuration a trained
next-frame network is exported with.

Used by training/text/train_next_frame.py (the plain network), train_adversarial.py (its
adversarial schedules) and train_first_frame.py (frame 0 of the same sequences).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from animators.nets.text.next_frame import NextFrameConfig, NextFrameNet, stack_history
from training.common import save_image_grid

# Captioned digits and icons move whole pixels per frame (training.text.motion_paths.SPEEDS):
# their exported models round the predicted moves to whole pixels, so 40 frames of moving stay
# as sharp as the first (fractional moves resample and blur). Training keeps the moves
# continuous: a straight-through rounding in training made our digit model lose its digits.
# Real walkers move by fractions of a pixel and keep continuous moves.
WHOLE_PIXEL_DOMAINS = ("mnist", "icons")
# In the same worlds every object moves as one piece: the exported models average the moves
# over a 21-px window (next_frame.rigid_motion), so a digit bouncing off a border turns as a
# whole instead of being squashed (its front already turning while its back goes on). The
# 40-frame digit accuracy on seen captions went from 0.84 to 0.95 with this alone.
RIGID_WINDOW = 21


def inference_config(config: NextFrameConfig, domain: str) -> NextFrameConfig:
    """The configuration a trained network is exported with (whole-pixel, rigid moves or not)."""
    rigid = domain in WHOLE_PIXEL_DOMAINS
    return replace(config, whole_pixel_motion=rigid, rigid_window=RIGID_WINDOW if rigid else 0)


BatchFn = Callable[[np.random.Generator, int, int], dict]
"""(rng, batch_size, num_frames) -> {"frames": (B, T, C, 64, 64) float32 in [0, 1],
"tokens": (B, 12) int64}"""


def batch_source(
    domain: str, split: str, data: Path | None, num_digits: int | None = None
) -> tuple[BatchFn, int]:
    """The batch function of a domain and its number of channels.

    num_digits: MNIST only, 1 or 2 digits per sequence (None: either)."""
    if domain == "mnist":
        from training.text import moving_mnist

        images, labels = moving_mnist.load_mnist(data)

        def mnist_batch(rng, batch_size, num_frames):
            return moving_mnist.batch(
                images, labels, rng, batch_size, num_frames, split=split, num_digits=num_digits
            )

        return mnist_batch, 1
    if domain == "icons":
        from training.text import icons

        def icon_batch(rng, batch_size, num_frames):
            return icons.batch(rng, batch_size, num_frames)

        return icon_batch, 3
    if domain == "walking":
        from training.text import walking

        clips = walking.load_clips(data, "train" if split == "train" else "test")

        def walking_batch(rng, batch_size, num_frames):
            return walking.batch(clips, rng, batch_size, num_frames)

        return walking_batch, 1
    raise SystemExit(f"Unknown domain {domain!r}; use mnist, icons or walking.")


@torch.inference_mode()
def rollout(
    net: NextFrameNet, start: torch.Tensor, tokens: torch.Tensor, steps: int
) -> torch.Tensor:
    """Frames given (B, T0, C, S, S) -> (B, T0 + steps, C, S, S), feeding predictions back."""
    frames = start
    for _ in range(steps):
        following = net(stack_history(frames, net.config.max_history), tokens)
        frames = torch.cat([frames, following[:, None]], dim=1)
    return frames


def validate(net, batch_fn, device, rng, steps=10, batches=4, batch_size=16) -> float:
    """Mean L1 of `steps`-frame roll-outs from one real frame."""
    net.eval()
    errors = []
    for _ in range(batches):
        batch = batch_fn(rng, batch_size, steps + 1)
        frames = torch.from_numpy(batch["frames"]).to(device)
        tokens = torch.from_numpy(batch["tokens"]).to(device)
        predicted = rollout(net, frames[:, :1], tokens, steps)
        errors.append(F.l1_loss(predicted[:, 1:], frames[:, 1:]).item())
    net.train()
    return float(np.mean(errors))


def save_rollout_samples(path: Path, net: NextFrameNet, batch_fn: BatchFn, device) -> None:
    """A PNG of 4 fixed 12-frame sequences of `batch_fn` (its rng seeded with 123) and the
    network's 11-frame roll-outs from their first frames: rows of (truth, prediction) per
    sequence, frames side by side."""
    sample = batch_fn(np.random.default_rng(123), 4, 12)
    truth = torch.from_numpy(sample["frames"]).to(device)
    net.eval()
    predicted = rollout(net, truth[:, :1], torch.from_numpy(sample["tokens"]).to(device), 11)
    net.train()
    rows = [
        list(clip) for real, guess in zip(truth, predicted, strict=True) for clip in (real, guess)
    ]
    save_image_grid(rows, path)
