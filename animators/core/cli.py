"""What every task's subcommand shares (`python -m animators <task> ...`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from animators.core.export import PLAYBACK_MODES


def add_common_arguments(parser: argparse.ArgumentParser, num_frames: int, fps: float) -> None:
    """-n/--num-frames, --fps, --seed, --playback and -o/--output, with the task's defaults."""
    parser.add_argument("-n", "--num-frames", type=int, default=num_frames)
    parser.add_argument("--fps", type=float, default=float(fps))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--playback", choices=PLAYBACK_MODES, default="loop")
    parser.add_argument(
        "-o", "--output", type=Path, required=True, help="out.mp4, out.gif, out.zip or out.npz"
    )


def build(methods: dict[str, Callable[[Any], Any]], method: str | None):
    """The animator for `method` (None: the first, the default) from a task's METHODS."""
    return methods[method or next(iter(methods))](None)
