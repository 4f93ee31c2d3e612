"""Two-frame inbetweening on the project's rendered scene, where the true middle frame is known.

A striped ball flies over a panning landscape (`examples.make_examples.render_scene`); the ball
travels `travel` pixels between the two given frames. Each method predicts the frame at t = 0.5
and is scored (PSNR dB / SSIM) against the rendered truth. Small travel is the committed example;
large travel of a small object over a flat sky is where classical flow breaks down.
Needs no data from ../shared.

    python -m benchmarks.inbetween.scenes [--travels 20,40,80,110] [--methods blend,flow,learned]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import animators
from animators.core import metrics
from benchmarks.common import RESULTS, write_json
from examples.make_examples import render_scene


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--travels", default="20,40,80,110", help="ball travel in pixels")
    parser.add_argument("--methods", default="blend,flow,learned")
    parser.add_argument("--out", type=Path, default=RESULTS / "inbetween_scenes.json")
    args = parser.parse_args(argv)
    travels = [float(value) for value in args.travels.split(",")]
    methods = [name.strip() for name in args.methods.split(",")]

    results: dict[str, dict[str, dict[str, float]]] = {}
    print(f"{'ball travel':>12} " + " ".join(f"{m + ' PSNR / SSIM':>22}" for m in methods))
    for travel in travels:
        start, end = render_scene(0.0, ball_travel=travel), render_scene(1.0, ball_travel=travel)
        truth = render_scene(0.5, ball_travel=travel)
        row = {}
        for method in methods:
            middle = animators.load("inbetween", method)(start, end, num_frames=1).frames[1]
            row[method] = {
                "psnr": round(metrics.psnr(middle, truth), 2),
                "ssim": round(metrics.ssim(middle, truth), 4),
            }
        results[f"{travel:g}px"] = row
        cells = " ".join(f"{row[m]['psnr']:>13.2f} / {row[m]['ssim']:.3f}" for m in methods)
        print(f"{travel:>10g}px {cells}")
    write_json({"benchmark": "inbetween_scenes", "results": results}, args.out)


if __name__ == "__main__":
    main()
