"""Bird flight: the StyleGAN pieces, projection, style mixing, the closed latent path, paste-back,
the animator end to end with tiny random networks and a stand-in detector, and (when present)
the committed checkpoints on a real photo with the real detector."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from animators.birds.animator import SUGGESTED_IDENTITY_STEPS, BirdAnimator
from animators.birds.detector import (
    BirdDetector,
    Detection,
    DetectorUnavailable,
    keep_torch_threads,
    square_around,
)
from animators.birds.flight import (
    closed_path,
    feather_mask,
    loop_offsets,
    match_colours,
    mix_styles,
    paste_back,
)
from animators.birds.projection import fixed_noise, keep_identity, project, texture_layers_from
from animators.core.base import InputError
from animators.nets.birds.dcgan import DCGANConfig, DCGANDiscriminator, DCGANGenerator
from animators.nets.birds.encoder import BirdEncoder, BirdEncoderConfig
from animators.nets.birds.stylegan import (
    ModulatedConv,
    StyleGANConfig,
    StyleGANDiscriminator,
    StyleGANGenerator,
)
from training.birds.ada import AdaptiveAugment

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DETECTOR = SHARED / "weights/yolov8n-coco/yolov8n-int8.onnx"
BIRDS = SHARED / "data/birds/cub100"
TINY = StyleGANConfig(
    resolution=16,
    z_dim=8,
    w_dim=8,
    mapping_layers=2,
    channel_base=64,
    channel_max=16,
    discriminator_base=64,
    discriminator_max=16,
)


def tiny_networks(seed: int = 0):
    torch.manual_seed(seed)
    generator = StyleGANGenerator(TINY).eval()
    critic = StyleGANDiscriminator(TINY).eval()
    encoder = BirdEncoder(BirdEncoderConfig(resolution=16, num_ws=TINY.num_ws, w_dim=8, width=8))
    return generator, critic, encoder.eval()


class FixedDetector:
    """Stands in for YOLO: returns the given detection (or None)."""

    def __init__(self, detection: Detection | None):
        self.detection = detection

    def detect(self, photo):
        return self.detection


def tiny_animator(detection: Detection | None = Detection((40, 30, 90, 80), 0.9)) -> BirdAnimator:
    generator, critic, encoder = tiny_networks()
    poses = generator.map(torch.randn(5, TINY.z_dim)).detach()
    return BirdAnimator(generator, poses, encoder, critic, FixedDetector(detection), device="cpu")


def photo(height: int = 120, width: int = 160) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(0, 255, (height, width, 3), dtype=np.uint8)


# ----------------------------------------------------------------------------- networks
def test_generator_shapes_and_num_ws():
    generator, critic, _ = tiny_networks()
    assert TINY.num_ws == 6  # 4x4: 1 conv; 8 and 16: 2 each; + the last to_rgb
    images = generator(torch.randn(3, TINY.z_dim))
    assert images.shape == (3, 3, 16, 16)
    assert critic(images).shape == (3,)
    assert len(generator.noise_shapes()) == TINY.num_ws - 1


def test_modulated_conv_equals_per_sample_modulated_weights():
    torch.manual_seed(0)
    layer = ModulatedConv(6, 5, 3, w_dim=4)
    x, w = torch.randn(2, 6, 7, 7), torch.randn(2, 4)
    style = layer.affine(w)
    expected = []
    for sample in range(2):
        weight = layer.weight * layer.gain * style[sample][None, :, None, None]
        weight = weight / weight.square().sum(dim=(1, 2, 3), keepdim=True).add(1e-8).sqrt()
        expected.append(F.conv2d(x[sample : sample + 1], weight, padding=1))
    assert torch.allclose(layer(x, w), torch.cat(expected), atol=1e-5)


def test_synthesis_is_deterministic_with_fixed_noise_and_styles_matter():
    generator, _, _ = tiny_networks()
    noise = fixed_noise(generator, 3, "cpu")
    ws = generator.map(torch.randn(2, TINY.z_dim))
    with torch.no_grad():
        first = generator.synthesis(ws, noise)
        again = generator.synthesis(ws, noise)
        other = generator.synthesis(ws.flip(0), noise)
    assert torch.equal(first, again)
    assert not torch.allclose(first[0], other[0])


def test_truncation_zero_gives_the_average_latent():
    generator, _, _ = tiny_networks()
    generator.mapping.w_average.normal_()
    ws = generator.map(torch.randn(4, TINY.z_dim), truncation=0.0)
    assert torch.allclose(ws, generator.mapping.w_average.expand_as(ws))


def test_dcgan_shapes():
    config = DCGANConfig(resolution=16, z_dim=8, width=4)
    images = DCGANGenerator(config)(torch.randn(2, 8))
    assert images.shape == (2, 3, 16, 16) and images.abs().max() <= 1
    assert DCGANDiscriminator(config)(images).shape == (2,)


# ----------------------------------------------------------------------------- ADA
def test_ada_p_rises_when_the_discriminator_is_sure_and_falls_otherwise():
    augment = AdaptiveAugment(target=0.6, speed_images=1000, adjust_every=1)
    for _ in range(5):
        augment.observe(torch.ones(16))
    high = augment.p
    assert high > 0
    for _ in range(3):
        augment.observe(-torch.ones(16))
    assert augment.p < high


def test_ada_keeps_shape_is_identity_at_zero_and_differentiable():
    images = torch.rand(4, 3, 16, 16) * 2 - 1
    assert torch.equal(AdaptiveAugment(p=0.0)(images), images)
    images.requires_grad_(True)
    out = AdaptiveAugment(p=1.0)(images)
    assert out.shape == images.shape
    out.sum().backward()
    assert images.grad is not None and images.grad.abs().sum() > 0


# ----------------------------------------------------------------------------- projection
def test_projection_refinement_beats_the_encoder_guess():
    generator, critic, encoder = tiny_networks()
    noise = fixed_noise(generator, 0, "cpu")
    with torch.no_grad():
        target = generator.synthesis(generator.map(torch.randn(1, TINY.z_dim)), noise)
    with torch.inference_mode():  # as in the app
        _, guess = project(generator, encoder, critic, target, noise, steps=0)
        _, refined = project(generator, encoder, critic, target, noise, steps=40)
    assert (refined - target).abs().mean() < 0.8 * (guess - target).abs().mean()


def test_texture_layers_start_at_half_the_output_size():
    assert texture_layers_from(64) == 5  # 4, 8, 8, 16, 16 | 32, 32, 64, 64, rgb
    assert texture_layers_from(16) == 1
    assert texture_layers_from(128) == 7


def test_critic_features_with_group_one_do_not_depend_on_the_batch():
    _, critic, _ = tiny_networks()
    images = torch.rand(4, 3, 16, 16) * 2 - 1
    with torch.no_grad():
        alone = critic.features(images[:1], group_size=1)
        batched = critic.features(images, group_size=1)[:1]
        mixed = critic.features(images)[:1]  # the training default mixes 4 samples
    assert torch.allclose(alone, batched, atol=1e-5)
    assert not torch.allclose(alone, mixed, atol=1e-5)


def test_keep_identity_changes_only_the_fine_inputs_and_brings_the_look_back():
    generator, critic, _ = tiny_networks()
    noise = fixed_noise(generator, 0, "cpu")
    torch.manual_seed(1)
    with torch.no_grad():
        bird = generator.map(torch.randn(1, TINY.z_dim))
        reference = generator.synthesis(bird, noise)
        poses = generator.map(torch.randn(4, TINY.z_dim))
    keys = mix_styles(bird[0], poses, 3)

    def distance(latents):
        with torch.no_grad():
            frames = match_colours(generator.synthesis(latents, noise), reference)
            features = critic.features(frames, group_size=1)
            target = critic.features(reference, group_size=1)
        return (features - target).square().mean().item()

    with torch.inference_mode():  # as in the app
        kept = keep_identity(generator, critic, keys, reference, noise, 3, steps=30)
    assert kept.shape == keys.shape
    assert torch.equal(kept[:, :3], keys[:, :3])  # the pose and outline are untouched
    assert not torch.equal(kept[:, 3:], keys[:, 3:])
    assert distance(kept) < 0.7 * distance(keys)
    assert torch.equal(keep_identity(generator, critic, keys, reference, noise, 3, 0), keys)


# ----------------------------------------------------------------------------- flight
def test_mix_styles_takes_coarse_layers_from_the_poses():
    bird, poses = torch.zeros(6, 8), torch.ones(3, 6, 8)
    mixed = mix_styles(bird, poses, 4)
    assert mixed.shape == (3, 6, 8)
    assert torch.all(mixed[:, :4] == 1) and torch.all(mixed[:, 4:] == 0)


def test_match_colours_gives_the_frames_the_reference_colours_and_keeps_their_shapes():
    torch.manual_seed(0)
    frames = torch.rand(5, 3, 16, 16) * 0.2 + torch.tensor([0.5, -0.5, 0.0])[:, None, None]
    reference = torch.rand(1, 3, 16, 16) * torch.tensor([1.0, 0.5, 0.1])[:, None, None]
    matched = match_colours(frames, reference)
    assert matched.shape == frames.shape
    assert torch.allclose(
        matched.mean(dim=(2, 3)), reference.mean(dim=(2, 3)).expand(5, 3), atol=1e-4
    )
    assert torch.allclose(
        matched.std(dim=(2, 3)), reference.std(dim=(2, 3)).expand(5, 3), atol=1e-3
    )
    flat = lambda x: (x - x.mean()).flatten()  # noqa: E731
    correlation = F.cosine_similarity(flat(matched[0, 0]), flat(frames[0, 0]), dim=0)
    assert correlation > 0.999  # the same picture, only recoloured


def test_closed_path_visits_the_keys_and_closes_the_loop():
    keys = torch.tensor([[0.0], [1.0], [0.0], [-1.0]])
    path = closed_path(keys, 16, smoothness=0.0)
    assert path.shape == (16, 1)
    assert torch.allclose(path[::4, 0], keys[:, 0])
    steps = (torch.roll(path, -1, 0) - path).abs()[:, 0]  # includes last -> first
    assert steps.max() <= 0.25 + 1e-6  # the seam is no bigger than any other step
    smooth = closed_path(keys, 16, smoothness=1.0)
    assert smooth.abs().max() < path.abs().max()  # corners rounded off
    assert (torch.roll(smooth, -1, 0) - smooth).abs().max() <= 0.25 + 1e-6


def test_feather_mask_and_paste_back_leave_the_rest_of_the_photo():
    mask = feather_mask(20, 0.2)
    assert mask.shape == (20, 20) and mask.min() >= 0 and mask.max() <= 1
    assert mask[10, 10] == pytest.approx(1.0) and mask[0, 0] < 0.05
    picture = photo()
    crops = np.zeros((3, 8, 8, 3), dtype=np.uint8)
    frames = paste_back(picture, crops, (40, 30, 50))
    assert frames.shape == (3, 120, 160, 3)
    outside = np.ones((120, 160), dtype=bool)
    outside[30:80, 40:90] = False
    assert np.array_equal(frames[:, outside], np.repeat(picture[None][:, outside], 3, 0))
    assert frames[0, 55, 65].max() == 0  # the middle of the square is the crop


def test_square_around_stays_inside_the_photo():
    for box in [(0, 0, 30, 20), (140, 100, 160, 120), (10, 10, 150, 110)]:
        x0, y0, side = square_around(box, (160, 120))
        assert 0 <= x0 and 0 <= y0 and x0 + side <= 160 and y0 + side <= 120
    assert square_around((50, 50, 70, 60), (160, 120))[2] == round(20 * 1.3)


def test_loop_offsets_start_at_the_bird_and_close():
    offsets = loop_offsets(24, (100, 80, 40), (320, 240))
    assert offsets.shape == (24, 2)
    assert np.allclose(offsets[0], 0)
    assert offsets[:, 1].min() < -20  # it rises
    step = np.linalg.norm(np.roll(offsets, -1, 0) - offsets, axis=1)
    assert step[-1] <= step.max() + 1e-9


# ----------------------------------------------------------------------------- the animator
def test_animator_returns_the_whole_photo_looping_with_info():
    animator = tiny_animator()
    clip = animator(photo(), num_frames=12, projection_steps=3, fps=10)
    assert clip.frames.shape == (12, 120, 160, 3) and clip.fps == 10
    info = clip.info
    assert info["box"] == (40, 30, 90, 80) and info["score"] == 0.9
    assert info["crop"].shape == info["reconstruction"].shape == (16, 16, 3)
    assert info["crop"].dtype == np.uint8
    assert info["animated_crop"].shape == (12, 16, 16, 3)
    assert math.isfinite(info["projection_psnr"])
    x0, y0, side = info["square"]
    assert np.array_equal(clip.frames[:, 0, 0], np.repeat(photo()[None, 0, 0], 12, 0))
    assert clip.frames[:, y0 : y0 + side, x0 : x0 + side].std(axis=0).mean() > 0  # it moves


def test_progress_runs_forward_through_every_stage_to_done():
    seen = []
    tiny_animator()(
        photo(),
        num_frames=8,
        projection_steps=4,
        identity_steps=4,
        progress=lambda fraction, desc: seen.append((fraction, desc)),
    )
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions) and 0 <= fractions[0] and fractions[-1] == 1.0
    stages = {desc for _, desc in seen}
    assert {"Projecting the bird into the generator", "Rendering the flight"} <= stages
    assert "Keeping the bird's look in every pose" in stages


def test_animator_is_deterministic_for_a_seed():
    animator = tiny_animator()
    first = animator(photo(), num_frames=8, projection_steps=2, seed=5)
    again = animator(photo(), num_frames=8, projection_steps=2, seed=5)
    assert np.array_equal(first.frames, again.frames)


def test_no_bird_gives_a_clear_message_and_whole_image_still_works():
    animator = tiny_animator(detection=None)
    with pytest.raises(InputError, match="No bird was found.*whole image"):
        animator(photo(), num_frames=8)
    clip = animator(photo(), num_frames=8, projection_steps=0, whole_image=True)
    assert clip.info["box"] is None and clip.frames.shape[0] == 8


def test_fly_across_moves_the_bird_and_closes_the_loop():
    clip = tiny_animator()(photo(), num_frames=16, projection_steps=0, fly_across=True)
    assert clip.frames.shape == (16, 120, 160, 3)
    assert not np.array_equal(clip.frames[0], clip.frames[8])


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"num_frames": 4}, "number of frames"),
        ({"num_frames": 100000}, "number of frames"),
        ({"coarse_layers": 99}, "pose layers"),
        ({"smoothness": float("nan")}, "smoothness"),
        ({"truncation": -1}, "truncation"),
        ({"projection_steps": 10**6}, "projection steps"),
        ({"identity_steps": -1}, "identity steps"),
        ({"fps": 0}, "frame rate"),
    ],
)
def test_absurd_settings_get_one_sentence(settings, message):
    with pytest.raises(InputError, match=message):
        tiny_animator()(photo(), **settings)


def test_missing_detector_weights_say_what_to_do(tmp_path):
    detector = BirdDetector(tmp_path / "missing.onnx")
    with pytest.raises(DetectorUnavailable, match="ANIMATE_BIRD_DETECTOR"):
        detector.detect(photo())


def test_torch_threads_come_back_after_a_block_that_changes_them():
    threads = torch.get_num_threads()
    try:
        with keep_torch_threads():
            torch.set_num_threads(1 if threads > 1 else 2)  # what ultralytics' predict does
        assert torch.get_num_threads() == threads
    finally:
        torch.set_num_threads(threads)


def test_detector_weights_follow_the_environment(monkeypatch):
    monkeypatch.setenv("ANIMATE_BIRD_DETECTOR", "/somewhere/yolo.onnx")
    assert BirdDetector().weights == "/somewhere/yolo.onnx"
    monkeypatch.delenv("ANIMATE_BIRD_DETECTOR")
    assert BirdDetector().weights == "yolov8n.pt"


def test_the_old_detector_variable_still_works(monkeypatch):
    monkeypatch.delenv("ANIMATE_BIRD_DETECTOR", raising=False)
    monkeypatch.setenv("ANIMATORS_BIRD_DETECTOR", "/old/name.onnx")
    assert BirdDetector().weights == "/old/name.onnx"
    monkeypatch.setenv("ANIMATE_BIRD_DETECTOR", "/new/name.onnx")
    assert BirdDetector().weights == "/new/name.onnx"


# ----------------------------------------------------------------------------- real models
CHECKPOINTS = ROOT / "checkpoints/birds"
HAVE_REAL = all(
    (CHECKPOINTS / m / "model.safetensors").is_file()
    for m in ("stylegan", "stylegan_critic", "encoder", "pose_bank")
)


@pytest.mark.slow
@pytest.mark.skipif(
    not (HAVE_REAL and DETECTOR.is_file() and BIRDS.is_dir()),
    reason="needs the committed bird checkpoints and ../shared (detector, photos)",
)
def test_real_checkpoint_on_a_real_photo(monkeypatch):
    from training.birds.photos import square_photo

    monkeypatch.setenv("ANIMATE_BIRD_DETECTOR", str(DETECTOR))
    import animators

    bird = square_photo(next((BIRDS / "images").glob("*/*.jpg")), 160)
    scene = np.full((240, 360, 3), (150, 190, 230), dtype=np.uint8)
    scene[50:210, 150:310] = bird
    threads = torch.get_num_threads()
    clip = animators.load("birds")(scene, num_frames=16)
    assert torch.get_num_threads() == threads  # ultralytics did not leave torch on fewer
    assert clip.frames.shape == (16, 240, 360, 3)
    x0, y0, x1, y1 = clip.info["box"]
    assert x0 < 230 < x1 and y0 < 130 < y1  # the box is on the bird
    assert clip.info["projection_psnr"] > 14
    assert clip.frames.std(axis=0).mean() > 0.5


@pytest.mark.slow
@pytest.mark.skipif(
    not (HAVE_REAL and BIRDS.is_dir()), reason="needs the committed bird checkpoints and ../shared"
)
def test_identity_steps_on_real_photos_bring_the_look_back_and_keep_the_wing_beat():
    """On real photos: with identity steps the flight's frames are closer to the reconstruction
    in the discriminator's features (what the steps optimise), and the flight moves about as
    much as without them (the pose inputs are left alone). Whether a species classifier agrees
    is measured by benchmarks/birds/flight.py on 48 test crops."""
    from training.birds.photos import square_photo

    animator = BirdAnimator.from_pretrained(detector=None, device="cpu")

    def look_distance(clip) -> float:
        def tensor(images):
            return torch.from_numpy(np.asarray(images)).permute(0, 3, 1, 2).float() / 127.5 - 1

        with torch.no_grad():
            frames = animator.critic.features(tensor(clip.info["animated_crop"]), group_size=1)
            target = animator.critic.features(tensor(clip.info["reconstruction"][None]), 1)
        return ((frames - target).square().mean(1) / target.square().mean()).mean().item()

    def motion(clip) -> float:
        return float(clip.info["animated_crop"].astype(np.float32).std(axis=0).mean())

    for path in sorted((BIRDS / "images").glob("*/*.jpg"))[:2]:
        bird = square_photo(path, 64)
        clips = {
            steps: animator(
                bird, num_frames=12, whole_image=True, projection_steps=40, identity_steps=steps
            )
            for steps in (0, SUGGESTED_IDENTITY_STEPS)
        }
        assert look_distance(clips[SUGGESTED_IDENTITY_STEPS]) < 0.8 * look_distance(clips[0])
        assert motion(clips[SUGGESTED_IDENTITY_STEPS]) > 0.7 * motion(clips[0])


def test_identity_references_rank_same_species_above_other_species():
    from benchmarks.birds.flight import flight_pose_effect, species_reference
    from training.splits import FLYING_IDS

    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16)) * 3
    labels = np.repeat(np.arange(3), 5)
    features = centres[labels] + rng.normal(size=(15, 16)) * 0.5
    reference = species_reference(features, labels, np.array([0, 5]), np.array([1.0, 1.0]))
    assert reference["another photo of the same species"] > 0.8
    assert reference["a photo of another species"] < reference["another photo of the same species"]
    # A "flying" photo that looks like its species scores about 1; one that looks like
    # another species scores far lower.
    ids = np.arange(100, 115)
    ids[0], ids[5] = FLYING_IDS[0], FLYING_IDS[1]
    typical = flight_pose_effect(features, labels, ids)
    assert typical["flying photos"] == 2 and 0.8 < typical["flying photo to its species"] < 1.2
    features[5] = centres[2]  # the second "flying" photo now looks like species 2
    changed = flight_pose_effect(features, labels, ids)
    assert changed["flying photo to its species"] < typical["flying photo to its species"] - 0.2
