"""A bird-species classifier whose penultimate features serve as the project's own image
descriptor (no pretrained Inception/VGG weights are available offline): the benchmark's
Fréchet distance and the identity-during-flight cosine are measured in this feature space.

Images (B, 3, S, S) in [-1, 1]; features (B, feature_dim); logits (B, num_classes).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class BirdClassifierConfig:
    num_classes: int = 92
    width: int = 32  # the committed checkpoint's (its config.json says so too)
    feature_dim: int = 256


def _block(inputs: int, outputs: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(inputs, outputs, 3, padding=1, bias=False),
        nn.BatchNorm2d(outputs),
        nn.ReLU(inplace=True),
        nn.Conv2d(outputs, outputs, 3, padding=1, bias=False),
        nn.BatchNorm2d(outputs),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


class BirdClassifier(nn.Module):
    def __init__(self, config: BirdClassifierConfig):
        super().__init__()
        self.config = config
        w = config.width
        self.body = nn.Sequential(
            _block(3, w),
            _block(w, 2 * w),
            _block(2 * w, 4 * w),
            _block(4 * w, 8 * w),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Linear(8 * w, config.feature_dim),
            nn.ReLU(inplace=True),
        )
        self.head = nn.Sequential(
            nn.Dropout(0.3), nn.Linear(config.feature_dim, config.num_classes)
        )

    def features(self, images: torch.Tensor) -> torch.Tensor:
        return self.body(images)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(images))
