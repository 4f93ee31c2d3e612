"""Project a bird crop into the StyleGAN's W+ space: the encoder's guess, then a short
optimisation that matches the crop in pixels and in the features of the GAN's own
discriminator (no pretrained VGG/LPIPS weights are available offline).

Tensors are (B, 3, S, S) in [-1, 1]; latents W+ are (B, num_ws, w_dim).
"""

from __future__ import annotations

import math
from pathlib import Path

import torch

from animators.birds.flight import match_colours
from animators.core.base import ProgressFn, report
from animators.core.checkpoints import load_module, resolve
from animators.nets.birds.encoder import BirdEncoder
from animators.nets.birds.stylegan import StyleGANConfig, StyleGANDiscriminator, StyleGANGenerator

FEATURE_WEIGHT = 0.1  # discriminator-feature distance, relative to the pixel L1 + L2
LEARNING_RATE = 0.1  # Adam, in W+ units; cosine ramp-down over the last 3/4 of the steps
SPREAD_WEIGHT = 0.02  # keeps the W+ layers near their mean, so style mixing stays meaningful


def load_generator_and_critic(
    generator: str | Path | None = None, critic: str | Path | None = None, device="cpu"
) -> tuple[StyleGANGenerator, StyleGANDiscriminator]:
    """The bird StyleGAN and its discriminator (eval mode) from checkpoint folders; None
    resolves checkpoints/birds/stylegan and stylegan_critic (local first, then the Hub)."""
    return (
        load_module(
            StyleGANGenerator, StyleGANConfig, resolve("birds", "stylegan", generator), device
        ),
        load_module(
            StyleGANDiscriminator,
            StyleGANConfig,
            resolve("birds", "stylegan_critic", critic),
            device,
        ),
    )


def fixed_noise(generator: StyleGANGenerator, seed: int, device) -> list[torch.Tensor]:
    """One (1, 1, h, w) noise map per styled layer, drawn from `seed` (repeatable frames)."""
    rng = torch.Generator().manual_seed(int(seed))
    return [torch.randn(1, 1, h, w, generator=rng).to(device) for h, w in generator.noise_shapes()]


def encode(generator: StyleGANGenerator, encoder: BirdEncoder, crops: torch.Tensor) -> torch.Tensor:
    """The encoder's W+ for `crops`: the generator's mean w plus the predicted offsets."""
    return generator.mapping.w_average + encoder(crops)


def ramp_down(step: int, steps: int) -> float:
    """Learning-rate factor: 1 for the first quarter of the steps, then a cosine down to 0."""
    fraction = step / max(steps, 1)
    if fraction < 0.25:
        return 1.0
    return 0.5 * (1 + math.cos(math.pi * (fraction - 0.25) / 0.75))


def projection_loss(
    reconstruction: torch.Tensor,
    crops: torch.Tensor,
    critic: StyleGANDiscriminator | None,
    crop_features: torch.Tensor | None,
) -> torch.Tensor:
    """Per-sample loss (B,): pixel L1 + L2, plus the normalised discriminator-feature distance."""
    difference = reconstruction - crops
    loss = difference.abs().mean(dim=(1, 2, 3)) + difference.square().mean(dim=(1, 2, 3))
    if critic is not None and crop_features is not None:
        features = critic.features(reconstruction)
        scale = crop_features.square().mean(dim=1) + 1e-6
        loss = loss + FEATURE_WEIGHT * (features - crop_features).square().mean(dim=1) / scale
    return loss


def project(
    generator: StyleGANGenerator,
    encoder: BirdEncoder | None,
    critic: StyleGANDiscriminator | None,
    crops: torch.Tensor,
    noise: list[torch.Tensor],
    steps: int = 60,
    learning_rate: float = LEARNING_RATE,
    progress: ProgressFn | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (W+ (B, num_ws, w_dim), reconstruction (B, 3, S, S)) for `crops`.

    `steps` = 0 keeps the encoder's guess (or the mean bird without an encoder). Works under an
    outer `torch.inference_mode()`: the optimisation switches gradients back on locally."""
    with torch.inference_mode(False), torch.enable_grad():
        crops = crops.clone()
        noise = [n.clone() for n in noise]
        with torch.no_grad():
            if encoder is not None:
                start = encode(generator, encoder, crops)
            else:
                start = generator.mapping.w_average.expand(len(crops), generator.num_ws, -1)
            crop_features = critic.features(crops) if critic is not None else None
        ws = start.clone().requires_grad_(True)
        optimiser = torch.optim.Adam([ws], lr=learning_rate, betas=(0.9, 0.999))
        for step in range(steps):
            for group in optimiser.param_groups:
                group["lr"] = learning_rate * ramp_down(step, steps)
            reconstruction = generator.synthesis(ws, noise)
            loss = projection_loss(reconstruction, crops, critic, crop_features)
            spread = (ws - ws.mean(dim=1, keepdim=True)).square().mean(dim=(1, 2))
            optimiser.zero_grad(set_to_none=True)
            (loss + SPREAD_WEIGHT * spread).sum().backward()
            optimiser.step()
            report(progress, (step + 1) / steps, "Projecting the bird into the generator")
        with torch.no_grad():
            ws = ws.detach()
            return ws, generator.synthesis(ws, noise)


IDENTITY_LEARNING_RATE = 0.1  # Adam on the texture style inputs, with `ramp_down`


def texture_layers_from(resolution: int) -> int:
    """The first style input that drives the generator's layers at half its output size and
    above (5 of 10 at 64 px): colour and texture, not outline."""
    return 1 + 2 * (int(math.log2(resolution)) - 4)


def keep_identity(
    generator: StyleGANGenerator,
    critic: StyleGANDiscriminator,
    keys: torch.Tensor,
    reference: torch.Tensor,
    noise: list[torch.Tensor],
    pose_layers: int,
    steps: int = 30,
    learning_rate: float = IDENTITY_LEARNING_RATE,
    progress: ProgressFn | None = None,
) -> torch.Tensor:
    """Pull each style-mixed keyframe back toward the user's bird without touching its pose.

    keys (K, num_ws, w_dim): the mixed latents (their first `pose_layers` style inputs from a
    flying pose); reference (1, 3, S, S) in [-1, 1]: the bird's reconstruction. The colour and
    texture inputs (from `texture_layers_from` on, and never a pose input) of every key are
    optimised so that the key's frame, colours matched to the reference as in the flight, has
    the reference's discriminator features (each frame on its own: no minibatch mixing). A
    flying pose puts the bird's fine styles on other feature maps, which changes how they look;
    this restores the look. The earlier inputs, and so the pose, the outline and the wing-beat,
    are left as they are. Returns (K, num_ws, w_dim); `steps` = 0 returns `keys` unchanged.
    Works under an outer `torch.inference_mode()`."""
    first_layer = max(pose_layers, texture_layers_from(generator.config.resolution))
    if steps <= 0 or first_layer >= keys.shape[1]:
        return keys
    with torch.inference_mode(False), torch.enable_grad():
        keys = keys.clone()
        reference = reference.clone()
        noise = [n.clone() for n in noise]
        with torch.no_grad():
            target = critic.features(reference, group_size=1)
            scale = target.square().mean(dim=1) + 1e-6
        fine = keys[:, first_layer:].clone().requires_grad_(True)
        optimiser = torch.optim.Adam([fine], lr=learning_rate)
        for step in range(steps):
            for group in optimiser.param_groups:
                group["lr"] = learning_rate * ramp_down(step, steps)
            frames = generator.synthesis(torch.cat([keys[:, :first_layer], fine], 1), noise)
            features = critic.features(match_colours(frames, reference), group_size=1)
            loss = ((features - target).square().mean(dim=1) / scale).sum()
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            report(progress, (step + 1) / steps, "Keeping the bird's look in every pose")
        return torch.cat([keys[:, :first_layer], fine.detach()], 1)
