"""Train the original project's whole-clip inbetweeners (`animators.nets.inbetween.clip_generator`):
the 3D-conv conditional VAE (`--kind cvae`) or conditional GAN (`--kind cgan`), on 30-frame 64x64
windows of real video (training.inbetween.clip_windows; the benchmark's held-out DAVIS sequences
excluded).

    python -m training.inbetween.train_clip_generator --kind cvae --out runs/cvae [--max-minutes 30]
        [--data DIR ...] [--resume] [--export checkpoints/inbetween/cvae]
    python -m training.inbetween.train_clip_generator --kind cgan --out runs/cgan --smoke

cvae: video encoder -> z (reparameterised) -> generator; loss = --video-weight x video L2
      + --end-weight x end-frame L2 + --kl-weight x KL(q(z | clip) || N(0, I)).
cgan: z ~ N(0, I) -> generator; the discriminator sees the clip alone (not the conditioning
      frames), binary cross-entropy with one-sided label smoothing (real = 0.9), 4
      discriminator steps per generator step; generator loss = adversarial + --end-weight x
      end-frame L2 (+ --video-weight x video L2, 0 by default as in the original project).
Adam (2e-4, betas 0.5 / 0.999). Every --every steps: a sample grid in runs/NAME/samples/
(rows: real clip, generated clip; columns: every 5th frame), state.pt for --resume, and the
generator's fp16 checkpoint in --export (default runs/NAME/export).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from animators.nets.inbetween.clip_generator import (
    ClipDiscriminator,
    ClipGenerator,
    ClipGeneratorConfig,
    VideoEncoder,
    end_frame_error,
    kl_divergence,
)
from training.common import (
    TimeBudget,
    add_run_options,
    export_checkpoint,
    save_image_grid,
    start_run,
)
from training.inbetween import video_triplets
from training.inbetween.clip_windows import WindowSampler

REAL_LABEL = 0.9  # one-sided label smoothing
CRITIC_STEPS = 4


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kind", choices=("cvae", "cgan"), required=True)
    add_run_options(parser, steps=20000, every=200, batch_size=8)
    video_triplets.add_footage_arguments(parser)
    parser.add_argument("--width", type=int, default=ClipGeneratorConfig.width)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--video-weight", type=float, default=None, help="cvae 1, cgan 0")
    parser.add_argument("--end-weight", type=float, default=10.0)
    parser.add_argument("--kl-weight", type=float, default=1e-4)
    return parser.parse_args(argv)


@torch.no_grad()
def save_grid(generator: ClipGenerator, clips: torch.Tensor, path: Path, seed: int = 0) -> None:
    """Rows: real clip, generated clip (z from `seed`); columns: every 5th frame."""
    generator.eval()
    fake = generator.sample(clips[:, :, 0], clips[:, :, -1], seed)
    generator.train()
    frames = list(range(0, clips.shape[2], 5)) + [clips.shape[2] - 1]
    rows = [
        [clip[:, index] for index in frames]
        for real, made in zip(clips[:4], fake[:4], strict=False)
        for clip in (real, made)
    ]
    save_image_grid(rows, path)


def main(argv=None) -> None:
    args = parse_arguments(argv)
    if args.smoke:
        args.steps, args.every, args.batch_size, args.width = 2, 1, 2, 4
    video_weight = args.video_weight
    if video_weight is None:
        video_weight = 1.0 if args.kind == "cvae" else 0.0
    device, run = start_run(args)
    export = args.export or run.path / "export"
    clips = video_triplets.clips_from_arguments(args)
    config = ClipGeneratorConfig(width=args.width)
    sampler = WindowSampler(clips, frames=config.frames, size=config.size)
    print(f"{len(sampler.options)} clips with {config.frames}-frame windows, device {device}")

    generator = ClipGenerator(config).to(device).train()
    modules: dict = {"generator": generator}
    g_parameters = list(generator.parameters())
    if args.kind == "cvae":
        encoder = VideoEncoder(config).to(device).train()
        modules["encoder"] = encoder
        g_parameters += list(encoder.parameters())
    else:
        critic = ClipDiscriminator(config).to(device).train()
        modules["critic"] = critic
        modules["critic_optimiser"] = torch.optim.Adam(
            critic.parameters(), lr=args.lr, betas=(0.5, 0.999)
        )
    optimiser = torch.optim.Adam(g_parameters, lr=args.lr, betas=(0.5, 0.999))
    modules["optimiser"] = optimiser
    step = 0
    if args.resume and run.has_state():
        step, _ = run.load_state(modules)
        print(f"resumed at step {step}")
    rng = np.random.default_rng(args.seed + step)

    def real_batch() -> torch.Tensor:
        return torch.from_numpy(sampler.batch(rng, args.batch_size)).to(device)

    budget = TimeBudget(args.steps, args.max_minutes)
    first_step = step
    bar = tqdm(total=args.steps, desc=args.kind, unit="step")
    values: dict[str, float] = {}
    while not budget.done(step - first_step):
        if args.kind == "cgan":
            for _ in range(CRITIC_STEPS):
                real = real_batch()
                with torch.no_grad():
                    fake = generator.sample(real[:, :, 0], real[:, :, -1], int(rng.integers(2**31)))
                real_logits, fake_logits = critic(real), critic(fake)
                critic_loss = F.binary_cross_entropy_with_logits(
                    real_logits, torch.full_like(real_logits, REAL_LABEL)
                ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
                modules["critic_optimiser"].zero_grad(set_to_none=True)
                critic_loss.backward()
                modules["critic_optimiser"].step()
            values["critic"] = critic_loss.item()
        real = real_batch()
        first, last = real[:, :, 0], real[:, :, -1]
        if args.kind == "cvae":
            mean, log_variance = encoder(real, first, last)
            z = mean + torch.randn_like(mean) * (0.5 * log_variance).exp()
            clip = generator(first, last, z)
            kl = kl_divergence(mean, log_variance)
            loss = args.kl_weight * kl
            values["kl"] = kl.item()
        else:
            z = torch.randn(real.shape[0], config.z_dim, device=device)
            clip = generator(first, last, z)
            logits = critic(clip)
            adversarial = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
            loss = adversarial
            values["adversarial"] = adversarial.item()
        video = F.mse_loss(clip, real)
        ends = end_frame_error(clip, first, last)
        loss = loss + video_weight * video + args.end_weight * ends
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        values.update(video_l2=video.item(), end_l2=ends.item())
        step += 1
        bar.update(1)
        bar.set_postfix({key: f"{value:.4f}" for key, value in values.items()})
        if step % args.every == 0 or budget.done(step - first_step):
            run.log(step, **values)
            save_grid(generator, real, run.path / "samples" / f"step_{step:06d}.png")
            run.save_state(step, modules)
            rounded = {key: round(value, 5) for key, value in values.items()}
            metrics = {"kind": args.kind, "step": step, **rounded}
            export_checkpoint(generator, config, export, metrics)
    bar.close()
    print(f"{args.kind}: {step} steps; generator checkpoint in {export}")


if __name__ == "__main__":
    main()
