"""Adaptive discriminator augmentation (Karras et al. 2020, "Training Generative Adversarial
Networks with Limited Data").

Everything the discriminator sees, real and generated, goes through the same random,
differentiable augmentations, each applied to a sample with probability p. p follows the
overfitting signal r_t = E[sign(D(real))]: above the target (D too sure of the real photos) p
rises, below it p falls, at a rate that would take p from 0 to 1 over `speed_images` images.

The pipeline here is ADA's "bgc" set: x-flip, integer translation, isotropic scaling, rotation,
anisotropic scaling, fractional translation (one affine warp with reflection padding), then
brightness, contrast, saturation, and cutout.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


class AdaptiveAugment:
    def __init__(
        self,
        target: float = 0.6,
        speed_images: int = 100_000,
        adjust_every: int = 4,
        p: float = 0.0,
        max_p: float = 0.8,
    ) -> None:
        self.target = target
        self.speed_images = speed_images
        self.adjust_every = adjust_every
        self.p = p
        self.max_p = max_p
        self._signs: list[float] = []
        self._images = 0

    # --- the p controller -------------------------------------------------------------
    def observe(self, real_scores: torch.Tensor) -> None:
        """Record D's raw scores on (augmented) real images; adjusts p every few calls."""
        self._signs.append(float(torch.sign(real_scores.detach()).mean()))
        self._images += real_scores.shape[0]
        if len(self._signs) >= self.adjust_every:
            signal = sum(self._signs) / len(self._signs)
            step = self._images / self.speed_images
            self.p = min(self.max_p, max(0.0, self.p + math.copysign(step, signal - self.target)))
            self.last_signal = signal
            self._signs, self._images = [], 0

    def state(self) -> dict:
        return {"p": self.p}

    def load(self, state: dict) -> None:
        self.p = float(state.get("p", self.p))

    # --- the augmentations ------------------------------------------------------------
    def _chance(self, batch: int, device) -> torch.Tensor:
        return (torch.rand(batch, device=device) < self.p).float()

    def __call__(self, images: torch.Tensor) -> torch.Tensor:
        """images (B, 3, S, S) in [-1, 1] -> augmented, same shape, differentiable."""
        if self.p <= 0:
            return images
        batch, _, size, _ = images.shape
        device = images.device

        def chance():
            return self._chance(batch, device)

        # Geometric: build one 2x3 affine matrix per sample (in normalised coordinates).
        eye = torch.eye(3, device=device).expand(batch, 3, 3)
        matrix = eye.clone()

        def compose(other):
            nonlocal matrix
            matrix = matrix @ other

        flip = 1 - 2 * (chance() * (torch.rand(batch, device=device) < 0.5).float())
        m = eye.clone()
        m[:, 0, 0] = flip
        compose(m)
        shift = (torch.rand(batch, 2, device=device) * 2 - 1) * 0.125 * 2  # integer-like shift
        shift = torch.round(shift * size / 2) / (size / 2) * chance()[:, None]
        m = eye.clone()
        m[:, :2, 2] = shift
        compose(m)
        scale = torch.exp2(torch.randn(batch, device=device) * 0.2 * chance())
        m = eye.clone()
        m[:, 0, 0] = m[:, 1, 1] = scale
        compose(m)
        angle = (torch.rand(batch, device=device) * 2 - 1) * math.pi * chance()
        m = eye.clone()
        m[:, 0, 0], m[:, 0, 1] = torch.cos(angle), -torch.sin(angle)
        m[:, 1, 0], m[:, 1, 1] = torch.sin(angle), torch.cos(angle)
        compose(m)
        stretch = torch.exp2(torch.randn(batch, device=device) * 0.2 * chance())
        m = eye.clone()
        m[:, 0, 0], m[:, 1, 1] = stretch, 1 / stretch
        compose(m)
        m = eye.clone()
        m[:, :2, 2] = torch.randn(batch, 2, device=device) * 0.125 * 2 * chance()[:, None]
        compose(m)
        grid = F.affine_grid(matrix[:, :2, :], list(images.shape), align_corners=False)
        images = F.grid_sample(
            images, grid, mode="bilinear", padding_mode="reflection", align_corners=False
        )

        # Colour.
        brightness = (
            torch.randn(batch, 1, 1, 1, device=device) * 0.2 * chance()[:, None, None, None]
        )
        images = images + brightness
        mean = images.mean(dim=(1, 2, 3), keepdim=True)
        contrast = torch.exp2(
            torch.randn(batch, 1, 1, 1, device=device) * 0.5 * chance()[:, None, None, None]
        )
        images = (images - mean) * contrast + mean
        gray = images.mean(dim=1, keepdim=True)
        saturation = torch.exp2(
            torch.randn(batch, 1, 1, 1, device=device) * chance()[:, None, None, None]
        )
        images = (images - gray) * saturation + gray

        # Cutout: a square of half the size, filled with zero (mid-grey).
        centre = torch.rand(batch, 2, 1, 1, device=device)
        coords = (torch.arange(size, device=device).float() + 0.5) / size
        inside_x = (coords[None, None, :] - centre[:, 0]).abs() < 0.25
        inside_y = (coords[None, :, None] - centre[:, 1]).abs() < 0.25
        cut = (inside_x & inside_y).float()[:, None] * chance()[:, None, None, None]
        return images * (1 - cut)
