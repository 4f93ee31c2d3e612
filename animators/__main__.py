"""Command line: one subcommand per task, writing .mp4, .gif, .zip (PNG frames) or .npz.

python -m animators waterfall photo.jpg -n 24 -o out.mp4    # the model finds what flows
python -m animators waterfall photo.jpg --mask water.png --direction 270 --speed 2 -n 24 -o out.mp4
python -m animators inbetween start.png end.png -n 7 --method learned -o out.gif
python -m animators birds photo.jpg -n 48 -o out.mp4 [--detector yolov8n-int8.onnx]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from animators import load, methods
from animators.birds.animator import (
    DEFAULT_COARSE_LAYERS,
    DEFAULT_IDENTITY_STEPS,
    DEFAULT_PROJECTION_STEPS,
    BirdAnimator,
)
from animators.core.base import AnimatorError, Clip
from animators.core.export import PLAYBACK_MODES, save_clip
from animators.core.inputs import load_image, load_mask, source_scale


def _common(parser: argparse.ArgumentParser, frames_default: int) -> None:
    parser.add_argument("-n", "--num-frames", type=int, default=frames_default)
    parser.add_argument("--fps", type=float, default=12.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--playback", choices=PLAYBACK_MODES, default="loop")
    parser.add_argument(
        "-o", "--output", type=Path, required=True, help="out.mp4, out.gif, out.zip or out.npz"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m animators", description=__doc__.split("\n")[0])
    tasks = parser.add_subparsers(dest="task", required=True)

    waterfall = tasks.add_parser("waterfall", help="loop what flows in a photo")
    waterfall.add_argument("image", type=Path)
    waterfall.add_argument("--method", choices=methods("waterfall"), default=None)
    waterfall.add_argument(
        "--mask", type=Path, help="image, white (or opaque) where it moves; replaces the model's"
    )
    waterfall.add_argument("--direction", type=float, default=270.0, help="degrees: 0 right, 90 up")
    waterfall.add_argument(
        "--speed",
        type=float,
        default=2.0,
        help="pixels per frame at the photo's resolution "
        "(the brush's speed, or the typical speed of the model's field)",
    )
    waterfall.add_argument("--second-mask", type=Path, help="a region moving another way")
    waterfall.add_argument("--second-direction", type=float, default=0.0)
    waterfall.add_argument("--freeze", type=Path, help="image, white where nothing may move")
    waterfall.add_argument(
        "--crossfade", type=float, default=0.4, help="per-pixel loop cross-fade window (0.05-1)"
    )
    _common(waterfall, 24)

    inbetween = tasks.add_parser("inbetween", help="frames between a start and an end frame")
    inbetween.add_argument("start", type=Path)
    inbetween.add_argument("end", type=Path)
    inbetween.add_argument("--method", choices=methods("inbetween"), default=None)
    inbetween.add_argument(
        "--loop", action="store_true", help="also interpolate from the end back to the start"
    )
    _common(inbetween, 7)

    text = tasks.add_parser("text", help="a caption rolled out into frames from a start frame")
    text.add_argument("--caption", required=True)
    text.add_argument("--start", type=Path, help="start frame image")
    text.add_argument("--history", type=int, default=4, help="past frames the model sees (1-10)")
    text.add_argument("--second-caption", help="a caption that takes over from --switch-at")
    text.add_argument("--switch-at", type=int, default=None)
    _common(text, 16)

    birds = tasks.add_parser("birds", help="the bird in a photo flaps its wings, looping")
    birds.add_argument("image", type=Path)
    birds.add_argument(
        "--detector",
        help="YOLOv8 COCO weights (.pt or .onnx); default: $ANIMATE_BIRD_DETECTOR "
        "or ultralytics' yolov8n.pt",
    )
    birds.add_argument("--whole-image", action="store_true", help="skip detection")
    birds.add_argument("--fly-across", action="store_true", help="fly a loop across the photo")
    birds.add_argument(
        "--pose-layers",
        type=int,
        default=DEFAULT_COARSE_LAYERS,
        help="style inputs from the flying poses",
    )
    birds.add_argument("--smoothness", type=float, default=0.5)
    birds.add_argument("--truncation", type=float, default=1.0)
    birds.add_argument("--projection-steps", type=int, default=DEFAULT_PROJECTION_STEPS)
    birds.add_argument(
        "--identity-steps",
        type=int,
        default=DEFAULT_IDENTITY_STEPS,
        help="optimisation steps that keep the bird's look in each flying pose (0 = off)",
    )
    _common(birds, 48)
    birds.set_defaults(fps=24.0)
    return parser


def run(args: argparse.Namespace) -> tuple[Clip, list[str]]:
    """Load the inputs, run the animator and return the clip plus loading warnings."""
    if args.task == "waterfall":
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
        clip = load("waterfall", args.method)(
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
    if args.task == "text":
        start, notes = load_image(args.start) if args.start else (None, [])
        clip = load("text")(
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
    if args.task == "birds":
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
    start, notes = load_image(args.start)
    end, end_notes = load_image(args.end)
    clip = load("inbetween", args.method)(
        start, end, num_frames=args.num_frames, fps=args.fps, loop=args.loop, seed=args.seed
    )
    return clip, notes + [f"End frame: {note}" for note in end_notes]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        clip, notes = run(args)
        path = save_clip(clip, args.output, playback=args.playback)
    except AnimatorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for note in notes + clip.warnings:
        print(f"note: {note}", file=sys.stderr)
    numbers = {
        key: value
        for key, value in clip.info.items()
        if isinstance(value, (int, float, str)) and key not in ("method", "domain")
    }
    summary = ", ".join(f"{key} {value}" for key, value in numbers.items())
    print(f"wrote {path} ({clip.num_frames} frames, {clip.size[0]}x{clip.size[1]}, {summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
