"""The learned motion field (waterfall method "flow"): scenes, targets, network, predictor,
animator, training script and the real checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from helpers import FixedNet, panning_frames, rect_mask, textured_image, write_gif
from PIL import Image

import animators
from animators.core.base import InputError
from animators.core.checkpoints import load_module
from animators.nets.waterfall.motion_field import MotionFieldConfig, MotionFieldNet
from animators.waterfall.animator import Waterfall
from animators.waterfall.motion_field import MotionFieldPredictor
from training.waterfall import fluid_scenes, motion_targets, train_motion_field

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CHECKPOINT = Path(__file__).resolve().parents[2] / "checkpoints/waterfall/flow"


@pytest.fixture(scope="module")
def pool() -> fluid_scenes.ScenePool:
    photos = [textured_image(seed=s, height=120, width=150) for s in range(3)]
    return fluid_scenes.ScenePool(photos, water=[textured_image(seed=9, height=60, width=150)])


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float((a * b).sum() / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-9))


# --- procedural scenes and measured targets -----------------------------------------------


@pytest.mark.parametrize("kind", ["fall", "river", "smoke", "empty"])
def test_scene_shapes_and_ranges(pool, kind):
    scene = fluid_scenes.make_scene(pool, 64, np.random.default_rng(0), kind=kind)
    assert scene.image.shape == (64, 64, 3) and scene.image.dtype == np.uint8
    assert scene.field.shape == (64, 64, 2) and scene.field.dtype == np.float32
    speed = np.hypot(scene.field[..., 0], scene.field[..., 1])
    if kind == "empty":
        assert not scene.moving.any() and speed.max() == 0
    else:
        assert 0.02 < scene.moving.mean() < 0.95
        assert speed[scene.moving].max() < 5.0 and speed[~scene.moving].mean() < 0.5


def test_waterfalls_fall_down_and_smoke_mostly_rises(pool):
    rng = np.random.default_rng(1)
    for _ in range(5):
        fall = fluid_scenes.make_scene(pool, 64, rng, kind="fall")
        assert fall.field[fall.moving][:, 1].mean() > 0.3  # +y is down
    rising = [fluid_scenes.make_scene(pool, 64, rng, kind="smoke") for _ in range(20)]
    assert sum(s.field[s.moving][:, 1].mean() < 0 for s in rising) >= 8


def test_a_coin_flip_sign_leaves_no_trace_in_the_photo(pool, monkeypatch):
    """Sideways rivers: the photo is the same whichever way the river flows, so the benchmark
    may rightly count these scenes as ones where no photo-only method can tell the sign."""
    real_direction = fluid_scenes.main_direction
    flipped = {"done": False}

    def opposite(kind, rng):
        angle, known = real_direction(kind, rng)
        return (angle + 180.0 if flipped["done"] else angle), known

    monkeypatch.setattr(fluid_scenes, "main_direction", opposite)
    for seed in range(12):
        flipped["done"] = False
        scene = fluid_scenes.make_scene(pool, 64, np.random.default_rng(seed), kind="river")
        if scene.direction_known:
            continue
        flipped["done"] = True
        mirror = fluid_scenes.make_scene(pool, 64, np.random.default_rng(seed), kind="river")
        np.testing.assert_array_equal(scene.image, mirror.image)
        np.testing.assert_allclose(scene.field, -mirror.field, atol=1e-5)
        break
    else:
        pytest.fail("no sideways river in 12 seeds")
    falls = [
        fluid_scenes.make_scene(pool, 64, np.random.default_rng(s), kind="fall") for s in range(3)
    ]
    assert all(scene.direction_known for scene in falls)


def test_rendered_clip_moves_along_the_field(pool):
    scene = fluid_scenes.make_scene(pool, 96, np.random.default_rng(3), kind="fall")
    frames = fluid_scenes.render_clip(scene, 10)
    assert frames.shape == (10, 96, 96, 3) and (frames[0] == scene.image).all()
    still = scene.alpha == 0
    assert (frames[:, still] == scene.image[still]).all()  # the background never moves
    measured = motion_targets.measure("scene", frames)
    both = measured.moving & scene.moving
    assert both.sum() > 50
    assert cosine(measured.field[both], scene.field[both]) > 0.9


def test_measured_target_of_a_pan_and_of_back_and_forth():
    pan = panning_frames(8)  # the window slides right, so the content moves left 3 px/frame
    target = motion_targets.measure("pan", pan)
    centre = target.field[30:90, 40:120]
    assert np.allclose(centre.mean(axis=(0, 1)), (-3.0, 0.0), atol=0.3)
    assert target.moving[30:90, 40:120].mean() > 0.9
    shaking = np.concatenate([pan[:2], pan[:2], pan[:2]])  # forth and back: no net flow
    assert motion_targets.measure("shake", shaking).moving.mean() < 0.1


def test_random_crop_scales_the_field():
    target = motion_targets.MotionTarget(
        "t",
        textured_image(seed=1, height=100, width=200),
        np.full((100, 200, 2), (2.0, 0.0), np.float32),
        np.ones((100, 200), bool),
        np.ones((100, 200), np.float32),
    )
    image, field, moving = motion_targets.random_crop(target, 50, np.random.default_rng(0))
    assert image.shape == (50, 50, 3) and moving.all()
    assert 1.0 <= field[..., 0].mean() <= 1.7  # a 60-100 px crop shown at 50 px


# --- network and predictor -----------------------------------------------------------------


def test_network_shapes_and_size_check():
    net = MotionFieldNet(MotionFieldConfig(widths=(8, 16, 16, 16), context_blocks=1)).eval()
    output = net(torch.rand(2, 3, 48, 80))
    assert output["velocity"].shape == (2, 2, 48, 80)
    assert output["moving_logit"].shape == (2, 1, 48, 80)
    with pytest.raises(ValueError, match="multiples of 16"):
        net(torch.rand(1, 3, 40, 80))


def test_predictor_returns_the_field_at_the_photo_size():
    field, probability = MotionFieldPredictor(FixedNet(), align=False).predict(
        textured_image(height=90, width=200)
    )
    assert field.shape == (90, 200, 2) and probability.shape == (90, 200)
    assert np.allclose(field[:35, :, 0], 1.0, atol=1e-3) and (field[55:] == 0).all()
    assert probability[:35].min() > 0.99 and probability[55:].max() < 0.01


class SizeDependentNet(torch.nn.Module):
    """Finds the left half flowing down only in small copies (longest side < 200 px) and
    the right half flowing up only in large ones: like a network that misses a region at
    one size and finds it at another."""

    def forward(self, image):
        batch, _, height, width = image.shape
        velocity = torch.zeros(batch, 2, height, width)
        logit = torch.full((batch, 1, height, width), -8.0)
        half = width // 2
        if max(height, width) < 200:
            velocity[:, 1, :, :half], logit[:, :, :, :half] = 1.0, 8.0
        else:
            velocity[:, 1, :, half:], logit[:, :, :, half:] = -1.0, 8.0
        return {"velocity": velocity, "moving_logit": logit}


def test_predictor_keeps_what_either_size_finds():
    photo = textured_image(height=96, width=320)
    field, probability = MotionFieldPredictor(
        SizeDependentNet(), sides=(160, 256), align=False
    ).predict(photo)
    assert np.allclose(field[:, :140, 1], 1.0, atol=1e-3)  # found only at 160 px
    assert np.allclose(field[:, 180:, 1], -1.0, atol=1e-3)  # found only at 256 px
    assert probability[:, :140].min() > 0.99 and probability[:, 180:].min() > 0.99
    small_only, _ = MotionFieldPredictor(SizeDependentNet(), sides=(160,), align=False).predict(
        photo
    )
    assert (small_only[:, 180:] == 0).all()
    with pytest.raises(ValueError, match="at least one input size"):
        MotionFieldPredictor(SizeDependentNet(), sides=())


def test_flow_method_scales_freezes_and_yields_to_the_brush():
    waterfall = Waterfall(MotionFieldPredictor(FixedNet(), align=False))
    photo = textured_image(seed=4, height=64, width=80)
    clip = waterfall(photo, speed=3.0, num_frames=8)
    field = clip.info["motion_field"]
    assert clip.info["field_source"] == "model" and clip.info["method"] == "flow"
    assert field[10, 40, 0] == pytest.approx(3.0) and (field[40:] == 0).all()
    assert (clip.frames[:, 40:] == photo[40:]).all()  # the still half never changes
    assert not (clip.frames[4, :24] == photo[:24]).all()
    frozen = waterfall(photo, freeze=rect_mask(64, 80, 0, 32, 0, 40), num_frames=8)
    assert (frozen.info["motion_field"][:28, :36] == 0).all()
    painted = waterfall(photo, mask=rect_mask(64, 80, 40, 64, 0, 80), direction=270, num_frames=8)
    assert painted.info["field_source"] == "brush"
    assert (
        painted.info["motion_field"][52, 40, 1] > 0
        and (painted.info["motion_field"][:30] == 0).all()
    )


def test_flow_method_says_when_nothing_flows():
    class StillNet(FixedNet):
        def forward(self, image):
            output = super().forward(image)
            output["moving_logit"].fill_(-8.0)
            return output

    with pytest.raises(InputError, match="found nothing that flows"):
        Waterfall(MotionFieldPredictor(StillNet()))(textured_image(), num_frames=8)


# --- training script -----------------------------------------------------------------------


def test_training_smoke_run_resumes_and_exports(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for seed in range(3):
        Image.fromarray(textured_image(seed=seed, height=100, width=120)).save(
            photos / f"{seed}.png"
        )
    footage = tmp_path / "footage"
    footage.mkdir()
    write_gif(footage / "pan.gif", panning_frames(6))
    missing = str(tmp_path / "none")
    arguments = ["--out", str(tmp_path / "run"), "--smoke", "--backgrounds", str(photos)]
    arguments += ["--birds", missing, "--davis", missing, "--data", str(footage)]
    arguments += ["--export", str(tmp_path / "export")]
    train_motion_field.main(arguments)
    log = [json.loads(line) for line in (tmp_path / "run/log.jsonl").read_text().splitlines()]
    assert [entry["step"] for entry in log] == [2, 4]
    assert {"cosine", "inside_outside", "iou", "mask"} <= set(log[-1])
    assert list((tmp_path / "run/samples").glob("step_*.png"))
    train_motion_field.main(arguments + ["--resume"])  # 4 more steps, from step 4
    log = (tmp_path / "run/log.jsonl").read_text().splitlines()
    assert [json.loads(line)["step"] for line in log] == [2, 4, 6, 8]


# --- the committed checkpoint ----------------------------------------------------------------


@pytest.mark.skipif(not (CHECKPOINT / "model.safetensors").is_file(), reason="no checkpoint")
def test_checkpoint_loads_strictly_and_finds_the_rendered_waterfall():
    net = load_module(MotionFieldNet, MotionFieldConfig, CHECKPOINT)
    assert sum(p.numel() for p in net.parameters()) < 3_000_000
    photo = np.asarray(Image.open(EXAMPLES / "waterfall.png").convert("RGB"))
    clip = animators.load("waterfall")(photo, num_frames=8, speed=2.0)
    field = clip.info["motion_field"]
    assert clip.info["field_source"] == "model"
    falling = field[130:330, 330:430]  # the falling water of examples/waterfall.png
    moving = np.hypot(falling[..., 0], falling[..., 1]) > 0
    assert moving.mean() > 0.5 and falling[moving][:, 1].mean() > 0.5  # it flows down
    sky = field[:60]
    assert np.hypot(sky[..., 0], sky[..., 1]).mean() < 0.1
