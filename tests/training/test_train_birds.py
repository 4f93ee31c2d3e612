"""The bird trainers run end to end on a tiny stand-in data set (--smoke) and export
checkpoints that the animator loads."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from animators.birds.animator import BirdAnimator
from animators.core.checkpoints import load_state_dict
from training.birds import build_pose_bank
from training.birds import train_encoder as train_bird_encoder
from training.birds import train_gan as train_bird_gan
from training.birds.build_pose_bank import cycle_order
from training.judges import train_bird_classifier


@pytest.fixture(scope="module")
def bird_npz(tmp_path_factory):
    """64 random 64x64 'photos' with ids covering FLYING_IDS, as training.birds.photos writes."""
    folder = tmp_path_factory.mktemp("birds")
    rng = np.random.default_rng(0)
    ids = np.array(sorted(set(build_pose_bank.FLYING_IDS) | set(range(3000, 3050))))
    images = rng.integers(0, 255, (len(ids), 64, 64, 3), dtype=np.uint8)
    labels = np.arange(len(ids)) % 5
    path = folder / "birds.npz"
    np.savez(path, images=images, labels=labels, ids=ids)
    return path


@pytest.mark.slow
def test_trainers_export_checkpoints_the_animator_loads(bird_npz, tmp_path):
    checkpoints = tmp_path / "checkpoints"
    train_bird_gan.main(
        [
            "--smoke",
            "--data",
            str(bird_npz),
            "--out",
            str(tmp_path / "gan"),
            "--export",
            str(checkpoints / "stylegan"),
            "--export-critic",
            str(checkpoints / "stylegan_critic"),
        ]
    )
    train_bird_gan.main(
        [
            "--smoke",
            "--model",
            "dcgan",
            "--data",
            str(bird_npz),
            "--out",
            str(tmp_path / "dcgan"),
            "--export",
            str(checkpoints / "dcgan"),
        ]
    )
    assert (tmp_path / "gan" / "state.pt").is_file()
    assert len(list((tmp_path / "gan" / "samples").glob("*.png"))) >= 1
    train_bird_encoder.main(
        [
            "--smoke",
            "--data",
            str(bird_npz),
            "--out",
            str(tmp_path / "enc"),
            "--generator",
            str(checkpoints / "stylegan"),
            "--critic",
            str(checkpoints / "stylegan_critic"),
            "--export",
            str(checkpoints / "encoder"),
        ]
    )
    build_pose_bank.main(
        [
            "--data",
            str(bird_npz),
            "--steps",
            "2",
            "--out",
            str(tmp_path / "pb"),
            "--generator",
            str(checkpoints / "stylegan"),
            "--critic",
            str(checkpoints / "stylegan_critic"),
            "--encoder",
            str(checkpoints / "encoder"),
            "--export",
            str(checkpoints / "pose_bank"),
        ]
    )
    train_bird_classifier.main(
        [
            "--smoke",
            "--data",
            str(bird_npz),
            "--out",
            str(tmp_path / "cls"),
            "--export",
            str(checkpoints / "classifier"),
        ]
    )
    animator = BirdAnimator.from_pretrained(source=checkpoints, device="cpu")
    assert animator.pose_ws.shape[0] == len(build_pose_bank.FLYING_IDS)
    animator.detector = None  # whole image: no detector needed
    photo = np.random.default_rng(1).integers(0, 255, (80, 100, 3), dtype=np.uint8)
    clip = animator(photo, num_frames=8, projection_steps=1, whole_image=True)
    assert clip.frames.shape == (8, 80, 100, 3)


def test_gan_resumes_from_its_state(bird_npz, tmp_path):
    arguments = ["--smoke", "--model", "dcgan", "--data", str(bird_npz), "--out", str(tmp_path)]
    train_bird_gan.main(arguments)
    state = torch.load(tmp_path / "state.pt", weights_only=True)
    assert state["step"] == 3
    train_bird_gan.main(arguments + ["--resume"])  # already at its 3 smoke steps: no new steps
    assert torch.load(tmp_path / "state.pt", weights_only=True)["step"] == 3


def test_gan_continues_from_exported_checkpoints(bird_npz, tmp_path):
    """--init starts a new run from an exported generator and critic (strictly), continuing
    their step count; a checkpoint of the other architecture is refused."""
    data = ["--smoke", "--data", str(bird_npz)]
    first = tmp_path / "first"
    train_bird_gan.main(
        data
        + ["--out", str(tmp_path / "a"), "--export", str(first / "g")]
        + ["--export-critic", str(first / "d")]
    )
    train_bird_gan.main(
        data
        + ["--out", str(tmp_path / "b"), "--init", str(first / "g")]
        + ["--init-critic", str(first / "d"), "--export", str(tmp_path / "again")]
    )
    # the smoke run's 3 steps were already done, so nothing trains and the weights carry over
    assert torch.load(tmp_path / "b" / "state.pt", weights_only=True)["step"] == 3
    before, after = load_state_dict(first / "g"), load_state_dict(tmp_path / "again")
    assert before.keys() == after.keys()
    assert all(torch.equal(before[key], after[key]) for key in before)
    with pytest.raises(RuntimeError):
        train_bird_gan.main(
            data + ["--model", "dcgan", "--out", str(tmp_path / "c"), "--init", str(first / "g")]
        )


def test_cycle_order_is_a_short_closed_tour():
    angles = np.linspace(0, 2 * np.pi, 9)[:-1]
    points = np.stack([np.cos(angles), np.sin(angles)], 1)[[0, 4, 2, 6, 1, 5, 3, 7]]
    order = cycle_order(points)
    assert sorted(order) == list(range(8))
    tour = points[order]
    length = np.linalg.norm(np.roll(tour, -1, 0) - tour, axis=1).sum()
    assert length == pytest.approx(8 * 2 * np.sin(np.pi / 8), rel=1e-6)  # the octagon
