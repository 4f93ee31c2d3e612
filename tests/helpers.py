"""Test helpers: small synthetic inputs (no files from ../shared needed) and the app launched
in-process."""

from __future__ import annotations

import contextlib
import socket

import cv2
import numpy as np


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
