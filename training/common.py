"""What every training script shares: device choice, seeding, resumable run folders, the
command-line options of a run, sample grids, and writing the small inference checkpoint
through `animators.core.checkpoints`.

A run folder (`runs/NAME/`, git-ignored) holds:
- state.pt       full resumable state (model, optimiser, step, RNG), torch.save'd by us and
                 read back with weights_only=True (no arbitrary unpickling)
- samples/       sample grids written during training
- log.jsonl      one JSON line per logged step
The committed checkpoint (`checkpoints/<task>/<model>/`) is exported from a run with
`export_checkpoint`, as fp16 safetensors + config.json + metrics.json.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from animators.core.checkpoints import pick_device, save_checkpoint


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and torch (CPU and CUDA) for repeatable runs."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


def _numpy_rng_state() -> dict[str, Any]:
    """numpy's global RNG state as plain types (loadable with weights_only=True)."""
    _, keys, position, has_gauss, cached_gaussian = np.random.get_state()
    return {
        "keys": keys.tolist(),
        "position": int(position),
        "has_gauss": int(has_gauss),
        "cached_gaussian": float(cached_gaussian),
    }


class RunFolder:
    """A training run's folder: resumable state, samples and a JSON-lines log."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        (self.path / "samples").mkdir(parents=True, exist_ok=True)

    @property
    def state_file(self) -> Path:
        return self.path / "state.pt"

    def has_state(self) -> bool:
        return self.state_file.is_file()

    def save_state(self, step: int, modules: dict[str, Any], extra: dict | None = None) -> None:
        """Atomically write {step, <name>: state_dict, rng, extra} to state.pt."""
        state = {
            "step": int(step),
            "modules": {name: module.state_dict() for name, module in modules.items()},
            "torch_rng": torch.get_rng_state(),
            "numpy_rng": _numpy_rng_state(),
            "extra": extra or {},
        }
        temporary = self.state_file.with_suffix(".tmp")
        torch.save(state, temporary)
        temporary.replace(self.state_file)

    def load_state(self, modules: dict[str, Any]) -> tuple[int, dict]:
        """Restore module/optimiser states saved by `save_state`; returns (step, extra)."""
        state = torch.load(self.state_file, map_location="cpu", weights_only=True)
        for name, module in modules.items():
            module.load_state_dict(state["modules"][name])
        torch.set_rng_state(state["torch_rng"])
        numpy_rng = state["numpy_rng"]
        np.random.set_state(
            (
                "MT19937",
                np.array(numpy_rng["keys"], dtype=np.uint32),
                numpy_rng["position"],
                numpy_rng["has_gauss"],
                numpy_rng["cached_gaussian"],
            )
        )
        return int(state["step"]), state.get("extra", {})

    def log(self, step: int, **values: float) -> None:
        with open(self.path / "log.jsonl", "a") as file:
            file.write(json.dumps({"step": step, **values}) + "\n")


def start_run(args: argparse.Namespace) -> tuple[torch.device, RunFolder]:
    """Seed everything with `args.seed` and return (the device `args.device` names or else
    the best available, by the library's `pick_device`; the run folder `args.out`): the start
    of every trainer with `add_run_options`."""
    seed_everything(args.seed)
    return pick_device(args.device), RunFolder(args.out)


def save_image_grid(rows: Iterable[Iterable[torch.Tensor]], path: str | Path) -> None:
    """Write a grid of images as one PNG: the images of each row side by side, the rows one
    under another. Images are (C, H, W) float tensors in [0, 1] (clamped; rounded to 8 bits),
    C = 1 giving a grayscale PNG and C = 3 an RGB one; the images of a row share a height and
    the rows share a width. Trainers build their rows (what a sample grid shows) from this."""
    strips = [torch.cat([image.detach().cpu() for image in row], dim=-1) for row in rows]
    grid = torch.cat(strips, dim=-2).clamp(0, 1)
    array = (grid.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array).save(path)


def export_checkpoint(
    module: torch.nn.Module, config: Any, folder: str | Path, metrics: dict[str, Any]
) -> Path:
    """Write the small inference checkpoint (fp16 safetensors, config, metrics)."""
    return save_checkpoint(folder, module, config, metrics=metrics, half=True)


class TimeBudget:
    """When a run stops: after `steps` steps or `minutes` of wall time in this invocation.

    `progress(step)` in [0, 1] is the larger of the two fractions, so schedules that ramp
    over training (scheduled sampling) finish their ramp also when time runs out first.
    """

    def __init__(self, steps: int, minutes: float | None = None) -> None:
        self.steps = max(1, int(steps))
        self.seconds = None if minutes is None else 60.0 * float(minutes)
        self.began = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.began

    def progress(self, step: int) -> float:
        fraction = step / self.steps
        if self.seconds:
            fraction = max(fraction, self.elapsed() / self.seconds)
        return min(1.0, fraction)

    def done(self, step: int) -> bool:
        return self.progress(step) >= 1.0


def add_run_options(parser: argparse.ArgumentParser, steps: int, every: int, batch_size: int):
    """Options every trainer shares: run folder, length (steps / minutes), batch size, logging
    interval, resume, export, device, seed, smoke."""
    parser.add_argument("--out", type=Path, required=True, help="run folder, e.g. runs/NAME")
    parser.add_argument("--steps", type=int, default=steps)
    parser.add_argument(
        "--max-minutes", type=float, default=None, help="also stop after this much wall time"
    )
    parser.add_argument("--batch-size", type=int, default=batch_size)
    parser.add_argument("--every", type=int, default=every, help="save/sample/log interval")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--export", type=Path, default=None, help="checkpoint folder to write")
    parser.add_argument("--device", default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--smoke", action="store_true", help="a few tiny steps, to test the code")


def run_arguments(description: str, steps: int, every: int) -> argparse.ArgumentParser:
    """A parser with the options every text-task trainer shares: domain, data, and the run
    options of `add_run_options`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--domain", choices=("mnist", "icons", "walking"), default="mnist")
    parser.add_argument(
        "--data", type=Path, default=None, help="mnist .npz (x, y) or walking clips .npz"
    )
    add_run_options(parser, steps, every, batch_size=16)
    return parser


def hinge_critic_step(
    critic: torch.nn.Module,
    optimiser: torch.optim.Optimizer,
    real: torch.Tensor,
    fake: torch.Tensor,
    tokens: torch.Tensor,
) -> torch.Tensor:
    """One hinge-loss update of a caption-conditioned critic (frames (B, C, S, S), tokens
    (B, L)); `fake` is detached here. Returns the critic's loss (a scalar tensor)."""
    loss = (
        torch.nn.functional.relu(1 - critic(real, tokens)).mean()
        + torch.nn.functional.relu(1 + critic(fake.detach(), tokens)).mean()
    )
    optimiser.zero_grad(set_to_none=True)
    loss.backward()
    optimiser.step()
    return loss
