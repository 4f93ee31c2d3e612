"""Train the encoder image -> W+ that starts the bird projection.

Half of each step uses the generator's own samples, whose latents are known (style-mixed,
random truncation): loss = latent MSE + pixel L1 of the re-synthesis. The other half uses real
train-split photos: pixel L1 + L2 of the re-synthesis plus the discriminator-feature distance
(the same loss the app's optimisation refines). The generator and discriminator stay frozen.

    python -m training.birds.train_encoder --data ../shared/data/birds/cub100 \
        --out runs/bird_encoder --max-minutes 15 --export checkpoints/birds/encoder

`--init checkpoints/birds/encoder` continues from an exported encoder (a new run folder).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
from tqdm import tqdm

from animators.birds.projection import encode, load_generator_and_critic, projection_loss
from animators.core.checkpoints import load_module, read_json
from animators.nets.birds.encoder import BirdEncoder, BirdEncoderConfig
from animators.nets.birds.stylegan import StyleGANGenerator
from training.birds.photos import DEFAULT_DATA, augment, load_birds, save_photo_grid, to_tensor
from training.common import TimeBudget, add_run_options, export_checkpoint, start_run


def known_latents(generator: StyleGANGenerator, batch: int, device) -> torch.Tensor:
    """Style-mixed W+ with truncation drawn from 0.5..1: (B, num_ws, w_dim)."""
    z = torch.randn(batch, generator.config.z_dim, device=device)
    truncation = torch.empty(batch, 1, 1, device=device).uniform_(0.5, 1.0)
    average = generator.mapping.w_average
    ws = average + truncation * (generator.map(z) - average)
    other = average + truncation * (generator.map(torch.randn_like(z)) - average)
    cut = torch.randint(1, generator.num_ws + 1, (batch, 1, 1), device=device)
    layer = torch.arange(generator.num_ws, device=device)[None, :, None]
    return torch.where(layer < cut, ws, other)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--generator", type=Path, default=None, help="checkpoint folder")
    parser.add_argument("--critic", type=Path, default=None, help="checkpoint folder")
    parser.add_argument(
        "--init", type=Path, default=None, help="start from an exported encoder checkpoint folder"
    )
    parser.add_argument("--lr", type=float, default=3e-4)
    add_run_options(parser, steps=3000, every=250, batch_size=16)
    arguments = parser.parse_args(argv)
    device, run = start_run(arguments)
    generator, critic = load_generator_and_critic(arguments.generator, arguments.critic, device)
    generator.requires_grad_(False)
    critic.requires_grad_(False)
    config = generator.config
    photos = load_birds(arguments.data, "train", config.resolution)
    real_pool = to_tensor(photos.images[:64] if arguments.smoke else photos.images)

    encoder_config = BirdEncoderConfig(
        resolution=config.resolution,
        num_ws=config.num_ws,
        w_dim=config.w_dim,
        width=8 if arguments.smoke else 32,
    )
    if arguments.init is not None:
        encoder = load_module(BirdEncoder, BirdEncoderConfig, arguments.init, device).train()
        encoder_config = encoder.config
        earlier_steps = read_json(arguments.init, "metrics.json").get("steps", 0)
    else:
        encoder = BirdEncoder(encoder_config).to(device)
        earlier_steps = 0
    optimiser = torch.optim.Adam(encoder.parameters(), lr=arguments.lr)
    modules = {"encoder": encoder, "optimiser": optimiser}
    step = 0
    if arguments.resume and run.has_state():
        step, _ = run.load_state(modules)
    steps = 3 if arguments.smoke else arguments.steps
    budget = TimeBudget(steps - step, arguments.max_minutes)
    begun_at = step
    half = max(1, arguments.batch_size // 2)
    shown = real_pool[:8].to(device)
    bar = tqdm(total=steps, initial=step, desc="bird encoder")
    while not budget.done(step - begun_at) and step < steps:
        with torch.no_grad():
            true_ws = known_latents(generator, half, device)
            samples = generator.synthesis(true_ws)
        predicted_ws = encode(generator, encoder, samples)
        latent_loss = (predicted_ws - true_ws).square().mean()
        sample_loss = (generator.synthesis(predicted_ws) - samples).abs().mean()

        real = augment(real_pool[torch.randint(0, len(real_pool), (half,))]).to(device)
        with torch.no_grad():
            real_features = critic.features(real)
        real_loss = projection_loss(
            generator.synthesis(encode(generator, encoder, real)), real, critic, real_features
        ).mean()
        loss = latent_loss + sample_loss + real_loss
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        step += 1
        bar.update(1)
        bar.set_postfix(latent=f"{latent_loss.item():.3f}", real=f"{real_loss.item():.3f}")
        if step % arguments.every == 0:
            run.log(
                step, latent=latent_loss.item(), sample=sample_loss.item(), real=real_loss.item()
            )
            with torch.no_grad():
                shown_back = generator.synthesis(encode(generator, encoder, shown))
            save_photo_grid(
                torch.cat([shown, shown_back]), run.path / "samples" / f"{step:06d}.png"
            )
            run.save_state(step, modules)
    bar.close()
    run.save_state(step, modules)
    if arguments.export:
        export_checkpoint(
            encoder, encoder_config, arguments.export, {"steps": earlier_steps + step}
        )
        print(f"exported {arguments.export}")


if __name__ == "__main__":
    main()
