"""Train the caption-conditioned next-frame network on one domain.

    python -m training.text.train_next_frame --domain mnist --out runs/text_mnist [--steps 20000]
        [--resume]
    python -m training.text.train_next_frame --domain icons --out runs/text_icons --smoke
    python -m training.text.train_next_frame --domain walking --out runs/text_walking  # real people

Domains: captioned Moving-MNIST (held-out digit-motion pairs for validation), coloured icons,
and walking people cut from real video (training.text.walking; the test split is the last
quarter of the video).

Each step draws a batch of captioned sequences, gives the network 1..max_history real frames
and lets it roll out `--rollout` frames. With probability `sampling` (ramped from 0 to
`--max-sampling` over training: scheduled sampling) a step's input is the network's own
previous prediction (gradient kept) instead of the real frame, so long roll-outs do not blur.
Loss: L1 + MSE.
Resumable (runs/NAME/state.pt), logs to runs/NAME/log.jsonl, sample grids in runs/NAME/samples/.
`--export checkpoints/text/<domain>` writes the small fp16 checkpoint with validation metrics.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from animators.core.checkpoints import load_module, read_json
from animators.nets.text.next_frame import NextFrameConfig, NextFrameNet, stack_history
from training.common import TimeBudget, export_checkpoint, run_arguments, start_run
from training.text.sequences import (
    batch_source,
    inference_config,
    save_rollout_samples,
    validate,
)


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
        # The own prediction is fed back with its gradient, so the loss also teaches the
        # network to recover from its own earlier errors.
        use_own = torch.rand((), generator=generator).item() < sampling
        following = prediction if use_own else target
        context = torch.cat([context, following[:, None]], dim=1)
    return total / steps


def main(argv: list[str] | None = None) -> None:
    parser = run_arguments(__doc__.split("\n")[0], steps=20000, every=250)
    parser.add_argument("--rollout", type=int, default=4, help="frames predicted per step")
    parser.add_argument("--max-sampling", type=float, default=0.5)
    parser.add_argument(
        "--ramp", type=float, default=0.5, help="share of the run the sampling ramps over (0: none)"
    )
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--init", type=Path, default=None, help="start from a checkpoint folder")
    args = parser.parse_args(argv)
    if args.smoke:
        args.steps, args.batch_size, args.every, args.rollout = 3, 2, 2, 2

    device, run = start_run(args)
    train_batch, channels = batch_source(args.domain, "train", args.data)
    heldout_batch, _ = batch_source(
        args.domain, "train" if args.domain == "icons" else "heldout", args.data
    )
    if args.init:  # fine-tune an exported model (its architecture; continuous moves)
        net = load_module(NextFrameNet, NextFrameConfig, args.init).float().train()
        config = replace(net.config, whole_pixel_motion=False, rigid_window=0)
        net.config = config
    else:
        config = NextFrameConfig(channels=channels)
        net = NextFrameNet(config)
    net = net.to(device)
    optimiser = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    step = 0
    if args.resume and run.has_state():
        step, _ = run.load_state({"net": net, "optimiser": optimiser})
        print(f"resumed {args.out} at step {step}")
    rng = np.random.default_rng(args.seed + step)
    generator = torch.Generator().manual_seed(args.seed + step)
    max_history = config.max_history

    budget = TimeBudget(args.steps, args.max_minutes)

    def checkpoint(loss: float, sampling: float) -> None:
        run.log(step, loss=loss, sampling=sampling, seconds=budget.elapsed())
        save_rollout_samples(
            run.path / "samples" / f"step_{step:06d}.png", net, train_batch, device
        )
        run.save_state(step, {"net": net, "optimiser": optimiser})

    progress = tqdm(total=args.steps, initial=step, desc=f"text/{args.domain}", unit="step")
    loss_value, sampling = float("nan"), 0.0
    while not budget.done(step):
        given = int(rng.integers(1, max_history + 1))
        batch = train_batch(rng, args.batch_size, given + args.rollout)
        frames = torch.from_numpy(batch["frames"]).to(device)
        tokens = torch.from_numpy(batch["tokens"]).to(device)
        ramp = min(1.0, budget.progress(step) / args.ramp) if args.ramp > 0 else 1.0
        sampling = args.max_sampling * ramp
        loss = rollout_loss(net, frames, tokens, given, args.rollout, sampling, generator)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimiser.step()
        step += 1
        loss_value = loss.item()
        progress.update(1)
        progress.set_postfix(loss=f"{loss_value:.4f}", sampling=f"{sampling:.2f}")
        if step % args.every == 0:
            checkpoint(loss_value, sampling)
    if step % args.every != 0:
        checkpoint(loss_value, sampling)
    progress.close()

    if args.export:
        net.config = inference_config(config, args.domain)
        metrics = {
            "domain": args.domain,
            "steps": step,
            "init": str(args.init) if args.init else None,
            "init_steps": read_json(args.init, "metrics.json").get("steps") if args.init else 0,
            "val_l1_10_frames_seen": validate(net, train_batch, device, np.random.default_rng(7)),
            "val_l1_10_frames_heldout": validate(
                net, heldout_batch, device, np.random.default_rng(8)
            ),
        }
        export_checkpoint(net, net.config, args.export, metrics)
        print(f"exported {args.export}: {metrics}")


if __name__ == "__main__":
    main()
