"""Encoder from a bird crop to the StyleGAN's W+ space, the projection's starting point.

forward(images (B, 3, S, S) in [-1, 1]) -> offsets (B, num_ws, w_dim); the W+ latent is
`w_average + offsets` (the generator's running mean of w), so an untrained encoder starts at
the average bird.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class BirdEncoderConfig:
    resolution: int = 64
    num_ws: int = 10
    w_dim: int = 128
    width: int = 32


class BirdEncoder(nn.Module):
    def __init__(self, config: BirdEncoderConfig):
        super().__init__()
        self.config = config
        layers: list[nn.Module] = [nn.Conv2d(3, config.width, 3, padding=1), nn.LeakyReLU(0.2)]
        channels = config.width
        for _ in range(int(math.log2(config.resolution)) - 2):  # down to 4x4
            out = min(channels * 2, 128)
            layers += [
                nn.Conv2d(channels, out, 3, stride=2, padding=1),
                nn.GroupNorm(8, out),
                nn.LeakyReLU(0.2),
                nn.Conv2d(out, out, 3, padding=1),
                nn.LeakyReLU(0.2),
            ]
            channels = out
        self.body = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(2), nn.Flatten())
        self.head = nn.Linear(channels * 4, config.num_ws * config.w_dim)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        offsets = self.head(self.body(images))
        return offsets.view(-1, self.config.num_ws, self.config.w_dim)
