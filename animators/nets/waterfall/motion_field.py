"""Motion-field network: from one photo, where things flow and which way (the default
texture-motion method, after "Animating Pictures with Eulerian Motion Fields").

A small U-Net over the photo predicts, per pixel,
- `velocity` (2 channels): the static motion field in *relative* units (about 1 on a typical
  moving pixel; direction = flow direction, image y down), which the caller scales by the
  user's speed (pixels per frame), and
- `moving_logit` (1 channel): whether the pixel belongs to a flowing region.
The bottleneck also sees the image's global average features, so a region can be judged in
the context of the whole scene (a streaked band in a cliff reads as a waterfall).

Shapes: image (B, 3, H, W) float in [0, 1], H and W multiples of `MULTIPLE`; outputs
(B, 2, H, W) and (B, 1, H, W) (predicted at a quarter of the resolution, upsampled
bilinearly: motion fields are smooth).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

MULTIPLE = 16
"""Input sides must be multiples of this (four stride-2 levels)."""


@dataclass(frozen=True)
class MotionFieldConfig:
    widths: tuple[int, ...] = (16, 32, 64, 128)
    context_blocks: int = 2

    def __post_init__(self) -> None:  # config.json stores lists
        object.__setattr__(self, "widths", tuple(int(w) for w in self.widths))


def _conv(in_channels: int, out_channels: int, stride: int = 1, dilation: int = 1) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, stride, padding=dilation, dilation=dilation),
        nn.GroupNorm(min(8, out_channels // 4), out_channels),
        nn.SiLU(inplace=True),
    )


class ContextBlock(nn.Module):
    """Residual block with dilated convolutions and the image-wide average mixed back in."""

    def __init__(self, channels: int, dilation: int) -> None:
        super().__init__()
        self.local = nn.Sequential(
            _conv(channels, channels, 1, dilation), _conv(channels, channels)
        )
        self.global_mix = nn.Linear(channels, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scene = self.global_mix(x.mean(dim=(2, 3)))[:, :, None, None]
        return x + self.local(x + scene)


class MotionFieldNet(nn.Module):
    def __init__(self, config: MotionFieldConfig = MotionFieldConfig()) -> None:
        super().__init__()
        self.config = config
        widths = config.widths
        self.stem = _conv(3, widths[0], stride=2)
        self.down = nn.ModuleList(
            nn.Sequential(
                _conv(widths[i], widths[i + 1], stride=2), _conv(widths[i + 1], widths[i + 1])
            )
            for i in range(len(widths) - 1)
        )
        self.context = nn.Sequential(
            *[ContextBlock(widths[-1], dilation=2 ** (i % 3)) for i in range(config.context_blocks)]
        )
        # Decoder from the deepest level up to a quarter of the resolution, with encoder skips.
        self.up = nn.ModuleList(
            _conv(widths[i + 1] + widths[i], widths[i]) for i in range(len(widths) - 2, 0, -1)
        )
        self.head = nn.Conv2d(widths[1], 3, 3, padding=1)

    def forward(self, image: torch.Tensor) -> dict[str, torch.Tensor]:
        height, width = image.shape[-2:]
        if height % MULTIPLE or width % MULTIPLE:
            raise ValueError(f"Image sides must be multiples of {MULTIPLE}, got {height}x{width}.")
        x = self.stem(image * 2.0 - 1.0)
        skips = []
        for level in self.down:
            skips.append(x)
            x = level(x)
        x = self.context(x)
        for block, skip in zip(self.up, reversed(skips[1:]), strict=True):
            x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            x = block(torch.cat([x, skip], dim=1))
        out = F.interpolate(
            self.head(x), size=(height, width), mode="bilinear", align_corners=False
        )
        return {"velocity": out[:, :2], "moving_logit": out[:, 2:3]}
