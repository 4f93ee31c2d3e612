"""Bird-flight benchmark: generator quality, projection fidelity, identity during flight,
detection rate and end-to-end time, on the test split (photos no model trained on).

    python -m benchmarks.birds [--data ../shared/data/birds/cub100] [--detector PATH]

- Fréchet distance in the features of the project's own bird-species classifier (trained on
  the train split; no Inception weights offline): NOT comparable to published FID numbers.
  Rows: StyleGAN, DCGAN, and train-split photos (the floor: real against real).
- Projection: PSNR / SSIM of the generator's reconstruction of test crops at its resolution,
  for the mean bird (no projection), the encoder alone, and encoder + the default refinement.
- Identity: classifier-feature cosine between the crop and each animated frame, relative to
  the cosine between the crop and its reconstruction (1 = as close as the reconstruction),
  for several numbers of pose layers, beside how much the frames move (the trade-off); and,
  to read that scale, the same ratio for real photos (another photo of the crop's species, a
  photo of another species) and whether a flight pose alone lowers it (`flight_pose_effect`).
- Detection: test photos placed at random into a 2.5x larger plain scene (YOLOv8).
- Time: 48 frames from a 640x426 scene to the pasted-back video, default settings.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from animators.birds.animator import (
    DEFAULT_COARSE_LAYERS,
    DEFAULT_IDENTITY_STEPS,
    DEFAULT_PROJECTION_STEPS,
    SUGGESTED_IDENTITY_STEPS,
    BirdAnimator,
)
from animators.birds.flight import closed_path, match_colours, mix_styles
from animators.birds.projection import fixed_noise, keep_identity, project
from animators.core import checkpoints
from animators.core.metrics import psnr, ssim
from animators.nets.birds.dcgan import DCGANConfig, DCGANGenerator
from benchmarks.common import REPO, RESULTS, machine, write_json
from benchmarks.judges.bird_classifier import BirdClassifier, BirdClassifierConfig
from training.birds.photos import load_birds, square_photo, to_tensor
from training.splits import FLYING_IDS

DEFAULT_DETECTOR = REPO.parent / "shared/weights/yolov8n-coco/yolov8n-int8.onnx"


def to_images(tensor: torch.Tensor) -> np.ndarray:
    return tensor.clamp(-1, 1).add(1).mul(127.5).round().byte().permute(0, 2, 3, 1).numpy()


@torch.no_grad()
def features(classifier: BirdClassifier, images: torch.Tensor) -> np.ndarray:
    return torch.cat(
        [classifier.features(images[i : i + 256]) for i in range(0, len(images), 256)]
    ).numpy()


def frechet(a: np.ndarray, b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to feature sets a (N, D) and b (M, D)."""
    mean_a, mean_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # trace of sqrt(cov_a cov_b) from the eigenvalues of sqrt(cov_a) cov_b sqrt(cov_a)
    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = np.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_root = np.sqrt(np.clip(middle, 0, None)).sum()
    return float(
        ((mean_a - mean_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root
    )


@torch.no_grad()
def samples(generator, count: int, z_dim: int, seed: int = 0) -> torch.Tensor:
    rng = torch.Generator().manual_seed(seed)
    return torch.cat(
        [
            generator(torch.randn(min(256, count - i), z_dim, generator=rng))
            for i in range(0, count, 256)
        ]
    )


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1) + 1e-8)


def flight_identity(
    generator,
    ws,
    reconstructions,
    pose_ws,
    layers,
    frames,
    noise,
    classifier,
    crop_features,
    reconstruction_cos,
    keep_colours=True,
    pose_scale=None,
    critic=None,
    identity_steps=0,
) -> dict[str, float]:
    """Identity and motion of the flight of each projected crop with `layers` pose layers,
    rendered as the app does (colours matched to the reconstruction unless `keep_colours` is
    False).

    Identity: the crop's classifier-feature cosine with each frame over its cosine with the
    reconstruction (mean over frames, and the worst frame). Motion: the frames' mean absolute
    deviation from their own average frame, in 0..255 pixel levels (0 = no flight at all).

    pose_scale: None mixes as the app does (the first `layers` style inputs taken from each
    pose); a number s instead adds s x (pose - mean pose) to the bird's own first `layers`
    style inputs (the poses re-centred on the bird), a rule the benchmark compares.
    identity_steps > 0 runs the app's `keep_identity` on the mixed keys with `critic` (the
    GAN's discriminator, not the classifier that scores identity here)."""
    mean_ratio, worst_ratio, motion = [], [], []
    with torch.no_grad():
        for index in range(len(ws)):
            if pose_scale is None:
                keys = mix_styles(ws[index], pose_ws, layers)
            else:
                keys = ws[index][None].repeat(len(pose_ws), 1, 1)
                deltas = pose_ws[:, :layers] - pose_ws[:, :layers].mean(dim=0)
                keys[:, :layers] = keys[:, :layers] + pose_scale * deltas
            if identity_steps:
                reference = reconstructions[index : index + 1]
                keys = keep_identity(
                    generator, critic, keys, reference, noise, layers, steps=identity_steps
                )
            frames_out = generator.synthesis(closed_path(keys, frames, 0.5), noise)
            if keep_colours:
                frames_out = match_colours(frames_out, reconstructions[index : index + 1])
            cos = cosine(crop_features[index][None], features(classifier, frames_out))
            mean_ratio.append(float(cos.mean() / reconstruction_cos[index]))
            worst_ratio.append(float(cos.min() / reconstruction_cos[index]))
            pixels = to_images(frames_out).astype(np.float32)
            motion.append(float(np.abs(pixels - pixels.mean(axis=0)).mean()))
    return {
        "identity_mean": round(float(np.mean(mean_ratio)), 3),
        "identity_worst_frame": round(float(np.mean(worst_ratio)), 3),
        # a crop the classifier barely recognises in its own reconstruction gives ratios
        # far above 1; the median flight is not swayed by those
        "identity_median_flight": round(float(np.median(mean_ratio)), 3),
        "motion": round(float(np.mean(motion)), 2),
    }


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """(N, D) -> the same rows scaled to unit length (so that a @ b.T holds cosines)."""
    return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-8)


def species_reference(
    test_features: np.ndarray, labels: np.ndarray, chosen: np.ndarray, reconstruction_cos
) -> dict[str, float]:
    """The identity ratio that real photos reach, on the flight's scale: each projected crop's
    mean cosine with the other test photos of its species, and with the test photos of other
    species, over its reconstruction cosine; means over the crops (crops whose species has no
    other test photo are left out of the first)."""
    unit = unit_rows(test_features)
    same, other = [], []
    for crop, index in enumerate(chosen):
        cos = unit @ unit[index]
        same_species = labels == labels[index]
        others_of_species = same_species.copy()
        others_of_species[index] = False
        if others_of_species.any():
            same.append(cos[others_of_species].mean() / reconstruction_cos[crop])
        other.append(cos[~same_species].mean() / reconstruction_cos[crop])
    return {
        "another photo of the same species": round(float(np.mean(same)), 3),
        "a photo of another species": round(float(np.mean(other)), 3),
    }


def flight_pose_effect(train_features: np.ndarray, labels: np.ndarray, ids: np.ndarray) -> dict:
    """Does a flight pose alone lower the cosine, on real photos? For each flying photo of the
    pose bank (train split, training.splits.FLYING_IDS): its mean cosine with the other photos of
    its species, and with the photos of other species, each over the mean cosine of its species'
    other photos among themselves (1 = as close as two photos of the species)."""
    unit = unit_rows(train_features)
    index_of = {int(image_id): n for n, image_id in enumerate(ids)}
    to_species, to_others = [], []
    for index in [index_of[i] for i in FLYING_IDS if i in index_of]:
        species = np.flatnonzero(labels == labels[index])
        species = species[species != index]
        if len(species) < 2:
            continue
        among = unit[species] @ unit[species].T
        typical = (among.sum() - len(species)) / (len(species) * (len(species) - 1))
        to_species.append((unit[species] @ unit[index]).mean() / typical)
        to_others.append((unit[labels != labels[index]] @ unit[index]).mean() / typical)
    return {
        "flying photos": len(to_species),
        "flying photo to its species": round(float(np.mean(to_species)), 3),
        "flying photo to other species": round(float(np.mean(to_others)), 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.birds", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=REPO.parent / "shared/data/birds/cub100",
        help="bird data set folder (test split used), or a test-split .npz",
    )
    parser.add_argument(
        "--train-data", type=Path, default=None, help="train-split .npz (floor row)"
    )
    parser.add_argument("--detector", type=Path, default=DEFAULT_DETECTOR)
    parser.add_argument("--samples", type=int, default=2000, help="generated images per GAN")
    parser.add_argument("--projections", type=int, default=48, help="test crops projected")
    parser.add_argument("--detections", type=int, default=100, help="test photos in scenes")
    parser.add_argument("--frames", type=int, default=48)
    parser.add_argument("--out", type=Path, default=RESULTS / "birds.json")
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    results: dict = {
        "machine": machine(),
        "note": "Fréchet distances use the project's own "
        "bird classifier's features, not Inception: not comparable to published FID",
    }

    animator = BirdAnimator.from_pretrained(detector=args.detector, device="cpu")
    generator = animator.generator
    resolution = animator.resolution
    classifier = checkpoints.load_module(
        BirdClassifier, BirdClassifierConfig, checkpoints.resolve("birds", "classifier")
    )
    test = load_birds(args.data, "test", resolution)
    test_features = features(classifier, to_tensor(test.images))

    # --- Fréchet distance -------------------------------------------------------------
    fd = {}
    fd["stylegan"] = frechet(
        features(classifier, samples(generator, args.samples, generator.config.z_dim)),
        test_features,
    )
    try:
        dcgan = checkpoints.load_module(
            DCGANGenerator, DCGANConfig, checkpoints.resolve("birds", "dcgan")
        )
        fd["dcgan"] = frechet(
            features(classifier, samples(dcgan, args.samples, dcgan.config.z_dim)), test_features
        )
    except checkpoints.CheckpointNotFound:
        print("no DCGAN checkpoint: its row is skipped")
    train_source = args.train_data or (args.data if args.data.is_dir() else None)
    if train_source is not None:
        train = load_birds(train_source, "train", resolution)
        train_features = features(classifier, to_tensor(train.images))
        fd["train photos (floor)"] = frechet(train_features, test_features)
    results["frechet"] = {k: round(v, 3) for k, v in fd.items()}
    results["classifier_test_accuracy"] = checkpoints.read_json(
        checkpoints.resolve("birds", "classifier"), "metrics.json"
    ).get("test_accuracy")
    print("Fréchet distance (own classifier features, test split):")
    for name, value in fd.items():
        print(f"  {name:22} {value:8.3f}")

    # --- projection and identity ---------------------------------------------------------
    rng = np.random.default_rng(0)
    chosen = rng.choice(len(test), size=min(args.projections, len(test)), replace=False)
    crops = test.images[chosen]
    crop_tensor = to_tensor(crops)
    noise = fixed_noise(generator, 0, "cpu")
    rows = {
        "mean bird (no projection)": (None, 0),
        "encoder only": (animator.encoder, 0),
        f"encoder + {DEFAULT_PROJECTION_STEPS} steps": (animator.encoder, DEFAULT_PROJECTION_STEPS),
    }
    projection = {}
    final_ws = None
    for name, (encoder, steps) in rows.items():
        began = time.perf_counter()
        ws, reconstruction = project(
            generator, encoder, animator.critic, crop_tensor, noise, steps=steps
        )
        seconds = (time.perf_counter() - began) / len(crops)
        images = to_images(reconstruction)
        projection[name] = {
            "psnr": round(
                float(np.mean([psnr(a, b) for a, b in zip(images, crops, strict=True)])), 2
            ),
            "ssim": round(
                float(np.mean([ssim(a, b) for a, b in zip(images, crops, strict=True)])), 3
            ),
            "seconds_per_crop_batched": round(seconds, 3),
        }
        final_ws, final_reconstruction, final_images = ws, reconstruction, images
    results["projection"] = projection
    print(f"Projection of {len(crops)} test crops at {resolution}x{resolution}:")
    for name, row in projection.items():
        print(f"  {name:28} PSNR {row['psnr']:6.2f} dB  SSIM {row['ssim']:.3f}")

    crop_features = features(classifier, crop_tensor)
    reconstruction_cos = cosine(crop_features, features(classifier, to_tensor(final_images)))
    identity = {"reconstruction_cosine": round(float(reconstruction_cos.mean()), 3)}
    flight = (generator, final_ws, final_reconstruction, animator.pose_ws)
    scoring = (classifier, crop_features, reconstruction_cos)
    for layers in sorted({DEFAULT_COARSE_LAYERS, 7}):
        identity[f"{layers} pose layers + {SUGGESTED_IDENTITY_STEPS} identity steps"] = (
            flight_identity(
                *flight,
                layers,
                args.frames,
                noise,
                *scoring,
                critic=animator.critic,
                identity_steps=SUGGESTED_IDENTITY_STEPS,
            )
        )
    for layers in sorted({1, 3, 4, 5, 7, DEFAULT_COARSE_LAYERS}):
        identity[f"{layers} pose layers"] = flight_identity(
            *flight, layers, args.frames, noise, *scoring
        )
    identity[f"{DEFAULT_COARSE_LAYERS} pose layers, colours not matched"] = flight_identity(
        *flight, DEFAULT_COARSE_LAYERS, args.frames, noise, *scoring, keep_colours=False
    )
    for scale in (1.0, 1.5, 2.0):
        identity[f"3 pose layers, re-centred on the bird, x{scale}"] = flight_identity(
            *flight, 3, args.frames, noise, *scoring, pose_scale=scale
        )
    identity["real photos, same scale"] = species_reference(
        test_features, test.labels, chosen, reconstruction_cos
    )
    if train_source is not None:
        identity["real flight pose, relative to two photos of a species"] = flight_pose_effect(
            train_features, train.labels, train.ids
        )
    identity["default_pose_layers"] = DEFAULT_COARSE_LAYERS
    identity["default_identity_steps"] = DEFAULT_IDENTITY_STEPS
    results["identity"] = identity
    print(f"Identity over the flight (reconstruction cosine {identity['reconstruction_cosine']}):")
    for name, row in identity.items():
        if isinstance(row, dict):
            print(f"  {name:40} " + "  ".join(f"{k} {v}" for k, v in row.items()))

    # --- detection -------------------------------------------------------------------------
    paths = sorted((args.data / "images").glob("*/*.jpg")) if args.data.is_dir() else []
    test_ids = set(int(i) for i in test.ids)
    if paths and args.detector.is_file():
        ids = {
            line.split(",")[1].strip(): int(line.split(",")[0])
            for line in (args.data / "images.txt").read_text().splitlines()
            if line.strip()
        }
        test_paths = [p for p in paths if ids.get(f"{p.parent.name}/{p.name}") in test_ids]
        picked = rng.choice(
            len(test_paths), size=min(args.detections, len(test_paths)), replace=False
        )
        found = 0
        began = time.perf_counter()
        for number in picked:
            bird = square_photo(test_paths[number], 160)
            scene = np.empty((400, 400, 3), dtype=np.uint8)
            scene[:] = rng.integers(60, 220, 3)
            x, y = rng.integers(0, 240, 2)
            scene[y : y + 160, x : x + 160] = bird
            detection = animator.detector.detect(scene)
            if detection is not None:
                x0, y0, x1, y1 = detection.box
                found += int(x0 < x + 80 < x1 and y0 < y + 80 < y1)
        results["detection"] = {
            "rate": round(found / len(picked), 3),
            "photos": len(picked),
            "seconds_per_photo": round((time.perf_counter() - began) / len(picked), 3),
        }
        print("Detection:", results["detection"])

        # --- end-to-end time -------------------------------------------------------------
        bird = square_photo(test_paths[int(picked[0])], 200)
        scene = np.empty((426, 640, 3), dtype=np.uint8)
        scene[:] = (150, 190, 230)
        scene[150:350, 300:500] = bird
        animator(scene, num_frames=args.frames)  # warm-up (loads the detector)
        timings = []
        for _ in range(3):
            began = time.perf_counter()
            clip = animator(scene, num_frames=args.frames)
            timings.append(time.perf_counter() - began)
        results["end_to_end"] = {
            "frames": args.frames,
            "size": "640x426",
            "seconds_median": round(float(np.median(timings)), 2),
            "steps": clip.info["timings"],
        }
        print("End to end:", results["end_to_end"])
    else:
        print("no data set folder or detector: detection and timing rows are skipped")
    write_json(results, args.out)


if __name__ == "__main__":
    main()
