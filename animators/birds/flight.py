"""From one bird's latent to a looping flight: style mixing with the pose bank, a closed
latent path, and pasting the animated crop back into the photo.

Latents are numpy-free torch tensors W+ (…, num_ws, w_dim); frames are numpy uint8.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from PIL import Image


def mix_styles(bird_ws: torch.Tensor, pose_ws: torch.Tensor, coarse_layers: int) -> torch.Tensor:
    """bird_ws (num_ws, w_dim), pose_ws (K, num_ws, w_dim) -> (K, num_ws, w_dim): the first
    `coarse_layers` style inputs (pose, shape) from each pose, the rest (colour, texture) from
    the bird."""
    mixed = bird_ws[None].repeat(len(pose_ws), 1, 1)
    mixed[:, :coarse_layers] = pose_ws[:, :coarse_layers]
    return mixed


def closed_path(keys: torch.Tensor, num_frames: int, smoothness: float) -> torch.Tensor:
    """keys (K, ...) visited in order and back to the first -> (num_frames, ...).

    Linear interpolation between consecutive keys at evenly spaced times, then a circular
    Gaussian blur along time of width `smoothness` (0..1) times the frames per key, which rounds
    off the corners at the keys; circular, so the last frame leads smoothly into the first."""
    count = len(keys)
    times = torch.arange(num_frames, dtype=torch.float32) * count / num_frames
    lower = times.floor().long() % count
    upper = (lower + 1) % count
    weight = (times - times.floor()).view(-1, *([1] * (keys.dim() - 1))).to(keys)
    path = keys[lower] * (1 - weight) + keys[upper] * weight
    sigma = float(smoothness) * num_frames / count
    if sigma < 0.3 or num_frames < 3:
        return path
    offsets = torch.arange(num_frames) - num_frames // 2
    kernel = torch.exp(-0.5 * (offsets.float() / sigma) ** 2)
    kernel = (kernel / kernel.sum()).to(keys)
    blurred = torch.zeros_like(path)
    for offset, k in zip(offsets.tolist(), kernel, strict=True):
        blurred += k * torch.roll(path, shifts=offset, dims=0)
    return blurred


def match_colours(frames: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """frames (T, 3, S, S), reference (1, 3, S, S) -> frames whose per-channel mean and spread
    are the reference's (any value range). The flying poses bring their own colouring of the
    coarse layers (sky, light); this gives the flight the user's bird's colours back, and the
    pasted square blends into the photo."""
    mean = frames.mean(dim=(2, 3), keepdim=True)
    spread = frames.std(dim=(2, 3), keepdim=True)
    target_mean = reference.mean(dim=(2, 3), keepdim=True)
    target_spread = reference.std(dim=(2, 3), keepdim=True)
    return (frames - mean) / (spread + 1e-5) * target_spread + target_mean


def feather_mask(size: int, feather: float) -> np.ndarray:
    """(size, size) float32 in [0, 1]: 1 inside, ramping to 0 over `feather` x size at the
    edges (a smooth rounded square)."""
    ramp = max(1.0, feather * size)
    coords = np.arange(size, dtype=np.float32) + 0.5
    edge = np.minimum(coords, size - coords)
    one_axis = np.clip(edge / ramp, 0, 1)
    one_axis = one_axis * one_axis * (3 - 2 * one_axis)  # smoothstep
    return np.outer(one_axis, one_axis).astype(np.float32)


def resize_frames(frames: np.ndarray, size: int) -> np.ndarray:
    """(T, s, s, 3) uint8 -> (T, size, size, 3) uint8 (bicubic)."""
    return np.stack(
        [np.asarray(Image.fromarray(f).resize((size, size), Image.BICUBIC)) for f in frames]
    )


def paste_back(
    photo: np.ndarray,
    crops: np.ndarray,
    square: tuple[int, int, int],
    offsets: np.ndarray | None = None,
    feather: float = 0.18,
    background: np.ndarray | None = None,
) -> np.ndarray:
    """Paste each animated crop into the photo.

    photo (H, W, 3) uint8; crops (T, s, s, 3) uint8; square = (x0, y0, side) where the crop came
    from. offsets (T, 2) float pixels move the paste position per frame (a flight path);
    `background` (H, W, 3) is the photo with the bird removed, used under a moving bird.
    Returns (T, H, W, 3) uint8."""
    x0, y0, side = square
    height, width = photo.shape[:2]
    crops = resize_frames(crops, side)
    mask = feather_mask(side, feather)[..., None]
    base = (photo if background is None else background).astype(np.float32)
    frames = np.empty((len(crops), height, width, 3), dtype=np.uint8)
    for index, crop in enumerate(crops):
        dx, dy = (0, 0) if offsets is None else np.rint(offsets[index]).astype(int)
        left, top = x0 + dx, y0 + dy
        # the part of the square that lies inside the photo
        a0, b0 = max(0, left), max(0, top)
        a1, b1 = min(width, left + side), min(height, top + side)
        frame = base.copy()
        if a1 > a0 and b1 > b0:
            piece = crop[b0 - top : b1 - top, a0 - left : a1 - left].astype(np.float32)
            alpha = mask[b0 - top : b1 - top, a0 - left : a1 - left]
            frame[b0:b1, a0:a1] = alpha * piece + (1 - alpha) * frame[b0:b1, a0:a1]
        frames[index] = np.clip(np.rint(frame), 0, 255).astype(np.uint8)
    return frames


def loop_offsets(
    num_frames: int, square: tuple[int, int, int], size: tuple[int, int]
) -> np.ndarray:
    """(T, 2) pixel offsets of a closed loop flight that starts and ends at the bird's spot:
    out to one side, up toward the top of the photo, over to the other side and back down
    (an ellipse through the start). size = (width, height) of the photo."""
    x0, y0, side = square
    width, _ = size
    reach_x = 0.45 * max(0, width - side)  # horizontal radius
    rise = 0.8 * max(0, y0)  # how far up the loop goes
    phase = 2 * math.pi * np.arange(num_frames) / num_frames
    offset_x = reach_x * np.sin(phase)
    offset_y = -rise * (1 - np.cos(phase)) / 2
    return np.stack([offset_x, offset_y], axis=1)
