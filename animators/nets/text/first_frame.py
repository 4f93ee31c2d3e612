"""Caption -> first frame: a small conditional GAN generator (and its training discriminator).

The generator reads the caption with the same word-embedding + GRU encoder as the next-frame
network, joins the caption code with a noise vector, and upsamples 4x4 -> 64x64 with
nearest-neighbour upsampling + convolutions; the caption code also scales and shifts every
stage (conditional normalisation), so the digit or shape named in the caption is drawn at
every scale. Output: (B, C, 64, 64) in [0, 1].

The discriminator (used only by training/text/train_first_frame.py) is a projection
discriminator with spectral normalisation: score = linear(features) + <caption code, features>.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from animators.nets.text.next_frame import CaptionEncoder


@dataclass(frozen=True)
class FirstFrameConfig:
    channels: int = 1  # 1 grayscale (MNIST) or 3 RGB (icons)
    size: int = 64  # output frames are size x size (4 * 2**stages)
    noise_dim: int = 64
    width: int = 16  # channels of the last generator stage (doubles towards 4x4)
    vocab_size: int = 40
    embed_dim: int = 32
    caption_dim: int = 64
    sprite: int = 0  # 0: draw the whole frame; else draw a sprite x sprite patch and place it
    critic_width: int = 32  # channels of the discriminator's first stage (training only)


def _stage_widths(width: int, side: int) -> list[int]:
    """Channels at 4x4, 8x8, ..., side x side: [4w, 4w, 4w, 2w, w] for 64 px."""
    stages = (side // 4).bit_length() - 1  # 64 -> 4 upsamplings
    return [width * 2 ** min(2, stages - index) for index in range(stages + 1)]


def place(sprites: torch.Tensor, offsets: torch.Tensor, size: int) -> torch.Tensor:
    """Put each sprite (B, C, P, P) on a black size x size torus with its top-left corner at
    offsets (B, 2) int (x, y): (B, C, size, size); a sprite crossing a border wraps."""
    padding = size - sprites.shape[-1]
    canvas = torch.nn.functional.pad(sprites, (0, padding, 0, padding))
    return torch.stack(
        [
            torch.roll(frame, shifts=(int(y), int(x)), dims=(1, 2))
            for frame, (x, y) in zip(canvas, offsets.tolist(), strict=True)
        ]
    )


class _ConditionalStage(nn.Module):
    """Upsample x2, conv, batch norm whose scale/shift come from the caption code, ReLU."""

    def __init__(self, inputs: int, outputs: int, caption_dim: int) -> None:
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.conv = nn.Conv2d(inputs, outputs, 3, padding=1)
        self.norm = nn.BatchNorm2d(outputs, affine=False)
        self.film = nn.Linear(caption_dim, 2 * outputs)

    def forward(self, x: torch.Tensor, code: torch.Tensor) -> torch.Tensor:
        scale, shift = self.film(code).chunk(2, dim=1)
        x = self.norm(self.conv(self.up(x)))
        return torch.relu(x * (1 + scale[:, :, None, None]) + shift[:, :, None, None])


class FirstFrameGenerator(nn.Module):
    """tokens (B, L) int64 + noise (B, noise_dim) [+ offsets (B, 2)] -> frame (B, C, size, size)
    in [0, 1]. Sprite generators place their patch at `offsets` (x, y), random when None."""

    def __init__(self, config: FirstFrameConfig) -> None:
        super().__init__()
        self.config = config
        widths = _stage_widths(config.width, config.sprite or config.size)
        self.caption = CaptionEncoder(config)
        self.project = nn.Linear(config.noise_dim + config.caption_dim, widths[0] * 16)
        self.stages = nn.ModuleList(
            _ConditionalStage(a, b, config.caption_dim)
            for a, b in zip(widths[:-1], widths[1:], strict=True)
        )
        self.out = nn.Conv2d(widths[-1], config.channels, 3, padding=1)

    def forward(
        self, tokens: torch.Tensor, noise: torch.Tensor, offsets: torch.Tensor | None = None
    ) -> torch.Tensor:
        code = self.caption(tokens)
        x = self.project(torch.cat([noise, code], dim=1))
        x = torch.relu(x.view(len(x), -1, 4, 4))
        for stage in self.stages:
            x = stage(x, code)
        frames = torch.sigmoid(self.out(x))
        if not self.config.sprite:
            return frames
        if offsets is None:
            offsets = torch.randint(0, self.config.size, (len(frames), 2))
        return place(frames, offsets, self.config.size)

    def _inside(self) -> int:
        """Number of top-left positions per axis that keep a sprite inside the frame."""
        return self.config.size - self.config.sprite + 1 if self.config.sprite else 1

    @torch.inference_mode()
    def sample(self, tokens: torch.Tensor, seed: int = 0) -> torch.Tensor:
        """One frame per caption row, reproducible for a given seed: (B, C, S, S) in [0, 1].
        A sprite lands wholly inside the frame."""
        generator = torch.Generator().manual_seed(int(seed))
        noise = torch.randn(len(tokens), self.config.noise_dim, generator=generator)
        # Inside the frame, not across a border: bouncing digits start inside in the data,
        # and a digit split across a border is one the next-frame network never saw bounce.
        offsets = torch.randint(0, self._inside(), (len(tokens), 2), generator=generator)
        return self(tokens, noise.to(tokens.device), offsets)


class FrameDiscriminator(nn.Module):
    """frame (B, C, S, S) in [0, 1] + tokens (B, L) -> realness score (B,) (hinge loss).

    Strided spectral-norm convolutions down to 4x4, then a projection on the caption code.
    Used by the first-frame GAN and the adversarial next-frame variant.
    """

    def __init__(self, config: FirstFrameConfig) -> None:
        super().__init__()
        widths = list(reversed(_stage_widths(config.critic_width, config.size)))  # [w .. 4w]
        layers: list[nn.Module] = [spectral_norm(nn.Conv2d(config.channels, widths[0], 3, 1, 1))]
        for a, b in zip(widths[:-1], widths[1:], strict=True):
            layers += [nn.LeakyReLU(0.2), spectral_norm(nn.Conv2d(a, b, 4, 2, 1))]
        layers.append(nn.LeakyReLU(0.2))
        self.features = nn.Sequential(*layers)
        self.caption = CaptionEncoder(config)
        self.score = spectral_norm(nn.Linear(widths[-1], 1))
        self.embed = spectral_norm(nn.Linear(config.caption_dim, widths[-1]))

    def forward(self, frames: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        features = self.features(frames * 2 - 1).sum(dim=(2, 3))
        code = self.caption(tokens)
        return self.score(features).squeeze(1) + (self.embed(code) * features).sum(dim=1)
