"""Numbers shown beside results and used by the benchmarks.

All functions take uint8 RGB arrays: frames (T, H, W, 3), images (H, W, 3).
"""

from __future__ import annotations

import cv2
import numpy as np


def _gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY).astype(np.float64)


def laplacian_variance(image: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Variance of the Laplacian of the grayscale image (a sharpness measure), optionally
    only over `mask` ((H, W) bool)."""
    laplacian = cv2.Laplacian(_gray(image), cv2.CV_64F)
    return float(laplacian[mask].var() if mask is not None else laplacian.var())


def sharpness_ratio(frames: np.ndarray, photo: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Mean Laplacian variance of the frames divided by the photo's (1.0 = as sharp)."""
    reference = laplacian_variance(photo, mask)
    if reference <= 0:
        return 1.0
    return float(np.mean([laplacian_variance(frame, mask) for frame in frames]) / reference)


def loop_seam_ratio(frames: np.ndarray) -> float:
    """Mean absolute difference last -> first, divided by the median difference between
    consecutive frames. About 1.0 for a seamless loop; larger means a visible jump.
    Returns 0.0 for a still clip (no motion at all)."""
    clip = frames.astype(np.float32)
    steps = np.abs(np.diff(clip, axis=0)).mean(axis=(1, 2, 3))
    seam = float(np.abs(clip[0] - clip[-1]).mean())
    typical = float(np.median(steps)) if len(steps) else 0.0
    if typical <= 1e-9:
        return 0.0 if seam <= 1e-9 else float("inf")
    return seam / typical


def psnr(prediction: np.ndarray, target: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB for uint8 images (capped at 100 for identical)."""
    mse = float(np.mean((prediction.astype(np.float64) - target.astype(np.float64)) ** 2))
    return 100.0 if mse == 0 else 10.0 * np.log10(255.0**2 / mse)


def ssim(prediction: np.ndarray, target: np.ndarray) -> float:
    """Structural similarity on the grayscale images (Gaussian window, sigma 1.5), in [-1, 1]."""
    a, b = _gray(prediction), _gray(target)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(x: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(x, (11, 11), 1.5)

    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a**2
    var_b = blur(b * b) - mu_b**2
    cov = blur(a * b) - mu_a * mu_b
    ssim_map = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / (
        (mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2)
    )
    return float(ssim_map.mean())


def field_cosines(field: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Per-pixel cosine (H, W) float64 in [-1, 1] between two motion fields (H, W, 2); 0 where
    either does not move."""
    dot = (field * reference).sum(axis=-1)
    norms = np.hypot(field[..., 0], field[..., 1]) * np.hypot(reference[..., 0], reference[..., 1])
    return np.where(norms > 1e-9, dot / np.maximum(norms, 1e-9), 0.0)
