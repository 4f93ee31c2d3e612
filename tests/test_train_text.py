"""training.train_text runs, saves resumable state and sample grids, and exports a checkpoint
that the inference animator loads (icons domain: needs no data from ../shared)."""

from __future__ import annotations

import json

import numpy as np

from animators.text_sequence import TextSequenceAnimator
from training import train_text


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
