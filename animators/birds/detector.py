"""Find the bird in a photo with an ultralytics YOLOv8 COCO detector (class `bird`).

Weights: the path given, else the environment variable ANIMATE_BIRD_DETECTOR (the older name
ANIMATORS_BIRD_DETECTOR still works, deprecated), else
ultralytics' own `yolov8n.pt` (which ultralytics downloads where there is internet). An ONNX
export such as `yolov8n-int8.onnx` runs through onnxruntime. The detector is loaded on first
use, so the rest of the app works without it.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from animators.core.base import AnimatorError

DETECTOR_ENV = "ANIMATE_BIRD_DETECTOR"
DEPRECATED_DETECTOR_ENV = "ANIMATORS_BIRD_DETECTOR"  # the same, under its old prefix
DEFAULT_WEIGHTS = "yolov8n.pt"
BIRD_CLASS = "bird"
_LOADED: dict[str, object] = {}  # weights -> loaded YOLO model, shared by every animator
_FAILED: dict[str, str] = {}  # weights -> why loading failed (not retried in this process)
PAD_FRACTION = 0.5  # tight crops are padded into a larger canvas: detection is far more reliable


class DetectorUnavailable(AnimatorError):
    """The bird detector's weights cannot be found or loaded."""


@dataclass(frozen=True)
class Detection:
    """box = (x0, y0, x1, y1) in the photo's pixels (floats, inside the photo); score in 0..1."""

    box: tuple[float, float, float, float]
    score: float


def detector_weights(weights: str | Path | None = None) -> str:
    """The weights to load: `weights`, else $ANIMATE_BIRD_DETECTOR, else the deprecated
    $ANIMATORS_BIRD_DETECTOR, else ultralytics' default."""
    from_env = os.environ.get(DETECTOR_ENV) or os.environ.get(DEPRECATED_DETECTOR_ENV)
    return str(weights or from_env or DEFAULT_WEIGHTS)


@contextmanager
def keep_torch_threads():
    """Undo ultralytics' `torch.set_num_threads(cpu_count - 1)` (in its device selection) when
    the block ends: on a 2-core machine it leaves torch on 1 thread, which would slow every
    model run after a detection in the same process."""
    threads = torch.get_num_threads()
    try:
        yield
    finally:
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)


class BirdDetector:
    def __init__(self, weights: str | Path | None = None, min_score: float = 0.2) -> None:
        self.weights = detector_weights(weights)
        self.min_score = min_score
        self._model = None

    def _load(self):
        if self._model is not None:
            return self._model
        weights = self.weights
        if weights in _LOADED:
            self._model = _LOADED[weights]
            return self._model
        if weights in _FAILED:
            raise DetectorUnavailable(_FAILED[weights])
        is_file = Path(weights).is_file()
        if not is_file and (os.sep in weights or weights.endswith(".onnx")):
            raise DetectorUnavailable(
                f"The bird detector weights {weights} do not exist; set {DETECTOR_ENV} to a "
                "YOLOv8 COCO .pt or .onnx file, or tick 'use the whole image'."
            )
        try:
            from ultralytics import YOLO

            with keep_torch_threads():
                self._model = _LOADED[weights] = YOLO(weights, task="detect")
        except Exception as error:  # ultralytics raises many kinds (download, parse, runtime)
            _FAILED[weights] = (
                f"The bird detector ({weights}) could not be loaded ({type(error).__name__}); "
                f"without internet set {DETECTOR_ENV} to a local YOLOv8 COCO weights file, or "
                "tick 'use the whole image'."
            )
            raise DetectorUnavailable(_FAILED[weights]) from error
        return self._model

    def detect(self, photo: np.ndarray) -> Detection | None:
        """photo (H, W, 3) uint8 RGB -> the most confident bird, or None when there is none."""
        model = self._load()
        height, width = photo.shape[:2]
        pad = int(round(PAD_FRACTION * max(height, width)))
        fill = photo.reshape(-1, 3).mean(axis=0)
        canvas = np.empty((height + 2 * pad, width + 2 * pad, 3), dtype=np.uint8)
        canvas[:] = np.rint(fill).astype(np.uint8)
        canvas[pad : pad + height, pad : pad + width] = photo
        try:
            with keep_torch_threads():
                results = model.predict(
                    np.ascontiguousarray(canvas[..., ::-1]), verbose=False, conf=self.min_score
                )  # ultralytics reads numpy as BGR
        except Exception as error:
            raise DetectorUnavailable(
                f"The bird detector failed on this photo ({type(error).__name__})."
            ) from error
        best = None
        for result in results:
            names = result.names
            for box, cls, score in zip(
                result.boxes.xyxy.cpu().numpy(),
                result.boxes.cls.cpu().numpy(),
                result.boxes.conf.cpu().numpy(),
                strict=True,
            ):
                if names[int(cls)] != BIRD_CLASS:
                    continue
                if best is None or score > best.score:
                    x0, y0, x1, y1 = (box - pad).tolist()
                    clipped = (
                        float(np.clip(x0, 0, width)),
                        float(np.clip(y0, 0, height)),
                        float(np.clip(x1, 0, width)),
                        float(np.clip(y1, 0, height)),
                    )
                    if clipped[2] - clipped[0] >= 2 and clipped[3] - clipped[1] >= 2:
                        best = Detection(clipped, float(score))
        return best


def square_around(
    box: tuple[float, float, float, float], size: tuple[int, int], margin: float = 0.15
) -> tuple[int, int, int]:
    """The square (x0, y0, side) around `box` with `margin` (fraction of the box's longer side)
    on every side, shifted to lie inside a photo of size (width, height) and at most as large
    as the photo's shorter side."""
    width, height = size
    x0, y0, x1, y1 = box
    side = max(x1 - x0, y1 - y0) * (1 + 2 * margin)
    side = int(round(min(side, width, height)))
    side = max(side, 1)
    centre_x, centre_y = (x0 + x1) / 2, (y0 + y1) / 2
    left = int(round(np.clip(centre_x - side / 2, 0, width - side)))
    top = int(round(np.clip(centre_y - side / 2, 0, height - side)))
    return left, top, side
