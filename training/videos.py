"""Readers of the shared footage and photos that more than one task trains on: video files,
gifs, folders of frames or photos, and the bird photos at their own size.

The data sets live beside the repository, in `../shared` (DEFAULT_DAVIS, DEFAULT_VIDEOS,
DEFAULT_BIRDS, DEFAULT_FLUID); nothing is copied into the repository. Every reader gives uint8 RGB
arrays.
"""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from training.splits import HELD_OUT_FLUID_SOURCES

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
DEFAULT_DAVIS = SHARED / "data/video/davis"
DEFAULT_VIDEOS = SHARED / "data/video/opencv"
DEFAULT_BIRDS = SHARED / "data/birds/cub100"
DEFAULT_FLUID = SHARED / "data/video/fluid"
FLUID_SPLITS = ("train", "test", "all")

VIDEO_SUFFIXES = (".avi", ".mp4", ".mov", ".mkv", ".webm", ".gif")
FRAME_SUFFIXES = (".jpg", ".jpeg", ".png")
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def read_video(path: Path) -> np.ndarray:
    """All frames of a video file or gif as (T, H, W, 3) uint8 RGB."""
    if path.suffix.lower() == ".gif":
        with Image.open(path) as gif:
            frames = []
            for index in range(getattr(gif, "n_frames", 1)):
                gif.seek(index)
                frames.append(np.asarray(gif.convert("RGB")))
        return np.stack(frames)
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    capture.release()
    if not frames:
        raise ValueError(f"No frames could be read from {path}.")
    return np.stack(frames)


def read_frame_folder(folder: Path) -> np.ndarray:
    """The .jpg/.png frames of a folder, in name order, as (T, H, W, 3) uint8 RGB."""
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in FRAME_SUFFIXES)
    return np.stack([np.asarray(Image.open(p).convert("RGB")) for p in paths])


def read_clip(path: Path) -> np.ndarray:
    """A frame folder (`read_frame_folder`) or a video file or gif (`read_video`)."""
    return read_frame_folder(path) if path.is_dir() else read_video(path)


def fluid_clips(folder: Path = DEFAULT_FLUID, split: str = "test") -> list[tuple[Path, str]]:
    """(clip path, kind) of the real fluid clips listed in `folder`/MANIFEST.csv, sorted by
    file name. split: "test" (sources in training.splits.HELD_OUT_FLUID_SOURCES), "train" (the
    others) or "all". kind: the manifest's (waterfall, river, sea, lake, clouds, smoke, fire,
    other)."""
    if split not in FLUID_SPLITS:
        raise ValueError(f"split must be one of {FLUID_SPLITS}, got {split!r}.")
    manifest = Path(folder) / "MANIFEST.csv"
    if not manifest.is_file():
        raise FileNotFoundError(f"No fluid clip manifest at {manifest}.")
    with manifest.open(newline="") as file:
        rows = list(csv.DictReader(file))
    chosen = []
    for row in sorted(rows, key=lambda row: row["file"]):
        held_out = row["source_repo"] in HELD_OUT_FLUID_SOURCES
        if split == "all" or held_out == (split == "test"):
            chosen.append((Path(folder) / row["file"], row["kind"]))
    return chosen


def clip_paths(folders: list[Path]) -> list[Path]:
    """Videos, gifs and frame folders inside each folder (sorted)."""
    paths = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            raise FileNotFoundError(f"No footage folder at {folder}.")
        paths += [
            p for p in sorted(folder.iterdir()) if p.is_dir() or p.suffix.lower() in VIDEO_SUFFIXES
        ]
    return paths


def read_photos(folder: Path) -> list[np.ndarray]:
    """Every .jpg/.png/.webp photo in `folder` (uint8 RGB)."""
    paths = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)
    return [np.asarray(Image.open(p).convert("RGB")) for p in paths]


def read_bird_photos(
    folder: Path = DEFAULT_BIRDS, split: str = "train", limit: int | None = None
) -> list[np.ndarray]:
    """The photos of one split ("train" or "test") of a CUB-style bird folder at their own
    size (uint8 RGB), as backgrounds and moving layers of synthetic scenes; [] when the folder
    has no images.txt. Photos are taken in the order of their ids sorted as text (not the
    numeric order of `training.birds.photos`), the first `limit` of them if given.
    """
    folder = Path(folder)
    if not (folder / "images.txt").is_file():
        return []
    names = dict(
        line.split(", ", 1) for line in (folder / "images.txt").read_text().splitlines() if line
    )
    flags = dict(
        line.split(", ") for line in (folder / "train_test_split.txt").read_text().splitlines()
    )
    wanted = "1" if split == "train" else "0"
    chosen = sorted(index for index, flag in flags.items() if flag.strip() == wanted)
    chosen = chosen[:limit] if limit else chosen
    return [
        np.asarray(Image.open(folder / "images" / names[index].strip()).convert("RGB"))
        for index in chosen
    ]
