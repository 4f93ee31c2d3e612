"""training.text.train_next_frame runs, saves resumable state and sample grids, and exports a
checkpoint that the inference animator loads (icons domain: needs no data from ../shared)."""

from __future__ import annotations

import json

import numpy as np

from animators.text.animator import TextSequenceAnimator
from training.text import train_next_frame as train_text


def test_smoke_run_exports_a_loadable_checkpoint_and_resumes(tmp_path, capsys):
    run, export = tmp_path / "run", tmp_path / "ckpt"
    train_text.main(["--domain", "icons", "--out", str(run), "--smoke", "--export", str(export)])
    assert (run / "state.pt").is_file() and list((run / "samples").glob("*.png"))
    metrics = json.loads((export / "metrics.json").read_text())
    assert metrics["steps"] == 3 and 0 <= metrics["val_l1_10_frames_seen"] <= 1

    animator = TextSequenceAnimator.from_pretrained("icons", source=str(export), device="cpu")
    start = np.zeros((64, 64, 3), np.uint8)
    clip = animator("a red square moving left", start, num_frames=4)
    assert clip.frames.shape == (4, 64, 64, 3)

    train_text.main(["--domain", "icons", "--out", str(run), "--smoke", "--resume"])
    assert "resumed" in capsys.readouterr().out


def test_first_frame_gan_smoke_run_exports_a_generator(tmp_path):
    from animators.core.checkpoints import load_module
    from animators.nets.text.first_frame import FirstFrameConfig, FirstFrameGenerator
    from training.text import train_first_frame

    run, export = tmp_path / "run", tmp_path / "ckpt"
    train_first_frame.main(
        ["--domain", "icons", "--out", str(run), "--smoke", "--export", str(export)]
    )
    assert (run / "state.pt").is_file() and list((run / "samples").glob("*.png"))
    generator = load_module(FirstFrameGenerator, FirstFrameConfig, export)
    assert generator.config.channels == 3


def test_adversarial_schedules_smoke_run(tmp_path):
    from training.text import train_adversarial as train_text_adversarial

    plain = tmp_path / "plain"
    train_text.main(
        ["--domain", "icons", "--out", str(tmp_path / "p"), "--smoke", "--export", str(plain)]
    )
    for schedule in train_text_adversarial.SCHEDULES:
        export = tmp_path / schedule
        train_text_adversarial.main(
            ["--domain", "icons", "--schedule", schedule, "--init", str(plain)]
            + ["--out", str(tmp_path / f"run_{schedule}"), "--smoke", "--export", str(export)]
        )
        assert json.loads((export / "metrics.json").read_text())["schedule"] == schedule


def test_time_budget_stops_on_steps_or_time(monkeypatch):
    from training import common

    clock = iter([0.0, 30.0, 90.0])
    monkeypatch.setattr(common.time, "perf_counter", lambda: next(clock))
    budget = common.TimeBudget(steps=100, minutes=1.0)  # began at 0 s
    assert budget.progress(10) == 0.5  # 30 s of 60 s beats 10 of 100 steps
    assert budget.done(10)  # 90 s > 60 s
    monkeypatch.setattr(common.time, "perf_counter", lambda: 0.0)
    assert not common.TimeBudget(steps=4).done(3) and common.TimeBudget(steps=4).done(4)
