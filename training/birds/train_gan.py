"""Train the bird generator: StyleGAN2-style (default) or the original project's DCGAN baseline, the
same way.

Both: real bird photos (train split, x-flipped at random), non-saturating logistic loss, lazy R1
regularisation on the real photos, adaptive discriminator augmentation (training/birds/ada.py) on
everything the discriminator sees, and an exponential moving average of the generator's
weights (the exported generator). Each architecture keeps its own usual optimiser settings
(StyleGAN2: Adam lr 0.0025, betas (0, 0.99); DCGAN: Adam lr 2e-4, betas (0.5, 0.999)).
The StyleGAN is also trained with style mixing (two latents, a random crossover layer, 90 % of
batches), which is what lets the app mix pose and appearance later.

    python -m training.birds.train_gan --model stylegan --data ../shared/data/birds/cub100 \
        --out runs/bird_stylegan --max-minutes 60 --export checkpoints/birds/stylegan

Resumable (--resume), writes sample grids to <out>/samples and logs p, r_t and losses. Without a
run state, --init continues from exported checkpoints instead: the exported (EMA) generator
starts both the generator and its average, --init-critic (if given) the discriminator, and the
step count and p come from the generator's metrics.json (the optimisers start afresh).
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from animators.core.checkpoints import load_state_dict, read_json
from animators.nets.birds.dcgan import DCGANConfig, DCGANDiscriminator, DCGANGenerator
from animators.nets.birds.stylegan import StyleGANConfig, StyleGANDiscriminator, StyleGANGenerator
from training.birds.ada import AdaptiveAugment
from training.birds.photos import DEFAULT_DATA, load_birds, save_photo_grid, to_tensor
from training.common import TimeBudget, add_run_options, export_checkpoint, start_run

OPTIMISER = {"stylegan": (0.0025, (0.0, 0.99)), "dcgan": (2e-4, (0.5, 0.999))}


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=("stylegan", "dcgan"), default="stylegan")
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="bird data set folder, or an .npz from training.birds.photos",
    )
    parser.add_argument("--resolution", type=int, default=64)
    parser.add_argument("--r1-gamma", type=float, default=0.1)
    parser.add_argument("--r1-every", type=int, default=16)
    parser.add_argument("--ada-target", type=float, default=0.6)
    parser.add_argument("--ada-speed", type=int, default=100_000, help="images for p: 0 -> 1")
    parser.add_argument("--ema-images", type=int, default=10_000, help="EMA half-life in images")
    parser.add_argument(
        "--export-critic",
        type=Path,
        default=None,
        help="also export the discriminator (its features guide projection)",
    )
    parser.add_argument(
        "--init", type=Path, default=None, help="continue from this exported generator"
    )
    parser.add_argument(
        "--init-critic", type=Path, default=None, help="... and this exported discriminator"
    )
    add_run_options(parser, steps=20_000, every=500, batch_size=16)
    return parser.parse_args(argv)


def build(model: str, resolution: int, smoke: bool):
    if model == "stylegan":
        config = StyleGANConfig(resolution=resolution)
        if smoke:
            config = StyleGANConfig(
                resolution=resolution,
                z_dim=16,
                w_dim=16,
                channel_base=256,
                channel_max=16,
                discriminator_base=256,
                discriminator_max=16,
            )
        return config, StyleGANGenerator(config), StyleGANDiscriminator(config)
    config = DCGANConfig(resolution=resolution, width=4 if smoke else 32)
    return config, DCGANGenerator(config), DCGANDiscriminator(config)


def latents(generator, batch: int, device, mixing: float) -> torch.Tensor | None:
    """Style-mixed W+ for a StyleGAN batch (None for the DCGAN, which takes z directly)."""
    if not isinstance(generator, StyleGANGenerator):
        return None
    z_dim = generator.config.z_dim
    ws = generator.map(torch.randn(batch, z_dim, device=device)).clone()
    if mixing > 0 and torch.rand(()) < mixing:
        other = generator.map(torch.randn(batch, z_dim, device=device))
        cut = int(torch.randint(1, generator.num_ws, ()))
        ws[:, cut:] = other[:, cut:]
    return ws


def generate(generator, batch: int, device, mixing: float = 0.0) -> torch.Tensor:
    ws = latents(generator, batch, device, mixing)
    if ws is None:
        return generator(torch.randn(batch, generator.config.z_dim, device=device))
    return generator.synthesis(ws)


def initialise_from(generator_folder: Path, critic_folder: Path | None, modules: dict) -> dict:
    """Load exported weights (strictly, from safetensors) into a fresh run's modules; returns
    the generator's metrics.json (its "steps" and "ada_p" continue the count)."""

    def weights(folder: Path) -> dict:
        return {key: value.float() for key, value in load_state_dict(folder).items()}

    for name in ("generator", "generator_ema"):
        modules[name].load_state_dict(weights(generator_folder), strict=True)
    if critic_folder is not None:
        modules["critic"].load_state_dict(weights(critic_folder), strict=True)
    return read_json(generator_folder, "metrics.json")


def main(argv=None) -> None:
    arguments = parse_arguments(argv)
    device, run = start_run(arguments)
    photos = load_birds(arguments.data, "train", arguments.resolution)
    real_pool = to_tensor(photos.images[:64] if arguments.smoke else photos.images)

    config, generator, critic = build(arguments.model, arguments.resolution, arguments.smoke)
    generator, critic = generator.to(device), critic.to(device)
    generator_ema = copy.deepcopy(generator).eval().requires_grad_(False)
    lr, betas = OPTIMISER[arguments.model]
    g_optimiser = torch.optim.Adam(generator.parameters(), lr=lr, betas=betas)
    r1_ratio = arguments.r1_every / (arguments.r1_every + 1)  # lazy-regularisation correction
    d_optimiser = torch.optim.Adam(
        critic.parameters(), lr=lr * r1_ratio, betas=tuple(b**r1_ratio for b in betas)
    )
    augment = AdaptiveAugment(target=arguments.ada_target, speed_images=arguments.ada_speed)
    modules = {
        "generator": generator,
        "critic": critic,
        "generator_ema": generator_ema,
        "g_optimiser": g_optimiser,
        "d_optimiser": d_optimiser,
    }
    step = 0
    if arguments.resume and run.has_state():
        step, extra = run.load_state(modules)
        augment.load(extra.get("ada", {}))
        print(f"resumed at step {step}, p = {augment.p:.3f}")
    elif arguments.init is not None:
        metrics = initialise_from(arguments.init, arguments.init_critic, modules)
        step = int(metrics.get("steps", 0))
        augment.load({"p": metrics.get("ada_p", 0.0)})
        print(f"continuing {arguments.init} from step {step}, p = {augment.p:.3f}")

    steps = 3 if arguments.smoke else arguments.steps
    budget = TimeBudget(steps - step, arguments.max_minutes)
    begun_at = step
    batch = arguments.batch_size
    mixing = 0.9 if arguments.model == "stylegan" else 0.0
    fixed_z = torch.randn(32, config.z_dim, generator=torch.Generator().manual_seed(1)).to(device)
    bar = tqdm(total=steps, initial=step, desc=f"bird {arguments.model}")
    while step < steps and not budget.done(step - begun_at):
        chosen = torch.randint(0, len(real_pool), (batch,))
        real = real_pool[chosen].to(device)
        real = torch.where(torch.rand(batch, 1, 1, 1, device=device) < 0.5, real.flip(3), real)

        # Discriminator: logistic loss on augmented real and generated images.
        with torch.no_grad():
            fake = generate(generator, batch, device, mixing)
        real_scores = critic(augment(real))
        fake_scores = critic(augment(fake))
        d_loss = F.softplus(fake_scores).mean() + F.softplus(-real_scores).mean()
        augment.observe(real_scores)
        d_optimiser.zero_grad(set_to_none=True)
        d_loss.backward()
        d_optimiser.step()

        # Lazy R1 on augmented real images.
        r1 = torch.zeros(())
        if step % arguments.r1_every == 0:
            real_r1 = real.detach().requires_grad_(True)
            scores = critic(augment(real_r1))
            (gradient,) = torch.autograd.grad(scores.sum(), real_r1, create_graph=True)
            r1 = gradient.square().sum(dim=(1, 2, 3)).mean()
            d_optimiser.zero_grad(set_to_none=True)
            (r1 * arguments.r1_gamma / 2 * arguments.r1_every).backward()
            d_optimiser.step()

        # Generator: non-saturating loss.
        fake = generate(generator, batch, device, mixing)
        g_loss = F.softplus(-critic(augment(fake))).mean()
        g_optimiser.zero_grad(set_to_none=True)
        g_loss.backward()
        g_optimiser.step()

        # EMA of the generator (with the StyleGAN2-ADA ramp-up), and the mean w for truncation.
        seen = (step + 1) * batch
        half_life = min(arguments.ema_images, seen * 0.05)
        beta = 0.5 ** (batch / max(half_life, 1e-8))
        with torch.no_grad():
            for ema_p, p in zip(generator_ema.parameters(), generator.parameters(), strict=True):
                ema_p.lerp_(p, 1 - beta)
            if isinstance(generator, StyleGANGenerator):
                w = generator.mapping(torch.randn(64, config.z_dim, device=device))
                generator.mapping.w_average.lerp_(w.mean(0), 0.005)
            for ema_b, b in zip(generator_ema.buffers(), generator.buffers(), strict=True):
                ema_b.copy_(b)

        step += 1
        bar.update(1)
        if step % 10 == 0:
            bar.set_postfix(
                d=f"{d_loss.item():.3f}", g=f"{g_loss.item():.3f}", p=f"{augment.p:.2f}"
            )
        if step % arguments.every == 0 or budget.done(step - begun_at):
            run.log(
                step,
                d_loss=d_loss.item(),
                g_loss=g_loss.item(),
                r1=float(r1),
                ada_p=augment.p,
                r_t=getattr(augment, "last_signal", 0.0),
            )
            with torch.no_grad():
                save_photo_grid(generator_ema(fixed_z), run.path / "samples" / f"{step:06d}.png")
            run.save_state(step, modules, extra={"ada": augment.state()})
    bar.close()
    run.save_state(step, modules, extra={"ada": augment.state()})
    metrics = {
        "steps": step,
        "images_seen": step * batch,
        "ada_p": augment.p,
        "model": arguments.model,
        "resolution": arguments.resolution,
    }
    if arguments.export:
        export_checkpoint(generator_ema, config, arguments.export, metrics)
        print(f"exported {arguments.export}")
    if arguments.export_critic:
        export_checkpoint(critic, config, arguments.export_critic, metrics)
        print(f"exported {arguments.export_critic}")


if __name__ == "__main__":
    main()
