"""Two-frame inbetweening on real video: how well each method predicts a held-back frame.

By default on the three DAVIS sequences that no training sees
(training.splits.HELD_OUT_DAVIS: breakdance, car-roundabout, dog); for every
sequence and every gap g in (1, 2), triplets (t - g, t, t + g) are taken every
`--stride` frames (the same middle frames t for both gaps). Each method gets frames t - g and
t + g, resized to each benchmark size, and predicts the middle one:

    animators.load("inbetween", method=m)(a, b, num_frames=1).frames[1]

Measured per (method, gap, size):
- PSNR (dB) and SSIM of the prediction against the true frame t (`animators.core.metrics`),
  averaged over the triplets; the per-sequence PSNR averages go into the JSON too;
- milliseconds per frame on the CPU: the median wall-clock time of the whole call (flow
  estimation included; with num_frames=1 the call makes one frame). The JSON also has the
  process CPU time (all threads) and each method's time relative to "blend" measured in the
  same run, which is steadier than the raw times when the machine is busy.

    python -m benchmarks.inbetween [--data DIR] [--sequences a,b | --sequences all]
                                   [--stride K] [--methods blend,flow,learned] [--out FILE]

--tails scores only each sequence's last 15 % of frames (training.inbetween.video_triplets
.validation_frames), the part of a training sequence that no training step sees: with the
training sequences (`--sequences training --tails`) it is a full-size validation set for
choosing between checkpoints and settings without looking at the held-out benchmark.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import animators
from animators.core import metrics
from animators.inbetween.animator import Inbetweener, LearnedFrames
from animators.nets.inbetween.interpolator import FlowFusionNet
from benchmarks.common import (
    DEFAULT_DATA,
    RESULTS,
    machine,
    read_rgb,
    require_dir,
    resize,
    write_json,
)
from training.inbetween.video_triplets import validation_frames
from training.splits import HELD_OUT_DAVIS

UNTRAINED = "learned, untrained"
FULL_RESOLUTION = "learned, full-resolution flow"
ONE_PASS = "learned, one pass"
FLOAT32 = "learned, float32"
FULL_RESOLUTION_FLOW_SIDE = 1024
GAPS = (1, 2)
SIZES = ((448, 256), (854, 480))  # (width, height)
DEFAULT_STRIDE = 4


def cell_key(gap: int, size: tuple[int, int]) -> str:
    return f"gap{gap}_{size[0]}x{size[1]}"


def list_sequences(data: Path, wanted: str | None) -> list[str]:
    """Sequence folder names under `data` named by --sequences ("all": every one; "training":
    every one but the held-out three), sorted."""
    available = sorted(p.name for p in data.iterdir() if p.is_dir() and any(p.glob("*.jpg")))
    if wanted in ("all", "training"):
        if not available:
            sys.exit(f"No sequence folders with .jpg frames under {data}.")
        if wanted == "training":
            return [name for name in available if name not in HELD_OUT_DAVIS]
        return available
    chosen = [name.strip() for name in wanted.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in available]
    if unknown:
        sys.exit(f"Unknown sequence(s) {', '.join(unknown)}; available: {', '.join(available)}.")
    return chosen


def middle_frames(num_frames: int, stride: int) -> list[int]:
    """Indices t such that t - max gap and t + max gap are frames, every `stride` frames."""
    reach = max(GAPS)
    return list(range(reach, num_frames - reach, stride))


def predict(animator, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The predicted middle frame, wall-clock ms and process CPU ms of the whole call."""
    wall, cpu = time.perf_counter(), time.process_time()
    frame = animator(start, end, num_frames=1).frames[1]
    return frame, 1000 * (time.perf_counter() - wall), 1000 * (time.process_time() - cpu)


def untrained_learned():
    """The `learned` pipeline with an untrained network (zero output layer): the classical
    starting point of training, to show what training itself adds."""
    return Inbetweener("learned, untrained", make_frames=LearnedFrames(FlowFusionNet()))


def full_resolution_learned():
    """The trained `learned` network with its flow estimated at up to 1024 px instead of 512
    (so 854x480 frames get what 448x256 ones get: DIS on the whole frame, the network at half
    of it): what the default's reduced resolution costs in quality, and what it saves in time."""
    frames = LearnedFrames.from_pretrained(max_flow_side=FULL_RESOLUTION_FLOW_SIDE)
    return Inbetweener(FULL_RESOLUTION, make_frames=frames)


def one_pass_learned():
    """The trained `learned` pipeline with one network pass per frame instead of the average
    over the pair's four symmetric views: what the view ensemble adds, and what it costs."""
    frames = LearnedFrames.from_pretrained(ensemble=False)
    return Inbetweener(ONE_PASS, make_frames=frames)


def float32_learned():
    """The `learned` method with float32 convolutions: its time on a CPU without bfloat16
    units (the same frames up to float rounding)."""
    return Inbetweener(FLOAT32, make_frames=LearnedFrames.from_pretrained(bfloat16=False))


BENCHMARK_ONLY = {
    UNTRAINED: untrained_learned,
    FULL_RESOLUTION: full_resolution_learned,
    ONE_PASS: one_pass_learned,
    FLOAT32: float32_learned,
}
"""Variants of `learned` that only the benchmark scores (not animators methods)."""


def tail(paths: list[Path]) -> list[Path]:
    """A sequence's last frames that `training.inbetween.video_triplets.split_clips` keeps out of
    training (about 15 %; none for a sequence too short to split)."""
    held = validation_frames(len(paths))
    return paths[len(paths) - held :]


def run(
    data: Path, sequences: list[str], stride: int, methods: list[str], tails: bool = False
) -> dict:
    """Evaluate every method on every triplet; returns the per-triplet records and summaries.

    Methods named in `BENCHMARK_ONLY` are built by its functions; the others come from
    animators.load. tails: only each sequence's last 15 % (`tail`)."""
    animator_for = {
        method: BENCHMARK_ONLY[method]()
        if method in BENCHMARK_ONLY
        else animators.load("inbetween", method=method)
        for method in methods
    }
    records: list[dict] = []
    triplet_counts: dict[str, int] = {}
    warmed = False
    began = time.perf_counter()
    for sequence in sequences:
        paths = sorted((data / sequence).glob("*.jpg"))
        if tails:
            paths = tail(paths)
        middles = middle_frames(len(paths), stride)
        triplet_counts[sequence] = len(middles)
        needed = sorted({t + d for t in middles for g in GAPS for d in (-g, 0, g)})
        full = {index: read_rgb(paths[index]) for index in needed}
        for size in SIZES:
            frames = {index: resize(image, *size) for index, image in full.items()}
            if not warmed and middles:  # first calls pay one-off set-up costs; not timed
                for animator in animator_for.values():
                    animator(frames[middles[0] - 1], frames[middles[0] + 1], num_frames=1)
            for gap in GAPS:
                for t in middles:
                    start, truth, end = frames[t - gap], frames[t], frames[t + gap]
                    for method, animator in animator_for.items():
                        prediction, wall_ms, cpu_ms = predict(animator, start, end)
                        records.append(
                            {
                                "sequence": sequence,
                                "t": t,
                                "cell": cell_key(gap, size),
                                "method": method,
                                "psnr": metrics.psnr(prediction, truth),
                                "ssim": metrics.ssim(prediction, truth),
                                "wall_ms": wall_ms,
                                "cpu_ms": cpu_ms,
                            }
                        )
        warmed = warmed or bool(middles)
        print(
            f"  {sequence}: {len(middles)} triplets per gap "
            f"({time.perf_counter() - began:.0f} s so far)",
            flush=True,
        )
    return {"records": records, "triplets_per_gap": triplet_counts}


def summarise(records: list[dict], methods: list[str], sequences: list[str]) -> dict:
    """Averages per (method, gap, size), per-sequence PSNR, and differences to "blend"."""

    def select(method: str, key: str, sequence: str | None = None) -> list[dict]:
        return [
            r
            for r in records
            if r["method"] == method
            and r["cell"] == key
            and (sequence is None or r["sequence"] == sequence)
        ]

    keys = [cell_key(gap, size) for gap in GAPS for size in SIZES]
    summary: dict[str, dict] = {}
    per_sequence: dict[str, dict] = {}
    for method in methods:
        summary[method] = {}
        for key in keys:
            rows = select(method, key)
            summary[method][key] = {
                "psnr": round(statistics.fmean(r["psnr"] for r in rows), 3),
                "ssim": round(statistics.fmean(r["ssim"] for r in rows), 4),
                "ms_per_frame": round(statistics.median(r["wall_ms"] for r in rows), 2),
                "cpu_ms_per_frame": round(statistics.median(r["cpu_ms"] for r in rows), 2),
                "triplets": len(rows),
            }
        for sequence in sequences:
            per_sequence.setdefault(sequence, {})[method] = {
                key: round(statistics.fmean(r["psnr"] for r in select(method, key, sequence)), 3)
                for key in keys
            }
    return {
        "summary": summary,
        "per_sequence_psnr": per_sequence,
        "versus_blend": versus(summary, "blend"),
        "versus_flow": versus(summary, "flow"),
    }


def versus(summary: dict, baseline: str) -> dict:
    """PSNR gain (dB) and time ratio of every other method over `baseline`, per cell."""
    if baseline not in summary:
        return {}
    keys = [cell_key(gap, size) for gap in GAPS for size in SIZES]
    return {
        method: {
            key: {
                "psnr_gain_db": round(cells[key]["psnr"] - summary[baseline][key]["psnr"], 3),
                "time_ratio": round(
                    cells[key]["ms_per_frame"] / max(summary[baseline][key]["ms_per_frame"], 1e-9),
                    2,
                ),
            }
            for key in keys
        }
        for method, cells in summary.items()
        if method != baseline
    }


def print_table(report: dict) -> None:
    """The summary table, then every method's PSNR gain over blend and over flow per cell."""
    keys = [(gap, size) for gap in GAPS for size in SIZES]
    group = 22
    print(
        f"{'':19}"
        + " | ".join(f"gap {gap}, {size[0]}x{size[1]}".center(group) for gap, size in keys)
    )
    print(f"{'method':19}" + " | ".join(f"{'PSNR':>6} {'SSIM':>6} {'ms':>8}" for _ in keys))
    for method, cells in report["summary"].items():
        values = []
        for gap, size in keys:
            cell = cells[cell_key(gap, size)]
            values.append(f"{cell['psnr']:6.2f} {cell['ssim']:6.4f} {cell['ms_per_frame']:8.1f}")
        print(f"{method:19}" + " | ".join(values))
    for baseline in ("blend", "flow"):
        for method, gains in report[f"versus_{baseline}"].items():
            cells = ", ".join(
                f"{gains[cell_key(gap, size)]['psnr_gain_db']:+.2f}" for gap, size in keys
            )
            print(f"{method} - {baseline} (dB, cells in table order): {cells}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.inbetween", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="DAVIS frames folder")
    parser.add_argument(
        "--sequences",
        default=",".join(HELD_OUT_DAVIS),
        help="comma-separated sequences, 'all', or 'training' (all but the held-out three; "
        "default: the three held out from training)",
    )
    parser.add_argument(
        "--tails",
        action="store_true",
        help="score only each sequence's last 15%% of frames (no training step sees them)",
    )
    parser.add_argument(
        "--stride", type=int, default=DEFAULT_STRIDE, help="take a triplet every K frames"
    )
    parser.add_argument(
        "--methods", default="blend,flow,learned", help="comma-separated inbetween methods"
    )
    parser.add_argument(
        "--untrained",
        action="store_true",
        help=f'also score "{UNTRAINED}": the learned pipeline before training',
    )
    parser.add_argument(
        "--full-resolution",
        action="store_true",
        help=f'also score "{FULL_RESOLUTION}": the trained network with flow at up to '
        f"{FULL_RESOLUTION_FLOW_SIDE} px (slower)",
    )
    parser.add_argument(
        "--ablations",
        action="store_true",
        help=f'also score "{ONE_PASS}" (no view ensemble) and "{FLOAT32}" (no bfloat16 '
        "convolutions: the time on CPUs without bfloat16 units)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "inbetween.json")
    args = parser.parse_args(argv)

    data = require_dir(args.data)
    if args.stride < 1:
        sys.exit("The stride must be a whole number of at least 1.")
    sequences = list_sequences(data, args.sequences)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    if args.untrained:
        methods.append(UNTRAINED)
    if args.full_resolution:
        methods.append(FULL_RESOLUTION)
    if args.ablations:
        methods += [ONE_PASS, FLOAT32]
    unknown = [m for m in methods if m not in animators.methods("inbetween") + list(BENCHMARK_ONLY)]
    if unknown or not methods:
        sys.exit(
            f"Unknown inbetween method(s) {', '.join(unknown) or '(none given)'}; "
            f"available: {', '.join(animators.methods('inbetween'))}."
        )

    print(f"inbetween benchmark: {len(sequences)} sequences, stride {args.stride}, {methods}")
    began = time.perf_counter()
    result = run(data, sequences, args.stride, methods, tails=args.tails)
    seconds = time.perf_counter() - began
    counts = result["triplets_per_gap"]
    total = sum(counts.values())
    print(
        f"triplets used: {total} per gap, {total * len(GAPS)} in all "
        f"({len(SIZES)} sizes x {len(methods)} methods each); {seconds:.0f} s"
    )
    report = summarise(result["records"], methods, sequences)
    print_table(report)
    write_json(
        {
            "benchmark": "inbetween",
            "data": str(data),
            "sequences": sequences,
            "stride": args.stride,
            "tails_only": args.tails,
            "gaps": list(GAPS),
            "sizes": [f"{w}x{h}" for w, h in SIZES],
            "methods": methods,
            "triplets_per_gap": counts,
            "seconds": round(seconds, 1),
            "machine": machine(),
            **report,
        },
        args.out,
    )


if __name__ == "__main__":
    main()
