"""The original project's DCGAN baseline (Radford et al. 2015): transposed-convolution generator
with batch norm and ReLU, strided-convolution discriminator with leaky ReLU. Images (B, 3, S, S) in
[-1, 1].
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class DCGANConfig:
    resolution: int = 64
    z_dim: int = 128
    width: int = 32  # channels at the output resolution; doubled per halving, at most 8x


class DCGANGenerator(nn.Module):
    """z (B, z_dim) -> (B, 3, S, S) in [-1, 1] (tanh)."""

    def __init__(self, config: DCGANConfig):
        super().__init__()
        self.config = config
        steps = int(math.log2(config.resolution)) - 2  # 4 -> S
        channels = [config.width * min(8, 2 ** (steps - i)) for i in range(steps + 1)]
        layers: list[nn.Module] = [
            nn.ConvTranspose2d(config.z_dim, channels[0], 4, 1, 0, bias=False),
            nn.BatchNorm2d(channels[0]),
            nn.ReLU(True),
        ]
        for a, b in itertools.pairwise(channels):
            layers += [
                nn.ConvTranspose2d(a, b, 4, 2, 1, bias=False),
                nn.BatchNorm2d(b),
                nn.ReLU(True),
            ]
        layers += [nn.Conv2d(channels[-1], 3, 3, 1, 1), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, truncation: float = 1.0) -> torch.Tensor:
        return self.net(z[:, :, None, None] * truncation)


class DCGANDiscriminator(nn.Module):
    """(B, 3, S, S) -> scores (B,)."""

    def __init__(self, config: DCGANConfig):
        super().__init__()
        steps = int(math.log2(config.resolution)) - 2
        channels = [config.width * min(8, 2**i) for i in range(steps + 1)]
        layers: list[nn.Module] = [nn.Conv2d(3, channels[0], 3, 1, 1), nn.LeakyReLU(0.2, True)]
        for a, b in itertools.pairwise(channels):
            layers += [nn.Conv2d(a, b, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        layers += [nn.Flatten(), nn.Linear(channels[-1] * 16, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images).squeeze(1)
