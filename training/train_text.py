"""Train the caption-conditioned next-frame network (issue 4) on one domain.

    python -m training.train_text --domain mnist --out runs/text_mnist [--steps 20000] [--resume]
    python -m training.train_text --domain icons --out runs/text_icons --smoke

Each step draws a batch of captioned sequences, gives the network 1..max_history real frames
and lets it roll out `--rollout` frames. With probability `sampling` (ramped from 0 to
`--max-sampling` over training: scheduled sampling) a step's input is the network's own
previous prediction instead of the real frame, so long roll-outs do not blur. Loss: L1 + MSE.
Resumable (runs/NAME/state.pt), logs to runs/NAME/log.jsonl, sample grids in runs/NAME/samples/.
`--export checkpoints/text/<domain>` writes the small fp16 checkpoint with validation metrics.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from tqdm import tqdm

from animators.nets.next_frame import NextFrameConfig, NextFrameNet, stack_history
from training.common import RunFolder, export_checkpoint, pick_device, seed_everything

BatchFn = Callable[[np.random.Generator, int, int], dict]
"""(rng, batch_size, num_frames) -> {"frames": (B, T, C, 64, 64) float32 in [0, 1],
"tokens": (B, 12) int64}"""


def batch_source(domain: str, split: str, data: Path | None) -> tuple[BatchFn, int]:
    """The batch function of a domain and its number of channels."""
    if domain == "mnist":
        from training.data import moving_mnist

        images, labels = moving_mnist.load_mnist(data)

        def mnist_batch(rng, batch_size, num_frames):
            return moving_mnist.batch(images, labels, rng, batch_size, num_frames, split=split)

        return mnist_batch, 1
    if domain == "icons":
        from training.data import icons

        def icon_batch(rng, batch_size, num_frames):
            return icons.batch(rng, batch_size, num_frames)

        return icon_batch, 3
    raise SystemExit(f"Unknown domain {domain!r}; use mnist or icons.")


def rollout_loss(
    net: NextFrameNet,
    frames: torch.Tensor,
    tokens: torch.Tensor,
    given: int,
    steps: int,
    sampling: float,
    generator: torch.Generator,
) -> torch.Tensor:
    """Mean L1 + MSE over `steps` predicted frames after `given` real ones.

    frames: (B, T, C, S, S) with T >= given + steps.
    """
    context = frames[:, :given]
    total = frames.new_zeros(())
    for step in range(steps):
        target = frames[:, given + step]
        prediction = net(stack_history(context, net.config.max_history), tokens)
        total = total + F.l1_loss(prediction, target) + F.mse_loss(prediction, target)
        use_own = torch.rand((), generator=generator).item() < sampling
        following = prediction.detach() if use_own else target
        context = torch.cat([context, following[:, None]], dim=1)
    return total / steps


@torch.inference_mode()
def rollout(
    net: NextFrameNet, start: torch.Tensor, tokens: torch.Tensor, steps: int
) -> torch.Tensor:
    """Frames given (B, T0, C, S, S) -> (B, T0 + steps, C, S, S), feeding predictions back."""
    frames = start
    for _ in range(steps):
        following = net(stack_history(frames, net.config.max_history), tokens)
        frames = torch.cat([frames, following[:, None]], dim=1)
    return frames


def save_grid(path: Path, truth: torch.Tensor, predicted: torch.Tensor) -> None:
    """Rows of (truth, prediction) per sequence; frames side by side. Writes a PNG."""
    rows = []
    for real, guess in zip(truth, predicted, strict=True):
        for clip in (real, guess):
            strip = torch.cat(list(clip), dim=-1)  # (C, S, T*S)
            rows.append(strip)
    grid = torch.cat(rows, dim=-2).clamp(0, 1)
    array = (grid.permute(1, 2, 0).cpu().numpy() * 255).round().astype(np.uint8)
    Image.fromarray(array.squeeze(-1) if array.shape[-1] == 1 else array).save(path)


def validate(net, batch_fn, device, rng, steps=10, batches=4, batch_size=16) -> float:
    """Mean L1 of `steps`-frame roll-outs from one real frame."""
    net.eval()
    errors = []
    for _ in range(batches):
        batch = batch_fn(rng, batch_size, steps + 1)
        frames = torch.from_numpy(batch["frames"]).to(device)
        tokens = torch.from_numpy(batch["tokens"]).to(device)
        predicted = rollout(net, frames[:, :1], tokens, steps)
        errors.append(F.l1_loss(predicted[:, 1:], frames[:, 1:]).item())
    net.train()
    return float(np.mean(errors))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--domain", choices=("mnist", "icons"), default="mnist")
    parser.add_argument("--data", type=Path, default=None, help="mnist .npz (x, y)")
    parser.add_argument("--out", type=Path, required=True, help="run folder, e.g. runs/text_mnist")
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--rollout", type=int, default=4, help="frames predicted per step")
    parser.add_argument("--max-sampling", type=float, default=0.5)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--every", type=int, default=250, help="save/sample/log interval")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--export", type=Path, default=None, help="checkpoint folder to write")
    parser.add_argument("--device", default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoke", action="store_true", help="a few tiny steps, to test the code")
    args = parser.parse_args(argv)
    if args.smoke:
        args.steps, args.batch_size, args.every, args.rollout = 3, 2, 2, 2

    seed_everything(args.seed)
    device = pick_device(args.device)
    train_batch, channels = batch_source(args.domain, "train", args.data)
    heldout_batch, _ = batch_source(
        args.domain, "heldout" if args.domain == "mnist" else "train", args.data
    )
    config = NextFrameConfig(channels=channels)
    net = NextFrameNet(config).to(device)
    optimiser = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    run = RunFolder(args.out)
    step = 0
    if args.resume and run.has_state():
        step, _ = run.load_state({"net": net, "optimiser": optimiser})
        print(f"resumed {args.out} at step {step}")
    rng = np.random.default_rng(args.seed + step)
    generator = torch.Generator().manual_seed(args.seed + step)
    max_history = config.max_history

    progress = tqdm(total=args.steps, initial=step, desc=f"text/{args.domain}", unit="step")
    began = time.perf_counter()
    while step < args.steps:
        given = int(rng.integers(1, max_history + 1))
        batch = train_batch(rng, args.batch_size, given + args.rollout)
        frames = torch.from_numpy(batch["frames"]).to(device)
        tokens = torch.from_numpy(batch["tokens"]).to(device)
        sampling = args.max_sampling * min(1.0, step / max(1, args.steps // 2))
        loss = rollout_loss(net, frames, tokens, given, args.rollout, sampling, generator)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimiser.step()
        step += 1
        progress.update(1)
        progress.set_postfix(loss=f"{loss.item():.4f}", sampling=f"{sampling:.2f}")
        if step % args.every == 0 or step == args.steps:
            run.log(step, loss=loss.item(), sampling=sampling, seconds=time.perf_counter() - began)
            sample = train_batch(np.random.default_rng(123), 4, 12)
            truth = torch.from_numpy(sample["frames"]).to(device)
            predicted = rollout(
                net, truth[:, :1], torch.from_numpy(sample["tokens"]).to(device), 11
            )
            save_grid(run.path / "samples" / f"step_{step:06d}.png", truth, predicted)
            run.save_state(step, {"net": net, "optimiser": optimiser})
    progress.close()

    if args.export:
        metrics = {
            "domain": args.domain,
            "steps": step,
            "val_l1_10_frames_seen": validate(net, train_batch, device, np.random.default_rng(7)),
            "val_l1_10_frames_heldout": validate(
                net, heldout_batch, device, np.random.default_rng(8)
            ),
        }
        export_checkpoint(net, config, args.export, metrics)
        print(f"exported {args.export}: {metrics}")


if __name__ == "__main__":
    main()
