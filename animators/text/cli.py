"""`python -m animators text --caption "the digit 3 is moving left" ... -o out.gif`."""

from __future__ import annotations

import argparse
from pathlib import Path

from animators.core.base import Clip
from animators.core.cli import add_common_arguments, build
from animators.core.inputs import load_image
from animators.text import METHODS
from animators.text.defaults import CLI_FPS, FRAMES, HISTORY


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "text", help="a caption rolled out into frames from a start frame"
    )
    parser.add_argument("--caption", required=True)
    parser.add_argument("--start", type=Path, help="start frame image")
    parser.add_argument(
        "--history",
        type=int,
        default=HISTORY.default,
        help=f"past frames the model sees ({HISTORY.minimum}-{HISTORY.maximum})",
    )
    parser.add_argument("--second-caption", help="a caption that takes over from --switch-at")
    parser.add_argument("--switch-at", type=int, default=None)
    add_common_arguments(parser, FRAMES.default, CLI_FPS)


def run(args: argparse.Namespace) -> tuple[Clip, list[str]]:
    """Load the start frame (if any), run the animator; returns the clip and loading notes."""
    start, notes = load_image(args.start) if args.start else (None, [])
    clip = build(METHODS, None)(
        args.caption,
        start,
        num_frames=args.num_frames,
        history=args.history,
        second_caption=args.second_caption,
        switch_at=args.switch_at,
        fps=args.fps,
        seed=args.seed,
    )
    return clip, notes
