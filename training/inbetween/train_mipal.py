"""Train the original project's encoder-decoder + refinement inbetweener
(`animators.nets.inbetween.mipal`), end to end, on 8-frame 256x256 sequences of real video
(training.inbetween.clip_windows; the benchmark's held-out DAVIS sequences excluded).

    python -m training.inbetween.train_mipal --out runs/mipal [--max-minutes 30] [--data DIR ...]
        [--resume] [--export checkpoints/inbetween/mipal]
    python -m training.inbetween.train_mipal --out runs/mipal_smoke --smoke

Each step takes a batch of sequences and, per sequence, one inner frame k in 1..6 as the target
at t = k / 7 between frames 0 and 7. Losses: stage 1 (latent interpolation) L1 + (1 - MS-SSIM)
(pytorch-msssim); stage 2 (refinement U-Net) L1 + --adversarial-weight x the PatchGAN's binary
cross-entropy; both stages learn together. TTUR: Adam 1e-4 for the generator, 5e-4 for the
discriminator (betas 0.5 / 0.999). Every --every steps: a sample grid in runs/NAME/samples/
(start | coarse | refined | truth | end), state.pt for --resume, and the fp16 checkpoint in
--export (default runs/NAME/export) with the last losses.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from pytorch_msssim import ms_ssim
from tqdm import tqdm

from animators.nets.inbetween.mipal import Mipal, MipalConfig, PatchDiscriminator
from training.common import (
    TimeBudget,
    add_run_options,
    export_checkpoint,
    save_image_grid,
    start_run,
)
from training.inbetween import video_triplets
from training.inbetween.clip_windows import WindowSampler

SEQUENCE = 8


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_run_options(parser, steps=20000, every=200, batch_size=8)
    video_triplets.add_footage_arguments(parser)
    parser.add_argument("--generator-lr", type=float, default=1e-4)
    parser.add_argument("--critic-lr", type=float, default=5e-4)
    parser.add_argument("--adversarial-weight", type=float, default=0.01)
    return parser.parse_args(argv)


@torch.no_grad()
def save_grid(images: list[torch.Tensor], path: Path) -> None:
    """Rows: up to 4 samples; columns: the given (B, 3, H, W) images, shown at 128 px."""
    columns = [F.interpolate(image[:4], size=128, mode="area") for image in images]
    save_image_grid(zip(*columns, strict=True), path)


def main(argv=None) -> None:
    args = parse_arguments(argv)
    config = MipalConfig()
    if args.smoke:
        args.steps, args.every, args.batch_size = 2, 1, 1
        config = MipalConfig(width=4, refine_width=4, latent_channels=8)
    device, run = start_run(args)
    export = args.export or run.path / "export"
    clips = video_triplets.clips_from_arguments(args)
    sampler = WindowSampler(clips, frames=SEQUENCE, size=config.size)
    print(f"{len(sampler.options)} clips with {SEQUENCE}-frame windows, device {device}")

    model = Mipal(config).to(device).train()
    critic = PatchDiscriminator(8 if args.smoke else 32).to(device).train()
    betas = (0.5, 0.999)
    g_optimiser = torch.optim.Adam(model.parameters(), lr=args.generator_lr, betas=betas)
    d_optimiser = torch.optim.Adam(critic.parameters(), lr=args.critic_lr, betas=betas)
    modules = {
        "model": model,
        "critic": critic,
        "generator_optimiser": g_optimiser,
        "critic_optimiser": d_optimiser,
    }
    step = 0
    if args.resume and run.has_state():
        step, _ = run.load_state(modules)
        print(f"resumed at step {step}")
    rng = np.random.default_rng(args.seed + step)
    budget = TimeBudget(args.steps, args.max_minutes)
    first_step = step
    bar = tqdm(total=args.steps, desc="mipal", unit="step")
    while not budget.done(step - first_step):
        clips_batch = torch.from_numpy(sampler.batch(rng, args.batch_size)).to(device)
        inner = torch.from_numpy(rng.integers(1, SEQUENCE - 1, size=args.batch_size)).to(device)
        rows = torch.arange(args.batch_size, device=device)
        start, end = clips_batch[:, :, 0], clips_batch[:, :, -1]
        truth = clips_batch[rows, :, inner]
        t = inner.float() / (SEQUENCE - 1)
        coarse, refined = model(start, end, t)

        fake_logits = critic(refined.detach(), coarse.detach())
        real_logits = critic(truth, coarse.detach())
        critic_loss = F.binary_cross_entropy_with_logits(
            real_logits, torch.ones_like(real_logits)
        ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        d_optimiser.zero_grad(set_to_none=True)
        critic_loss.backward()
        d_optimiser.step()

        coarse_l1 = F.l1_loss(coarse, truth)
        coarse_msssim = ms_ssim(coarse, truth, data_range=1.0, size_average=True)
        refined_l1 = F.l1_loss(refined, truth)
        logits = critic(refined, coarse)
        adversarial = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
        stage_one = coarse_l1 + (1.0 - coarse_msssim)
        loss = stage_one + refined_l1 + args.adversarial_weight * adversarial
        g_optimiser.zero_grad(set_to_none=True)
        loss.backward()
        g_optimiser.step()

        step += 1
        bar.update(1)
        values = {
            "coarse_l1": coarse_l1.item(),
            "coarse_ms_ssim": coarse_msssim.item(),
            "refined_l1": refined_l1.item(),
            "adversarial": adversarial.item(),
            "critic": critic_loss.item(),
        }
        bar.set_postfix({key: f"{value:.3f}" for key, value in values.items()})
        if step % args.every == 0 or budget.done(step - first_step):
            run.log(step, **values)
            save_grid(
                [start, coarse, refined, truth, end],
                run.path / "samples" / f"step_{step:06d}.png",
            )
            run.save_state(step, modules)
            rounded = {key: round(value, 5) for key, value in values.items()}
            export_checkpoint(model, config, export, {"step": step, **rounded})
    bar.close()
    print(f"mipal: {step} steps; checkpoint in {export}")


if __name__ == "__main__":
    main()
