"""The original project's adversarial variant of the next-frame network, in its three training
schedules.

    python -m training.text.train_adversarial --domain mnist --schedule adversarial+mse \\
        --init checkpoints/text/mnist --out runs/text_mnist_adv_mse [--steps 600] [--resume]

A frame discriminator (animators.nets.text.first_frame.FrameDiscriminator: spectral-norm
convolutions with a projection on the caption) judges each predicted frame against real frames
of the same caption. Schedules (`--schedule`):
- "adversarial":      the generator's loss is the adversarial (hinge) loss alone;
- "adversarial+mse":  L1 + MSE + `--adv-weight` x adversarial;
- "alternating":      even steps L1 + MSE, odd steps adversarial alone.
All three start from the plain model's weights (`--init`, a checkpoint folder) and roll out
`--rollout` frames feeding their own predictions back, like training/text/train_next_frame.py;
both take their batches, roll-outs, validation and exported configuration from
training/text/sequences.py.
Resumable; `--export DIR` writes the generator checkpoint with the schedule in metrics.json.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from animators.core.checkpoints import load_module
from animators.nets.text.first_frame import FirstFrameConfig, FrameDiscriminator
from animators.nets.text.next_frame import NextFrameConfig, NextFrameNet, stack_history
from training.common import (
    TimeBudget,
    export_checkpoint,
    hinge_critic_step,
    run_arguments,
    start_run,
)
from training.text.sequences import (
    batch_source,
    inference_config,
    save_rollout_samples,
    validate,
)

SCHEDULES = ("adversarial", "adversarial+mse", "alternating")


def generator_rollout(net, frames, tokens, given, steps):
    """Predicted frames (B, steps, C, S, S), each fed back (with its gradient)."""
    context = frames[:, :given]
    predicted = []
    for _ in range(steps):
        following = net(stack_history(context, net.config.max_history), tokens)
        predicted.append(following)
        context = torch.cat([context, following[:, None]], dim=1)
    return torch.stack(predicted, dim=1)


def main(argv: list[str] | None = None) -> None:
    parser = run_arguments(__doc__.split("\n")[0], steps=600, every=100)
    parser.add_argument("--schedule", choices=SCHEDULES, required=True)
    parser.add_argument("--init", type=Path, required=True, help="plain model checkpoint folder")
    parser.add_argument("--rollout", type=int, default=4)
    parser.add_argument("--adv-weight", type=float, default=0.01)
    parser.add_argument("--lr-g", type=float, default=1e-4)
    parser.add_argument("--lr-d", type=float, default=4e-4)
    args = parser.parse_args(argv)
    if args.smoke:
        args.steps, args.batch_size, args.every, args.rollout = 2, 2, 1, 2

    device, run = start_run(args)
    train_batch, channels = batch_source(args.domain, "train", args.data)
    net = load_module(NextFrameNet, NextFrameConfig, args.init).float().to(device).train()
    net.config = replace(net.config, whole_pixel_motion=False)  # trained with continuous moves
    if net.config.channels != channels:
        raise SystemExit(
            f"{args.init} has {net.config.channels} channels; {args.domain} needs {channels}."
        )
    critic = FrameDiscriminator(FirstFrameConfig(channels=channels)).to(device)
    optimiser_g = torch.optim.Adam(net.parameters(), lr=args.lr_g, betas=(0.5, 0.9))
    optimiser_d = torch.optim.Adam(critic.parameters(), lr=args.lr_d, betas=(0.5, 0.9))
    modules = {"net": net, "critic": critic, "opt_g": optimiser_g, "opt_d": optimiser_d}
    step = 0
    if args.resume and run.has_state():
        step, _ = run.load_state(modules)
        print(f"resumed {args.out} at step {step}")
    rng = np.random.default_rng(args.seed + step)

    progress = tqdm(total=args.steps, initial=step, desc=f"{args.domain}/{args.schedule}")
    budget = TimeBudget(args.steps, args.max_minutes)
    while not budget.done(step):
        given = int(rng.integers(1, net.config.max_history + 1))
        batch = train_batch(rng, args.batch_size, given + args.rollout)
        frames = torch.from_numpy(batch["frames"]).to(device)
        tokens = torch.from_numpy(batch["tokens"]).to(device)
        target = frames[:, given:]
        predicted = generator_rollout(net, frames, tokens, given, args.rollout)
        flat_tokens = tokens.repeat_interleave(args.rollout, dim=0)

        loss_d = hinge_critic_step(
            critic, optimiser_d, target.flatten(0, 1), predicted.flatten(0, 1), flat_tokens
        )

        adversarial = -critic(predicted.flatten(0, 1), flat_tokens).mean()
        reconstruction = F.l1_loss(predicted, target) + F.mse_loss(predicted, target)
        if args.schedule == "adversarial":
            loss_g = adversarial
        elif args.schedule == "adversarial+mse":
            loss_g = reconstruction + args.adv_weight * adversarial
        else:
            loss_g = reconstruction if step % 2 == 0 else adversarial
        optimiser_g.zero_grad(set_to_none=True)
        loss_g.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimiser_g.step()

        step += 1
        progress.update(1)
        progress.set_postfix(d=f"{loss_d.item():.3f}", rec=f"{reconstruction.item():.4f}")
        finished = budget.done(step)
        if step % args.every == 0 or finished:
            run.log(
                step,
                loss_d=loss_d.item(),
                adversarial=adversarial.item(),
                reconstruction=reconstruction.item(),
                seconds=budget.elapsed(),
            )
            samples = run.path / "samples" / f"step_{step:06d}.png"
            save_rollout_samples(samples, net, train_batch, device)
            run.save_state(step, modules)
        if finished:
            break
    progress.close()

    if args.export:
        net.eval()
        net.config = inference_config(net.config, args.domain)
        metrics = {
            "domain": args.domain,
            "schedule": args.schedule,
            "init": str(args.init),
            "steps": step,
            "val_l1_10_frames_seen": validate(net, train_batch, device, np.random.default_rng(7)),
        }
        export_checkpoint(net, net.config, args.export, metrics)
        print(f"exported {args.export}: {metrics}")


if __name__ == "__main__":
    main()
