"""Flow-fusion frame interpolator: the `learned` inbetweening method (RIFE / IFRNet family,
sized for two CPU cores).

Given two frames and a classical bidirectional flow between them (OpenCV DIS, estimated at a
reduced resolution by the caller), the network works at a coarse "net resolution" (1/2 of the
flow's resolution in our pipeline) and predicts, for any time t in (0, 1):
- corrections to the two flows from time t back to each input (initialised with the
  linear-motion approximation of Super SloMo),
- a fusion mask (logit added to the time-weighted prior log((1 - t) / t)),
- a colour residual,
- a detail weight: where the network cannot tell where fine detail belongs (fast or
  non-rigid motion), it may keep only a coarse (4x4-averaged) version of the fused frame,
  which lowers the expected error; its prior falls where the two warped inputs disagree
  (learned gain and threshold).
The corrected flows, the mask and the detail weight are upsampled to full resolution, both
inputs are backward-warped to time t and fused. At inference these maps may be averaged over
four views of the pair (as given, reversed in time, mirrored, both: `ensemble_maps`). With a
zero-initialised output layer the untrained network is a classical interpolation
(linear-motion warps, time-weighted average, a hand-set hedge where the warps disagree), so
training starts from there and learns what it gets wrong (motion boundaries, occlusions,
flow errors, where to hedge).

Shapes: frames (B, 3, H, W) float in [0, 1]; flows (B, 2, h, w) in pixels *of the net
resolution*, with H = k * h and W = k * w for a whole k (the net scale), and h, w multiples of 4;
`flow_01[:, :, y, x]` says where pixel (x, y) of the start frame is in the end frame.
t: (B,) float in (0, 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

NET_MULTIPLE = 4
"""The net-resolution sides must be multiples of this (two stride-2 levels)."""


@dataclass(frozen=True)
class InterpolatorConfig:
    widths: tuple[int, int, int] = (32, 48, 64)
    residual_blocks: int = 3
    flow_norm: float = 8.0  # flows enter the network divided by this (net pixels)

    def __post_init__(self) -> None:  # config.json stores lists
        object.__setattr__(self, "widths", tuple(int(w) for w in self.widths))


def backward_warp(image: torch.Tensor, flow: torch.Tensor) -> torch.Tensor:
    """out[y, x] = image[y + flow_y, x + flow_x], bilinear, borders replicated.

    image (B, C, H, W), flow (B, 2, H, W) in pixels of that resolution."""
    _, _, height, width = flow.shape
    scale_x, scale_y = 2.0 / max(width - 1, 1), 2.0 / max(height - 1, 1)
    # grid_sample's coordinates: -1 at the first pixel, 1 at the last (broadcast, no meshgrid).
    xs = torch.arange(width, device=flow.device, dtype=flow.dtype) * scale_x - 1.0
    ys = torch.arange(height, device=flow.device, dtype=flow.dtype) * scale_y - 1.0
    x = flow[:, 0] * scale_x + xs
    y = flow[:, 1] * scale_y + ys[:, None]
    grid = torch.stack((x, y), dim=-1)
    return F.grid_sample(image, grid, mode="bilinear", padding_mode="border", align_corners=True)


def occlusion(flow_ab: torch.Tensor, flow_ba: torch.Tensor) -> torch.Tensor:
    """Soft occlusion of image a's pixels in image b from forward-backward consistency,
    (B, 1, H, W) in [0, 1] (1 = hidden in b); the same test as `animators.core.optical_flow`."""
    back = backward_warp(flow_ba, flow_ab)
    error = ((flow_ab + back) ** 2).sum(1, keepdim=True)
    scale = 0.01 * (flow_ab**2 + back**2).sum(1, keepdim=True) + 0.5
    return 1.0 - torch.exp(-error / scale)


def linear_flows(
    flow_01: torch.Tensor, flow_10: torch.Tensor, t: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Flows from time t back to the start and to the end under linear motion (Super SloMo)."""
    t = t.view(-1, 1, 1, 1)
    flow_t0 = -(1.0 - t) * t * flow_01 + t * t * flow_10
    flow_t1 = (1.0 - t) ** 2 * flow_01 - t * (1.0 - t) * flow_10
    return flow_t0, flow_t1


def _conv(channels_in: int, channels_out: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(channels_in, channels_out, 3, stride=stride, padding=1),
        nn.LeakyReLU(0.1),
    )


class _Residual(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.LeakyReLU(0.1),
            nn.Conv2d(channels, channels, 3, padding=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(x + self.body(x), 0.1)


INPUT_CHANNELS = 3 + 3 + 3 + 3 + 1 + 2 + 2 + 1 + 1 + 1
"""start, end, both warped to t, their disagreement, both flows from t, both warp-carried
visibilities, t."""
OUTPUT_CHANNELS = 2 + 2 + 1 + 3 + 1
"""flow corrections (t->0, t->1), mask logit, colour residual, detail logit."""
DETAIL_POOL = 4
"""The coarse version of a frame is its 4x4 average, bilinearly upsampled."""


def input_groups(name: str, widths: tuple[int, int, int]) -> list[int]:
    """The input channels of FlowFusionNet's conv `name` (a state-dict key), as the groups it
    concatenates in that order (training.inbetween.train_interpolator.grow widens each group)."""
    w0, w1, w2 = widths
    if name.startswith("encode0.0."):
        return [INPUT_CHANNELS]
    if name.startswith("decode1.0."):
        return [w2, w1]  # upsampled level 2, then level 1
    if name.startswith("decode0.0."):
        return [w1, w0]
    if name.startswith(("encode0.1.", "encode1.0.", "decode0.1.", "head.")):
        return [w0]
    if name.startswith(("encode1.1.", "encode2.0.", "decode1.1.")):
        return [w1]
    if name.startswith("encode2."):
        return [w2]  # the residual blocks
    raise KeyError(f"unknown layer {name}")


REVERSED_CHANNELS = (3, 4, 5, 0, 1, 2, 9, 10, 11, 6, 7, 8, 12, 15, 16, 13, 14, 18, 17, 19)
"""The network's input channels for the time-reversed pair (end -> start at 1 - t), as a
permutation of the pair's own: start and end swap, and so do their warps to t, the flows from
t and the visibilities (under linear motion the reversed pair's flows from 1 - t are the
pair's flows from t, swapped); the last channel, t, becomes 1 - t."""
FLOW_X_CHANNELS = [13, 15]
"""The input channels holding the x components of the flows from t (negated when mirrored)."""


def flip_x(value: torch.Tensor, is_flow: bool) -> torch.Tensor:
    """A (B, C, h, w) map mirrored left-right; a flow's x component also changes sign."""
    value = torch.flip(value, dims=[-1])
    return torch.cat([-value[:, :1], value[:, 1:]], 1) if is_flow else value


class NetInput(NamedTuple):
    """What one network pass sees at net resolution: the input channels (B, INPUT_CHANNELS,
    h, w), the linear-motion flows from t to the start and to the end (B, 2, h, w; the
    network corrects them) and t (B,)."""

    features: torch.Tensor
    flow_t0: torch.Tensor
    flow_t1: torch.Tensor
    t: torch.Tensor

    def time_reversed(self) -> NetInput:
        """The input of the reversed pair (end -> start) at 1 - t, without recomputing it."""
        features = self.features[:, REVERSED_CHANNELS]  # a copy
        features[:, -1] = 1.0 - features[:, -1]
        return NetInput(features, self.flow_t1, self.flow_t0, 1.0 - self.t)

    def mirrored(self) -> NetInput:
        """The input of the left-right mirrored pair, without recomputing it."""
        features = torch.flip(self.features, dims=[-1])  # a copy
        features[:, FLOW_X_CHANNELS] = -features[:, FLOW_X_CHANNELS]
        return NetInput(features, flip_x(self.flow_t0, True), flip_x(self.flow_t1, True), self.t)


class NetMaps(NamedTuple):
    """One network pass's outputs at net resolution, (B, C, h, w): the flows from time t to
    each input (net pixels), the start frame's fusion-mask logit (prior included), the colour
    residual before its tanh, and the detail logit."""

    flow_t0: torch.Tensor
    flow_t1: torch.Tensor
    mask_logit: torch.Tensor
    colour: torch.Tensor
    detail_logit: torch.Tensor

    def time_reversed(self) -> NetMaps:
        """The maps of the reversed pair's pass (at 1 - t) as maps of the pair itself."""
        return NetMaps(self.flow_t1, self.flow_t0, -self.mask_logit, self.colour, self.detail_logit)

    def mirrored(self) -> NetMaps:
        """The maps of the mirrored pair's pass as maps of the pair itself."""
        return NetMaps(
            flip_x(self.flow_t0, True),
            flip_x(self.flow_t1, True),
            flip_x(self.mask_logit, False),
            flip_x(self.colour, False),
            flip_x(self.detail_logit, False),
        )


class FlowFusionNet(nn.Module):
    """Refines classical flows at net resolution and fuses the warped inputs at full size."""

    def __init__(self, config: InterpolatorConfig | None = None) -> None:
        super().__init__()
        self.config = config or InterpolatorConfig()
        w0, w1, w2 = self.config.widths
        self.encode0 = nn.Sequential(_conv(INPUT_CHANNELS, w0), _conv(w0, w0))
        self.encode1 = nn.Sequential(_conv(w0, w1, stride=2), _conv(w1, w1))
        self.encode2 = nn.Sequential(
            _conv(w1, w2, stride=2), *[_Residual(w2) for _ in range(self.config.residual_blocks)]
        )
        self.decode1 = nn.Sequential(_conv(w2 + w1, w1), _conv(w1, w1))
        self.decode0 = nn.Sequential(_conv(w1 + w0, w0), _conv(w0, w0))
        self.head = nn.Conv2d(w0, OUTPUT_CHANNELS, 3, padding=1)
        nn.init.zeros_(self.head.weight)  # start as the classical interpolation
        nn.init.zeros_(self.head.bias)
        # The detail weight's prior: sigmoid(gain * (threshold - disagreement of the two
        # warped inputs)); both learned, initialised to a mild hand-set hedge.
        self.detail_gain = nn.Parameter(torch.tensor(20.0))
        self.detail_threshold = nn.Parameter(torch.tensor(0.2))

    def prepare(self, start: torch.Tensor, end: torch.Tensor, flow_01, flow_10) -> dict:
        """The per-pair part (independent of t): net-resolution images and visibilities."""
        scale = start.shape[-1] // flow_01.shape[-1]
        if (
            start.shape[-2] != scale * flow_01.shape[-2]
            or start.shape[-1] != scale * flow_01.shape[-1]
        ):
            raise ValueError(
                f"Frames {tuple(start.shape[-2:])} are not a whole multiple of the flow "
                f"resolution {tuple(flow_01.shape[-2:])}."
            )
        if flow_01.shape[-2] % NET_MULTIPLE or flow_01.shape[-1] % NET_MULTIPLE:
            raise ValueError(f"Net-resolution sides must be multiples of {NET_MULTIPLE}.")
        return {
            "start": start,
            "end": end,
            "scale": scale,
            "small_start": F.avg_pool2d(start, scale) if scale > 1 else start,
            "small_end": F.avg_pool2d(end, scale) if scale > 1 else end,
            "flow_01": flow_01,
            "flow_10": flow_10,
            "visible_in_end": 1.0 - occlusion(flow_01, flow_10),  # start's pixels
            "visible_in_start": 1.0 - occlusion(flow_10, flow_01),  # end's pixels
        }

    def net_input(self, pair: dict, t: torch.Tensor) -> NetInput:
        """The network's input for a prepared pair and times t (B,)."""
        flow_t0, flow_t1 = linear_flows(pair["flow_01"], pair["flow_10"], t)
        small_start, small_end = pair["small_start"], pair["small_end"]
        # Forward-backward visibility carried to time t: hints where one side is hidden.
        visible_start = backward_warp(pair["visible_in_start"], flow_t1)
        visible_end = backward_warp(pair["visible_in_end"], flow_t0)
        norm = self.config.flow_norm
        warped_start = backward_warp(small_start, flow_t0)
        warped_end = backward_warp(small_end, flow_t1)
        features = torch.cat(
            [
                small_start,
                small_end,
                warped_start,
                warped_end,
                (warped_start - warped_end).abs().mean(1, keepdim=True),
                flow_t0 / norm,
                flow_t1 / norm,
                visible_start,
                visible_end,
                t.view(-1, 1, 1, 1).expand(-1, 1, *flow_t0.shape[-2:]),
            ],
            dim=1,
        )
        return NetInput(features, flow_t0, flow_t1, t)

    def net_maps(self, net_input: NetInput) -> NetMaps:
        """One pass of the network (in the dtype of its convolutions, `convolutions_to`)."""
        features = net_input.features.to(self.head.weight.dtype)
        level0 = self.encode0(features)
        level1 = self.encode1(level0)
        level2 = self.encode2(level1)
        up1 = self.decode1(torch.cat([F.interpolate(level2, scale_factor=2.0), level1], 1))
        up0 = self.decode0(torch.cat([F.interpolate(up1, scale_factor=2.0), level0], 1))
        out = self.head(up0).float()
        norm = self.config.flow_norm
        # Prior: the time-weighted average (weights 1 - t and t); on real video it scored
        # better than the classical method's visibility-weighted one.
        t_map = net_input.t.view(-1, 1, 1, 1)
        prior = torch.log(1.0 - t_map + 1e-3) - torch.log(t_map + 1e-3)
        return NetMaps(
            flow_t0=net_input.flow_t0 + norm * out[:, 0:2],
            flow_t1=net_input.flow_t1 + norm * out[:, 2:4],
            mask_logit=out[:, 4:5] + prior,
            colour=out[:, 5:8],
            detail_logit=out[:, 8:9],
        )

    def ensemble_maps(self, pair: dict, t: torch.Tensor) -> NetMaps:
        """The average of `net_maps` over the four symmetric views of a pair: as given, time
        reversed (end -> start at 1 - t), mirrored left-right, and both; each view's maps
        are mapped back before averaging. Four network passes instead of one; on real video
        it scores higher than one pass (README, Inbetweening)."""
        given = self.net_input(pair, t)
        views = []
        for view, is_mirrored in ((given, False), (given.mirrored(), True)):
            forward = self.net_maps(view)
            backward = self.net_maps(view.time_reversed()).time_reversed()
            views += (
                [forward.mirrored(), backward.mirrored()] if is_mirrored else [forward, backward]
            )
        return NetMaps(*(sum(parts) / len(views) for parts in zip(*views, strict=True)))

    def convolutions_to(self, dtype: torch.dtype) -> FlowFusionNet:
        """Hold the convolution weights in `dtype` (bfloat16 runs several times faster on CPUs
        with bfloat16 units); their input is cast to it and their output back to float32,
        so warps and fusion stay in float32. Returns self."""
        for layers in (self.encode0, self.encode1, self.encode2, self.decode1, self.decode0):
            layers.to(dtype)
        self.head.to(dtype)
        return self

    def predict(self, pair: dict, t: torch.Tensor, ensemble: bool = False) -> dict:
        """For a prepared pair and times t (B,): "frame" (B, 3, H, W) in [0, 1], and the
        refined flows "flow_t0", "flow_t1" (B, 2, h, w) in net pixels (where each pixel of
        the frame at t comes from in the start / end frame). `ensemble`: average the four
        symmetric views' maps (`ensemble_maps`) instead of one pass."""
        maps = self.ensemble_maps(pair, t) if ensemble else self.net_maps(self.net_input(pair, t))
        flow_t0, flow_t1 = maps.flow_t0, maps.flow_t1
        refined = {"flow_t0": flow_t0, "flow_t1": flow_t1}
        mask = torch.sigmoid(maps.mask_logit)
        residual = 0.5 * torch.tanh(maps.colour)
        detail_logit = maps.detail_logit
        scale = pair["scale"]
        if scale > 1:  # to full size: one bilinear upsampling for all nine maps
            maps = torch.cat([flow_t0 * scale, flow_t1 * scale, mask, residual, detail_logit], 1)
            maps = F.interpolate(
                maps, scale_factor=float(scale), mode="bilinear", align_corners=False
            )
            flow_t0, flow_t1, mask, residual, detail_logit = maps.split([2, 2, 1, 3, 1], 1)
        from_start = backward_warp(pair["start"], flow_t0)
        from_end = backward_warp(pair["end"], flow_t1)
        difference = from_start - from_end
        frame = torch.addcmul(from_end, mask, difference) + residual  # mask: start's weight
        # Where the two warped inputs disagree the network may keep only a coarse image: a
        # hedge that lowers the expected error when it cannot tell where detail belongs.
        disagreement = difference.abs().mean(1, keepdim=True)
        detail = torch.sigmoid(
            detail_logit + self.detail_gain * (self.detail_threshold - disagreement)
        )
        coarse = F.interpolate(
            F.avg_pool2d(frame, DETAIL_POOL),
            scale_factor=float(DETAIL_POOL),
            mode="bilinear",
            align_corners=False,
        )
        frame = torch.lerp(coarse, frame, detail)
        return {"frame": frame.clamp(0.0, 1.0), **refined}

    def frame_at(self, pair: dict, t: torch.Tensor, ensemble: bool = False) -> torch.Tensor:
        """The frame at time t (B,) for a prepared pair: (B, 3, H, W) in [0, 1]."""
        return self.predict(pair, t, ensemble)["frame"]

    def forward(self, start, end, flow_01, flow_10, t) -> torch.Tensor:
        return self.frame_at(self.prepare(start, end, flow_01, flow_10), t)
