"""Train the original project's texture-motion generators (waterfall methods "pix2gif", "recursive",
"recurrent"; `animators.nets.waterfall.pix2gif`) on procedural fluid clips.

    python -m training.waterfall.train_fluid_gan --model pix2gif --out runs/pix2gif
        [--max-minutes 20]        [--resume] [--export checkpoints/waterfall/pix2gif]
    python -m training.waterfall.train_fluid_gan --model recursive --out runs/recursive ...
    python -m training.waterfall.train_fluid_gan --model recurrent --out runs/recurrent ...

Data: 24-frame 64x64 clips of procedural fluid scenes (training.waterfall.fluid_scenes, train split:
real photos with a flowing layer advected along a random smooth field); the original project trained
on real waterfall GIFs, which are not available here (the DAVIS water clips pan the camera).

Losses as in the original project: LSGAN + 100 x L1 to the true frames; Adam 2e-4, betas (0.5,
0.999).
- pix2gif: the 3D generator makes all 24 frames from the first; a 3D PatchGAN judges
  (photo tiled over time, video).
- recursive: next-frame pix2pix; each step rolls out --rollout frames from a true frame,
  feeding the generator its own (detached) outputs, so it trains on inputs like those it sees
  at inference; a 2D PatchGAN judges (previous frame, next frame) pairs.
- recurrent: the same with a ConvGRU state carried through the roll-out (gradients flow
  through the state).
Every --every steps: validation L1 on fixed held-out clips (split "test"), a sample strip,
state.pt for --resume, and the generator (fp16 safetensors) in --export when validation L1
improved.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from animators.core.checkpoints import save_checkpoint
from animators.nets.waterfall.pix2gif import (
    FramePatchDiscriminator,
    Pix2GifConfig,
    Pix2GifGenerator,
    RecursiveConfig,
    RecursiveGenerator,
    VideoPatchDiscriminator,
)
from training.common import TimeBudget, add_run_options, save_image_grid, start_run
from training.waterfall import fluid_scenes

MODELS = ("pix2gif", "recursive", "recurrent")
SIZE, FRAMES = 64, 24
L1_WEIGHT = 100.0


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=MODELS, required=True)
    add_run_options(parser, steps=20000, every=100, batch_size=4)
    parser.add_argument("--rollout", type=int, default=6, help="next-frame roll-out length")
    fluid_scenes.add_pool_arguments(parser)
    parser.add_argument("--validation", type=int, default=16, help="held-out clips")
    return parser.parse_args(argv)


def clip_batch(pool, count: int, rng: np.random.Generator, device) -> torch.Tensor:
    """(B, 3, T, 64, 64) in [-1, 1]: procedural fluid clips (scenes with fluid only)."""
    clips = []
    while len(clips) < count:
        kind = str(rng.choice(fluid_scenes.KINDS, p=fluid_scenes.KIND_WEIGHTS))
        scene = fluid_scenes.make_scene(pool, SIZE, rng, kind=kind)
        frames = fluid_scenes.render_clip(scene, FRAMES)
        if rng.random() < 0.5:  # mirror left-right
            frames = frames[:, :, ::-1]
        clips.append(frames)
    video = torch.from_numpy(np.stack(clips).astype(np.float32) / 127.5 - 1.0)
    return video.permute(0, 4, 1, 2, 3).contiguous().to(device)


def lsgan(scores: torch.Tensor, real: bool) -> torch.Tensor:
    return ((scores - (1.0 if real else 0.0)) ** 2).mean()


def roll_out(generator: RecursiveGenerator, first: torch.Tensor, steps: int, detach: bool):
    """Frames 1..steps from `first` (B, 3, H, W), each made from the previous output.
    Returns (inputs, outputs): lists of (B, 3, H, W)."""
    inputs, outputs, hidden, frame = [], [], None, first
    for _ in range(steps):
        inputs.append(frame)
        frame, hidden = generator(frame, hidden)
        outputs.append(frame)
        if detach:
            frame = frame.detach()
    return inputs, outputs


def generate(generator, model: str, video: torch.Tensor) -> torch.Tensor:
    """The generator's (B, 3, T, H, W) clip from the first frame of `video`."""
    if model == "pix2gif":
        return generator(video[:, :, 0])
    _, outputs = roll_out(generator, video[:, :, 0], video.shape[2] - 1, detach=True)
    return torch.stack([video[:, :, 0]] + outputs, dim=2)


@torch.no_grad()
def validation_l1(generator, model: str, validation: list[torch.Tensor]) -> float:
    generator.eval()
    torch.manual_seed(0)
    value = np.mean([(generate(generator, model, v) - v).abs().mean().item() for v in validation])
    generator.train()
    return float(value)


def save_strip(generator, model: str, video: torch.Tensor, path: Path) -> None:
    """Rows: true clip, generated clip (every 4th frame) for the first 3 validation clips."""
    with torch.no_grad():
        generator.eval()
        made = generate(generator, model, video[:3])
        generator.train()
    rows = [
        list((clip[:, ::4].transpose(0, 1) + 1.0) / 2.0)
        for index in range(len(made))
        for clip in (video[index], made[index])
    ]
    save_image_grid(rows, path)


def main(argv=None) -> None:
    args = parse_arguments(argv)
    if args.smoke:
        args.steps, args.every, args.batch_size, args.validation, args.rollout = 4, 2, 2, 2, 2
    device, run = start_run(args)
    export = args.export or run.path / "best"
    limit = 48 if args.smoke else None
    pool, test_pool = fluid_scenes.pools_from_arguments(args, limit)
    validation_rng = np.random.default_rng(777)
    validation = [
        clip_batch(test_pool, 4, validation_rng, device) for _ in range(args.validation // 4 or 1)
    ]

    if args.model == "pix2gif":
        config = Pix2GifConfig(frames=FRAMES)
        generator, critic = Pix2GifGenerator(config), VideoPatchDiscriminator()
    else:
        config = RecursiveConfig(recurrent=args.model == "recurrent")
        generator, critic = RecursiveGenerator(config), FramePatchDiscriminator()
    generator.to(device).train()
    critic.to(device).train()
    betas = (0.5, 0.999)
    optimise_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=betas)
    optimise_d = torch.optim.Adam(critic.parameters(), lr=2e-4, betas=betas)
    modules = {"generator": generator, "critic": critic, "opt_g": optimise_g, "opt_d": optimise_d}
    step, extra = 0, {}
    if args.resume and run.has_state():
        step, extra = run.load_state(modules)
        print(f"resumed at step {step}")
    best = extra.get("best_l1", float("inf"))
    rng = np.random.default_rng(args.seed + step)
    budget = TimeBudget(args.steps, args.max_minutes)
    first = step
    bar = tqdm(total=args.steps, desc=args.model, unit="step")
    while not budget.done(step - first):
        video = clip_batch(pool, args.batch_size, rng, device)
        if args.model == "pix2gif":
            photo = video[:, :, 0]
            fake = generator(photo)
            d_loss = lsgan(critic(photo, video), True) + lsgan(critic(photo, fake.detach()), False)
            optimise_d.zero_grad(set_to_none=True)
            d_loss.backward()
            optimise_d.step()
            adversarial = lsgan(critic(photo, fake), True)
            l1 = (fake - video).abs().mean()
        else:
            start = int(rng.integers(0, FRAMES - args.rollout))
            truth = video[:, :, start : start + args.rollout + 1]
            inputs, outputs = roll_out(
                generator, truth[:, :, 0], args.rollout, detach=args.model == "recursive"
            )
            previous, made = torch.cat(inputs), torch.cat(outputs)
            real_previous = torch.cat([truth[:, :, i] for i in range(args.rollout)])
            real_next = torch.cat([truth[:, :, i + 1] for i in range(args.rollout)])
            d_loss = lsgan(critic(real_previous, real_next), True) + lsgan(
                critic(previous.detach(), made.detach()), False
            )
            optimise_d.zero_grad(set_to_none=True)
            d_loss.backward()
            optimise_d.step()
            adversarial = lsgan(critic(previous.detach(), made), True)
            l1 = (made - real_next).abs().mean()
        g_loss = adversarial + L1_WEIGHT * l1
        optimise_g.zero_grad(set_to_none=True)
        g_loss.backward()
        optimise_g.step()
        step += 1
        bar.update(1)
        bar.set_postfix(
            d=f"{d_loss.item():.3f}", adv=f"{adversarial.item():.3f}", l1=f"{l1.item():.4f}"
        )
        if step % args.every == 0 or budget.done(step - first):
            value = validation_l1(generator, args.model, validation)
            improved = value < best
            if improved:
                best = value
                save_checkpoint(
                    export, generator, config, metrics={"step": step, "validation_l1": value}
                )
            extra["best_l1"] = best
            run.log(
                step,
                d_loss=d_loss.item(),
                adversarial=adversarial.item(),
                l1=l1.item(),
                validation_l1=value,
            )
            save_strip(
                generator, args.model, validation[0], run.path / "samples" / f"step_{step:06d}.png"
            )
            run.save_state(step, modules, extra)
            saved = " saved" if improved else ""
            tqdm.write(f"step {step}: validation L1 {value:.4f} (best {best:.4f}){saved}")
    bar.close()
    print(f"best validation L1 {best:.4f}; generator in {export}")


if __name__ == "__main__":
    main()
