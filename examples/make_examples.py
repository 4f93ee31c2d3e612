"""Render the example inputs shown in the app and the README (no third-party pixels).

    python -m examples.make_examples

Writes, into examples/:
- waterfall.png            a procedurally rendered cliff with a waterfall and a pool (768x512)
- waterfall_mask.png       white where the falling water is (moves down, 270 degrees)
- waterfall_pool_mask.png  white on the pool surface (a second stroke, moves right, 0 degrees)
- waterfall_brush.png      the two masks as a brush layer (RGBA) for the app's image editor
- clouds.png, clouds_mask.png, clouds_brush.png   a sky over hills; the sky drifts right
- inbetween_start.png, inbetween_end.png, inbetween_truth_middle.png   a rendered scene at
  t = 0, 1 and 0.5: a ball flies over a panning landscape
- bird_scene.png           a rendered sky and branch with a bird drawn by the project's own bird
  StyleGAN (the sample the detector finds most surely, when a detector is available)
Everything is deterministic (fixed seeds).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
MOVE_COLOR = (31, 119, 255)  # brush colours used by the app: blue = direction 1
SECOND_COLOR = (255, 140, 0)  # orange = direction 2


def fractal_noise(
    height: int, width: int, seed: int, octaves: int = 6, stretch=(1, 1), persistence=0.55
) -> np.ndarray:
    """Sum of upsampled random grids, (H, W) float32 roughly in [0, 1]. `stretch` (sy, sx)
    elongates the noise (e.g. (8, 1) gives vertical streaks)."""
    rng = np.random.default_rng(seed)
    total = np.zeros((height, width), np.float32)
    amplitude, weight = 1.0, 0.0
    for octave in range(octaves):
        cells_y = max(2, int(2 ** (octave + 1) / stretch[0]) + 1)
        cells_x = max(2, int(2 ** (octave + 1) / stretch[1]) + 1)
        grid = rng.random((cells_y, cells_x)).astype(np.float32)
        total += amplitude * cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)
        weight += amplitude
        amplitude *= persistence
    total /= weight
    return (total - total.min()) / max(float(np.ptp(total)), 1e-6)


def _mix(base: np.ndarray, color, alpha: np.ndarray) -> np.ndarray:
    return base * (1 - alpha[..., None]) + np.asarray(color, np.float32) * alpha[..., None]


def render_waterfall(
    height: int = 512, width: int = 768
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(image uint8 RGB, falling-water mask bool, pool mask bool)."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    sky = np.stack([150 + 60 * ys / height, 190 + 40 * ys / height, np.full_like(ys, 240)], -1)
    image = sky.astype(np.float32)
    # Cliff: rough rock filling everything below a noisy skyline.
    skyline = 70 + 40 * fractal_noise(1, width, 1, 5)[0]
    rock = fractal_noise(height, width, 2, 8, persistence=0.8)
    cracks = fractal_noise(height, width, 3, 7, stretch=(1, 6))
    shade = 0.55 + 0.45 * rock - 0.25 * (cracks > 0.7)
    rock_color = np.stack([110 * shade, 96 * shade, 84 * shade], -1)
    cliff = (ys > skyline[None, :]).astype(np.float32)
    image = _mix(image, (0, 0, 0), cliff) + rock_color * cliff[..., None]
    # Moss and bushes.
    moss = (fractal_noise(height, width, 4, 6) > 0.62) & (cliff > 0)
    green = np.stack([40 + 50 * rock, 90 + 70 * rock, 40 + 30 * rock], -1)
    image = np.where(moss[..., None], green, image)
    # Falling water: a curtain with vertical streaks, wider at the bottom.
    centre = width * 0.5 + 12 * np.sin(ys / 60.0)
    half_width = 55 + 25 * (ys / height)
    edge = np.abs(xs - centre) - half_width
    top, bottom = 95, int(height * 0.72)
    fall = (edge < 0) & (ys > top) & (ys < bottom)
    streaks = fractal_noise(height, width, 5, 9, stretch=(12, 1), persistence=0.85)
    foam = fractal_noise(height, width, 6, 9, stretch=(3, 1), persistence=0.8)
    water = np.stack([170 + 80 * streaks, 200 + 55 * streaks, 215 + 40 * foam], -1)
    soft = np.clip(-edge / 6.0, 0, 1) * fall
    image = _mix(image, (0, 0, 0), soft) + water * soft[..., None]
    # Pool: horizontal ripples at the bottom.
    pool = ys >= bottom - 4
    ripples = fractal_noise(height, width, 7, 9, stretch=(1, 10), persistence=0.85)
    pool_color = np.stack([40 + 90 * ripples, 95 + 100 * ripples, 120 + 110 * ripples], -1)
    image = np.where(pool[..., None], pool_color, image)
    splash = np.exp(-(((xs - width * 0.5) / 90) ** 2) - ((ys - bottom) / 18) ** 2)
    image = _mix(image, (235, 245, 250), np.clip(splash * (0.5 + foam), 0, 1) * 0.8)
    image = np.clip(image, 0, 255).astype(np.uint8)
    fall_mask = (edge < 2) & (ys > top) & (ys < bottom)
    pool_mask = ys >= bottom + 6
    return image, fall_mask, pool_mask


def render_clouds(height: int = 432, width: int = 768) -> tuple[np.ndarray, np.ndarray]:
    """(image uint8 RGB, sky mask bool): puffy clouds over green hills."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    sky = np.stack([80 + 80 * ys / height, 140 + 60 * ys / height, np.full_like(ys, 235)], -1)
    clouds = np.clip(
        (fractal_noise(height, width, 11, 8, stretch=(1, 2.5), persistence=0.7) - 0.45) * 3.0, 0, 1
    )
    image = _mix(sky, (250, 250, 252), clouds * (ys < height * 0.7))
    hill_line = height * 0.62 + 40 * np.sin(xs / 120.0) + 25 * fractal_noise(1, width, 12, 5)[0]
    hills = ys > hill_line
    grass = fractal_noise(height, width, 13, 9, persistence=0.8)
    image = np.where(
        hills[..., None], np.stack([50 + 60 * grass, 110 + 80 * grass, 40 + 30 * grass], -1), image
    )
    return np.clip(image, 0, 255).astype(np.uint8), ys < hill_line - 8


def render_scene(
    t: float, height: int = 360, width: int = 640, ball_travel: float = 40.0, pan_travel: int = 16
) -> np.ndarray:
    """A ball flying in an arc over a landscape that pans left, at time t in [0, 1].

    The ball moves `ball_travel` pixels to the right and the view pans `pan_travel` pixels
    (at most 64) between t = 0 and t = 1. Returns (H, W, 3) uint8 RGB.
    """
    pan = int(round(pan_travel * t))
    landscape, _ = render_clouds(height, width + 64)
    frame = landscape[:, pan : pan + width].astype(np.float32)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    cx = 290 - ball_travel / 2 + ball_travel * t
    cy = 190 - 0.4 * ball_travel * np.sin(np.pi * (0.2 + 0.6 * t))
    radius = 34
    distance = np.hypot(xs - cx, ys - cy)
    ball = np.clip(radius + 0.5 - distance, 0, 1)
    light = np.clip(1.1 - np.hypot(xs - cx + 12, ys - cy + 12) / (1.6 * radius), 0.3, 1)
    stripes = 0.75 + 0.25 * np.sign(np.sin((xs - cx) * 0.35 + (ys - cy) * 0.2 + 6 * t))
    ball_color = np.stack([230 * light * stripes, 60 * light, 50 * light * stripes], -1)
    frame = frame * (1 - ball[..., None]) + ball_color * ball[..., None]
    return np.clip(frame, 0, 255).astype(np.uint8)


def brush_layer(masks_and_colors) -> np.ndarray:
    """RGBA (H, W, 4) uint8 layer painted with the given colours where each mask is set."""
    first = masks_and_colors[0][0]
    layer = np.zeros(first.shape + (4,), np.uint8)
    for mask, color in masks_and_colors:
        layer[mask] = (*color, 255)
    return layer


def save(array: np.ndarray, name: str) -> None:
    if array.dtype == np.bool_:
        array = array.astype(np.uint8) * 255
    Image.fromarray(array).save(HERE / name, optimize=True)


def render_bird_scene(height: int = 426, width: int = 640, candidates: int = 32) -> np.ndarray:
    """A sky, a branch, and a bird sampled from checkpoints/birds/stylegan (truncation 0.6),
    enlarged and blended in with a soft oval. With a detector (ANIMATE_BIRD_DETECTOR), the
    candidate it finds most surely is used; otherwise the first."""
    import torch

    from animators.birds.detector import BirdDetector, DetectorUnavailable
    from animators.birds.flight import feather_mask
    from animators.core.checkpoints import load_module, resolve
    from animators.nets.birds.stylegan import StyleGANConfig, StyleGANGenerator

    ys = np.mgrid[0:height, 0:width][0].astype(np.float32)
    sky = np.stack([120 + 70 * ys / height, 170 + 50 * ys / height, 235 + 0 * ys], -1)
    clouds = fractal_noise(height, width, 7, 6, stretch=(1, 3))
    scene = _mix(sky, (245, 245, 250), np.clip((clouds - 0.55) * 3, 0, 0.8))
    branch = np.zeros((height, width), np.uint8)
    cv2.line(branch, (0, 330), (width, 300), 255, 14)
    cv2.line(branch, (420, 305), (560, 250), 255, 7)
    bark = 0.6 + 0.4 * fractal_noise(height, width, 8, 5)[..., None]
    scene = np.where(branch[..., None] > 0, np.array([95, 70, 45], np.float32) * bark, scene)

    generator = load_module(StyleGANGenerator, StyleGANConfig, resolve("birds", "stylegan"))
    with torch.no_grad():
        z = torch.randn(
            candidates, generator.config.z_dim, generator=torch.Generator().manual_seed(3)
        )
        birds = generator(z, truncation=0.6).clamp(-1, 1).add(1).mul(127.5)
    birds = birds.round().byte().permute(0, 2, 3, 1).numpy()
    side, left, top = 200, 260, 130
    alpha = feather_mask(side, 0.3)[..., None]

    def place(bird: np.ndarray) -> np.ndarray:
        big = cv2.resize(bird, (side, side), interpolation=cv2.INTER_CUBIC).astype(np.float32)
        out = scene.copy()
        window = out[top : top + side, left : left + side]
        out[top : top + side, left : left + side] = alpha * big + (1 - alpha) * window
        return np.clip(np.rint(out), 0, 255).astype(np.uint8)

    best, best_score = place(birds[0]), -1.0
    try:
        detector = BirdDetector()
        for bird in birds:
            candidate = place(bird)
            found = detector.detect(candidate)
            if found is not None and found.score > best_score:
                best, best_score = candidate, found.score
    except DetectorUnavailable:
        pass
    return best


def main() -> None:
    image, fall, pool = render_waterfall()
    save(image, "waterfall.png")
    save(fall, "waterfall_mask.png")
    save(pool, "waterfall_pool_mask.png")
    save(brush_layer([(fall, MOVE_COLOR), (pool, SECOND_COLOR)]), "waterfall_brush.png")
    clouds, sky = render_clouds()
    save(clouds, "clouds.png")
    save(sky, "clouds_mask.png")
    save(brush_layer([(sky, MOVE_COLOR)]), "clouds_brush.png")
    save(render_scene(0.0), "inbetween_start.png")
    save(render_scene(1.0), "inbetween_end.png")
    save(render_scene(0.5), "inbetween_truth_middle.png")
    save(render_bird_scene(), "bird_scene.png")
    print(f"wrote examples to {HERE}")


if __name__ == "__main__":
    main()
