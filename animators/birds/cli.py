"""`python -m animators birds photo.jpg -n 48 ... -o out.mp4 [--detector yolov8n-int8.onnx]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from animators.birds.animator import BirdAnimator
from animators.birds.defaults import (
    FPS,
    FRAMES,
    IDENTITY_STEPS,
    POSE_LAYERS,
    PROJECTION_STEPS,
    SMOOTHNESS,
    TRUNCATION,
)
from animators.core.base import Clip
from animators.core.cli import add_common_arguments
from animators.core.inputs import load_image


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("birds", help="the bird in a photo flaps its wings, looping")
    parser.add_argument("image", type=Path)
    parser.add_argument(
        "--detector",
        help="YOLOv8 COCO weights (.pt or .onnx); default: $ANIMATE_BIRD_DETECTOR "
        "or ultralytics' yolov8n.pt",
    )
    parser.add_argument("--whole-image", action="store_true", help="skip detection")
    parser.add_argument("--fly-across", action="store_true", help="fly a loop across the photo")
    parser.add_argument(
        "--pose-layers",
        type=int,
        default=POSE_LAYERS.default,
        help="style inputs from the flying poses",
    )
    parser.add_argument("--smoothness", type=float, default=SMOOTHNESS.default)
    parser.add_argument("--truncation", type=float, default=TRUNCATION.default)
    parser.add_argument("--projection-steps", type=int, default=PROJECTION_STEPS.default)
    parser.add_argument(
        "--identity-steps",
        type=int,
        default=IDENTITY_STEPS.default,
        help="optimisation steps that keep the bird's look in each flying pose (0 = off)",
    )
    add_common_arguments(parser, FRAMES.default, FPS.default)


def run(args: argparse.Namespace) -> tuple[Clip, list[str]]:
    """Load the photo, run the animator with the chosen detector; returns the clip and notes."""
    image, notes = load_image(args.image)
    clip = BirdAnimator.from_pretrained(detector=args.detector)(
        image,
        num_frames=args.num_frames,
        coarse_layers=args.pose_layers,
        smoothness=args.smoothness,
        truncation=args.truncation,
        projection_steps=args.projection_steps,
        identity_steps=args.identity_steps,
        whole_image=args.whole_image,
        fly_across=args.fly_across,
        fps=args.fps,
        seed=args.seed,
    )
    return clip, notes
