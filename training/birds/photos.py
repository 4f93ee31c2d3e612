"""Real bird photos for the bird generator, encoder, classifier and pose bank.

The data set is a CUB-200-2011 style folder (`images.txt`, `image_class_labels.txt`,
`train_test_split.txt`, `images/<Species>/*.jpg`, photos cropped around the bird), e.g.
`../shared/data/birds/cub100`. `load_birds` resizes every photo of one split to a square
`size` x `size` (the whole crop, squeezed to a square after a centre crop of the longer side)
and caches the result as one compressed .npz next to the other run data, so a GPU machine can
be given the file instead of the folder. (The photos at their own size, as backgrounds of the
other tasks' synthetic scenes, come from `training.videos.read_bird_photos`.) The trainers'
photo tensors come from here too: `to_tensor`, `augment` and the sample grid `save_photo_grid`.

    python -m training.birds.photos --data ../shared/data/birds/cub100 --size 64
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from training.common import save_image_grid

DEFAULT_DATA = Path("../shared/data/birds/cub100")
DEFAULT_CACHE = Path("runs/data")


@dataclass(frozen=True)
class BirdPhotos:
    """images: (N, S, S, 3) uint8 RGB; labels: (N,) int64 species index 0..C-1;
    ids: (N,) int64 image ids of the data set (to name a photo, e.g. in the pose bank)."""

    images: np.ndarray
    labels: np.ndarray
    ids: np.ndarray

    def __len__(self) -> int:
        return len(self.images)


def _read_table(path: Path) -> dict[int, str]:
    table = {}
    for line in path.read_text().splitlines():
        if line.strip():
            key, value = line.replace(",", " ").split(maxsplit=1)
            table[int(key)] = value.strip()
    return table


def square_photo(path: Path, size: int) -> np.ndarray:
    """The photo at `path`, centre-cropped to a square and resized: (size, size, 3) uint8."""
    with Image.open(path) as image:
        image = image.convert("RGB")
        width, height = image.size
        side = min(width, height)
        left, top = (width - side) // 2, (height - side) // 2
        image = image.crop((left, top, left + side, top + side))
        return np.asarray(image.resize((size, size), Image.LANCZOS), dtype=np.uint8)


def read_birds(root: Path, split: str, size: int) -> BirdPhotos:
    """Every photo of `split` ("train" or "test") under `root`, as a BirdPhotos."""
    root = Path(root)
    paths = _read_table(root / "images.txt")
    classes = _read_table(root / "image_class_labels.txt")
    is_train = _read_table(root / "train_test_split.txt")
    wanted = "1" if split == "train" else "0"
    ids = sorted(i for i, flag in is_train.items() if flag == wanted)
    species = sorted({int(classes[i]) for i in paths})
    index_of = {c: n for n, c in enumerate(species)}
    images = np.stack([square_photo(root / "images" / paths[i], size) for i in ids])
    labels = np.array([index_of[int(classes[i])] for i in ids], dtype=np.int64)
    return BirdPhotos(images, labels, np.array(ids, dtype=np.int64))


def load_birds(data: Path, split: str, size: int, cache: Path | None = DEFAULT_CACHE) -> BirdPhotos:
    """`data` is a data set folder or an .npz written by this module (keys images, labels, ids).
    A folder is read once and cached as `cache/birds_<split>_<size>.npz`."""
    data = Path(data)
    if data.suffix == ".npz":
        with np.load(data) as file:
            return BirdPhotos(file["images"], file["labels"], file["ids"])
    cached = cache / f"birds_{split}_{size}.npz" if cache else None
    if cached is not None and cached.is_file():
        return load_birds(cached, split, size)
    photos = read_birds(data, split, size)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(cached, images=photos.images, labels=photos.labels, ids=photos.ids)
    return photos


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """(N, S, S, 3) uint8 -> (N, 3, S, S) float in [-1, 1]."""
    return torch.from_numpy(images).permute(0, 3, 1, 2).float().div(127.5).sub(1)


def augment(images: torch.Tensor) -> torch.Tensor:
    """Random resized crop (60-100 % of the side), x-flip and brightness/contrast jitter."""
    batch, _, size, _ = images.shape
    scale = torch.empty(batch).uniform_(0.6, 1.0)
    shift = (torch.rand(batch, 2) * 2 - 1) * (1 - scale[:, None])
    flip = torch.where(torch.rand(batch) < 0.5, -1.0, 1.0)
    theta = torch.zeros(batch, 2, 3)
    theta[:, 0, 0] = scale * flip
    theta[:, 1, 1] = scale
    theta[:, :, 2] = shift
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    images = F.grid_sample(images, grid, padding_mode="reflection", align_corners=False)
    contrast = torch.empty(batch, 1, 1, 1).uniform_(0.8, 1.2)
    brightness = torch.empty(batch, 1, 1, 1).uniform_(-0.1, 0.1)
    return (images * contrast + brightness).clamp(-1, 1)


def save_photo_grid(images: torch.Tensor, path: Path, columns: int = 8) -> None:
    """(N, 3, S, S) in [-1, 1] -> one PNG grid, `columns` images a row (a short last row is
    filled with black)."""
    images = (images.detach().cpu() + 1) / 2
    blank = torch.zeros_like(images[0])
    rows = [list(images[start : start + columns]) for start in range(0, len(images), columns)]
    rows[-1] += [blank] * (columns - len(rows[-1]))
    save_image_grid(rows, path)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    arguments = parser.parse_args(argv)
    for split in ("train", "test"):
        photos = load_birds(arguments.data, split, arguments.size, arguments.cache)
        print(f"{split}: {len(photos)} photos, {len(np.unique(photos.labels))} species")


if __name__ == "__main__":
    main()
