"""Command line: one subcommand per task, writing .mp4, .gif, .zip (PNG frames) or .npz.

python -m animators waterfall photo.jpg -n 24 -o out.mp4    # the model finds what flows
python -m animators waterfall photo.jpg --mask water.png --direction 270 --speed 2 -n 24 -o out.mp4
python -m animators inbetween start.png end.png -n 7 --method learned -o out.gif
python -m animators birds photo.jpg -n 48 -o out.mp4 [--detector yolov8n-int8.onnx]

Each task's subcommand (its arguments and how it runs) is in its package's `cli` module.
"""

from __future__ import annotations

import argparse
import sys

from animators.birds import cli as birds_cli
from animators.core.base import AnimatorError
from animators.core.export import save_clip
from animators.inbetween import cli as inbetween_cli
from animators.text import cli as text_cli
from animators.waterfall import cli as waterfall_cli

COMMANDS = {
    "waterfall": waterfall_cli,
    "inbetween": inbetween_cli,
    "text": text_cli,
    "birds": birds_cli,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m animators", description=__doc__.split("\n")[0])
    tasks = parser.add_subparsers(dest="task", required=True)
    for command in COMMANDS.values():
        command.add_parser(tasks)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        clip, notes = COMMANDS[args.task].run(args)
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
