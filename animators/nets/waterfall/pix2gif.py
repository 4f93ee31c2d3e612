"""The original project's texture-motion generators (64x64), kept as baselines for the motion-field
method.

- `Pix2GifGenerator` (the original project's method 3): one photo in, T frames out. A ResNet encoder
  (reflection-padded 7x7 convolution, two stride-2 convolutions, residual blocks) gives a
  16x16 feature map; a time axis of T / 4 steps is made from it *with a time signal* (a learned
  embedding per step) and per-clip noise, unlike the original project, which copied one feature map
  over time and so repeated itself every 4 frames; 3D transposed convolutions bring it back to
  T x 64 x 64. The output is a change added to the photo (tanh-bounded), so the caller can add
  an upsampled change to a full-resolution photo.
- `RecursiveGenerator` (the original project's methods 1 and 2): a pix2pix U-Net from one frame to
  the next, applied recursively; with `recurrent=True` a convolutional GRU in the bottleneck
  carries a hidden state from frame to frame. Also predicts a change added to its input.
- `VideoPatchDiscriminator`: 3D PatchGAN over (the photo tiled over time, the video).
- `FramePatchDiscriminator`: 2D PatchGAN over (previous frame, next frame).

Frames are (B, 3, H, W) / videos (B, 3, T, H, W) floats in [-1, 1]; H = W = 64 by default
(any multiple of 8 works for the next-frame model; 64 for Pix2Gif).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils import spectral_norm


@dataclass(frozen=True)
class Pix2GifConfig:
    frames: int = 24  # a multiple of 4
    width: int = 64  # encoder channels at 16x16
    residual_blocks: int = 4
    noise_channels: int = 8


@dataclass(frozen=True)
class RecursiveConfig:
    width: int = 32
    recurrent: bool = False


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(channels, channels, 3),
            nn.InstanceNorm2d(channels),
            nn.ReLU(inplace=True),
            nn.ReflectionPad2d(1),
            nn.Conv2d(channels, channels, 3),
            nn.InstanceNorm2d(channels),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class Pix2GifGenerator(nn.Module):
    def __init__(self, config: Pix2GifConfig = Pix2GifConfig()) -> None:
        super().__init__()
        if config.frames % 4:
            raise ValueError("Pix2Gif makes a multiple of 4 frames.")
        self.config = config
        width = config.width
        self.encoder = nn.Sequential(
            nn.ReflectionPad2d(3),
            nn.Conv2d(3, width // 4, 7),
            nn.InstanceNorm2d(width // 4),
            nn.ReLU(inplace=True),
            nn.Conv2d(width // 4, width // 2, 3, 2, 1),
            nn.InstanceNorm2d(width // 2),
            nn.ReLU(inplace=True),
            nn.Conv2d(width // 2, width, 3, 2, 1),
            nn.InstanceNorm2d(width),
            nn.ReLU(inplace=True),
            *[ResidualBlock(width) for _ in range(config.residual_blocks)],
        )
        steps = config.frames // 4
        self.time_embedding = nn.Parameter(torch.randn(1, width, steps, 1, 1) * 0.1)
        inner = width + config.noise_channels
        self.decoder = nn.Sequential(
            nn.Conv3d(inner, width, 3, padding=1),
            nn.BatchNorm3d(width),
            nn.ReLU(inplace=True),
            nn.ConvTranspose3d(width, width // 2, 4, stride=2, padding=1),
            nn.BatchNorm3d(width // 2),
            nn.ReLU(inplace=True),
            nn.ConvTranspose3d(width // 2, width // 4, 4, stride=2, padding=1),
            nn.BatchNorm3d(width // 4),
            nn.ReLU(inplace=True),
            nn.Conv3d(width // 4, 3, 3, padding=1),
        )

    def forward(self, photo: torch.Tensor, noise: torch.Tensor | None = None) -> torch.Tensor:
        """photo (B, 3, 64, 64) in [-1, 1] -> video (B, 3, T, 64, 64) in [-1, 1].
        noise (B, noise_channels) or None for random noise."""
        features = self.encoder(photo)  # (B, C, 16, 16)
        steps = self.config.frames // 4
        batch, _, height, width = features.shape
        timeline = features[:, :, None] + self.time_embedding.expand(batch, -1, steps, 1, 1)
        if noise is None:
            noise = torch.randn(batch, self.config.noise_channels, device=photo.device)
        noise_map = noise[:, :, None, None, None].expand(-1, -1, steps, height, width)
        change = torch.tanh(self.decoder(torch.cat([timeline, noise_map], dim=1)))
        return (photo[:, :, None] + 2.0 * change).clamp(-1.0, 1.0)


class ConvGRU(nn.Module):
    """A convolutional GRU cell: hidden (B, C, h, w) updated from input (B, C, h, w)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.gates = nn.Conv2d(2 * channels, 2 * channels, 3, padding=1)
        self.candidate = nn.Conv2d(2 * channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor, hidden: torch.Tensor | None) -> torch.Tensor:
        if hidden is None:
            hidden = torch.zeros_like(x)
        update, reset = torch.sigmoid(self.gates(torch.cat([x, hidden], 1))).chunk(2, dim=1)
        candidate = torch.tanh(self.candidate(torch.cat([x, reset * hidden], 1)))
        return (1 - update) * hidden + update * candidate


def _down(in_channels: int, out_channels: int, norm: bool = True) -> nn.Module:
    layers = [nn.Conv2d(in_channels, out_channels, 4, 2, 1)]
    if norm:
        layers.append(nn.InstanceNorm2d(out_channels))
    layers.append(nn.LeakyReLU(0.2, inplace=True))
    return nn.Sequential(*layers)


def _up(in_channels: int, out_channels: int) -> nn.Module:
    return nn.Sequential(
        nn.Upsample(scale_factor=2, mode="nearest"),
        nn.Conv2d(in_channels, out_channels, 3, padding=1),
        nn.InstanceNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


class RecursiveGenerator(nn.Module):
    """pix2pix U-Net: frame t -> frame t + 1 (3 levels), optionally with a ConvGRU state."""

    def __init__(self, config: RecursiveConfig = RecursiveConfig()) -> None:
        super().__init__()
        self.config = config
        width = config.width
        self.down1 = _down(3, width, norm=False)  # 1/2
        self.down2 = _down(width, 2 * width)  # 1/4
        self.down3 = _down(2 * width, 4 * width)  # 1/8
        self.middle = nn.Sequential(ResidualBlock(4 * width), ResidualBlock(4 * width))
        self.memory = ConvGRU(4 * width) if config.recurrent else None
        self.up3 = _up(4 * width, 2 * width)
        self.up2 = _up(4 * width, width)
        self.up1 = nn.Sequential(
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(2 * width, 3, 3, padding=1)
        )

    def forward(
        self, frame: torch.Tensor, hidden: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """frame (B, 3, H, W) in [-1, 1] -> (next frame, new hidden state or None)."""
        d1 = self.down1(frame)
        d2 = self.down2(d1)
        x = self.middle(self.down3(d2))
        if self.memory is not None:
            hidden = self.memory(x, hidden)
            x = hidden
        x = self.up3(x)
        x = self.up2(torch.cat([x, d2], 1))
        change = torch.tanh(self.up1(torch.cat([x, d1], 1)))
        return (frame + 2.0 * change).clamp(-1.0, 1.0), hidden


def _patch_critic(conv, width: int) -> nn.Sequential:
    """PatchGAN layers over 6 input channels (condition + sample) with `conv` (Conv2d/Conv3d)."""
    return nn.Sequential(
        spectral_norm(conv(6, width, 4, 2, 1)),
        nn.LeakyReLU(0.2, inplace=True),
        spectral_norm(conv(width, 2 * width, 4, 2, 1)),
        nn.LeakyReLU(0.2, inplace=True),
        spectral_norm(conv(2 * width, 4 * width, 4, 2, 1)),
        nn.LeakyReLU(0.2, inplace=True),
        spectral_norm(conv(4 * width, 1, 3, 1, 1)),
    )


class VideoPatchDiscriminator(nn.Module):
    """3D PatchGAN: (photo (B, 3, H, W), video (B, 3, T, H, W)) -> patch scores."""

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        self.net = _patch_critic(nn.Conv3d, width)

    def forward(self, photo: torch.Tensor, video: torch.Tensor) -> torch.Tensor:
        tiled = photo[:, :, None].expand(-1, -1, video.shape[2], -1, -1)
        return self.net(torch.cat([tiled, video], dim=1))


class FramePatchDiscriminator(nn.Module):
    """2D PatchGAN: (previous frame, next frame), each (B, 3, H, W) -> patch scores."""

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        self.net = _patch_critic(nn.Conv2d, width)

    def forward(self, previous: torch.Tensor, frame: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([previous, frame], dim=1))
