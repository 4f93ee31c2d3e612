"""animators.core.export: each format decodes back to the frames, size and frame rate written."""

from __future__ import annotations

import io
import subprocess
import zipfile

import imageio.v2 as imageio
import imageio_ffmpeg
import numpy as np
import pytest
from helpers import textured_image
from PIL import Image

from animators import Clip, InputError
from animators.core.export import playback_frames, save_clip
from animators.core.metrics import psnr


def make_clip(num_frames: int = 5, height: int = 48, width: int = 64, fps: float = 10.0) -> Clip:
    """Distinct frames: each is a different texture with its index burnt into pixel (0, 0)."""
    frames = np.stack(
        [textured_image(seed=100 + i, height=height, width=width) for i in range(num_frames)]
    )
    return Clip(frames=frames, fps=fps)


def read_mp4(path) -> tuple[np.ndarray, dict]:
    reader = imageio.get_reader(str(path), format="FFMPEG")
    try:
        meta = reader.get_meta_data()
        frames = np.stack([frame for frame in reader])  # len(reader) is inf: no list()
    finally:
        reader.close()
    return frames, meta


def read_gif(path) -> tuple[list[np.ndarray], list[int], dict]:
    with Image.open(path) as gif:
        info = dict(gif.info)
        frames, durations = [], []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
            frames.append(np.asarray(gif.convert("RGB")))
    return frames, durations, info


def read_zip(path) -> list[np.ndarray]:
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        assert all(name.endswith(".png") for name in names)
        return [np.asarray(Image.open(io.BytesIO(archive.read(name)))) for name in names]


# --- mp4 ----------------------------------------------------------------------------------


def test_mp4_frames_size_fps(tmp_path):
    clip = make_clip(num_frames=6, height=48, width=64, fps=12.0)
    path = save_clip(clip, tmp_path / "clip.mp4")
    assert path == tmp_path / "clip.mp4" and path.stat().st_size > 0

    frames, meta = read_mp4(path)

    assert frames.shape == (6, 48, 64, 3)
    assert meta["fps"] == pytest.approx(12.0)
    assert meta["codec"] == "h264"
    assert meta["pix_fmt"].startswith("yuv420p")
    for decoded, original in zip(frames, clip.frames, strict=True):
        assert psnr(decoded, original) > 28.0
    # Frames stay in order: each decoded frame is closest to its own original.
    for index, decoded in enumerate(frames):
        scores = [psnr(decoded, original) for original in clip.frames]
        assert int(np.argmax(scores)) == index


def test_mp4_odd_size_is_padded_to_even(tmp_path):
    clip = make_clip(num_frames=4, height=47, width=65, fps=8.0)
    frames, meta = read_mp4(save_clip(clip, tmp_path / "odd.mp4"))
    assert frames.shape == (4, 48, 66, 3)
    assert meta["fps"] == pytest.approx(8.0)
    # The original pixels are there; the pad repeats the last row/column.
    assert psnr(frames[0, :47, :65], clip.frames[0]) > 28.0
    padded = np.pad(clip.frames[0], ((0, 1), (0, 1), (0, 0)), mode="edge")
    assert psnr(frames[0], padded) > 28.0


def test_mp4_is_h264_fast_start_per_ffmpeg(tmp_path):
    path = save_clip(make_clip(num_frames=3), tmp_path / "clip.mp4")
    probe = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "Video: h264" in probe.stderr
    assert "yuv420p" in probe.stderr
    data = path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # +faststart: playable while loading


# --- gif ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("fps", "duration_ms"), [(10.0, 100), (12.5, 80), (25.0, 40)])
def test_gif_frames_duration_and_loop(tmp_path, fps, duration_ms):
    clip = make_clip(num_frames=5, height=40, width=56, fps=fps)
    path = save_clip(clip, tmp_path / "clip.gif")

    frames, durations, info = read_gif(path)

    assert len(frames) == 5
    assert all(frame.shape == (40, 56, 3) for frame in frames)  # odd sizes allowed: no pad
    assert durations == [duration_ms] * 5
    assert info["loop"] == 0  # loop forever
    for decoded, original in zip(frames, clip.frames, strict=True):
        assert np.abs(decoded.astype(int) - original).mean() < 8.0  # 256-colour palette


def test_gif_keeps_odd_size(tmp_path):
    clip = make_clip(num_frames=3, height=47, width=65)
    frames, _, _ = read_gif(save_clip(clip, tmp_path / "odd.gif"))
    assert [frame.shape for frame in frames] == [(47, 65, 3)] * 3


# --- zip and npz --------------------------------------------------------------------------


def test_zip_holds_exact_png_frames(tmp_path):
    clip = make_clip(num_frames=4, height=47, width=65)
    path = save_clip(clip, tmp_path / "frames.zip")
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == [f"frame_{i:04d}.png" for i in range(4)]
    frames = read_zip(path)
    assert len(frames) == 4
    for decoded, original in zip(frames, clip.frames, strict=True):
        np.testing.assert_array_equal(decoded, original)


def test_npz_holds_exact_frames_and_fps(tmp_path):
    clip = make_clip(num_frames=4, height=47, width=65, fps=7.5)
    path = save_clip(clip, tmp_path / "frames.npz")
    with np.load(path) as data:
        np.testing.assert_array_equal(data["frames"], clip.frames)
        assert data["frames"].dtype == np.uint8
        assert float(data["fps"]) == 7.5


@pytest.mark.parametrize("suffix", ["NPZ", "ZIP", "GIF", "MP4"])
def test_upper_case_suffix_writes_the_returned_path(tmp_path, suffix):
    folder = tmp_path / "a" / "b"  # created on demand
    path = save_clip(make_clip(num_frames=2, height=32, width=32), folder / f"CLIP.{suffix}")
    assert path == folder / f"CLIP.{suffix}"
    assert path.is_file()
    assert [file.name for file in folder.iterdir()] == [path.name]


# --- play-back modes ----------------------------------------------------------------------


def test_pingpong_order():
    frames = np.arange(5, dtype=np.uint8)[:, None, None, None] * np.ones((5, 2, 2, 3), np.uint8)
    order = playback_frames(frames, "pingpong")[:, 0, 0, 0].tolist()
    assert order == [0, 1, 2, 3, 4, 3, 2, 1]  # 2T - 2, no repeated end frames
    assert playback_frames(frames, "loop")[:, 0, 0, 0].tolist() == [0, 1, 2, 3, 4]
    two = frames[:2]
    assert playback_frames(two, "pingpong")[:, 0, 0, 0].tolist() == [0, 1]


@pytest.mark.parametrize("suffix", ["npz", "zip", "gif", "mp4"])
def test_pingpong_in_each_format(tmp_path, suffix):
    clip = make_clip(num_frames=4, height=32, width=32, fps=10.0)
    expected = np.concatenate([clip.frames, clip.frames[2:0:-1]])  # 0 1 2 3 2 1
    path = save_clip(clip, tmp_path / f"clip.{suffix}", playback="pingpong")
    if suffix == "npz":
        with np.load(path) as data:
            decoded = data["frames"]
        np.testing.assert_array_equal(decoded, expected)
        return
    if suffix == "zip":
        decoded = np.stack(read_zip(path))
        np.testing.assert_array_equal(decoded, expected)
        return
    decoded = np.stack(read_gif(path)[0]) if suffix == "gif" else read_mp4(path)[0]
    assert len(decoded) == 6
    for index, frame in enumerate(decoded):
        distances = [np.abs(frame.astype(int) - original).mean() for original in clip.frames]
        assert int(np.argmin(distances)) == [0, 1, 2, 3, 2, 1][index]


def test_unknown_playback_mode_is_refused(tmp_path):
    with pytest.raises(InputError, match="pingpong"):
        save_clip(make_clip(num_frames=3), tmp_path / "clip.npz", playback="bounce")


@pytest.mark.parametrize("name", ["clip.avi", "clip.webm", "clip", "clip.mp4.txt"])
def test_unknown_extension_is_refused(tmp_path, name):
    with pytest.raises(InputError, match=r"\.mp4") as caught:
        save_clip(make_clip(num_frames=2), tmp_path / name)
    assert name in str(caught.value)
    assert not (tmp_path / name).exists()
