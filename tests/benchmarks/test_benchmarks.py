"""The benchmark scripts run end to end on small settings and write their JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks.common import DEFAULT_DATA
from benchmarks.inbetween import scenes as inbetween_scenes
from benchmarks.inbetween import triplets as inbetween
from benchmarks.waterfall import render as waterfall

needs_davis = pytest.mark.skipif(
    not DEFAULT_DATA.is_dir(), reason=f"DAVIS frames not found at {DEFAULT_DATA}"
)


def test_rendered_scene_benchmark_flow_tracks_small_motion(tmp_path):
    out = tmp_path / "scenes.json"
    inbetween_scenes.main(["--travels", "20", "--out", str(out)])
    row = json.loads(out.read_text())["results"]["20px"]
    assert row["flow"]["psnr"] > row["blend"]["psnr"] + 1.0


def test_tail_is_the_part_training_never_sees(tmp_path):
    from training.inbetween import video_triplets

    paths = [tmp_path / f"{i:05d}.jpg" for i in range(60)]
    frames = np.zeros((60, 4, 4, 3), dtype=np.uint8)
    frames[:, 0, 0, 0] = np.arange(60)
    clip = video_triplets.VideoClip("c", frames, np.zeros(59, dtype=bool))
    held = video_triplets.split_clips([clip])[1][0].frames[:, 0, 0, 0]
    assert [int(p.stem) for p in inbetween.tail(paths)] == held.tolist()
    assert inbetween.tail(paths[:12]) == []  # too short to split: all of it trains


@needs_davis
@pytest.mark.slow
def test_davis_inbetween_benchmark_small(tmp_path):
    out = tmp_path / "inbetween.json"
    inbetween.main(
        [
            "--sequences",
            "car-shadow",
            "--stride",
            "20",
            "--untrained",
            "--full-resolution",
            "--ablations",
            "--out",
            str(out),
        ]
    )
    result = json.loads(out.read_text())
    summary = result["summary"]
    full = "learned, full-resolution flow"
    ablations = {"learned, one pass", "learned, float32"}
    assert set(summary) == {"blend", "flow", "learned", "learned, untrained", full} | ablations
    for cell in ("gap1_448x256", "gap1_854x480"):  # bfloat16 or not: the same frames, rounded
        psnr = summary["learned"][cell]["psnr"]
        assert summary["learned, float32"][cell]["psnr"] == pytest.approx(psnr, abs=0.01)
    # 448x256 is under both flow-size limits (the same computation); 854x480 is not
    assert summary[full]["gap1_448x256"]["psnr"] == summary["learned"]["gap1_448x256"]["psnr"]
    assert summary[full]["gap1_854x480"]["psnr"] != summary["learned"]["gap1_854x480"]["psnr"]
    for cell in ("gap1_448x256", "gap2_854x480"):
        assert summary["flow"][cell]["psnr"] > summary["blend"][cell]["psnr"]
        assert summary["learned"][cell]["psnr"] > summary["blend"][cell]["psnr"]
        assert summary["flow"][cell]["ms_per_frame"] > 0
    gain = result["versus_flow"]["learned"]["gap2_854x480"]["psnr_gain_db"]
    assert gain == pytest.approx(
        summary["learned"]["gap2_854x480"]["psnr"] - summary["flow"]["gap2_854x480"]["psnr"],
        abs=0.002,
    )


@needs_davis
@pytest.mark.slow
def test_whole_clip_benchmark_small(tmp_path):
    from benchmarks.inbetween import clips as inbetween_clips

    out = tmp_path / "clips.json"
    inbetween_clips.main(["--sequences", "dog", "--methods", "blend,flow", "--out", str(out)])
    results = json.loads(out.read_text())["results"]
    assert results["blend"]["clips"] == 1  # dog: 60 frames -> 30 at every 2nd frame
    assert 0.0 < results["flow"]["mean_l2"] < 1.0


@needs_davis
@pytest.mark.slow
def test_waterfall_benchmark_small(tmp_path):
    out = tmp_path / "waterfall.json"
    waterfall.main(["--width", "256", "--frames", "8", "--repeats", "1", "--out", str(out)])
    assert out.is_file() and json.loads(out.read_text())


def test_text_benchmark_icons_end_to_end(tmp_path):
    from benchmarks.text import rollouts as text

    out = tmp_path / "text.json"
    text.main(["--domains", "icons", "--sequences", "2", "--gan-samples", "4", "--out", str(out)])
    entry = json.loads(out.read_text())["domains"]["icons"]
    rows = entry["results"]["seen"]
    assert set(rows) == {"model", "copy-last-frame"}
    assert rows["copy-last-frame"]["40"]["direction"] == 0.0  # standing still never moves
    assert 0.0 <= entry["first_frame_gan_subject"] <= 1.0 and entry["seconds_16_frames"] > 0


def test_text_benchmark_scores_mnist_variants_as_rows(tmp_path):
    from benchmarks.text import rollouts as text
    from training.text.moving_mnist import DEFAULT_MNIST

    if not DEFAULT_MNIST.is_file():
        pytest.skip(f"MNIST digits not found at {DEFAULT_MNIST}")
    out = tmp_path / "text.json"
    arguments = ["--domains", "mnist", "--sequences", "1", "--gan-samples", "2"]
    text.main([*arguments, "--out", str(out), "--mnist-variants", "again=checkpoints/text/mnist"])
    seen = json.loads(out.read_text())["domains"]["mnist"]["results"]["seen"]
    assert set(seen) == {"model", "again", "copy-last-frame"}
    assert seen["again"] == seen["model"]  # the same checkpoint scores the same


@needs_davis
@pytest.mark.slow
def test_waterfall_motion_benchmark_small(tmp_path):
    from benchmarks.waterfall import motion as waterfall_motion

    out = tmp_path / "waterfall_motion.json"
    waterfall_motion.main(["--scenes", "4", "--size", "96", "--frames", "8", "--out", str(out)])
    result = json.loads(out.read_text())
    procedural = {row: kinds["procedural"] for row, kinds in result["summary"].items()}
    assert procedural["static photo"]["field_cosine"] == 0.0
    assert procedural["static photo"]["seam"] == 0.0  # a still photo has no seam
    assert procedural["brush-guided"]["field_cosine"] > 0.8  # painted from the reference
    assert -1.0 <= procedural["flow"]["field_cosine"] <= 1.0
    assert len(result["seconds_768x512_24_frames"]) >= 1
    groups = result["field_cosine_by_direction_cue"]["brush-guided"]
    shown = groups.get("direction_shown", {}).get("scenes", 0)
    flips = groups.get("sign_coin_flip", {}).get("scenes", 0)
    assert shown + flips == len(result["clips"])
    assert result["photo_only_ceiling"] == round(shown / (shown + flips), 3)
    ablation = result["predictor_ablation"]
    assert list(ablation) == ["network only", "+ streak alignment"]
    # The app's predictor aligns, so its row equals the flow row's field cosine.
    assert ablation["+ streak alignment"]["field_cosine"] == pytest.approx(
        procedural["flow"]["field_cosine"], abs=0.002
    )
