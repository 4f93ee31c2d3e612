"""training.text.walking on synthetic detections (no video, no detector needed)."""

from __future__ import annotations

import numpy as np
import pytest

from animators.text.captions import tokenize
from training.text import walking


def test_iou_of_boxes():
    a = np.array([[0, 0, 10, 10]], np.float32)
    b = np.array([[0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]], np.float32)
    assert np.allclose(walking.iou(a, b), [[1.0, 50 / 150, 0.0]], atol=1e-6)


def _walker(x0: float, step: float, frames: int, y: float = 100.0) -> list[np.ndarray]:
    return [
        np.array([x0 + step * t, y, x0 + step * t + 30, y + 80], np.float32) for t in range(frames)
    ]


def test_two_people_are_linked_into_two_tracks():
    left, right = _walker(400, -3, 30), _walker(100, 3, 30, y=300)
    per_frame = [np.stack([a, b]) for a, b in zip(left, right, strict=True)]
    tracks = walking.link_tracks(per_frame)
    assert sorted(len(t.boxes) for t in tracks) == [30, 30]
    starts = {round(float(t.boxes[0][0])) for t in tracks}
    assert starts == {400, 100}


def test_clips_are_captioned_by_their_horizontal_displacement():
    frames = np.zeros((40, 576, 768), np.uint8)
    left = walking.Track(0, _walker(400, -3, 40))
    right = walking.Track(0, _walker(200, 3, 40, y=300))
    still = walking.Track(0, _walker(600, 0, 40, y=200))
    clips = walking.cut_clips(frames, [left, right, still])
    assert clips["clips"].shape[1:] == (walking.CLIP_FRAMES, 64, 64)
    by_track = {int(t): str(c) for t, c in zip(clips["track"], clips["captions"], strict=True)}
    assert by_track == {0: "person walking left", 1: "person walking right"}  # still: dropped
    assert (np.sign(clips["dx"][clips["track"] == 0]) == -1).all()


def test_batches_mirror_with_the_caption():
    clip = np.zeros((1, walking.CLIP_FRAMES, 64, 64), np.uint8)
    clip[0, :, 20:40, 5:10] = 255  # something on the left side
    clips = {"clips": clip, "captions": np.array(["person walking right"])}
    batch = walking.batch(clips, np.random.default_rng(0), 32, 12)
    assert batch["frames"].shape == (32, 12, 1, 64, 64)
    for frames, caption in zip(batch["frames"], batch["captions"], strict=True):
        mirrored = frames[0, 0, 30, 56] > 0.5
        assert caption == ("person walking left" if mirrored else "person walking right")
    assert {tuple(t) for t in batch["tokens"]} <= {
        tuple(tokenize("person walking left")),
        tuple(tokenize("person walking right")),
    }
    with pytest.raises(ValueError, match="16 frames"):
        walking.batch(clips, np.random.default_rng(0), 2, 17)
