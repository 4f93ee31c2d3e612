"""The flying-pose bank: W+ latents of real photos of birds in flight, projected into the bird
generator and ordered into a wing-beat cycle (built by training/birds/build_pose_bank.py).

`ws`: (count, num_ws, w_dim) float, in cycle order; `image_ids`: the data set's ids of the
photos, in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class PoseBankConfig:
    count: int = 12
    num_ws: int = 10
    w_dim: int = 128
    image_ids: tuple[int, ...] = ()


class PoseBank(nn.Module):
    def __init__(self, config: PoseBankConfig):
        super().__init__()
        self.config = config
        self.register_buffer("ws", torch.zeros(config.count, config.num_ws, config.w_dim))

    def forward(self) -> torch.Tensor:
        return self.ws
