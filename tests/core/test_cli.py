"""The command line: `python -m animators <task> ... -o out.<ext>`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from animators.__main__ import main
from animators.waterfall.generators import ORIGINAL_METHODS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_inbetween_writes_npz_with_exact_frames(tmp_path):
    out = tmp_path / "clip.npz"
    code = main(
        [
            "inbetween",
            str(EXAMPLES / "inbetween_start.png"),
            str(EXAMPLES / "inbetween_end.png"),
            "-n",
            "5",
            "--method",
            "blend",
            "--fps",
            "8",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    data = np.load(out)
    assert data["frames"].shape == (7, 360, 640, 3) and data["frames"].dtype == np.uint8
    assert float(data["fps"]) == 8.0
    start = np.asarray(Image.open(EXAMPLES / "inbetween_start.png").convert("RGB"))
    assert np.array_equal(data["frames"][0], start)


def test_inbetween_sampling_method_follows_the_seed(tmp_path):
    frames = {}
    for seed in (0, 0, 1):
        out = tmp_path / f"cvae_{seed}.npz"
        arguments = ["inbetween", str(EXAMPLES / "inbetween_start.png")]
        arguments += [str(EXAMPLES / "inbetween_end.png"), "-n", "3", "--method", "cvae"]
        assert main(arguments + ["--seed", str(seed), "-o", str(out)]) == 0
        frames.setdefault(seed, []).append(np.load(out)["frames"])
    assert frames[0][0].shape == (5, 360, 640, 3)
    assert np.array_equal(frames[0][0], frames[0][1])
    assert not np.array_equal(frames[0][0], frames[1][0])


def test_waterfall_with_mask_and_freeze(tmp_path):
    photo = EXAMPLES / "waterfall.png"
    freeze = np.zeros((512, 768), np.uint8)
    freeze[200:260, 340:420] = 255  # a rock in the middle of the falling water
    Image.fromarray(freeze).save(tmp_path / "freeze.png")
    out = tmp_path / "loop.npz"
    code = main(
        [
            "waterfall",
            str(photo),
            "--mask",
            str(EXAMPLES / "waterfall_mask.png"),
            "--freeze",
            str(tmp_path / "freeze.png"),
            "--direction",
            "270",
            "--speed",
            "3",
            "-n",
            "8",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    frames = np.load(out)["frames"]
    image = np.asarray(Image.open(photo).convert("RGB"))
    assert frames.shape == (8, 512, 768, 3)
    assert (frames[:, 200:260, 340:420] == image[200:260, 340:420]).all()
    assert not (frames[4] == image).all()


def test_waterfall_flow_without_a_mask(tmp_path):
    out = tmp_path / "loop.gif"
    code = main(["waterfall", str(EXAMPLES / "waterfall.png"), "-n", "8", "-o", str(out)])
    assert code == 0
    with Image.open(out) as gif:
        assert gif.n_frames == 8 and gif.size == (768, 512)


@pytest.mark.parametrize("method", ORIGINAL_METHODS)
def test_waterfall_original_projects_models(tmp_path, method):
    photo = tmp_path / "small.png"
    Image.open(EXAMPLES / "waterfall.png").convert("RGB").resize((192, 128)).save(photo)
    out = tmp_path / f"{method}.npz"
    assert main(["waterfall", str(photo), "--method", method, "-n", "8", "-o", str(out)]) == 0
    frames = np.load(out)["frames"]
    assert frames.shape == (8, 128, 192, 3) and frames.dtype == np.uint8
    assert np.abs(np.diff(frames.astype(int), axis=0)).mean() > 0  # it moves


def test_errors_are_one_line_and_exit_2(tmp_path):
    text = tmp_path / "x.txt"
    text.write_text("hello")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "animators",
            "inbetween",
            str(text),
            str(text),
            "-o",
            str(tmp_path / "o.mp4"),
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: x.txt is not an image")
    assert "Traceback" not in result.stderr


def test_birds_whole_image_writes_the_flight(tmp_path):
    out = tmp_path / "bird.npz"
    arguments = ["birds", str(EXAMPLES / "bird_scene.png"), "-n", "8", "--whole-image"]
    code = main(arguments + ["--projection-steps", "2", "--fps", "10", "-o", str(out)])
    assert code == 0
    data = np.load(out)
    assert data["frames"].shape == (8, 426, 640, 3) and float(data["fps"]) == 10.0
    assert not np.array_equal(data["frames"][0], data["frames"][4])  # the bird moves


def test_birds_rejects_an_absurd_frame_count(tmp_path, capsys):
    arguments = ["birds", str(EXAMPLES / "bird_scene.png"), "-n", "5000", "--whole-image"]
    assert main(arguments + ["-o", str(tmp_path / "b.gif")]) == 2
    assert "number of frames" in capsys.readouterr().err
