"""The original project's whole-clip inbetweeners: a 3D-convolutional generator that makes a
30-frame 64x64 clip from its first and last frame and a latent code, trained as a conditional VAE
(`cvae`) or a conditional GAN (`cgan`).

- `ConditionEncoder` (2D convs) reads the first and last frame together and gives features at
  4x4, 8x8, 16x16 and 32x32.
- `ClipGenerator`: latent z -> (4 frames, 4x4) -> 3D transposed convolutions up to
  (32 frames, 64x64); at every scale the condition features are tiled over time and joined.
  The output is a residual over the linear cross-fade of the two frames (so an untrained or
  unsure generator falls back to the blend baseline), cut to `frames` frames.
- `VideoEncoder` (CVAE training only): 3D convs over the true clip (and the condition) ->
  mean and log-variance of z.
- `ClipDiscriminator` (CGAN training only): 3D convs over the clip alone (as in the original
  project, it does not see the conditioning frames), spectral normalisation.

Shapes: frames (B, 3, H, W) and clips (B, 3, T, H, W), float in [0, 1], H = W = `size` = 64,
T = `frames` = 30; z (B, z_dim).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm


@dataclass(frozen=True)
class ClipGeneratorConfig:
    frames: int = 30  # clip length, first and last frame included (at most 32)
    size: int = 64
    z_dim: int = 64
    width: int = 16  # channels of the finest generator stage (x2 per coarser stage, max 8w)


def crossfade(first: torch.Tensor, last: torch.Tensor, frames: int) -> torch.Tensor:
    """The linear blend clip (B, 3, frames, H, W) from first to last (both included)."""
    t = torch.linspace(0.0, 1.0, frames, device=first.device, dtype=first.dtype)
    t = t.view(1, 1, frames, 1, 1)
    return (1.0 - t) * first.unsqueeze(2) + t * last.unsqueeze(2)


class ConditionEncoder(nn.Module):
    """(first, last) -> features [(8w, 4, 4), (4w, 8, 8), (2w, 16, 16), (w, 32, 32)]."""

    def __init__(self, width: int) -> None:
        super().__init__()
        widths = [width, 2 * width, 4 * width, 8 * width]
        layers, inputs = [], 6
        for outputs in widths:  # 64 -> 32 -> 16 -> 8 -> 4
            layers.append(
                nn.Sequential(
                    nn.Conv2d(inputs, outputs, 4, stride=2, padding=1),
                    nn.LeakyReLU(0.2),
                    nn.Conv2d(outputs, outputs, 3, padding=1),
                    nn.LeakyReLU(0.2),
                )
            )
            inputs = outputs
        self.stages = nn.ModuleList(layers)

    def forward(self, first: torch.Tensor, last: torch.Tensor) -> list[torch.Tensor]:
        x = torch.cat([first, last], dim=1) * 2.0 - 1.0
        features = []
        for stage in self.stages:
            x = stage(x)
            features.append(x)
        return features[::-1]  # coarsest first


class ClipGenerator(nn.Module):
    """(first, last, z) -> clip (B, 3, frames, 64, 64) in [0, 1]."""

    def __init__(self, config: ClipGeneratorConfig | None = None) -> None:
        super().__init__()
        self.config = config or ClipGeneratorConfig()
        width = self.config.width
        if self.config.size != 64 or not 2 <= self.config.frames <= 32:
            raise ValueError("The clip generator makes 64x64 clips of 2 to 32 frames.")
        self.condition = ConditionEncoder(width)
        self.start = nn.Linear(self.config.z_dim, 8 * width * 4 * 4 * 4)
        # (in, out, time stride): 4x4 -> 8 -> 16 -> 32 -> 64 px; 4 -> 8 -> 16 -> 32 frames.
        plan = [(16 * width, 4 * width, 2), (8 * width, 2 * width, 2), (4 * width, width, 2)]
        plan.append((2 * width, width, 1))
        self.ups = nn.ModuleList(
            nn.Sequential(
                nn.ConvTranspose3d(
                    inputs,
                    outputs,
                    kernel_size=(4 if stride == 2 else 3, 4, 4),
                    stride=(stride, 2, 2),
                    padding=1,
                ),
                nn.BatchNorm3d(outputs),
                nn.ReLU(),
            )
            for inputs, outputs, stride in plan
        )
        self.out = nn.Conv3d(width, 3, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, first: torch.Tensor, last: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        features = self.condition(first, last)
        width = self.config.width
        x = self.start(z).view(-1, 8 * width, 4, 4, 4)
        for up, feature in zip(self.ups, features, strict=True):
            tiled = feature.unsqueeze(2).expand(-1, -1, x.shape[2], -1, -1)
            x = up(torch.cat([x, tiled], dim=1))
        residual = torch.tanh(self.out(x))[:, :, : self.config.frames]
        blend = crossfade(first, last, self.config.frames)
        return (blend + residual).clamp(0.0, 1.0)

    def sample(self, first: torch.Tensor, last: torch.Tensor, seed: int) -> torch.Tensor:
        """A clip from z ~ N(0, I) drawn with `seed` (the same seed gives the same clip)."""
        generator = torch.Generator().manual_seed(int(seed))
        z = torch.randn(first.shape[0], self.config.z_dim, generator=generator)
        return self(first, last, z.to(first.device))


class VideoEncoder(nn.Module):
    """(clip, first, last) -> (mean, log-variance) of z, each (B, z_dim). CVAE training only."""

    def __init__(self, config: ClipGeneratorConfig) -> None:
        super().__init__()
        width = config.width
        layers, inputs = [], 3 + 6
        for outputs in (width, 2 * width, 4 * width, 8 * width):
            layers += [nn.Conv3d(inputs, outputs, 4, stride=2, padding=1), nn.LeakyReLU(0.2)]
            inputs = outputs
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(8 * width, 2 * config.z_dim)

    def forward(self, clip, first, last) -> tuple[torch.Tensor, torch.Tensor]:
        frames = clip.shape[2]
        ends = torch.cat([first, last], 1).unsqueeze(2).expand(-1, -1, frames, -1, -1)
        x = self.body(torch.cat([clip, ends], 1) * 2.0 - 1.0)
        mean, log_variance = self.head(x.mean(dim=(2, 3, 4))).chunk(2, dim=1)
        return mean, log_variance.clamp(-8.0, 8.0)


class ClipDiscriminator(nn.Module):
    """clip -> (B,) real/fake logit, from 3D convs over the clip alone. CGAN training only."""

    def __init__(self, config: ClipGeneratorConfig) -> None:
        super().__init__()
        width = config.width
        layers, inputs = [], 3
        for outputs in (width, 2 * width, 4 * width, 8 * width):
            layers += [
                spectral_norm(nn.Conv3d(inputs, outputs, 4, stride=2, padding=1)),
                nn.LeakyReLU(0.2),
            ]
            inputs = outputs
        self.body = nn.Sequential(*layers)
        self.head = spectral_norm(nn.Linear(8 * width, 1))

    def forward(self, clip: torch.Tensor) -> torch.Tensor:
        x = self.body(clip * 2.0 - 1.0)
        return self.head(x.mean(dim=(2, 3, 4))).squeeze(1)


def kl_divergence(mean: torch.Tensor, log_variance: torch.Tensor) -> torch.Tensor:
    """KL(N(mean, exp(log_variance)) || N(0, I)), summed over z, averaged over the batch."""
    return 0.5 * (mean**2 + log_variance.exp() - 1.0 - log_variance).sum(1).mean()


def end_frame_error(clip: torch.Tensor, first: torch.Tensor, last: torch.Tensor):
    """Mean squared error of the clip's first and last frames against the given ones."""
    return 0.5 * (F.mse_loss(clip[:, :, 0], first) + F.mse_loss(clip[:, :, -1], last))
