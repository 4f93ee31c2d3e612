"""Build the flying-pose bank: project photos of birds in flight into the generator and order
them into a closed wing-beat cycle.

The photos (training.splits.FLYING_IDS, train split only) were chosen by eye from a contact
sheet of the train split ranked by a plain-sky border; the data set has no pose labels. Two more
(ids 15 and 992) were dropped: mixed with other birds their keyframes came out empty or black.
The order is a short closed tour through their coarse (pose) latents, so consecutive keyframes
differ least.

    python -m training.birds.build_pose_bank --data ../shared/data/birds/cub100 \
        --out runs/pose_bank --export checkpoints/birds/pose_bank
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from animators.birds.projection import fixed_noise, load_generator_and_critic, project
from animators.core.checkpoints import load_module, resolve, save_checkpoint
from animators.nets.birds.encoder import BirdEncoder, BirdEncoderConfig
from animators.nets.birds.pose_bank import PoseBank, PoseBankConfig
from training.birds.photos import DEFAULT_DATA, load_birds, save_photo_grid, to_tensor
from training.common import pick_device, seed_everything
from training.splits import FLYING_IDS

COARSE_LAYERS = 7


def cycle_order(points: np.ndarray) -> list[int]:
    """A short closed tour through `points` (N, D): nearest neighbour, then 2-opt."""
    count = len(points)
    distance = np.linalg.norm(points[:, None] - points[None], axis=-1)
    order = [0]
    while len(order) < count:
        last = order[-1]
        order.append(
            min((i for i in range(count) if i not in order), key=lambda i: distance[last, i])
        )
    improved = True
    while improved:
        improved = False
        for i in range(1, count - 1):
            for j in range(i + 1, count):
                a, b = order[i - 1], order[i]
                c, d = order[j], order[(j + 1) % count]
                if distance[a, c] + distance[b, d] < distance[a, b] + distance[c, d] - 1e-9:
                    order[i : j + 1] = order[i : j + 1][::-1]
                    improved = True
    return order


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--steps", type=int, default=300, help="projection steps per photo")
    parser.add_argument("--out", type=Path, default=Path("runs/pose_bank"))
    parser.add_argument("--export", type=Path, default=None)
    parser.add_argument("--generator", type=Path, default=None)
    parser.add_argument("--critic", type=Path, default=None)
    parser.add_argument("--encoder", type=Path, default=None)
    parser.add_argument("--device", default=None)
    arguments = parser.parse_args(argv)
    seed_everything(0)
    device = pick_device(arguments.device)
    generator, critic = load_generator_and_critic(arguments.generator, arguments.critic, device)
    encoder = load_module(
        BirdEncoder, BirdEncoderConfig, resolve("birds", "encoder", arguments.encoder), device
    )
    photos = load_birds(arguments.data, "train", generator.config.resolution)
    index_of = {int(i): n for n, i in enumerate(photos.ids)}
    ids = [i for i in FLYING_IDS if i in index_of]
    crops = to_tensor(photos.images[[index_of[i] for i in ids]]).to(device)
    noise = fixed_noise(generator, 0, device)
    ws, reconstructions = project(generator, encoder, critic, crops, noise, steps=arguments.steps)
    order = cycle_order(ws[:, :COARSE_LAYERS].flatten(1).cpu().numpy())
    bank = PoseBank(
        PoseBankConfig(
            len(ids), generator.num_ws, generator.config.w_dim, tuple(ids[i] for i in order)
        )
    )
    bank.ws.copy_(ws[order].cpu())
    arguments.out.mkdir(parents=True, exist_ok=True)
    save_photo_grid(
        torch.cat([crops[order], reconstructions[order]]),
        arguments.out / "pose_bank.png",
        columns=len(ids),
    )
    print("cycle:", bank.config.image_ids)
    if arguments.export:
        save_checkpoint(
            arguments.export, bank, bank.config, {"projection_steps": arguments.steps}, half=False
        )
        print(f"exported {arguments.export}")


if __name__ == "__main__":
    main()
