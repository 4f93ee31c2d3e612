"""Walking people from real video, as captioned 64x64 grayscale sequences (KTH style).

    python -m training.text.walking [--video ../shared/data/video/opencv/vtest.avi]

1. The YOLOv8 COCO detector (`../shared/weights/yolov8n-coco`, or ultralytics' own `yolov8n.pt`
   online) finds people (class 0) in every frame.
2. Detections are linked into tracks frame to frame (greedy, by box overlap).
3. For every window of `CLIP_FRAMES` frames of a track a fixed square crop (the camera stays
   still; the crop does not follow the person) centred on the person's mean position, 1.6x the
   person's height, becomes a 64x64 grayscale clip. Its caption comes from the horizontal
   displacement: "person walking left" / "person walking right"; windows that move mostly
   vertically, or too little, are dropped.

The clips are cached as an .npz under runs/data/ (derived from ../shared: never committed).
Split by time: clips that start in the last 25% of the video are "test" (other moments and
mostly other people than training sees).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from animators.text.captions import MAX_WORDS, tokenize

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_VIDEO = REPO_ROOT.parent / "shared/data/video/opencv/vtest.avi"
DEFAULT_DETECTOR = REPO_ROOT.parent / "shared/weights/yolov8n-coco/yolov8n-int8.onnx"
DEFAULT_CACHE = REPO_ROOT / "runs/data/walking_64.npz"
CLIP_FRAMES = 16
SIZE = 64
CROP_SCALE = 1.6  # crop side / person height
MIN_SHIFT = 0.15  # |dx| over the window, as a share of the crop side, to count as walking
TEST_FROM = 0.75  # clips starting after this share of the video are the test split


@dataclass
class Track:
    """One person over consecutive frames: boxes (n, 4) x1, y1, x2, y2 from frame `start`."""

    start: int
    boxes: list


def detect_people(video: Path, detector: str | Path | None = None, conf: float = 0.35):
    """Every frame of `video` as grayscale (T, H, W) uint8 and the person boxes per frame.

    detector: an ultralytics model file; default the shared ONNX model, else `yolov8n.pt`
    (downloaded by ultralytics when online).
    """
    os.environ.setdefault("YOLO_OFFLINE", "1")
    from ultralytics import YOLO

    if detector is None:
        detector = DEFAULT_DETECTOR if DEFAULT_DETECTOR.is_file() else "yolov8n.pt"
    model = YOLO(str(detector), task="detect")
    capture = cv2.VideoCapture(str(video))
    if not capture.isOpened():
        raise FileNotFoundError(f"Cannot read the video {video}.")
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) or None
    frames, boxes = [], []
    with tqdm(total=total, desc="detecting people", unit="frame") as progress:
        while True:
            ok, bgr = capture.read()
            if not ok:
                break
            result = model.predict(bgr, classes=[0], conf=conf, verbose=False)[0]
            boxes.append(result.boxes.xyxy.cpu().numpy().astype(np.float32))
            frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))
            progress.update(1)
    capture.release()
    return np.stack(frames), boxes


def iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Overlap (intersection over union) of boxes a (N, 4) with b (M, 4): (N, M)."""
    top_left = np.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(bottom_right - top_left, 0, None).prod(axis=2)
    area_a = (a[:, 2:] - a[:, :2]).prod(axis=1)
    area_b = (b[:, 2:] - b[:, :2]).prod(axis=1)
    return inter / (area_a[:, None] + area_b[None] - inter + 1e-9)


def link_tracks(boxes_per_frame: list[np.ndarray], min_iou: float = 0.4) -> list[Track]:
    """Greedy frame-to-frame linking by overlap; a track ends when no box continues it."""
    finished: list[Track] = []
    active: list[Track] = []
    for index, boxes in enumerate(boxes_per_frame):
        taken: set[int] = set()
        still_active = []
        if active and len(boxes):
            overlaps = iou(np.array([t.boxes[-1] for t in active]), boxes)
            for track_index in np.argsort(-overlaps.max(axis=1)):
                order = np.argsort(-overlaps[track_index])
                choice = next((int(j) for j in order if int(j) not in taken), None)
                if choice is not None and overlaps[track_index, choice] >= min_iou:
                    active[track_index].boxes.append(boxes[choice])
                    taken.add(choice)
                    still_active.append(active[track_index])
                else:
                    finished.append(active[track_index])
        else:
            finished += active
        still_active += [Track(index, [box]) for j, box in enumerate(boxes) if j not in taken]
        active = still_active
    return finished + active


def cut_clips(frames: np.ndarray, tracks: list[Track], stride: int = 4) -> dict:
    """Captioned 64x64 clips from the tracks (see the module docstring).

    Returns clips (N, CLIP_FRAMES, 64, 64) uint8, captions (N,), starts (N,) frame index,
    dx (N,) horizontal displacement over the window in 64-px units, track (N,) track index.
    """
    height, width = frames.shape[1:]
    out: dict[str, list] = {"clips": [], "captions": [], "starts": [], "dx": [], "track": []}
    for track_index, track in enumerate(tracks):
        boxes = np.array(track.boxes)
        for offset in range(0, len(boxes) - CLIP_FRAMES + 1, stride):
            window = boxes[offset : offset + CLIP_FRAMES]
            centres = (window[:, :2] + window[:, 2:]) / 2
            side = CROP_SCALE * float(np.median(window[:, 3] - window[:, 1]))
            centre = centres.mean(axis=0)
            x0, y0 = int(round(centre[0] - side / 2)), int(round(centre[1] - side / 2))
            x1, y1 = x0 + int(round(side)), y0 + int(round(side))
            if x0 < 0 or y0 < 0 or x1 > width or y1 > height or side < 32:
                continue
            dx, dy = (centres[-1] - centres[0]) / side
            if abs(dx) < MIN_SHIFT or abs(dy) > 0.5 * abs(dx):
                continue
            start = track.start + offset
            crops = [
                cv2.resize(
                    frames[start + t, y0:y1, x0:x1], (SIZE, SIZE), interpolation=cv2.INTER_AREA
                )
                for t in range(CLIP_FRAMES)
            ]
            out["clips"].append(np.stack(crops))
            out["captions"].append(f"person walking {'right' if dx > 0 else 'left'}")
            out["starts"].append(start)
            out["dx"].append(dx * SIZE)
            out["track"].append(track_index)
    return {
        "clips": np.array(out["clips"], dtype=np.uint8).reshape(-1, CLIP_FRAMES, SIZE, SIZE),
        "captions": np.array(out["captions"]),
        "starts": np.array(out["starts"], dtype=np.int64),
        "dx": np.array(out["dx"], dtype=np.float32),
        "track": np.array(out["track"], dtype=np.int64),
    }


def build_cache(video: Path = DEFAULT_VIDEO, out: Path = DEFAULT_CACHE, detector=None) -> Path:
    frames, boxes = detect_people(video, detector)
    clips = cut_clips(frames, link_tracks(boxes))
    clips["num_video_frames"] = np.array(len(frames))
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **clips)
    return out


def load_clips(path: Path | None = None, split: str = "train") -> dict:
    """The cached clips of one split ("train" or "test"), built first when missing."""
    path = Path(path) if path is not None else DEFAULT_CACHE
    if not path.is_file():
        build_cache(out=path)
    with np.load(path) as data:
        clips = {key: data[key] for key in data.files}
    is_test = clips["starts"] >= TEST_FROM * int(clips["num_video_frames"])
    keep = is_test if split == "test" else ~is_test
    return {key: value[keep] for key, value in clips.items() if key != "num_video_frames"}


def batch(clips: dict, rng: np.random.Generator, batch_size: int, num_frames: int) -> dict:
    """A training batch: frames (B, T, 1, 64, 64) float32 in [0, 1], tokens (B, 12) int64.

    Each sequence is a random `num_frames` window (<= CLIP_FRAMES) of a random clip; half of
    them are mirrored left-right with the caption's direction swapped.
    """
    if num_frames > CLIP_FRAMES:
        raise ValueError(f"Walking clips have {CLIP_FRAMES} frames; asked for {num_frames}.")
    picks = rng.integers(len(clips["clips"]), size=batch_size)
    offsets = rng.integers(CLIP_FRAMES - num_frames + 1, size=batch_size)
    frames, captions = [], []
    for pick, offset in zip(picks, offsets, strict=True):
        clip = clips["clips"][pick, offset : offset + num_frames]
        caption = str(clips["captions"][pick])
        if rng.random() < 0.5:
            clip = clip[:, :, ::-1]
            caption = caption.replace("left", "@").replace("right", "left").replace("@", "right")
        frames.append(clip)
        captions.append(caption)
    return {
        "frames": np.stack(frames)[:, :, None].astype(np.float32) / 255.0,
        "tokens": np.array([tokenize(c, MAX_WORDS) for c in captions], dtype=np.int64),
        "captions": captions,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--video", type=Path, default=DEFAULT_VIDEO)
    parser.add_argument("--detector", default=None)
    parser.add_argument("--out", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    path = build_cache(args.video, args.out, args.detector)
    with np.load(path) as data:
        captions = data["captions"]
        print(
            f"{path}: {len(captions)} clips "
            f"({(captions == 'person walking left').sum()} left, "
            f"{(captions == 'person walking right').sum()} right)"
        )


if __name__ == "__main__":
    main()
