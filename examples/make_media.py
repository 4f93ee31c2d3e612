"""Render the README's pictures from the project's own examples (run after make_examples).

    python -m examples.make_media [--only text]

Writes docs/media/waterfall.gif, clouds.gif (brush), inbetween.gif (blend | flow | learned
side by side) and inbetween_original_methods.gif (cvae seed 0 | cvae seed 1 | cgan | mipal), scaled
to 384 px wide to keep the repository small; waterfall_methods.gif (the photo | the
motion-field model with no brush | pix2gif | recursive | recurrent) and waterfall_field.png
(the photo | the model's motion field); and text_<domain>.gif: four captions per domain, each
first frame drawn by the caption GAN (no dataset image is committed) and rolled out by the
next-frame model; birds_flight.gif, birds_samples.png and birds_poses.png (see `birds_media`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from PIL import Image

import animators
from animators.core.export import write_gif

HERE = Path(__file__).resolve().parent
MEDIA = HERE.parent / "docs" / "media"


def _load(name: str, mode: str = "RGB") -> np.ndarray:
    return np.asarray(Image.open(HERE / name).convert(mode))


def _small(frames: np.ndarray, width: int = 384) -> np.ndarray:
    height = round(frames.shape[1] * width / frames.shape[2])
    return np.stack(
        [
            np.asarray(Image.fromarray(f).resize((width, height), Image.Resampling.LANCZOS))
            for f in frames
        ]
    )


TEXT_CAPTIONS = {
    "mnist": [
        ("the digit 3 is moving up and down", None),
        ("the digit 5 is moving left quickly", None),
        ("the digits 2 and 8 are moving right", None),
        ("the digit 7 is moving left", "the digit 7 is moving up"),
    ],
    "icons": [
        ("a red star moving left", None),
        ("the blue circle is moving up and down quickly", None),
        ("a yellow triangle moving right", None),
        ("a green square moving down", "a green square moving left"),
    ],
    "walking": [
        ("person walking left", None),
        ("person walking right", None),
        ("person walking right", None),
        ("person walking left", None),
    ],
}


def readable_seed(caption: str, first: int, tries: int = 20) -> int:
    """For a one-digit caption, the seed among `first`..`first + tries - 1` whose GAN-drawn
    frame the benchmark's digit checker reads as the caption's digit most confidently (the
    digit GAN draws the named digit about 3 times in 4); other captions keep `first`."""
    from animators.text.captions import DIGIT_WORDS, tokenize, words
    from benchmarks.text.rollouts import centred_crop, digit_checker

    digits = [word for word in words(caption) if word in DIGIT_WORDS]
    if len(digits) != 1:
        return first
    generator = animators.text.animator.TextSequenceAnimator.from_pretrained("mnist").first_frame
    checker = digit_checker()
    tokens = torch.tensor([tokenize(caption)])
    seeds = list(range(first, first + tries))
    with torch.inference_mode():
        frames = [generator.sample(tokens, seed=seed)[0, 0].numpy() for seed in seeds]
        crops = torch.from_numpy(np.stack([centred_crop(f) for f in frames])).float()[:, None]
        confidence = checker(crops).softmax(dim=1)[:, int(digits[0])]
    return seeds[int(confidence.argmax())]


def text_media(num_frames: int = 32) -> None:
    """docs/media/text_<domain>.gif: four GAN-started roll-outs side by side, 2x enlarged."""
    text = animators.load("text")
    for domain, captions in TEXT_CAPTIONS.items():
        strips = []
        for index, (caption, second) in enumerate(captions):
            seed = readable_seed(caption, index) if domain == "mnist" else index
            clip = text(
                caption,
                None,
                num_frames=num_frames,
                seed=seed,
                second_caption=second,
                switch_at=num_frames // 2 if second else None,
            )
            frames = clip.frames.repeat(2, axis=1).repeat(2, axis=2)
            frames[:, :, -2:] = 64  # a thin grey divider
            strips.append(frames)
        write_gif(np.concatenate(strips, axis=2), 8, MEDIA / f"text_{domain}.gif")


def inbetween_media() -> None:
    """inbetween.gif: blend | flow | learned; inbetween_original_methods.gif: cvae (seed 0) |
    cvae (seed 1) | cgan | mipal; 10 frames between the rendered example pair, looped."""
    start, end = _load("inbetween_start.png"), _load("inbetween_end.png")
    panels = {
        "inbetween.gif": [("blend", 0), ("flow", 0), ("learned", 0)],
        "inbetween_original_methods.gif": [("cvae", 0), ("cvae", 1), ("cgan", 0), ("mipal", 0)],
    }
    for name, methods in panels.items():
        strips = []
        for method, seed in methods:
            clip = animators.load("inbetween", method)(
                start, end, num_frames=10, loop=True, seed=seed
            )
            frames = _small(clip.frames, 256)
            frames[:, :, -2:] = 255  # a thin white divider
            strips.append(frames)
        write_gif(np.concatenate(strips, axis=2), 12, MEDIA / name)


WATERFALL_METHODS = ("flow", "pix2gif", "recursive", "recurrent")


def waterfall_media() -> None:
    """The rendered waterfall with no brush: the photo, then each learned method, side by side
    (methods without a checkpoint are left out), and the model's motion field."""
    from animators.core.checkpoints import CheckpointNotFound

    photo = _load("waterfall.png")
    panels = [np.repeat(photo[None], 24, axis=0)]
    for method in WATERFALL_METHODS:
        try:
            clip = animators.load("waterfall", method)(photo, num_frames=24, speed=3.0)
        except CheckpointNotFound:
            continue
        panels.append(clip.frames)
        if method == "flow":
            field = np.concatenate([photo, clip.info["motion_preview"]], axis=1)
            Image.fromarray(_small(field[None], 768)[0]).save(MEDIA / "waterfall_field.png")
    strips = []
    for frames in panels:
        frames = _small(frames, 192)
        frames[:, :, -2:] = 255  # a thin white divider
        strips.append(frames)
    write_gif(np.concatenate(strips, axis=2), 12, MEDIA / "waterfall_methods.gif")


def _grid(images: np.ndarray, columns: int, scale: int = 2) -> np.ndarray:
    """(N, S, S, 3) uint8 -> one (rows*S*scale, columns*S*scale, 3) picture."""
    count, size = len(images), images.shape[1]
    rows = (count + columns - 1) // columns
    grid = np.full((rows * size, columns * size, 3), 255, np.uint8)
    for index, image in enumerate(images):
        row, column = divmod(index, columns)
        grid[row * size : (row + 1) * size, column * size : (column + 1) * size] = image
    return np.asarray(Image.fromarray(grid).resize((grid.shape[1] * scale, grid.shape[0] * scale)))


def birds_media() -> None:
    """birds_flight.gif (the example photo | the pasted-back flight | the loop across the photo),
    birds_samples.png (StyleGAN samples above DCGAN samples, same seeds) and birds_poses.png
    (the pose bank's keyframes as the generator draws them, in cycle order)."""
    from animators.core.checkpoints import CheckpointNotFound, load_module, resolve
    from animators.nets.birds.dcgan import DCGANConfig, DCGANGenerator

    photo = _load("bird_scene.png")
    birds = animators.load("birds")
    try:
        clip = birds(photo, num_frames=48)
    except animators.AnimatorError:  # no detector on this machine: the centre of the photo
        clip = birds(photo, num_frames=48, whole_image=True)
    across = birds(photo, num_frames=48, whole_image=clip.info["box"] is None, fly_across=True)
    panels = [np.repeat(photo[None], 48, axis=0), clip.frames, across.frames]
    strips = []
    for frames in panels:
        frames = _small(frames, 256)
        frames[:, :, -2:] = 255
        strips.append(frames)
    write_gif(np.concatenate(strips, axis=2), 24, MEDIA / "birds_flight.gif")

    z = torch.randn(16, 128, generator=torch.Generator().manual_seed(0))
    rows = []
    with torch.no_grad():
        rows.append(birds.generator(z[:, : birds.generator.config.z_dim]))
        try:
            dcgan = load_module(DCGANGenerator, DCGANConfig, resolve("birds", "dcgan"))
            rows.append(dcgan(z[:, : dcgan.config.z_dim]))
        except CheckpointNotFound:
            pass
        poses = birds.generator.synthesis(birds.pose_ws)
    as_images = [
        t.clamp(-1, 1).add(1).mul(127.5).round().byte().permute(0, 2, 3, 1).numpy() for t in rows
    ]
    Image.fromarray(_grid(np.concatenate(as_images), 16)).save(MEDIA / "birds_samples.png")
    poses = poses.clamp(-1, 1).add(1).mul(127.5).round().byte().permute(0, 2, 3, 1).numpy()
    Image.fromarray(_grid(poses, len(poses))).save(MEDIA / "birds_poses.png")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("text", "inbetween", "waterfall", "birds"), default=None)
    args = parser.parse_args(argv)
    MEDIA.mkdir(parents=True, exist_ok=True)
    if args.only == "birds":
        birds_media()
        return
    if args.only == "inbetween":
        inbetween_media()
        return
    if args.only == "waterfall":
        waterfall_media()
        return
    text_media()
    if args.only == "text":
        return
    waterfall = animators.load("waterfall", "brush")
    clip = waterfall(
        _load("waterfall.png"),
        mask=_load("waterfall_mask.png", "L") > 127,
        direction=270,
        speed=4.0,
        second_mask=_load("waterfall_pool_mask.png", "L") > 127,
        second_direction=0,
        num_frames=24,
    )
    write_gif(_small(clip.frames), 12, MEDIA / "waterfall.gif")
    clip = waterfall(
        _load("clouds.png"),
        mask=_load("clouds_mask.png", "L") > 127,
        direction=0,
        speed=2.0,
        num_frames=32,
    )
    write_gif(_small(clip.frames), 12, MEDIA / "clouds.gif")
    waterfall_media()
    inbetween_media()
    birds_media()
    print(f"wrote README media to {MEDIA}")


if __name__ == "__main__":
    main()
