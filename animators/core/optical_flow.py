"""Classical optical flow (OpenCV DIS) and the warps built on it.

Flows are (H, W, 2) float32 (dx, dy) in pixels: `flow_ab[y, x]` says where pixel (x, y) of
image a is found in image b. Images are (H, W, 3) uint8 RGB or float32.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

PRESETS = {
    "ultrafast": cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST,
    "fast": cv2.DISOPTICAL_FLOW_PRESET_FAST,
    "medium": cv2.DISOPTICAL_FLOW_PRESET_MEDIUM,
}


def _gray(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:
        image = np.clip(image * 255.0 if image.max() <= 1.0 else image, 0, 255).astype(np.uint8)
    return cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY)


def dis_flow(image_a: np.ndarray, image_b: np.ndarray, preset: str = "medium") -> np.ndarray:
    """Dense flow from a to b with OpenCV's DIS (dense inverse search). (H, W, 2) float32."""
    dis = cv2.DISOpticalFlow_create(PRESETS[preset])
    return dis.calc(_gray(image_a), _gray(image_b), None)


def both_ways(flow_fn, image_a: np.ndarray, image_b: np.ndarray, *options):
    """(flow_fn(a, b, *options), flow_fn(b, a, *options)), the two computed side by side in
    two threads: OpenCV releases the GIL, and two DIS runs at once keep two cores busier than
    one after the other (about 10 % less wall-clock time on 2 cores; the same flows)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        backward = pool.submit(flow_fn, image_b, image_a, *options)
        return flow_fn(image_a, image_b, *options), backward.result()


def dis_flows(
    image_a: np.ndarray, image_b: np.ndarray, preset: str = "medium"
) -> tuple[np.ndarray, np.ndarray]:
    """`dis_flow` both ways: (a->b, b->a)."""
    return both_ways(dis_flow, image_a, image_b, preset)


NET_FLOW_FINEST_SCALE = 0
"""DIS's finest pyramid level for the learned interpolator's flows: 0 = the resolution it is
given (the presets stop at level 1, half of it): slower, but finer motion for the network to
refine (the committed network was fine-tuned on such flows)."""

NET_FLOW_PATCH_STRIDE = 2
"""DIS's patch stride for the learned interpolator's flows: 2 (the medium preset uses 3) puts
more, overlapping patches on each pyramid level: denser, more accurate flow for about 30 ms
more per 854x480 frame (the committed network was fine-tuned on such flows)."""


def net_flow(
    image_a: np.ndarray,
    image_b: np.ndarray,
    flow_scale: int,
    preset: str = "medium",
    finest_scale: int = NET_FLOW_FINEST_SCALE,
    patch_stride: int = NET_FLOW_PATCH_STRIDE,
) -> np.ndarray:
    """Flow a->b for the learned interpolator: DIS at 1/`flow_scale` of the image size (down
    to pyramid level `finest_scale`, a patch every `patch_stride` pixels), then averaged down
    by 2 more, in pixels of that final (1 / (2 * flow_scale)) size.

    Images (H, W, 3) uint8 with H and W multiples of 2 * flow_scale; returns an
    (H / (2 * flow_scale), W / (2 * flow_scale), 2) float32 flow."""
    height, width = image_a.shape[:2]
    if height % (2 * flow_scale) or width % (2 * flow_scale):
        raise ValueError(f"Image sides must be multiples of {2 * flow_scale}.")
    gray_a, gray_b = _gray(image_a), _gray(image_b)
    if flow_scale > 1:
        size = (width // flow_scale, height // flow_scale)
        gray_a = cv2.resize(gray_a, size, interpolation=cv2.INTER_AREA)
        gray_b = cv2.resize(gray_b, size, interpolation=cv2.INTER_AREA)
    dis = cv2.DISOpticalFlow_create(PRESETS[preset])
    dis.setFinestScale(finest_scale)
    dis.setPatchStride(patch_stride)
    flow = dis.calc(gray_a, gray_b, None)
    half = (width // (2 * flow_scale), height // (2 * flow_scale))
    return cv2.resize(flow, half, interpolation=cv2.INTER_AREA) * 0.5


def net_flows(
    image_a: np.ndarray, image_b: np.ndarray, flow_scale: int, preset: str = "medium"
) -> tuple[np.ndarray, np.ndarray]:
    """`net_flow` both ways: (a->b, b->a)."""
    return both_ways(net_flow, image_a, image_b, flow_scale, preset)


def pixel_grid(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) coordinate grids, each (H, W) float32."""
    grid_y, grid_x = np.mgrid[0:height, 0:width].astype(np.float32)
    return grid_x, grid_y


def backward_warp(image: np.ndarray, flow: np.ndarray, grid=None) -> np.ndarray:
    """out[y, x] = image[y + flow_y, x + flow_x], bilinear, borders replicated. Same dtype."""
    height, width = flow.shape[:2]
    grid_x, grid_y = grid if grid is not None else pixel_grid(height, width)
    return cv2.remap(
        image,
        grid_x + flow[..., 0],
        grid_y + flow[..., 1],
        interpolation=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )


def occlusion(flow_ab: np.ndarray, flow_ba: np.ndarray, grid=None) -> np.ndarray:
    """Soft occlusion of image a's pixels in image b from forward-backward consistency.

    A pixel whose round trip a -> b -> a does not come back is probably hidden in b.
    Returns (H, W) float32 in [0, 1]: 0 = visible in b, 1 = occluded.
    """
    round_trip = flow_ab + backward_warp(flow_ba, flow_ab, grid)
    error = np.sum(round_trip**2, axis=-1)
    scale = 0.01 * np.sum(flow_ab**2 + backward_warp(flow_ba, flow_ab, grid) ** 2, axis=-1) + 0.5
    return (1.0 - np.exp(-error / scale)).astype(np.float32)
