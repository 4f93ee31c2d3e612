"""Train the benchmark's digit checker on the MNIST training images (index % 10 != 0).

    python -m training.judges.train_digit_checker [--data mnist_5k.npz] [--epochs 30]

Augmentation (random shifts, blur, contrast) makes it robust to slightly soft generated
digits. Accuracy on the test images (index % 10 == 0: training.splits.MNIST_TEST_EVERY) goes
into metrics.json. Exports to checkpoints/text/digit_checker/.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from animators.core.checkpoints import REPO_ROOT
from benchmarks.judges.digit_checker import DigitChecker, DigitCheckerConfig
from training.common import export_checkpoint, seed_everything
from training.splits import is_mnist_test_image
from training.text.moving_mnist import load_mnist


def augment(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """(B, 1, 28, 28) in [0, 1] -> rotated (up to 12 degrees), scaled (0.9-1.1), sheared and
    shifted by up to 3 px, sometimes blurred, contrast varied."""
    batch = images.shape[0]

    def uniform(low: float, high: float) -> torch.Tensor:
        return low + (high - low) * torch.rand(batch, generator=generator)

    angle = uniform(-0.21, 0.21)
    scale = uniform(0.9, 1.1)
    shear = uniform(-0.15, 0.15)
    shift = uniform(-3, 3), uniform(-3, 3)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [
            torch.stack([cos, -sin + shear, -shift[0] * 2 / 28], dim=1),
            torch.stack([sin, cos, -shift[1] * 2 / 28], dim=1),
        ],
        dim=1,
    )
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    shifted = F.grid_sample(
        images, grid, mode="bilinear", padding_mode="zeros", align_corners=False
    )
    blurred = F.avg_pool2d(F.pad(shifted, (1, 1, 1, 1), mode="replicate"), 3, stride=1)
    use_blur = (torch.rand(batch, 1, 1, 1, generator=generator) < 0.5).float()
    mixed = use_blur * blurred + (1 - use_blur) * shifted
    contrast = 0.6 + 0.4 * torch.rand(batch, 1, 1, 1, generator=generator)
    return (mixed * contrast).clamp(0, 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--export", type=Path, default=REPO_ROOT / "checkpoints/text/digit_checker")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    seed_everything(args.seed)
    images, labels = load_mnist(args.data)
    pixels = torch.from_numpy(images).float()[:, None] / 255.0
    targets = torch.from_numpy(labels).long()
    is_test = torch.from_numpy(is_mnist_test_image(len(labels)))
    train_x, train_y, test_x, test_y = (
        pixels[~is_test],
        targets[~is_test],
        pixels[is_test],
        targets[is_test],
    )

    config = DigitCheckerConfig(width=48)
    net = DigitChecker(config)
    optimiser = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    generator = torch.Generator().manual_seed(args.seed)
    batches_per_epoch = (len(train_y) + 63) // 64
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=3e-3, total_steps=args.epochs * batches_per_epoch
    )
    for _ in tqdm(range(args.epochs), desc="digit checker", unit="epoch"):
        order = torch.randperm(len(train_y), generator=generator)
        for start in range(0, len(order), 64):
            index = order[start : start + 64]
            logits = net(augment(train_x[index], generator))
            loss = F.cross_entropy(logits, train_y[index])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    net.eval()
    with torch.inference_mode():
        accuracy = (net(test_x).argmax(1) == test_y).float().mean().item()
    metrics = {
        "test_accuracy": round(accuracy, 4),
        "test_images": int(is_test.sum()),
        "epochs": args.epochs,
    }
    export_checkpoint(net, config, args.export, metrics)
    print(f"exported {args.export}: {metrics}")


if __name__ == "__main__":
    main()
