"""The original project's encoder-decoder + refinement inbetweener (`mipal`).

Stage 1, `LatentInterpolator`: an encoder of residual blocks compresses a 256x256x3 frame to a
32x32x128 latent; the latents of the two end frames are mixed linearly, (1 - t) z0 + t z1, and a
decoder (nearest-neighbour upsampling + convolutions) with skip-layer excitation (FastGAN's SLE:
a coarse feature map gates the channels of a finer one) turns the mix back into a 256x256
frame.
Stage 2, `RefinementUNet`: a pix2pix-style U-Net with spectral normalisation and
nearest-neighbour upsampling + convolution (no transposed convolutions) sharpens the coarse
frame, seeing the two end frames too.
`PatchDiscriminator` (training only): a spectral-norm PatchGAN over (frame, coarse frame).

Shapes: frames (B, 3, 256, 256) float in [0, 1]; t (B,) in [0, 1]; latents (B, 128, 32, 32).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm


@dataclass(frozen=True)
class MipalConfig:
    size: int = 256
    latent_channels: int = 128
    width: int = 32  # encoder/decoder channels at full size (x2 per halving, at most 4w)
    refine_width: int = 32  # U-Net channels at full size (x2 per halving, at most 8w)


class _ResidualDown(nn.Module):
    """Residual block that halves the size: conv-stride-2 path + average-pooled shortcut."""

    def __init__(self, inputs: int, outputs: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(inputs, outputs, 3, stride=2, padding=1),
            nn.BatchNorm2d(outputs),
            nn.LeakyReLU(0.2),
            nn.Conv2d(outputs, outputs, 3, padding=1),
            nn.BatchNorm2d(outputs),
        )
        self.shortcut = nn.Conv2d(inputs, outputs, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(self.body(x) + self.shortcut(F.avg_pool2d(x, 2)), 0.2)


def _up(inputs: int, outputs: int) -> nn.Sequential:
    """Nearest-neighbour x2 + conv + batch norm + LeakyReLU."""
    return nn.Sequential(
        nn.Upsample(scale_factor=2.0, mode="nearest"),
        nn.Conv2d(inputs, outputs, 3, padding=1),
        nn.BatchNorm2d(outputs),
        nn.LeakyReLU(0.2),
    )


class SkipLayerExcitation(nn.Module):
    """out = fine * sigmoid(f(coarse)): channel gates computed from a coarse feature map."""

    def __init__(self, coarse_channels: int, fine_channels: int) -> None:
        super().__init__()
        self.gate = nn.Sequential(
            nn.AdaptiveAvgPool2d(4),
            nn.Conv2d(coarse_channels, fine_channels, 4),
            nn.LeakyReLU(0.2),
            nn.Conv2d(fine_channels, fine_channels, 1),
            nn.Sigmoid(),
        )

    def forward(self, coarse: torch.Tensor, fine: torch.Tensor) -> torch.Tensor:
        return fine * self.gate(coarse)


class LatentInterpolator(nn.Module):
    """Stage 1: encode both frames, mix the latents at t, decode a coarse frame."""

    def __init__(self, config: MipalConfig) -> None:
        super().__init__()
        w = config.width
        self.encoder = nn.Sequential(
            nn.ReflectionPad2d(3),
            nn.Conv2d(3, w, 7),
            nn.LeakyReLU(0.2),
            _ResidualDown(w, 2 * w),  # 128
            _ResidualDown(2 * w, 4 * w),  # 64
            _ResidualDown(4 * w, 4 * w),  # 32
            nn.Conv2d(4 * w, config.latent_channels, 3, padding=1),
        )
        self.decode64 = _up(config.latent_channels, 4 * w)
        self.decode128 = _up(4 * w, 2 * w)
        self.decode256 = _up(2 * w, w)
        self.excite128 = SkipLayerExcitation(config.latent_channels, 2 * w)
        self.excite256 = SkipLayerExcitation(4 * w, w)
        self.out = nn.Conv2d(w, 3, 3, padding=1)

    def encode(self, frame: torch.Tensor) -> torch.Tensor:
        return self.encoder(frame * 2.0 - 1.0)

    def decode(self, latent: torch.Tensor) -> torch.Tensor:
        x64 = self.decode64(latent)
        x128 = self.excite128(latent, self.decode128(x64))
        x256 = self.excite256(x64, self.decode256(x128))
        return torch.sigmoid(self.out(x256))

    def forward(self, start, end, t) -> torch.Tensor:
        t = t.view(-1, 1, 1, 1)
        return self.decode((1.0 - t) * self.encode(start) + t * self.encode(end))


class RefinementUNet(nn.Module):
    """Stage 2: (coarse frame, start, end) -> refined frame; spectral norm, NN upsampling."""

    def __init__(self, config: MipalConfig) -> None:
        super().__init__()
        w = config.refine_width
        widths = [w, 2 * w, 4 * w, 8 * w, 8 * w]  # 256, 128, 64, 32, 16
        self.downs = nn.ModuleList()
        inputs = 9
        for index, outputs in enumerate(widths):
            stride = 1 if index == 0 else 2
            self.downs.append(
                nn.Sequential(
                    spectral_norm(nn.Conv2d(inputs, outputs, 4 if stride == 2 else 3,
                                            stride=stride, padding=1)),
                    nn.LeakyReLU(0.2),
                )
            )  # fmt: skip
            inputs = outputs
        self.ups = nn.ModuleList()
        for skip in reversed(widths[:-1]):
            self.ups.append(
                nn.Sequential(
                    spectral_norm(nn.Conv2d(inputs + skip, skip, 3, padding=1)), nn.ReLU()
                )
            )
            inputs = skip
        self.out = nn.Conv2d(inputs, 3, 3, padding=1)

    def forward(self, coarse, start, end) -> torch.Tensor:
        x = torch.cat([coarse, start, end], dim=1) * 2.0 - 1.0
        skips = []
        for down in self.downs:
            x = down(x)
            skips.append(x)
        skips.pop()  # the bottleneck itself
        for up in self.ups:
            x = F.interpolate(x, scale_factor=2.0, mode="nearest")  # no transposed convs
            x = up(torch.cat([x, skips.pop()], dim=1))
        return (coarse + torch.tanh(self.out(x))).clamp(0.0, 1.0)


class Mipal(nn.Module):
    """Both stages: (start, end, t) -> (coarse, refined) frames at t."""

    def __init__(self, config: MipalConfig | None = None) -> None:
        super().__init__()
        self.config = config or MipalConfig()
        self.interpolator = LatentInterpolator(self.config)
        self.refiner = RefinementUNet(self.config)

    def forward(self, start, end, t) -> tuple[torch.Tensor, torch.Tensor]:
        coarse = self.interpolator(start, end, t)
        return coarse, self.refiner(coarse, start, end)


class PatchDiscriminator(nn.Module):
    """PatchGAN (70x70 receptive field) over (frame, coarse frame); spectral norm. Training."""

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        layers, inputs = [], 6
        for index, outputs in enumerate((width, 2 * width, 4 * width, 8 * width)):
            stride = 2 if index < 3 else 1
            layers += [
                spectral_norm(nn.Conv2d(inputs, outputs, 4, stride=stride, padding=1)),
                nn.LeakyReLU(0.2),
            ]
            inputs = outputs
        layers.append(spectral_norm(nn.Conv2d(inputs, 1, 4, padding=1)))
        self.body = nn.Sequential(*layers)

    def forward(self, frame: torch.Tensor, coarse: torch.Tensor) -> torch.Tensor:
        return self.body(torch.cat([frame, coarse], dim=1) * 2.0 - 1.0)
