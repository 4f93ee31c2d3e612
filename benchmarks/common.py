"""Helpers shared by the benchmark scripts: the data folder, image loading and resizing."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared/data/video/davis"
RESULTS = REPO / "benchmarks/results"


def require_dir(path: Path, what: str = "DAVIS frames folder") -> Path:
    """Return `path` if it is a folder; otherwise exit with one sentence (status 1)."""
    if not path.is_dir():
        sys.exit(f"No {what} at {path}; pass its location with --data DIR.")
    return path


def read_rgb(path: Path) -> np.ndarray:
    """An image file as (H, W, 3) uint8 RGB."""
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize to width x height with Lanczos (returned unchanged if already that size)."""
    if image.shape[:2] == (height, width):
        return image
    resized = Image.fromarray(image).resize((width, height), Image.Resampling.LANCZOS)
    return np.asarray(resized)


def machine() -> dict:
    """What the timings ran on: CPU count and load average (the timings are noisy when busy)."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {"cpu_count": os.cpu_count(), "load_average_1_5_15min": [round(x, 2) for x in load]}


def write_json(data: dict, out: Path) -> None:
    """Write `data` as indented JSON to `out`, creating its folder."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2) + "\n")
    print(f"wrote {out}")
