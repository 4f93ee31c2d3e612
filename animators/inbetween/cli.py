"""`python -m animators inbetween start.png end.png -n 7 ... -o out.gif`."""

from __future__ import annotations

import argparse
from pathlib import Path

from animators.core.base import Clip
from animators.core.cli import add_common_arguments, build
from animators.core.inputs import load_image
from animators.inbetween import METHODS
from animators.inbetween.defaults import FPS, INBETWEENS


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("inbetween", help="frames between a start and an end frame")
    parser.add_argument("start", type=Path)
    parser.add_argument("end", type=Path)
    parser.add_argument("--method", choices=list(METHODS), default=None)
    parser.add_argument(
        "--loop", action="store_true", help="also interpolate from the end back to the start"
    )
    add_common_arguments(parser, INBETWEENS.default, FPS.default)


def run(args: argparse.Namespace) -> tuple[Clip, list[str]]:
    """Load both frames, run the animator; returns the clip and loading notes."""
    start, notes = load_image(args.start)
    end, end_notes = load_image(args.end)
    clip = build(METHODS, args.method)(
        start, end, num_frames=args.num_frames, fps=args.fps, loop=args.loop, seed=args.seed
    )
    return clip, notes + [f"End frame: {note}" for note in end_notes]
