"""`python -m animators waterfall photo.jpg ... -o out.mp4`."""

from __future__ import annotations

import argparse
from pathlib import Path

from animators.core.base import Clip
from animators.core.cli import add_common_arguments, build
from animators.core.inputs import load_image, load_mask, source_scale
from animators.waterfall import METHODS
from animators.waterfall.defaults import CROSSFADE, DIRECTION, FPS, FRAMES, SECOND_DIRECTION, SPEED


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("waterfall", help="loop what flows in a photo")
    parser.add_argument("image", type=Path)
    parser.add_argument("--method", choices=list(METHODS), default=None)
    parser.add_argument(
        "--mask", type=Path, help="image, white (or opaque) where it moves; replaces the model's"
    )
    parser.add_argument(
        "--direction",
        type=float,
        default=float(DIRECTION.default),
        help="degrees: 0 right, 90 up",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=float(SPEED.default),
        help="pixels per frame at the photo's resolution "
        "(the brush's speed, or the typical speed of the model's field)",
    )
    parser.add_argument("--second-mask", type=Path, help="a region moving another way")
    parser.add_argument("--second-direction", type=float, default=float(SECOND_DIRECTION.default))
    parser.add_argument("--freeze", type=Path, help="image, white where nothing may move")
    parser.add_argument(
        "--crossfade",
        type=float,
        default=CROSSFADE.default,
        help=f"per-pixel loop cross-fade window ({CROSSFADE.minimum:g}-{CROSSFADE.maximum:g})",
    )
    add_common_arguments(parser, FRAMES.default, FPS.default)


def run(args: argparse.Namespace) -> tuple[Clip, list[str]]:
    """Load the photo and masks, run the animator; returns the clip and loading notes."""
    image, notes = load_image(args.image)
    scale = source_scale(args.image, image)
    masks = {
        name: (load_mask(path, name.replace("_", " ")) if path else None)
        for name, path in (
            ("mask", args.mask),
            ("second_mask", args.second_mask),
            ("freeze", args.freeze),
        )
    }
    clip = build(METHODS, args.method)(
        image,
        direction=args.direction,
        speed=args.speed * scale,
        second_direction=args.second_direction,
        num_frames=args.num_frames,
        fps=args.fps,
        crossfade=args.crossfade,
        seed=args.seed,
        **masks,
    )
    return clip, notes
