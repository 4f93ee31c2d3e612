"""Test helpers: small synthetic inputs (no files from ../shared needed) and the app launched
in-process."""

from __future__ import annotations

import contextlib
import socket

import cv2
import numpy as np
import torch
from PIL import Image


def textured_image(seed: int = 0, height: int = 96, width: int = 128) -> np.ndarray:
    """A smooth random colour texture with some fine detail: (H, W, 3) uint8 RGB.

    Coarse blurred noise gives structure that phase correlation and optical flow can lock on
    to; a little lightly blurred noise on top gives the fine detail that sharpness metrics see.
    """
    rng = np.random.default_rng(seed)
    coarse = cv2.GaussianBlur(rng.random((height, width, 3)).astype(np.float32), (0, 0), 4.0)
    fine = cv2.GaussianBlur(rng.random((height, width, 3)).astype(np.float32), (0, 0), 0.8)
    coarse = (coarse - coarse.min()) / max(float(np.ptp(coarse)), 1e-6)
    fine = (fine - fine.min()) / max(float(np.ptp(fine)), 1e-6)
    image = 0.75 * coarse + 0.25 * fine
    return np.clip(np.rint(image * 255.0), 0, 255).astype(np.uint8)


SHIFT_X, SHIFT_Y = 8, 4  # the `panned` window moves by this, so the content moves by minus this


def panned_windows() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two 96x128 windows of one larger texture, offset by (SHIFT_X, SHIFT_Y), and the true
    midpoint window."""
    scene = textured_image(seed=5, height=160, width=200)
    height, width, top, left = 96, 128, 24, 24

    def window(dx: int, dy: int) -> np.ndarray:
        return np.ascontiguousarray(
            scene[top + dy : top + dy + height, left + dx : left + dx + width]
        )

    return window(0, 0), window(SHIFT_X, SHIFT_Y), window(SHIFT_X // 2, SHIFT_Y // 2)


def shift_between(before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
    """(dx, dy) by which the content of `before` moved in `after` (phase correlation)."""
    gray = [cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float64) for image in (before, after)]
    window = cv2.createHanningWindow((before.shape[1], before.shape[0]), cv2.CV_64F)
    (dx, dy), _ = cv2.phaseCorrelate(gray[0], gray[1], window)
    return dx, dy


def panning_frames(count: int = 12, height: int = 120, width: int = 160) -> np.ndarray:
    """A window sliding 3 px right per frame over a texture: (count, H, W, 3) uint8."""
    scene = textured_image(seed=9, height=height + 8, width=width + 3 * count)
    return np.stack([scene[4 : 4 + height, 3 * i : 3 * i + width] for i in range(count)])


def write_gif(path, frames: np.ndarray) -> None:
    images = [Image.fromarray(frame) for frame in frames]
    images[0].save(path, save_all=True, append_images=images[1:], duration=100, loop=0)


def rect_mask(height: int, width: int, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    """(H, W) bool, True inside rows [top, bottom) and columns [left, right)."""
    mask = np.zeros((height, width), dtype=bool)
    mask[top:bottom, left:right] = True
    return mask


@contextlib.contextmanager
def running_app():
    """The app launched in-process on 127.0.0.1 and a free port; yields the Blocks."""
    import app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    demo = app.create_app()
    demo.launch(prevent_thread_lock=True, quiet=True, server_name="127.0.0.1", server_port=port)
    try:
        yield demo
    finally:
        demo.close()


class FixedNet(torch.nn.Module):
    """Stands in for the network: the top half flows right (relative speed 1), the bottom
    half is still."""

    def forward(self, image):
        batch, _, height, width = image.shape
        velocity = torch.zeros(batch, 2, height, width)
        logit = torch.full((batch, 1, height, width), -8.0)
        velocity[:, 0, : height // 2] = 1.0
        logit[:, :, : height // 2] = 8.0
        return {"velocity": velocity, "moving_logit": logit}
