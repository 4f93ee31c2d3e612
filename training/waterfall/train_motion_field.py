"""Train the motion-field network (`animators.nets.waterfall.motion_field`, waterfall method
"flow").

    python -m training.waterfall.train_motion_field --out runs/motion_field [--steps 20000]
        [--max-minutes 60] [--data DIR ...] [--resume] [--export checkpoints/waterfall/flow]
    python -m training.waterfall.train_motion_field --out runs/motion_field_smoke --smoke

Data: procedural fluid scenes (training.waterfall.fluid_scenes: real photos with a flowing layer
streaked along a random smooth field; train-split bird photos and non-held-out, non-water DAVIS
frames as backgrounds, kite-surf water as a real texture), plus real static-camera footage given
with --data (a folder of videos, gifs or frame folders), whose first frame is the input and
whose average optical flow is the target (training.waterfall.motion_targets). --real-share sets the
share of real clips in a batch when there are any.

Targets: the field divided by its median speed on moving pixels ("relative" velocity, about 1
where things move, 0 elsewhere) and the moving mask. Loss: binary cross-entropy on the mask +
L1 on the relative velocity + 0.5 x (1 - cosine) on moving pixels. Adam, cosine learning-rate
decay over the run. Every --every steps: validation on fixed held-out scenes (bird test split,
held-out DAVIS backgrounds, blackswan water): direction cosine on moving pixels, and the ratio of
predicted motion inside / outside the moving region; a sample grid (photo | target | prediction)
in runs/NAME/samples/; state.pt for --resume; the best checkpoint (by cosine, while the
inside/outside ratio is at least 5) in --export (default runs/NAME/best).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from animators.core.checkpoints import load_module, read_json, save_checkpoint
from animators.nets.waterfall.motion_field import MotionFieldConfig, MotionFieldNet
from animators.waterfall.render import flow_overlay
from training.common import TimeBudget, add_run_options, save_image_grid, start_run
from training.waterfall import fluid_scenes, motion_targets


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_run_options(parser, steps=20000, every=250, batch_size=24)
    parser.add_argument("--size", type=int, default=128, help="training scene side (px)")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--init", type=Path, default=None, help="start from this checkpoint")
    parser.add_argument("--data", type=Path, action="append", default=[], help="real footage")
    parser.add_argument("--real-share", type=float, default=0.25)
    fluid_scenes.add_pool_arguments(parser)
    parser.add_argument("--validation", type=int, default=96, help="held-out scenes")
    return parser.parse_args(argv)


def relative_targets(field: np.ndarray, moving: np.ndarray) -> np.ndarray:
    """(S, S, 2) field / its median speed on moving pixels (zero when nothing moves)."""
    if not moving.any():
        return np.zeros_like(field)
    speed = np.hypot(field[..., 0], field[..., 1])[moving]
    return (field / max(float(np.median(speed)), 1e-3)).astype(np.float32)


def to_batch(samples: list[tuple[np.ndarray, np.ndarray, np.ndarray]], device) -> dict:
    """[(image uint8, field, moving)] -> tensors: image (B, 3, S, S) in [0, 1], velocity
    (B, 2, S, S) relative, moving (B, 1, S, S) float."""
    images = np.stack([s[0] for s in samples]).astype(np.float32) / 255.0
    velocity = np.stack([relative_targets(s[1], s[2]) for s in samples])
    moving = np.stack([s[2] for s in samples]).astype(np.float32)
    return {
        "image": torch.from_numpy(images).permute(0, 3, 1, 2).to(device),
        "velocity": torch.from_numpy(velocity).permute(0, 3, 1, 2).to(device),
        "moving": torch.from_numpy(moving)[:, None].to(device),
    }


def augment(sample, rng: np.random.Generator):
    """Mirror left-right (flipping dx) and jitter brightness; never flip vertically (water
    falls down)."""
    image, field, moving = sample
    if rng.random() < 0.5:
        image, moving = image[:, ::-1], moving[:, ::-1]
        field = field[:, ::-1] * np.array([-1.0, 1.0], np.float32)
    gain = rng.uniform(0.8, 1.2)
    image = np.clip(image.astype(np.float32) * gain + rng.uniform(-15, 15), 0, 255)
    return (
        np.ascontiguousarray(image.astype(np.uint8)),
        np.ascontiguousarray(field),
        np.ascontiguousarray(moving),
    )


def losses(output: dict, batch: dict) -> dict[str, torch.Tensor]:
    moving = batch["moving"]
    mask = F.binary_cross_entropy_with_logits(output["moving_logit"], moving)
    velocity = (output["velocity"] - batch["velocity"]).abs().mean()
    cosine = F.cosine_similarity(output["velocity"], batch["velocity"], dim=1, eps=1e-4)[:, None]
    direction = ((1 - cosine) * moving).sum() / moving.sum().clamp(min=1.0)
    return {"mask": mask, "velocity": velocity, "direction": direction}


def predicted_field(output: dict) -> torch.Tensor:
    """What drives the renderer, before the user's speed: velocity x moving probability."""
    return output["velocity"] * torch.sigmoid(output["moving_logit"])


@torch.no_grad()
def evaluate(net: MotionFieldNet, validation: list[dict]) -> dict[str, float]:
    """Direction cosine on moving pixels (zero prediction counts as 0), inside/outside motion
    ratio, and the moving mask's IoU, over the validation batches."""
    net.eval()
    cosines, inside, outside, intersection, union = [], [], [], 0.0, 0.0
    for batch in validation:
        output = net(batch["image"])
        field = predicted_field(output)
        moving = batch["moving"][:, 0] > 0.5
        cosine = F.cosine_similarity(field, batch["velocity"], dim=1, eps=1e-4)
        speed = field.norm(dim=1)
        for index in range(len(moving)):
            if moving[index].any():
                cosines.append(cosine[index][moving[index]].mean().item())
                inside.append(speed[index][moving[index]].mean().item())
            if (~moving[index]).any():
                outside.append(speed[index][~moving[index]].mean().item())
        predicted = torch.sigmoid(output["moving_logit"][:, 0]) > 0.5
        intersection += (predicted & moving).sum().item()
        union += (predicted | moving).sum().item()
    net.train()
    return {
        "cosine": float(np.mean(cosines)),
        "inside_outside": float(np.mean(inside) / max(np.mean(outside), 1e-6)),
        "iou": intersection / max(union, 1.0),
    }


def save_grid(net: MotionFieldNet, batch: dict, path: Path, count: int = 6) -> None:
    """Rows: photo | target field | predicted field (colour = direction)."""
    with torch.no_grad():
        net.eval()
        field = predicted_field(net(batch["image"][:count]))
        net.train()
    rows = []
    for index in range(min(count, len(field))):
        image = (batch["image"][index].permute(1, 2, 0).cpu().numpy() * 255).astype(np.uint8)
        target = batch["velocity"][index].permute(1, 2, 0).cpu().numpy()
        guess = field[index].permute(1, 2, 0).cpu().numpy()
        pictures = (image, flow_overlay(image, target), flow_overlay(image, guess))
        rows.append([torch.from_numpy(picture).permute(2, 0, 1) / 255.0 for picture in pictures])
    save_image_grid(rows, path)


def main(argv=None) -> None:
    args = parse_arguments(argv)
    if args.smoke:
        args.steps, args.every, args.batch_size, args.size, args.validation = 4, 2, 2, 64, 4
    device, run = start_run(args)
    export = args.export or run.path / "best"
    limit = 48 if args.smoke else None
    train_pool, test_pool = fluid_scenes.pools_from_arguments(args, limit)
    real = motion_targets.load_targets(args.data, args.size) if args.data else []
    print(
        f"{len(train_pool.backgrounds)} training backgrounds, {len(train_pool.water)} water "
        f"patches, {len(real)} real clips; device {device}"
    )
    validation_rng = np.random.default_rng(12345)
    scenes = [
        fluid_scenes.make_scene(test_pool, args.size, validation_rng)
        for _ in range(args.validation)
    ]
    validation = [
        to_batch([(s.image, s.field, s.moving) for s in scenes[i : i + 16]], device)
        for i in range(0, len(scenes), 16)
    ]

    if args.init:
        net = load_module(MotionFieldNet, MotionFieldConfig, args.init)
    else:
        net = MotionFieldNet(MotionFieldConfig())
    net.to(device).train()
    optimiser = torch.optim.Adam(net.parameters(), lr=args.lr)
    step, extra = 0, {}
    if args.resume and run.has_state():
        step, extra = run.load_state({"net": net, "optimiser": optimiser})
        print(f"resumed at step {step}")
    best = extra.get("best_cosine", -1.0)
    rng = np.random.default_rng(args.seed + step)
    budget = TimeBudget(args.steps, args.max_minutes)
    first = step
    bar = tqdm(total=args.steps, desc="motion field", unit="step")
    while not budget.done(step - first):
        progress = budget.progress(step - first)
        lr = args.lr * (0.05 + 0.475 * (1 + math.cos(math.pi * progress)))
        for group in optimiser.param_groups:
            group["lr"] = lr
        samples = []
        for _ in range(args.batch_size):
            if real and rng.random() < args.real_share:
                samples.append(
                    motion_targets.random_crop(real[rng.integers(len(real))], args.size, rng)
                )
            else:
                scene = fluid_scenes.make_scene(train_pool, args.size, rng)
                samples.append((scene.image, scene.field, scene.moving))
        batch = to_batch([augment(s, rng) for s in samples], device)
        parts = losses(net(batch["image"]), batch)
        loss = parts["mask"] + parts["velocity"] + 0.5 * parts["direction"]
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        step += 1
        bar.update(1)
        bar.set_postfix({name: f"{value.item():.3f}" for name, value in parts.items()})
        if step % args.every == 0 or budget.done(step - first):
            scores = evaluate(net, validation)
            improved = scores["inside_outside"] >= 5.0 and scores["cosine"] > best
            if improved:
                best = scores["cosine"]
                save_checkpoint(
                    export,
                    net,
                    net.config,
                    metrics={"step": step, "validation": scores},
                    half=False,
                )
            extra["best_cosine"] = best
            run.log(step, lr=lr, **{k: v.item() for k, v in parts.items()}, **scores)
            save_grid(net, validation[0], run.path / "samples" / f"step_{step:06d}.png")
            run.save_state(step, {"net": net, "optimiser": optimiser}, extra)
            tqdm.write(
                f"step {step}: cosine {scores['cosine']:.3f}, inside/outside "
                f"{scores['inside_outside']:.1f}, IoU {scores['iou']:.3f}"
                f"{' saved' if improved else ''}"
            )
    bar.close()
    print(f"best validation cosine {best:.3f}; checkpoint in {export}")
    if (export / "config.json").is_file():
        print(read_json(export, "metrics.json"))


if __name__ == "__main__":
    main()
