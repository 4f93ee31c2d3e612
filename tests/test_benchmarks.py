"""The benchmark scripts run end to end on small settings and write their JSON."""

from __future__ import annotations

import json

import pytest

from benchmarks import inbetween, inbetween_scenes, waterfall
from benchmarks.common import DEFAULT_DATA

needs_davis = pytest.mark.skipif(
    not DEFAULT_DATA.is_dir(), reason=f"DAVIS frames not found at {DEFAULT_DATA}"
)


def test_rendered_scene_benchmark_flow_tracks_small_motion(tmp_path):
    out = tmp_path / "scenes.json"
    inbetween_scenes.main(["--travels", "20", "--out", str(out)])
    row = json.loads(out.read_text())["results"]["20px"]
    assert row["flow"]["psnr"] > row["blend"]["psnr"] + 1.0


@needs_davis
@pytest.mark.slow
def test_davis_inbetween_benchmark_small(tmp_path):
    out = tmp_path / "inbetween.json"
    inbetween.main(["--sequences", "car-shadow", "--stride", "20", "--out", str(out)])
    summary = json.loads(out.read_text())["summary"]
    assert set(summary) == {"blend", "flow"}
    for cell in ("gap1_448x256", "gap2_854x480"):
        assert summary["flow"][cell]["psnr"] > summary["blend"][cell]["psnr"]
        assert summary["flow"][cell]["ms_per_frame"] > 0


@needs_davis
@pytest.mark.slow
def test_waterfall_benchmark_small(tmp_path):
    out = tmp_path / "waterfall.json"
    waterfall.main(["--width", "256", "--frames", "8", "--repeats", "1", "--out", str(out)])
    assert out.is_file() and json.loads(out.read_text())
