"""What every tab shares: request folders for temporary files, export, the text shown beside a
result, error handling and the host's example photos."""

from __future__ import annotations

import logging
import os
import shutil
import time
import uuid
from pathlib import Path

import gradio as gr

from animators.core.base import AnimatorError, Clip
from animators.core.export import save_clip
from ui import WORK_DIR

LOG = logging.getLogger("animate-app")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
KEEP_OUTPUTS_S = 3600


def request_dir() -> Path:
    """A fresh folder under WORK_DIR for one request's files; old ones are pruned."""
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in WORK_DIR.glob("req-*"):
        try:
            if now - old.stat().st_mtime > KEEP_OUTPUTS_S:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
    folder = WORK_DIR / f"req-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    return folder


def export_clip(clip: Clip, stem: str, playback: str = "loop") -> tuple[str, list[str]]:
    """Write mp4 (for the player) and gif + zip (downloads); returns (mp4, [gif, zip])."""
    folder = request_dir()
    mp4 = save_clip(clip, folder / f"{stem}.mp4", playback)
    gif = save_clip(clip, folder / f"{stem}.gif", playback)
    frames = save_clip(clip, folder / f"{stem}_frames.zip", playback)
    return str(mp4), [str(gif), str(frames)]


def describe(clip: Clip, extra: list[str] | None = None) -> str:
    """Markdown with the numbers and warnings shown beside a result."""
    width, height = clip.size
    lines = [f"**{clip.num_frames} frames**, {width}x{height}, {clip.fps:g} fps"]
    info = clip.info
    if "method" in info:
        lines.append(f"method `{info['method']}`")
    if "field_source" in info:
        source = "the motion-field model" if info["field_source"] == "model" else "your brush"
        lines.append(f"motion from {source}")
    if info.get("score") is not None:
        lines.append(f"bird found with confidence {info['score']:.2f}")
    if "projection_psnr" in info:
        size = info.get("resolution", 0)
        lines.append(f"projection PSNR {info['projection_psnr']:.1f} dB at {size}x{size}")
    if "timings" in info and "total_s" in info["timings"]:
        lines.append(f"made in {info['timings']['total_s']:.1f} s on this server")
    if "seconds" in info:
        lines.append(f"rendered in {info['seconds']:.2f} s on this server")
    if "ms_per_frame" in info:
        lines.append(f"{info['ms_per_frame']:.0f} ms per generated frame")
    if "loop_seam" in info:
        lines.append(
            f"loop seam {info['loop_seam']:.2f} (last->first change / typical change; "
            "about 1 = seamless)"
        )
    if "sharpness" in info:
        lines.append(f"sharpness {info['sharpness']:.2f} of the photo's (Laplacian variance)")
    notes = (extra or []) + clip.warnings
    text = " · ".join(lines)
    if notes:
        text += "\n\n" + "\n".join(f"- {note}" for note in notes)
    return text


def run_safely(task: str, function, *args, **kwargs):
    """Call `function`; turn library errors into gr.Error and anything else into one sentence."""
    try:
        return function(*args, **kwargs)
    except gr.Error:
        raise
    except AnimatorError as error:
        raise gr.Error(str(error)) from None
    except MemoryError:
        raise gr.Error(
            "The server ran out of memory; try a smaller image or fewer frames."
        ) from None
    except Exception as error:  # keep serving whatever happens
        LOG.exception("%s failed", task)
        raise gr.Error(
            f"Animating failed unexpectedly ({type(error).__name__}); please try another image."
        ) from None


def warn_all(notes: list[str]) -> None:
    for note in notes:
        gr.Warning(note)


def example_photos() -> list[Path]:
    """Photos from the folder named by ANIMATE_EXAMPLES_DIR (for hosts with real photos)."""
    folder = os.environ.get("ANIMATE_EXAMPLES_DIR")
    if not folder or not Path(folder).is_dir():
        return []
    photos = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    return photos[:12]
