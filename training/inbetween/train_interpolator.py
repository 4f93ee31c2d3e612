"""Train the learned inbetweener (`animators.nets.inbetween.interpolator.FlowFusionNet`, method
"learned").

    python -m training.inbetween.train_interpolator --out runs/interp [--steps 20000]
        [--max-minutes 60] [--data DIR ...] [--resume] [--export checkpoints/inbetween/learned]
    python -m training.inbetween.train_interpolator --out runs/interp_smoke --smoke

Data (training.inbetween.video_triplets): triplets with a random t from the shared DAVIS sequences
(minus the three held-out benchmark sequences), the OpenCV sample clips, any real footage
passed with --data, and synthetic motion over the train-split bird photos (--synthetic-share).
Steps alternate between flow scale 1 (448x256-like frames) and 2 (854x480-like frames)
(--flow-scales sets the cycle).

Loss: Charbonnier L1 + 0.2 x (1 - SSIM) of the frame at t, plus 0.03 x the L1 distance of the
network's flows at t to privileged "teacher" flows (DIS from the true middle frame to each
input, where they reproduce it): the network never sees the middle frame, but learns where the
linear-motion guess of the classical method goes wrong (RIFE's distillation, with a classical
teacher). --psnr-weight adds that many times the mean per-sample log10 MSE (-PSNR / 10, the
benchmark's own measure), for fine-tuning. --large-crop sets a larger crop for the flow-scale-2
steps, so that the network sees 854x480-like frames through more than a 48-pixel window.
Adam, the learning rate follows a cosine from --lr to --lr / 10 over the run (steps or
minutes, whichever ends first). --widths with --init grows the network (`grow`): wider levels
that start computing exactly what the checkpoint does.
Every --every steps: validation PSNR on fixed triplets from the last 15 % of each training clip
(frames no training step sees), a sample grid (start | prediction | truth | end) in
runs/NAME/samples/, state.pt for --resume, and, when validation improved, the checkpoint
(fp32 safetensors, config.json, metrics.json) in --export (default runs/NAME/best).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from animators.core.checkpoints import load_module, read_json, save_checkpoint
from animators.nets.inbetween.interpolator import (
    FlowFusionNet,
    InterpolatorConfig,
    backward_warp,
    input_groups,
)
from training import videos
from training.common import TimeBudget, add_run_options, save_image_grid, start_run
from training.inbetween import video_triplets

FLOW_SCALES = (1, 2)


def charbonnier(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return torch.sqrt((prediction - target) ** 2 + 1e-6).mean()


def ssim_loss(prediction: torch.Tensor, target: torch.Tensor, window: int = 7) -> torch.Tensor:
    """1 - mean SSIM over `window` x `window` boxes (per channel), a structural loss that is
    cheap on the CPU (a census loss cost 3x the rest of a training step)."""
    pool = lambda x: F.avg_pool2d(x, window, stride=1)  # noqa: E731
    mean_p, mean_t = pool(prediction), pool(target)
    var_p = pool(prediction * prediction) - mean_p**2
    var_t = pool(target * target) - mean_t**2
    covariance = pool(prediction * target) - mean_p * mean_t
    c1, c2 = 0.01**2, 0.03**2
    ssim = ((2 * mean_p * mean_t + c1) * (2 * covariance + c2)) / (
        (mean_p**2 + mean_t**2 + c1) * (var_p + var_t + c2)
    )
    return 1.0 - ssim.mean()


def teacher_loss(output: dict, pair: dict, batch: dict, tolerance: float = 0.05) -> torch.Tensor:
    """L1 between the network's flows at t and the privileged teacher flows (DIS from the true
    middle frame), in net pixels, counted only where the teacher's warp reproduces the middle
    frame (mean absolute colour error < `tolerance`)."""
    scale = pair["scale"]
    small_middle = F.avg_pool2d(batch["middle"], scale) if scale > 1 else batch["middle"]
    total = 0.0
    for key, source in (("teacher_t0", pair["small_start"]), ("teacher_t1", pair["small_end"])):
        teacher = batch[key]
        with torch.no_grad():
            error = (backward_warp(source, teacher) - small_middle).abs().mean(1, keepdim=True)
            trusted = (error < tolerance).float()
        flow = output["flow_t0" if key == "teacher_t0" else "flow_t1"]
        total = total + (trusted * (flow - teacher).abs()).mean()
    return total


def log_mse(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of log10 of each sample's mean squared error: -PSNR / 10, so
    minimising it maximises the average per-frame PSNR that the benchmark reports."""
    error = ((prediction - target) ** 2).mean(dim=(1, 2, 3))
    return torch.log10(error + 1e-6).mean()


def psnr(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Per-sample PSNR in dB of (B, 3, H, W) images in [0, 1], quantised like saved frames."""
    error = ((torch.round(prediction * 255) / 255 - target) ** 2).mean(dim=(1, 2, 3))
    return -10 * torch.log10(error.clamp_min(1e-10))


def to_tensors(batch: dict, device: torch.device) -> dict:
    return {key: torch.from_numpy(value).to(device) for key, value in batch.items()}


def validation_batches(clips, count: int, crop: int, seed: int = 1234) -> list[dict]:
    """Fixed validation triplets (real video only), `count` per flow scale, in batches of 8."""
    sampler = video_triplets.TripletSampler(clips, birds=None, crop=crop)
    rng = np.random.default_rng(seed)
    return [
        sampler.batch(rng, 8, scale) for scale in FLOW_SCALES for _ in range(max(1, count // 8))
    ]


@torch.no_grad()
def evaluate(net: FlowFusionNet, batches: list[dict], device: torch.device) -> float:
    net.eval()
    values = []
    for batch in batches:
        b = to_tensors(batch, device)
        prediction = net(b["start"], b["end"], b["flow_01"], b["flow_10"], b["t"])
        values.append(psnr(prediction, b["middle"]))
    net.train()
    return float(torch.cat(values).mean())


@torch.no_grad()
def save_grid(net: FlowFusionNet, batch: dict, device: torch.device, path: Path) -> None:
    net.eval()
    b = to_tensors(batch, device)
    prediction = net(b["start"], b["end"], b["flow_01"], b["flow_10"], b["t"])
    net.train()
    rows = [
        [b["start"][index], prediction[index], b["middle"][index], b["end"][index]]
        for index in range(min(4, len(prediction)))
    ]
    save_image_grid(rows, path)


def export_best(net: FlowFusionNet, folder: Path, step: int, value: float, start: float) -> None:
    """Write the inference checkpoint (fp32: it is small) with its validation numbers."""
    metrics = {
        "step": step,
        "validation_psnr": round(value, 3),
        "validation_psnr_at_start": round(start, 3),
        "validation": "fixed triplets from the last 15% of each training clip",
    }
    save_checkpoint(folder, net, net.config, metrics=metrics, half=False)


def flow_scale_cycle(text: str) -> list[int]:
    """ "1,2,2" -> [1, 2, 2]: the flow scales that successive training steps take, in turn."""
    try:
        cycle = [int(value) for value in text.split(",")]
    except ValueError:
        cycle = []
    if not cycle or any(value not in FLOW_SCALES for value in cycle):
        raise argparse.ArgumentTypeError(f"takes values from {FLOW_SCALES}, e.g. 1,2,2")
    return cycle


def grow(small: FlowFusionNet, config: InterpolatorConfig) -> FlowFusionNet:
    """A FlowFusionNet of `config` (each width >= small's, as many residual blocks) that computes
    exactly what `small` does: small's channels fill the first channels of every layer; the
    extra channels keep their random initialisation and no old channel reads them (zero
    weights) until training changes that, so training resumes from small's quality."""
    if config.residual_blocks != small.config.residual_blocks or any(
        new < old for new, old in zip(config.widths, small.config.widths, strict=True)
    ):
        raise ValueError(f"cannot grow {small.config} into {config}")
    big = FlowFusionNet(config)
    old_state, state = small.state_dict(), big.state_dict()
    with torch.no_grad():
        for name, value in state.items():
            old = old_state[name]
            if value.dim() == 4:  # conv weight (out, in, k, k)
                columns, new_offset = [], 0
                old_sizes = input_groups(name, small.config.widths)
                for old_size, new_size in zip(
                    old_sizes, input_groups(name, config.widths), strict=True
                ):
                    columns.append(torch.arange(new_offset, new_offset + old_size))
                    new_offset += new_size
                rows = old.shape[0]
                value[:rows] = 0.0
                value[:rows, torch.cat(columns)] = old
            elif value.dim() == 1:  # conv bias
                value[: old.shape[0]] = old
            else:  # the detail prior's scalars
                value.copy_(old)
    big.load_state_dict(state, strict=True)
    return big


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_run_options(parser, steps=20000, every=200, batch_size=8)
    video_triplets.add_footage_arguments(parser)
    parser.add_argument("--birds", type=Path, default=videos.DEFAULT_BIRDS)
    parser.add_argument("--synthetic-share", type=float, default=0.3)
    parser.add_argument("--crop", type=int, default=224)
    parser.add_argument(
        "--large-crop",
        type=int,
        default=None,
        help="crop side for flow-scale-2 steps (854x480-like frames); default --crop",
    )
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--ssim-weight", type=float, default=0.2)
    parser.add_argument(
        "--flow-scales",
        type=flow_scale_cycle,
        default="1,2",
        help="the cycle of flow scales the steps take, e.g. 1,2,2 for two 854x480-like steps "
        "per 448x256-like one",
    )
    parser.add_argument(
        "--psnr-weight",
        type=float,
        default=0.0,
        help="weight of the per-sample log10 MSE (-PSNR / 10) added to the loss",
    )
    parser.add_argument("--teacher-weight", type=float, default=0.03)
    parser.add_argument("--validation", type=int, default=48, help="triplets per flow scale")
    parser.add_argument("--init", type=Path, default=None, help="start from this checkpoint")
    parser.add_argument(
        "--widths",
        type=lambda text: tuple(int(value) for value in text.split(",")),
        default=None,
        help="the three level widths, e.g. 32,48,128 (default: --init's, or 32,48,64); wider "
        "than --init's grows it (`grow`: the same output at the start)",
    )
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_arguments(argv)
    if args.smoke:
        args.steps, args.every, args.batch_size, args.crop, args.validation = 4, 2, 2, 64, 8
    device, run = start_run(args)
    export = args.export or run.path / "best"

    clips = video_triplets.clips_from_arguments(args)
    train_clips, validation_clips = video_triplets.split_clips(clips)
    if not validation_clips:
        raise SystemExit("No clip is long enough to keep frames for validation (14+ frames).")
    birds = []
    if (args.birds / "images.txt").is_file():
        birds = videos.read_bird_photos(args.birds, limit=64 if args.smoke else None)
    print(
        f"{len(train_clips)} clips ({sum(len(c.frames) for c in train_clips)} training frames), "
        f"{len(birds)} bird photos for synthetic motion, device {device}"
    )
    sampler = video_triplets.TripletSampler(
        train_clips,
        birds,
        crop=args.crop,
        synthetic_share=args.synthetic_share,
        large_crop=args.large_crop,
    )
    validation = validation_batches(validation_clips, args.validation, args.crop)

    if args.init:
        net = load_module(FlowFusionNet, InterpolatorConfig, args.init)
        if args.widths and args.widths != net.config.widths:
            net = grow(net, dataclasses.replace(net.config, widths=args.widths))
    else:
        net = FlowFusionNet(InterpolatorConfig(widths=args.widths) if args.widths else None)
    net.train()
    net.to(device)
    optimiser = torch.optim.Adam(net.parameters(), lr=args.lr)
    step, extra = 0, {}
    if args.resume and run.has_state():
        step, extra = run.load_state({"net": net, "optimiser": optimiser})
        print(f"resumed at step {step}")
    best = extra.get("best_psnr")
    if best is None:
        best = evaluate(net, validation, device)
        print(f"validation PSNR before training: {best:.3f} dB")
        extra["start_psnr"] = best
        export_best(net, export, step, best, best)
    rng = np.random.default_rng(args.seed + step)
    budget = TimeBudget(args.steps, args.max_minutes)
    first = step
    bar = tqdm(total=args.steps, initial=0, desc="interpolator", unit="step")
    while not budget.done(step - first):
        progress = budget.progress(step - first)
        lr = args.lr * (0.1 + 0.45 * (1 + math.cos(math.pi * progress)))
        for group in optimiser.param_groups:
            group["lr"] = lr
        scale = args.flow_scales[step % len(args.flow_scales)]
        b = to_tensors(sampler.batch(rng, args.batch_size, scale), device)
        pair = net.prepare(b["start"], b["end"], b["flow_01"], b["flow_10"])
        output = net.predict(pair, b["t"])
        prediction = output["frame"]
        l1 = charbonnier(prediction, b["middle"])
        structure = ssim_loss(prediction, b["middle"])
        distillation = teacher_loss(output, pair, b)
        loss = l1 + args.ssim_weight * structure + args.teacher_weight * distillation
        if args.psnr_weight:
            loss = loss + args.psnr_weight * log_mse(prediction, b["middle"])
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        step += 1
        bar.update(1)
        bar.set_postfix(
            l1=f"{l1.item():.4f}",
            ssim=f"{structure.item():.3f}",
            teacher=f"{distillation.item():.2f}",
        )
        if step % args.every == 0 or budget.done(step - first):
            value = evaluate(net, validation, device)
            improved = value > best
            if improved:
                best = value
                export_best(net, export, step, value, extra["start_psnr"])
            extra["best_psnr"] = best
            run.log(
                step,
                l1=l1.item(),
                ssim_loss=structure.item(),
                teacher_loss=distillation.item(),
                lr=lr,
                validation_psnr=value,
            )
            save_grid(net, validation[0], device, run.path / "samples" / f"step_{step:06d}.png")
            run.save_state(step, {"net": net, "optimiser": optimiser}, extra)
            tqdm.write(
                f"step {step}: validation PSNR {value:.3f} dB (best {best:.3f}, "
                f"start {extra['start_psnr']:.3f}){' saved' if improved else ''}"
            )
    bar.close()
    print(f"best validation PSNR {best:.3f} dB; checkpoint in {export}")
    if (export / "config.json").is_file():
        print(read_json(export, "metrics.json"))


if __name__ == "__main__":
    main()
