"""Training triplets for the learned inbetweener: (start, middle, end, t) from real video, plus
synthetic motion over real photos for volume.

Real video: the shared DAVIS sequences (minus training.splits.HELD_OUT_DAVIS, which the
benchmark uses and no training ever sees), the OpenCV sample clips, and any folder of videos /
gifs / frame folders given with --data (read by training.videos). A triplet takes frames i,
i + k, i + n of a clip (span n in 2..6, t = k / n); windows that cross a scene cut are skipped
(cut = colour-histogram jump and low thumbnail SSIM; no VGG features offline). The last
VALIDATION_SHARE of each clip's frames is kept for validation only.

Synthetic: a real bird photo (train split, training.videos.read_bird_photos) as the background
moving under a random affine + smooth elastic displacement, with one or two other bird photos
cut out by soft ellipses moving across it (so parts of the background are covered and
uncovered), rendered at times 0, t, 1.

Every sample is cropped to `crop` x `crop` after resizing so that the frame it comes from has
the size the learned method would estimate flow at `flow_scale` for (animators.inbetween.animator
.flow_scale_for): flow_scale 2 stands for 854x480-like frames, 1 for 448x256-like ones. The DIS
flows for the network are computed on the crop (animators.core.optical_flow.net_flows).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from animators.core.optical_flow import net_flow, net_flows
from animators.inbetween.animator import MAX_FLOW_SIDE
from training.splits import HELD_OUT_DAVIS
from training.videos import DEFAULT_DAVIS, DEFAULT_VIDEOS, clip_paths, read_clip

VALIDATION_SHARE = 0.15
SPANS = (2, 3, 4, 5, 6)
SPAN_WEIGHTS = (0.35, 0.2, 0.25, 0.1, 0.1)


@dataclass
class VideoClip:
    """Consecutive frames (T, H, W, 3) uint8 RGB; cuts[i] is True when a scene cut lies
    between frames i and i + 1."""

    name: str
    frames: np.ndarray
    cuts: np.ndarray

    def windows(self, span: int) -> np.ndarray:
        """First indices i of the windows i..i+span that cross no cut."""
        count = len(self.frames) - span
        if count <= 0:
            return np.zeros(0, dtype=int)
        crossing = np.array([self.cuts[i : i + span].any() for i in range(count)], dtype=bool)
        return np.flatnonzero(~crossing)


def _thumbnail_ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Global SSIM of two grayscale thumbnails (floats in [0, 1])."""
    mean_a, mean_b = a.mean(), b.mean()
    var_a, var_b = a.var(), b.var()
    covariance = ((a - mean_a) * (b - mean_b)).mean()
    c1, c2 = 0.01**2, 0.03**2
    return float(
        (2 * mean_a * mean_b + c1)
        * (2 * covariance + c2)
        / ((mean_a**2 + mean_b**2 + c1) * (var_a + var_b + c2))
    )


def scene_cuts(frames: np.ndarray, histogram_jump: float = 0.2, ssim_floor: float = 0.5):
    """(T - 1,) bool: True between frames whose hue/saturation histograms jump (Bhattacharyya
    distance > histogram_jump) and whose 64x64 thumbnails are dissimilar (SSIM < ssim_floor)."""
    histograms, thumbnails = [], []
    for frame in frames:
        hsv = cv2.cvtColor(frame, cv2.COLOR_RGB2HSV)
        histogram = cv2.calcHist([hsv], [0, 1], None, [16, 8], [0, 180, 0, 256])
        histograms.append(cv2.normalize(histogram, None, 1, 0, cv2.NORM_L1))
        gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        thumbnails.append(cv2.resize(gray, (64, 64), interpolation=cv2.INTER_AREA) / 255.0)
    cuts = []
    for index in range(len(frames) - 1):
        jump = cv2.compareHist(histograms[index], histograms[index + 1], cv2.HISTCMP_BHATTACHARYYA)
        similar = _thumbnail_ssim(thumbnails[index], thumbnails[index + 1])
        cuts.append(jump > histogram_jump and similar < ssim_floor)
    return np.array(cuts, dtype=bool)


def load_clips(
    davis: Path | None = DEFAULT_DAVIS,
    videos: Path | None = DEFAULT_VIDEOS,
    extra: list[Path] | None = None,
    exclude: tuple[str, ...] = HELD_OUT_DAVIS,
) -> list[VideoClip]:
    """Every training clip: DAVIS sequence folders (minus `exclude`), video files under
    `videos`, and for each folder in `extra` its videos, gifs and frame folders."""
    sources: list[tuple[str, Path]] = []
    if davis is not None and Path(davis).is_dir():
        sources += [(p.name, p) for p in sorted(Path(davis).iterdir()) if p.is_dir()]
    folders = ([videos] if videos is not None else []) + list(extra or [])
    sources += [(path.stem, path) for path in clip_paths(folders)]
    clips = []
    for name, path in sources:
        if name in exclude:
            continue
        frames = read_clip(path)
        if len(frames) >= 3:
            clips.append(VideoClip(name, frames, scene_cuts(frames)))
    if not clips:
        raise FileNotFoundError("No training video found (DAVIS folders, videos or --data).")
    return clips


def add_footage_arguments(parser) -> None:
    """--data (repeatable), --davis and --videos options of the video trainers."""
    parser.add_argument("--data", type=Path, action="append", default=[], help="more footage")
    parser.add_argument("--davis", type=Path, default=DEFAULT_DAVIS)
    parser.add_argument("--videos", type=Path, default=DEFAULT_VIDEOS)


def clips_from_arguments(args) -> list[VideoClip]:
    """`load_clips` with the folders of `add_footage_arguments` (missing ones are skipped)."""
    return load_clips(
        args.davis if args.davis and args.davis.is_dir() else None,
        args.videos if args.videos and args.videos.is_dir() else None,
        extra=args.data,
    )


def validation_frames(count: int, share: float = VALIDATION_SHARE) -> int:
    """How many of a clip's `count` frames, at its end, `split_clips` keeps for validation:
    `share` of them but at least enough for the longest span, or 0 if the rest would then be
    too short to train on."""
    least = max(SPANS) + 1
    held = max(int(round(count * share)), least)
    return 0 if count - held < least else held


def split_clips(clips: list[VideoClip], share: float = VALIDATION_SHARE):
    """(train, validation): each clip's last `share` of frames (at least enough for the longest
    span) goes to validation; clips too short to give both stay wholly in training."""
    train, validation = [], []
    for clip in clips:
        count = len(clip.frames)
        held = validation_frames(count, share)
        if held == 0:
            train.append(clip)
            continue
        cut = count - held
        train.append(VideoClip(clip.name, clip.frames[:cut], clip.cuts[: cut - 1]))
        validation.append(VideoClip(clip.name, clip.frames[cut:], clip.cuts[cut:]))
    return train, validation


def _resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    interpolation = cv2.INTER_AREA if width < image.shape[1] else cv2.INTER_LINEAR
    return cv2.resize(image, (width, height), interpolation=interpolation)


def frame_side_range(flow_scale: int) -> tuple[float, float]:
    """Longer-side sizes for which the learned method picks `flow_scale`, jitter included."""
    high = MAX_FLOW_SIDE * flow_scale
    return (0.6 * high, high) if flow_scale > 1 else (0.55 * high, high)


def video_triplet(clip: VideoClip, rng: np.random.Generator, crop: int, flow_scale: int):
    """(start, middle, end, t) crops from a clip, or None if it has no usable window."""
    span = int(rng.choice(SPANS, p=SPAN_WEIGHTS))
    starts = clip.windows(span)
    if len(starts) == 0:
        return None
    first = int(rng.choice(starts))
    step = int(rng.integers(1, span))
    height, width = clip.frames.shape[1:3]
    low, high = frame_side_range(flow_scale)
    factor = rng.uniform(low, high) / max(height, width)
    region = int(round(crop / factor))
    if region > min(height, width):  # the clip is too small for this scale: use it whole
        region = min(height, width)
    top = int(rng.integers(0, height - region + 1))
    left = int(rng.integers(0, width - region + 1))
    images = [
        _resize(clip.frames[index, top : top + region, left : left + region], crop, crop)
        for index in (first, first + step, first + span)
    ]
    return images[0], images[1], images[2], step / span


def _soft_ellipse(size: int, rng: np.random.Generator) -> np.ndarray:
    """(size, size) float32 mask in [0, 1] of a random ellipse with a soft edge."""
    mask = np.zeros((size, size), np.float32)
    axes = (int(size * rng.uniform(0.25, 0.48)), int(size * rng.uniform(0.25, 0.48)))
    cv2.ellipse(mask, (size // 2, size // 2), axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
    return cv2.GaussianBlur(mask, (0, 0), 1.5)


def synthetic_triplet(
    birds: list[np.ndarray], rng: np.random.Generator, crop: int, flow_scale: int
):
    """(start, middle, end, t): real photos under synthetic motion (see module docstring).

    Motions are drawn in pixels of the crop, larger for flow_scale 2 (full-size frames)."""
    t = float(rng.uniform(0.1, 0.9))
    reach = 10.0 * flow_scale
    background = _resize(birds[int(rng.integers(len(birds)))], crop + 64, crop + 64)
    grid_y, grid_x = np.mgrid[0 : crop + 64, 0 : crop + 64].astype(np.float32)
    centre = (crop + 64) / 2.0
    angle = np.deg2rad(rng.uniform(-6, 6))
    zoom = rng.uniform(-0.08, 0.08)
    shift = rng.uniform(-reach, reach, size=2)
    # Backward displacement at tau = 1 (out(x) = background(x + tau * d(x))): affine + elastic.
    dx = (np.cos(angle) * (1 + zoom) - 1) * (grid_x - centre) - np.sin(angle) * (grid_y - centre)
    dy = np.sin(angle) * (grid_x - centre) + (np.cos(angle) * (1 + zoom) - 1) * (grid_y - centre)
    elastic = cv2.resize(
        rng.normal(0, 0.4 * reach, size=(4, 4, 2)).astype(np.float32),
        (crop + 64, crop + 64),
        interpolation=cv2.INTER_CUBIC,
    )
    dx, dy = dx + shift[0] + elastic[..., 0], dy + shift[1] + elastic[..., 1]
    layers = []
    for _ in range(int(rng.integers(1, 3))):
        size = int(crop * rng.uniform(0.3, 0.6))
        photo = _resize(birds[int(rng.integers(len(birds)))], size, size)
        position = rng.uniform(0, crop + 64 - size, size=2)
        velocity = rng.uniform(-2.5 * reach, 2.5 * reach, size=2)
        spin = rng.uniform(-15, 15)
        layers.append((photo, _soft_ellipse(size, rng), position, velocity, spin))
    frames = []
    for tau in (0.0, t, 1.0):
        frame = cv2.remap(
            background,
            (grid_x + tau * dx).astype(np.float32),
            (grid_y + tau * dy).astype(np.float32),
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REFLECT,
        ).astype(np.float32)
        for photo, mask, position, velocity, spin in layers:
            size = photo.shape[0]
            matrix = cv2.getRotationMatrix2D((size / 2, size / 2), tau * spin, 1.0)
            matrix[:, 2] += position + tau * velocity
            canvas = (crop + 64, crop + 64)
            moved = cv2.warpAffine(photo, matrix, canvas, flags=cv2.INTER_LINEAR)
            alpha = cv2.warpAffine(mask, matrix, canvas, flags=cv2.INTER_LINEAR)[..., None]
            frame = alpha * moved + (1 - alpha) * frame
        frames.append(np.clip(np.rint(frame[32 : 32 + crop, 32 : 32 + crop]), 0, 255))
    start, middle, end = (frame.astype(np.uint8) for frame in frames)
    return start, middle, end, t


def augment(start, middle, end, t, rng: np.random.Generator):
    """Random time reversal, flips and colour-channel order (the flows come after this)."""
    if rng.random() < 0.5:
        start, end, t = end, start, 1.0 - t
    images = [start, middle, end]
    if rng.random() < 0.5:
        images = [image[:, ::-1] for image in images]
    if rng.random() < 0.1:
        images = [image[::-1] for image in images]
    if rng.random() < 0.3:
        order = rng.permutation(3)
        images = [image[..., order] for image in images]
    return [np.ascontiguousarray(image) for image in images] + [t]


def teacher_flows(start, middle, end, flow_scale: int) -> tuple[np.ndarray, np.ndarray]:
    """Flows from the true middle frame to the start and to the end (net pixels): privileged
    targets for the network's flows at t, which it must predict without seeing the middle."""
    return net_flow(middle, start, flow_scale), net_flow(middle, end, flow_scale)


class TripletSampler:
    """Batches of training triplets with their network-resolution DIS flows."""

    def __init__(
        self,
        clips: list[VideoClip],
        birds: list[np.ndarray] | None = None,
        crop: int = 224,
        synthetic_share: float = 0.3,
        large_crop: int | None = None,
    ) -> None:
        """crop: the side of every sample; large_crop: the side of samples for flow scales
        above 1 (full-size frames), where a `crop` window would give the network only a
        (crop / 4)-pixel view; None = `crop`."""
        self.clips = clips
        self.birds = birds or []
        self.crop = crop
        self.large_crop = large_crop or crop
        self.synthetic_share = synthetic_share if self.birds else 0.0

    def sample(self, rng: np.random.Generator, flow_scale: int):
        crop = self.crop if flow_scale == 1 else self.large_crop
        for _ in range(1000):
            if rng.random() < self.synthetic_share:
                triplet = synthetic_triplet(self.birds, rng, crop, flow_scale)
            else:
                clip = self.clips[int(rng.integers(len(self.clips)))]
                triplet = video_triplet(clip, rng, crop, flow_scale)
            if triplet is not None:
                return augment(*triplet, rng)
        raise ValueError(f"The clips are too short for triplets spanning {max(SPANS)} frames.")

    def batch(self, rng: np.random.Generator, batch_size: int, flow_scale: int) -> dict:
        """{"start", "middle", "end": (B, 3, C, C) float32 in [0, 1], "t": (B,) float32,
        "flow_01", "flow_10", "teacher_t0", "teacher_t1": (B, 2, c, c) float32 with
        c = C / (2 flow_scale)}."""
        samples = [self.sample(rng, flow_scale) for _ in range(batch_size)]
        flows = [
            (*net_flows(start, end, flow_scale), *teacher_flows(start, middle, end, flow_scale))
            for start, middle, end, _ in samples
        ]

        def images(position: int) -> np.ndarray:
            stacked = np.stack([sample[position] for sample in samples])
            return stacked.transpose(0, 3, 1, 2).astype(np.float32) / 255.0

        def flow(direction: int) -> np.ndarray:
            return np.stack([pair[direction] for pair in flows]).transpose(0, 3, 1, 2).copy()

        return {
            "start": images(0),
            "middle": images(1),
            "end": images(2),
            "t": np.array([sample[3] for sample in samples], dtype=np.float32),
            "flow_01": flow(0),
            "flow_10": flow(1),
            "teacher_t0": flow(2),
            "teacher_t1": flow(3),
        }
