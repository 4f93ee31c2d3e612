"""A small MNIST digit classifier used only by benchmarks to check generated frames.

Input (B, 1, 28, 28) in [0, 1] (a crop centred on the digit); output (B, 10) logits.
It is trained by `training/judges/train_digit_checker.py` and never used to train a generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class DigitCheckerConfig:
    width: int = 32
    classes: int = 10


class DigitChecker(nn.Module):
    def __init__(self, config: DigitCheckerConfig) -> None:
        super().__init__()
        w = config.width
        self.features = nn.Sequential(
            nn.Conv2d(1, w, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(w, w, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 14
            nn.Conv2d(w, 2 * w, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 7
            nn.Conv2d(2 * w, 2 * w, 3, padding=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.head = nn.Linear(2 * w, config.classes)

    def forward(self, crops: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(crops).flatten(1))
