"""Write a Clip as H.264 mp4 (plays in browsers), a looping GIF, a zip of PNG frames, or .npz.

`playback_frames` applies the play-back mode first: "loop" (as rendered) or "pingpong"
(forward then backward, without repeating the end frames).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import imageio.v2 as imageio
import numpy as np
from PIL import Image

from animators.core.base import Clip, InputError

FORMATS = ("mp4", "gif", "zip", "npz")
PLAYBACK_MODES = ("loop", "pingpong")


def playback_frames(frames: np.ndarray, mode: str = "loop") -> np.ndarray:
    """(T, H, W, 3) -> frames in play-back order. "pingpong" gives 2T - 2 frames for T > 2."""
    if mode not in PLAYBACK_MODES:
        raise InputError(f"Play-back must be one of {', '.join(PLAYBACK_MODES)}, not {mode!r}.")
    if mode == "pingpong" and len(frames) > 2:
        return np.concatenate([frames, frames[-2:0:-1]], axis=0)
    return frames


def _even(frames: np.ndarray) -> np.ndarray:
    """Pad to even width and height by repeating the last row/column (H.264 4:2:0 needs it)."""
    pad_h = frames.shape[1] % 2
    pad_w = frames.shape[2] % 2
    if pad_h or pad_w:
        frames = np.pad(frames, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode="edge")
    return frames


def write_mp4(frames: np.ndarray, fps: float, path: str | Path) -> Path:
    """H.264 mp4, yuv420p, fast-start: plays in every browser. Odd sizes get one padded pixel."""
    path = Path(path)
    writer = imageio.get_writer(
        str(path),
        format="FFMPEG",
        fps=float(fps),
        codec="libx264",
        pixelformat="yuv420p",
        macro_block_size=1,
        quality=None,
        ffmpeg_params=["-crf", "18", "-preset", "veryfast", "-movflags", "+faststart"],
        ffmpeg_log_level="error",
    )
    try:
        for frame in _even(frames):
            writer.append_data(frame)
    finally:
        writer.close()
    return path


def write_gif(frames: np.ndarray, fps: float, path: str | Path) -> Path:
    """Animated GIF that loops forever; each frame's duration is 1000 / fps ms (10 ms steps).

    One 256-colour palette is built from a sample of the frames and shared by all of them,
    which is fast and keeps still regions from flickering between frames.
    """
    path = Path(path)
    sample = frames[:: max(1, len(frames) // 8)][:8]
    palette = Image.fromarray(np.concatenate(list(sample), axis=0)).quantize(
        256, method=Image.Quantize.FASTOCTREE
    )
    images = [
        Image.fromarray(frame).quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG)
        for frame in frames
    ]
    duration = max(20, int(round(1000.0 / float(fps) / 10.0)) * 10)
    images[0].save(
        path,
        save_all=True,
        append_images=images[1:],
        duration=duration,
        loop=0,
        optimize=False,
        disposal=1,
    )
    return path


def write_zip(frames: np.ndarray, path: str | Path) -> Path:
    """A zip of frame_0000.png, frame_0001.png, ..."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for index, frame in enumerate(frames):
            buffer = io.BytesIO()
            Image.fromarray(frame).save(buffer, format="PNG", compress_level=1)
            archive.writestr(f"frame_{index:04d}.png", buffer.getvalue())
    return path


def write_npz(frames: np.ndarray, fps: float, path: str | Path) -> Path:
    """.npz with `frames` (T, H, W, 3) uint8 and `fps` (scalar float)."""
    path = Path(path)
    with open(path, "wb") as file:  # a file object: numpy would append ".npz" to "x.NPZ"
        np.savez_compressed(file, frames=frames, fps=np.float64(fps))
    return path


def save_clip(clip: Clip, path: str | Path, playback: str = "loop") -> Path:
    """Write `clip` in the format its file name ends with (.mp4, .gif, .zip, .npz)."""
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise InputError(
            f"The output must end with one of .{', .'.join(FORMATS)}; got {path.name}."
        )
    frames = playback_frames(clip.frames, playback)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "mp4":
        return write_mp4(frames, clip.fps, path)
    if kind == "gif":
        return write_gif(frames, clip.fps, path)
    if kind == "zip":
        return write_zip(frames, path)
    return write_npz(frames, clip.fps, path)
