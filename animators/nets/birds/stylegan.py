"""A small StyleGAN2-style generator and its residual discriminator.

Generator: a mapping network z -> w (equalised-learning-rate MLP, lr multiplier 0.01 as in
StyleGAN2), a learned 4x4 constant, then per resolution (8, 16, ..., `resolution`) an upsampling
modulated convolution and a modulated convolution, each with weight demodulation, per-pixel
noise and a leaky ReLU, and a skip architecture of modulated 1x1 `to_rgb` layers. Every
convolution and `to_rgb` takes its own style vector w_i, so the synthesis input is W+ of shape
(B, num_ws, w_dim); `num_ws` = number of convolutions + 1, and style input i drives
convolution i (the last one drives the final `to_rgb`). Early inputs set pose and shape, late
ones colour and texture: style mixing copies the first k inputs from one latent and the rest
from another.

Simplifications against StyleGAN2, said plainly: bilinear upsampling before a 3x3 convolution
instead of a transposed convolution with FIR filtering, no path-length regulariser.

Images are (B, 3, S, S) float in [-1, 1].
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class StyleGANConfig:
    resolution: int = 64
    z_dim: int = 128
    w_dim: int = 128
    mapping_layers: int = 4
    channel_base: int = 1024  # channels at resolution r: min(channel_max, channel_base // r)
    channel_max: int = 256
    discriminator_base: int = 1024
    discriminator_max: int = 256

    def channels(self, resolution: int) -> int:
        return min(self.channel_max, self.channel_base // resolution)

    def resolutions(self) -> list[int]:
        return [2**i for i in range(2, int(math.log2(self.resolution)) + 1)]

    @property
    def num_ws(self) -> int:
        return 2 * (len(self.resolutions()) - 1) + 2


class EqualLinear(nn.Module):
    """Linear layer with equalised learning rate: weights stored at N(0, 1/lr_multiplier^2)
    and scaled at run time by lr_multiplier / sqrt(fan_in)."""

    def __init__(self, inputs: int, outputs: int, bias_init: float = 0.0, lr_multiplier=1.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(outputs, inputs) / lr_multiplier)
        self.bias = nn.Parameter(torch.full((outputs,), float(bias_init)))
        self.weight_gain = lr_multiplier / math.sqrt(inputs)
        self.bias_gain = lr_multiplier

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight * self.weight_gain, self.bias * self.bias_gain)


class EqualConv2d(nn.Module):
    """Conv2d with equalised learning rate (used by the discriminator)."""

    def __init__(self, inputs: int, outputs: int, kernel: int, bias: bool = True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(outputs, inputs, kernel, kernel))
        self.bias = nn.Parameter(torch.zeros(outputs)) if bias else None
        self.gain = 1 / math.sqrt(inputs * kernel * kernel)
        self.padding = kernel // 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight * self.gain, self.bias, padding=self.padding)


class MappingNetwork(nn.Module):
    """z (B, z_dim) -> w (B, w_dim); tracks the running mean of w for truncation."""

    def __init__(self, config: StyleGANConfig):
        super().__init__()
        dims = [config.z_dim] + [config.w_dim] * config.mapping_layers
        self.layers = nn.ModuleList(
            EqualLinear(a, b, lr_multiplier=0.01) for a, b in itertools.pairwise(dims)
        )
        self.register_buffer("w_average", torch.zeros(config.w_dim))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = z * torch.rsqrt(z.square().mean(dim=1, keepdim=True) + 1e-8)
        for layer in self.layers:
            x = F.leaky_relu(layer(x), 0.2) * math.sqrt(2)
        return x


class ModulatedConv(nn.Module):
    """3x3 (or 1x1) convolution whose weights are scaled per sample by a style from w;
    `demodulate` renormalises each output channel to unit variance (StyleGAN2)."""

    def __init__(self, inputs, outputs, kernel, w_dim, demodulate=True, upsample=False):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(outputs, inputs, kernel, kernel))
        self.affine = EqualLinear(w_dim, inputs, bias_init=1.0)
        self.gain = 1 / math.sqrt(inputs * kernel * kernel)
        self.demodulate = demodulate
        self.upsample = upsample
        self.padding = kernel // 2

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        # Scale the input channels by the style, convolve with the shared weights, then scale
        # the output channels by the demodulation factors: the same result as convolving with
        # per-sample modulated weights, without a grouped convolution (much faster on a CPU).
        style = self.affine(w)  # (B, in)
        weight = self.weight * self.gain
        x = x * style[:, :, None, None]
        if self.upsample:
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        x = F.conv2d(x, weight, padding=self.padding)
        if self.demodulate:
            # sum over in, k, k of (w_oikk * s_i)^2 = sum_i s_i^2 * sum_kk w_oikk^2
            energy = style.square() @ weight.square().sum(dim=(2, 3)).t()  # (B, out)
            x = x * torch.rsqrt(energy + 1e-8)[:, :, None, None]
        return x


class StyledLayer(nn.Module):
    """Modulated conv + per-pixel noise (learned strength) + bias + leaky ReLU."""

    def __init__(self, inputs, outputs, w_dim, upsample=False):
        super().__init__()
        self.conv = ModulatedConv(inputs, outputs, 3, w_dim, upsample=upsample)
        self.noise_strength = nn.Parameter(torch.zeros(()))
        self.bias = nn.Parameter(torch.zeros(outputs))

    def forward(self, x, w, noise: torch.Tensor | None) -> torch.Tensor:
        x = self.conv(x, w)
        if noise is None:
            noise = torch.randn(x.shape[0], 1, x.shape[2], x.shape[3], device=x.device)
        x = x + noise * self.noise_strength + self.bias[None, :, None, None]
        return F.leaky_relu(x, 0.2) * math.sqrt(2)


class ToRGB(nn.Module):
    def __init__(self, inputs, w_dim):
        super().__init__()
        self.conv = ModulatedConv(inputs, 3, 1, w_dim, demodulate=False)
        self.bias = nn.Parameter(torch.zeros(3))

    def forward(self, x, w) -> torch.Tensor:
        return self.conv(x, w) + self.bias[None, :, None, None]


class StyleGANGenerator(nn.Module):
    """z (B, z_dim) -> image (B, 3, S, S) in about [-1, 1]; or `synthesis(ws)` from W+."""

    def __init__(self, config: StyleGANConfig):
        super().__init__()
        self.config = config
        self.mapping = MappingNetwork(config)
        resolutions = config.resolutions()
        self.constant = nn.Parameter(torch.randn(config.channels(4), 4, 4))
        self.layers = nn.ModuleList(
            [StyledLayer(config.channels(4), config.channels(4), config.w_dim)]
        )
        self.to_rgbs = nn.ModuleList([ToRGB(config.channels(4), config.w_dim)])
        for resolution in resolutions[1:]:
            previous, channels = config.channels(resolution // 2), config.channels(resolution)
            self.layers.append(StyledLayer(previous, channels, config.w_dim, upsample=True))
            self.layers.append(StyledLayer(channels, channels, config.w_dim))
            self.to_rgbs.append(ToRGB(channels, config.w_dim))

    @property
    def num_ws(self) -> int:
        return self.config.num_ws

    def noise_shapes(self) -> list[tuple[int, int]]:
        """(height, width) of each styled layer's noise input, in order."""
        shapes = [(4, 4)]
        for resolution in self.config.resolutions()[1:]:
            shapes += [(resolution, resolution)] * 2
        return shapes

    def map(self, z: torch.Tensor, truncation: float = 1.0) -> torch.Tensor:
        """z (B, z_dim) -> W+ (B, num_ws, w_dim), pulled toward the average w by `truncation`
        (1 = none, 0 = the average bird)."""
        w = self.mapping(z)
        if truncation != 1.0:
            w = self.mapping.w_average + truncation * (w - self.mapping.w_average)
        return w[:, None, :].expand(-1, self.num_ws, -1)

    def synthesis(self, ws: torch.Tensor, noise: list[torch.Tensor] | None = None) -> torch.Tensor:
        """W+ (B, num_ws, w_dim) -> (B, 3, S, S). `noise`: one (B or 1, 1, h, w) tensor per
        styled layer (see `noise_shapes`); None draws fresh noise."""
        x = self.constant[None].expand(ws.shape[0], -1, -1, -1)
        image = None
        layer_index = 0
        for block, to_rgb in enumerate(self.to_rgbs):
            count = 1 if block == 0 else 2
            for _ in range(count):
                layer_noise = None if noise is None else noise[layer_index]
                x = self.layers[layer_index](x, ws[:, layer_index], layer_noise)
                layer_index += 1
            rgb = to_rgb(x, ws[:, layer_index])
            if image is not None:
                image = F.interpolate(image, scale_factor=2, mode="bilinear", align_corners=False)
                rgb = rgb + image
            image = rgb
        return image

    def forward(self, z: torch.Tensor, truncation: float = 1.0) -> torch.Tensor:
        return self.synthesis(self.map(z, truncation))


class ResidualDown(nn.Module):
    def __init__(self, inputs, outputs):
        super().__init__()
        self.conv1 = EqualConv2d(inputs, inputs, 3)
        self.conv2 = EqualConv2d(inputs, outputs, 3)
        self.skip = EqualConv2d(inputs, outputs, 1, bias=False)

    def forward(self, x):
        y = F.leaky_relu(self.conv1(x), 0.2) * math.sqrt(2)
        y = F.avg_pool2d(F.leaky_relu(self.conv2(y), 0.2) * math.sqrt(2), 2)
        return (y + F.avg_pool2d(self.skip(x), 2)) / math.sqrt(2)


class StyleGANDiscriminator(nn.Module):
    """Residual discriminator with a minibatch standard-deviation channel.

    forward(images (B, 3, S, S) in [-1, 1]) -> scores (B,); `features(images)` -> (B, C) is the
    penultimate layer (a learned image descriptor)."""

    def __init__(self, config: StyleGANConfig):
        super().__init__()

        def width(resolution):
            return min(config.discriminator_max, config.discriminator_base // resolution)

        resolutions = config.resolutions()[::-1]  # S, S/2, ..., 4
        self.from_rgb = EqualConv2d(3, width(resolutions[0]), 1)
        self.blocks = nn.ModuleList(ResidualDown(width(r), width(r // 2)) for r in resolutions[:-1])
        channels = width(4)
        self.final_conv = EqualConv2d(channels + 1, channels, 3)
        self.final_linear = EqualLinear(channels * 16, channels)
        self.output = EqualLinear(channels, 1)

    def features(self, images: torch.Tensor, group_size: int = 4) -> torch.Tensor:
        """(B, 3, S, S) -> (B, C) penultimate features. The minibatch-deviation input mixes
        `group_size` samples; 1 makes each sample's features independent of the batch."""
        x = F.leaky_relu(self.from_rgb(images), 0.2) * math.sqrt(2)
        for block in self.blocks:
            x = block(x)
        group = max(1, min(group_size, x.shape[0]))
        while x.shape[0] % group:
            group -= 1
        grouped = x.reshape(group, -1, *x.shape[1:])
        deviation = grouped.var(dim=0, unbiased=False).add(1e-8).sqrt().mean(dim=(1, 2, 3))
        deviation = deviation.repeat(group)[:, None, None, None].expand(-1, 1, 4, 4)
        x = F.leaky_relu(self.final_conv(torch.cat([x, deviation], 1)), 0.2) * math.sqrt(2)
        return F.leaky_relu(self.final_linear(x.flatten(1)), 0.2) * math.sqrt(2)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.output(self.features(images)).squeeze(1)
