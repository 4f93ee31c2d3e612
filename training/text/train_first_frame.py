"""Train the caption -> first-frame conditional GAN on one domain.

    python -m training.text.train_first_frame --domain mnist --out runs/first_mnist [--steps 4000]
    python -m training.text.train_first_frame --domain icons --out runs/first_icons --resume

Real frames are frame 0 of the captioned training sequences (MNIST training images only:
index % 10 != 0; one digit per frame: the app composes two-digit captions from two draws).
Digits and icons are drawn as 32x32 sprites placed at random positions; walking frames whole.
Hinge loss, projection discriminator with spectral normalisation, Adam (0.0, 0.9) with TTUR
learning rates (G 1e-4, D 4e-4). Resumable (runs/NAME/state.pt), logs
to runs/NAME/log.jsonl, sample grids (one row per fixed caption) in runs/NAME/samples/.
`--export checkpoints/text/<domain>_first_frame` writes the small fp16 generator.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from animators.nets.text.first_frame import (
    FirstFrameConfig,
    FirstFrameGenerator,
    FrameDiscriminator,
)
from animators.text.captions import tokenize
from training.common import (
    TimeBudget,
    export_checkpoint,
    hinge_critic_step,
    run_arguments,
    save_image_grid,
    start_run,
)
from training.text.sequences import batch_source

SAMPLE_CAPTIONS = {
    "mnist": [f"the digit {digit} is moving left" for digit in range(10)],
    "icons": [
        f"a {color} {shape} moving up"
        for color, shape in (
            ("red", "circle"),
            ("green", "square"),
            ("blue", "triangle"),
            ("yellow", "star"),
            ("white", "diamond"),
            ("purple", "circle"),
        )
    ],
    "walking": ["person walking left", "person walking right"] * 3,
}


# Digits and icons are small objects on black: a 32x32 sprite placed at a random position
# (see animators.nets.text.first_frame); walking frames are whole scenes.
GENERATOR_SHAPES = {
    "mnist": {"sprite": 32, "width": 32},
    "icons": {"sprite": 32, "width": 32},
    "walking": {"sprite": 0, "width": 16},
}


def save_samples(path: Path, generator: FirstFrameGenerator, domain: str, device) -> None:
    """One row per sample caption, 8 noise draws per row. Writes a PNG."""
    generator.eval()
    captions = SAMPLE_CAPTIONS[domain]
    tokens = torch.tensor([tokenize(c) for c in captions for _ in range(8)], device=device)
    frames = generator.sample(tokens, seed=0).cpu()  # (R*8, C, S, S)
    generator.train()
    save_image_grid(frames.view(len(captions), 8, *frames.shape[1:]), path)


def main(argv: list[str] | None = None) -> None:
    parser = run_arguments(__doc__.split("\n")[0], steps=4000, every=250)
    parser.add_argument("--lr-g", type=float, default=1e-4)
    parser.add_argument("--lr-d", type=float, default=4e-4)
    args = parser.parse_args(argv)
    if args.smoke:
        args.steps, args.batch_size, args.every = 3, 4, 2

    device, run = start_run(args)
    real_batch, channels = batch_source(args.domain, "train", args.data, num_digits=1)
    config = FirstFrameConfig(channels=channels, **GENERATOR_SHAPES[args.domain])
    generator = FirstFrameGenerator(config).to(device)
    discriminator = FrameDiscriminator(config).to(device)
    optimiser_g = torch.optim.Adam(generator.parameters(), lr=args.lr_g, betas=(0.0, 0.9))
    optimiser_d = torch.optim.Adam(discriminator.parameters(), lr=args.lr_d, betas=(0.0, 0.9))
    modules = {"g": generator, "d": discriminator, "opt_g": optimiser_g, "opt_d": optimiser_d}
    step = 0
    if args.resume and run.has_state():
        step, _ = run.load_state(modules)
        print(f"resumed {args.out} at step {step}")
    rng = np.random.default_rng(args.seed + step)

    progress = tqdm(total=args.steps, initial=step, desc=f"first frame/{args.domain}", unit="step")
    budget = TimeBudget(args.steps, args.max_minutes)
    while not budget.done(step):
        batch = real_batch(rng, args.batch_size, 1)
        real = torch.from_numpy(batch["frames"][:, 0]).to(device)
        tokens = torch.from_numpy(batch["tokens"]).to(device)
        noise = torch.randn(len(real), config.noise_dim, device=device)
        fake = generator(tokens, noise)

        loss_d = hinge_critic_step(discriminator, optimiser_d, real, fake, tokens)

        loss_g = -discriminator(fake, tokens).mean()
        optimiser_g.zero_grad(set_to_none=True)
        loss_g.backward()
        optimiser_g.step()

        step += 1
        progress.update(1)
        progress.set_postfix(d=f"{loss_d.item():.3f}", g=f"{loss_g.item():.3f}")
        finished = budget.done(step)
        if step % args.every == 0 or finished:
            run.log(
                step,
                loss_d=loss_d.item(),
                loss_g=loss_g.item(),
                seconds=budget.elapsed(),
            )
            save_samples(
                run.path / "samples" / f"step_{step:06d}.png", generator, args.domain, device
            )
            run.save_state(step, modules)
        if finished:
            break
    progress.close()

    if args.export:
        generator.eval()
        metrics = {"domain": args.domain, "steps": step, "batch_size": args.batch_size}
        export_checkpoint(generator, config, args.export, metrics)
        print(f"exported {args.export}")


if __name__ == "__main__":
    main()
