"""Caption-conditioned next-frame network (the original project's text-to-sequence model).

Input: the last `max_history` frames stacked as channels (fewer real frames are front-padded
by repeating the oldest one) and a caption as token ids. An encoder of strided convolutions
shrinks 64x64 to 8x8; a "network-in-network" bottleneck of fully-connected layers mixes the
flattened features with the caption code (word embeddings read by a GRU, so word order counts;
a caption index one-hot is the special case of a one-word vocabulary); a decoder with skip
connections to the encoder restores 64x64 detail.

The decoder's head predicts three things per pixel: a motion (dx, dy) in pixels per frame, a
freshly synthesised frame and a mask that mixes the two. The next frame is
mask * (last frame moved by the motion) + (1 - mask) * synthesised frame, so content that only
moves stays sharp over long roll-outs while the synthesised path draws what appears or changes.
In worlds that move whole pixels per frame (digits, icons) the moves are rounded to whole
pixels (`whole_pixel_motion`): fractional moves resample, and 40 resamplings blur.
Convolutions pad circularly and the move wraps around the borders: the captioned worlds are
tori (a digit leaving at the bottom re-enters at the top), and with circular padding that is
as local for the network as any other shift. Output: the next frame in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class NextFrameConfig:
    channels: int = 1  # 1 grayscale (MNIST, walking) or 3 RGB (icons)
    size: int = 64  # frames are size x size
    max_history: int = 10  # history frames the network sees (1..max_history real ones)
    width: int = 16  # channels of the first encoder stage (doubles per stage)
    bottleneck: int = 256  # width of the fully-connected bottleneck
    vocab_size: int = 40
    embed_dim: int = 32
    caption_dim: int = 64  # GRU hidden size = caption code size
    max_motion: float = 8.0  # largest predicted move in pixels per frame
    whole_pixel_motion: bool = False  # round moves to whole pixels (straight-through in training)
    rigid_window: int = 0  # > 0: average moves over this window, weighted by the last frame


def _block(inputs: int, outputs: int, stride: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(inputs, outputs, 3, stride=stride, padding=1, padding_mode="circular"),
        nn.GroupNorm(8, outputs),
        nn.SiLU(),
        nn.Conv2d(outputs, outputs, 3, padding=1, padding_mode="circular"),
        nn.GroupNorm(8, outputs),
        nn.SiLU(),
    )


class CaptionEncoder(nn.Module):
    """Token ids (B, L) int64, 0 = padding -> caption code (B, caption_dim)."""

    def __init__(self, config: NextFrameConfig) -> None:
        super().__init__()
        self.embed = nn.Embedding(config.vocab_size, config.embed_dim, padding_idx=0)
        self.gru = nn.GRU(config.embed_dim, config.caption_dim, batch_first=True)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        lengths = (tokens > 0).sum(dim=1).clamp(min=1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(
            self.embed(tokens), lengths, batch_first=True, enforce_sorted=False
        )
        _, hidden = self.gru(packed)
        return hidden[-1]


class NextFrameNet(nn.Module):
    """history (B, max_history * channels, S, S) in [0, 1] + tokens (B, L) -> (B, C, S, S)."""

    def __init__(self, config: NextFrameConfig) -> None:
        super().__init__()
        self.config = config
        w = config.width
        inputs = config.max_history * config.channels
        self.enc1 = _block(inputs, w, 1)  # S
        self.enc2 = _block(w, 2 * w, 2)  # S/2
        self.enc3 = _block(2 * w, 4 * w, 2)  # S/4
        self.enc4 = _block(4 * w, 2 * w, 2)  # S/8, narrowed before flattening
        self.grid = config.size // 8
        flat = 2 * w * self.grid * self.grid
        self.caption = CaptionEncoder(config)
        self.mix = nn.Sequential(
            nn.Linear(flat + config.caption_dim, config.bottleneck),
            nn.SiLU(),
            nn.Linear(config.bottleneck, config.bottleneck),
            nn.SiLU(),
            nn.Linear(config.bottleneck, flat),
        )
        self.film = nn.Linear(config.caption_dim, 2 * (4 * w + 2 * w + w))
        self.dec3 = _block(2 * w + 4 * w, 4 * w, 1)
        self.dec2 = _block(4 * w + 2 * w, 2 * w, 1)
        self.dec1 = _block(2 * w + w, w, 1)
        # synthesised frame (C), motion (2), mask logit (1)
        self.out = nn.Conv2d(w, config.channels + 3, 3, padding=1, padding_mode="circular")
        self.up = nn.Upsample(scale_factor=2, mode="nearest")

    def forward(self, history: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        e1 = self.enc1(history)
        e2 = self.enc2(e1)
        e3 = self.enc3(e2)
        e4 = self.enc4(e3)
        code = self.caption(tokens)
        mixed = self.mix(torch.cat([e4.flatten(1), code], dim=1)).view_as(e4)
        # The caption also scales and shifts each decoder stage (FiLM), so motion words
        # reach the high-resolution path and not only the bottleneck.
        w = self.config.width
        scales = torch.split(self.film(code), [4 * w, 4 * w, 2 * w, 2 * w, w, w], dim=1)

        def modulate(x: torch.Tensor, scale: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
            return x * (1 + scale[:, :, None, None]) + shift[:, :, None, None]

        d3 = modulate(self.dec3(torch.cat([self.up(mixed), e3], 1)), scales[0], scales[1])
        d2 = modulate(self.dec2(torch.cat([self.up(d3), e2], 1)), scales[2], scales[3])
        d1 = modulate(self.dec1(torch.cat([self.up(d2), e1], 1)), scales[4], scales[5])
        head = self.out(d1)
        channels = self.config.channels
        synthesised = torch.sigmoid(head[:, :channels])
        limit = self.config.max_motion
        motion = limit * torch.tanh(head[:, channels : channels + 2] / limit)
        last = history[:, -channels:]
        if self.config.rigid_window > 0:
            motion = rigid_motion(motion, last, self.config.rigid_window)
        if self.config.whole_pixel_motion:
            # Forward: whole-pixel moves, which bilinear sampling reproduces exactly, so a
            # digit moved 40 times stays as sharp as frame 0. Backward: as if unrounded.
            motion = motion + (motion.round() - motion).detach()
        mask = torch.sigmoid(head[:, channels + 2 :])
        return mask * shift_wrapped(last, motion, limit) + (1 - mask) * synthesised


def rigid_motion(motion: torch.Tensor, last: torch.Tensor, window: int) -> torch.Tensor:
    """Make moves (nearly) rigid per object: each pixel takes the mean move of the bright
    pixels within a `window` x `window` square around it (wrapping borders).

    motion (B, 2, H, W) pixels; last (B, C, H, W) in [0, 1]. A digit (about 20 px) inside the
    window (21 px for digits and icons: `training.text.sequences.RIGID_WINDOW`) then
    moves as one piece, so it does not get squashed at a bounce, where its front already turns
    while its back still goes on. Returns (B, 2, H, W).
    """
    weight = last.mean(dim=1, keepdim=True) + 1e-3
    half = window // 2
    stacked = torch.cat([motion * weight, weight], dim=1)
    padded = F.pad(stacked, (half, half, half, half), mode="circular")
    summed = F.avg_pool2d(padded, window, stride=1)
    return summed[:, :2] / summed[:, 2:]


def shift_wrapped(image: torch.Tensor, motion: torch.Tensor, limit: float) -> torch.Tensor:
    """Move image content by a per-pixel motion on a torus (bilinear, wrapping borders).

    image (B, C, H, W); motion (B, 2, H, W) pixels (dx, dy), |motion| <= limit: the output at
    (x, y) is the image at (x - dx, y - dy), read modulo the image size.
    """
    pad = int(limit) + 1
    padded = F.pad(image, (pad, pad, pad, pad), mode="circular")
    height, width = image.shape[-2:]
    ys = torch.arange(height, device=image.device, dtype=image.dtype)
    xs = torch.arange(width, device=image.device, dtype=image.dtype)
    source_x = xs[None, None, :] - motion[:, 0] + pad  # (B, H, W) in padded pixels
    source_y = ys[None, :, None] - motion[:, 1] + pad
    grid = torch.stack(
        [
            2 * source_x / (width + 2 * pad - 1) - 1,
            2 * source_y / (height + 2 * pad - 1) - 1,
        ],
        dim=-1,
    )
    return F.grid_sample(padded, grid, mode="bilinear", padding_mode="border", align_corners=True)


def stack_history(frames: torch.Tensor, max_history: int) -> torch.Tensor:
    """Last frames (B, T, C, S, S), T >= 1 -> network input (B, max_history * C, S, S).

    Keeps the last `max_history` frames; fewer are front-padded by repeating the oldest.
    """
    frames = frames[:, -max_history:]
    missing = max_history - frames.shape[1]
    if missing > 0:
        frames = torch.cat([frames[:, :1].expand(-1, missing, -1, -1, -1), frames], dim=1)
    return frames.flatten(1, 2)
