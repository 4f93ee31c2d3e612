"""Gradio Blocks app: one tab per task, each calling the `animators` layer.

    python app.py            # serves http://127.0.0.1:7860 (GRADIO_SERVER_NAME/PORT override)

Every event has an api_name (/waterfall, /text, /inbetween, /birds) for `gradio_client`.
Library errors (`animators.AnimatorError`) become a `gr.Error` with their one-sentence message;
anything unexpected is logged and reported in one sentence too, and the server keeps serving.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("YOLO_OFFLINE", "1")
# One folder per server process for every temporary file (uploads, Gradio's cache, outputs),
# removed when the process exits; two servers on one machine never share it.
WORK_DIR = Path(tempfile.mkdtemp(prefix="animate-app-"))
os.environ.setdefault("GRADIO_TEMP_DIR", str(WORK_DIR / "gradio"))

import gradio as gr  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import animators  # noqa: E402
from animators.birds.animator import (  # noqa: E402
    DEFAULT_COARSE_LAYERS,
    DEFAULT_IDENTITY_STEPS,
    DEFAULT_PROJECTION_STEPS,
)
from animators.core.base import AnimatorError, Clip  # noqa: E402
from animators.core.export import save_clip  # noqa: E402
from animators.core.inputs import load_image, load_mask, prepare_mask, source_scale  # noqa: E402
from animators.core.limits import check_count  # noqa: E402

LOG = logging.getLogger("animate-app")
EXAMPLES = Path(__file__).resolve().parent / "examples"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
# Brush colours of the waterfall editor: what each paints.
MOVE_COLOR, SECOND_COLOR, FREEZE_COLOR = "#1f77ff", "#ff8c00", "#ff2020"
KEEP_OUTPUTS_S = 3600


# ---------------------------------------------------------------- upload components
class PhotoUpload(gr.Image):
    """gr.Image that hands the uploaded file's path to our loader without decoding it, so
    that non-images, damaged and huge files get our one-sentence messages."""

    def get_block_name(self) -> str:
        return "image"

    def preprocess(self, payload):
        return None if payload is None else payload.path


class BrushCanvas(gr.ImageEditor):
    """gr.ImageEditor returning {"background": path, "layers": [paths], "composite": path}
    without decoding, for the same reason."""

    def get_block_name(self) -> str:
        return "imageeditor"

    def preprocess(self, payload):
        if payload is None:
            return None
        if payload.id is not None:
            payload = self.blob_storage.get(payload.id) or payload

        def path_of(file) -> str | None:
            if file is None:
                return None
            if isinstance(file, (bytes, bytearray, memoryview)):
                target = request_dir() / f"{uuid.uuid4().hex}.png"
                target.write_bytes(bytes(file))
                return str(target)
            return file.path

        return {
            "background": path_of(payload.background),
            "layers": [path_of(layer) for layer in (payload.layers or []) if layer is not None],
            "composite": path_of(payload.composite),
        }


class Setting(gr.Slider):
    """gr.Slider whose value from the API is checked by the animators, whose messages name
    the setting and its range ("The number of frames must be ... from 8 to 120")."""

    def get_block_name(self) -> str:
        return "slider"

    def preprocess(self, payload):
        return payload


# ---------------------------------------------------------------- temporary files
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


@atexit.register
def _clean_work_dir() -> None:
    shutil.rmtree(WORK_DIR, ignore_errors=True)


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


# ---------------------------------------------------------------- waterfall tab
def _hex_rgb(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


def masks_from_layers(layer_paths: list[str]) -> dict[str, np.ndarray | None]:
    """Split painted brush layers into the motion, second-direction and freeze masks.

    Each painted pixel (alpha > 0) goes to the brush colour nearest to its colour; later layers
    paint over earlier ones. Returns {"mask", "second_mask", "freeze"}: (H, W) bool or None.
    """
    palette = np.stack([_hex_rgb(c) for c in (MOVE_COLOR, SECOND_COLOR, FREEZE_COLOR)])
    label = None
    for path in layer_paths:
        layer = np.asarray(Image.open(path).convert("RGBA"))
        if label is None:
            label = np.full(layer.shape[:2], -1, dtype=np.int8)
        if layer.shape[:2] != label.shape:
            continue  # a layer of another size cannot be aligned; ignore it
        painted = layer[:, :, 3] > 0
        distances = np.linalg.norm(
            layer[:, :, None, :3].astype(np.float32) - palette[None, None], axis=-1
        )
        label[painted] = np.argmin(distances, axis=-1)[painted]
    if label is None:
        return {"mask": None, "second_mask": None, "freeze": None}
    found = {name: label == index for index, name in enumerate(("mask", "second_mask", "freeze"))}
    return {name: (mask if mask.any() else None) for name, mask in found.items()}


def merge_masks(painted, uploaded, size_hw, name):
    """OR a brush mask and an uploaded mask after bringing both to size_hw.

    Returns ((H, W) bool or None, notes about resizing)."""
    merged, notes = None, []
    for mask in (painted, uploaded):
        mask, resize_notes = prepare_mask(mask, size_hw, name)
        notes += resize_notes
        if mask is not None:
            merged = mask if merged is None else merged | mask
    return merged, notes


def animate_waterfall(
    editor,
    method,
    mask_file,
    second_mask_file,
    freeze_file,
    direction,
    speed,
    second_direction,
    num_frames,
    fps,
    playback,
    progress=gr.Progress(),
):
    def work():
        background = (editor or {}).get("background") if isinstance(editor, dict) else editor
        if not background:
            raise gr.Error("Upload a photo first.")
        image, notes = load_image(background)
        scale = source_scale(background, image)
        painted = masks_from_layers((editor or {}).get("layers") or [])
        size_hw = image.shape[:2]
        masks = {}
        for name, path, label in (
            ("mask", mask_file, "motion mask"),
            ("second_mask", second_mask_file, "second-direction mask"),
            ("freeze", freeze_file, "freeze mask"),
        ):
            uploaded = load_mask(path, label) if path else None
            masks[name], mask_notes = merge_masks(painted[name], uploaded, size_hw, label)
            notes += mask_notes
        if method == "brush" and masks["mask"] is None and masks["second_mask"] is None:
            raise gr.Error(
                "Paint the region that should move (blue brush), or upload a motion mask."
            )
        warn_all(notes)
        try:  # speed is given at the photo's own resolution
            speed_here = float(speed) * scale
        except (TypeError, ValueError):
            speed_here = speed  # the animator says what is wrong with it
        clip = animators.load("waterfall", method)(
            image,
            direction=direction,
            speed=speed_here,
            second_direction=second_direction,
            num_frames=num_frames,
            fps=fps,
            progress=progress,
            **masks,
        )
        warn_all(clip.warnings)
        progress(1.0, desc="Encoding video")
        video, downloads = export_clip(clip, "waterfall", playback)
        return video, clip.info["motion_preview"], downloads, describe(clip, notes)

    return run_safely("waterfall", work)


def _example_photos() -> list[Path]:
    """Photos from the folder named by ANIMATE_EXAMPLES_DIR (for hosts with real photos)."""
    folder = os.environ.get("ANIMATE_EXAMPLES_DIR")
    if not folder or not Path(folder).is_dir():
        return []
    photos = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    return photos[:12]


def build_waterfall_tab() -> None:
    gr.Markdown(
        "Upload a photo: method **flow** finds what flows (water, smoke) and which way by "
        "itself; **red** strokes keep things still. To choose yourself, **paint blue** where "
        "it flows and **orange** for a second direction (direction: 0 = right, 90 = up, "
        "180 = left, 270 = down); painted strokes replace the model's field. The loop is "
        "seamless and keeps the photo's detail."
    )
    with gr.Row():
        with gr.Column():
            editor = BrushCanvas(
                label="Photo and brush",
                type="filepath",
                format="png",
                sources=("upload", "clipboard"),
                brush=gr.Brush(
                    colors=[MOVE_COLOR, SECOND_COLOR, FREEZE_COLOR],
                    default_color=MOVE_COLOR,
                    color_mode="fixed",
                    default_size=24,
                ),
                transforms=(),
                layers=False,
                elem_id="waterfall-editor",
            )
            method = gr.Dropdown(
                animators.methods("waterfall"),
                value=animators.methods("waterfall")[0],
                label="Method",
                elem_id="waterfall-method",
            )
            with gr.Row():
                direction = Setting(
                    0, 359, value=270, step=1, label="Direction of painted strokes (degrees)"
                )
                speed = Setting(0.1, 20, value=2.0, step=0.1, label="Speed (pixels / frame)")
            with gr.Row():
                num_frames = Setting(8, 120, value=24, step=1, label="Frames")
                fps = Setting(1, 60, value=12, step=1, label="Frames per second")
            with gr.Accordion("More: second direction, masks from files", open=False):
                second_direction = Setting(
                    0, 359, value=0, step=1, label="Second direction (orange brush)"
                )
                playback = gr.Radio(["loop", "pingpong"], value="loop", label="Play-back")
                with gr.Row():
                    mask_file = PhotoUpload(
                        label="Motion mask (white = moves)",
                        type="filepath",
                        elem_id="waterfall-mask",
                    )
                    second_file = PhotoUpload(label="Second-direction mask", type="filepath")
                    freeze_file = PhotoUpload(label="Freeze mask (white = still)", type="filepath")
            run = gr.Button("Animate", variant="primary", elem_id="waterfall-run")
        with gr.Column():
            video = gr.Video(
                label="Loop", autoplay=True, loop=True, elem_id="waterfall-video", interactive=False
            )
            field = gr.Image(
                label="Motion field (colour = direction, arrows = speed)",
                format="png",
                elem_id="waterfall-field",
                interactive=False,
            )
            downloads = gr.File(label="Downloads: GIF, PNG frames", file_count="multiple")
            numbers = gr.Markdown(elem_id="waterfall-info")
    inputs = [editor, method, mask_file, second_file, freeze_file, direction, speed]
    inputs += [second_direction]
    inputs += [num_frames, fps, playback]
    run.click(
        animate_waterfall,
        inputs=inputs,
        outputs=[video, field, downloads, numbers],
        api_name="waterfall",
    )

    def editor_value(photo: Path, brush: Path | None) -> dict:
        return {
            "background": str(photo),
            "layers": [str(brush)] if brush else [],
            "composite": None,
        }

    examples = [
        [editor_value(EXAMPLES / "waterfall.png", None), "flow", 270, 3.0, 0],
        [
            editor_value(EXAMPLES / "waterfall.png", EXAMPLES / "waterfall_brush.png"),
            "brush",
            270,
            3.0,
            0,
        ],
        [editor_value(EXAMPLES / "clouds.png", EXAMPLES / "clouds_brush.png"), "brush", 0, 1.5, 0],
    ]
    examples += [[editor_value(photo, None), "flow", 270, 2.0, 0] for photo in _example_photos()]
    gr.Examples(
        examples, inputs=[editor, method, direction, speed, second_direction], label="Examples"
    )


# ---------------------------------------------------------------- inbetweening tab
MAX_SAMPLES = 3  # stochastic inbetweeners: clips side by side, one seed each


def side_by_side(clips: list[Clip]) -> Clip:
    """Clips of equal length and size, left to right with a 4-pixel black gap."""
    if len(clips) == 1:
        return clips[0]
    height = clips[0].frames.shape[1]
    gap = np.zeros((len(clips[0].frames), height, 4, 3), dtype=np.uint8)
    parts = [part for clip in clips for part in (clip.frames, gap)][:-1]
    return Clip(np.concatenate(parts, axis=2), clips[0].fps, dict(clips[0].info))


def animate_inbetween(
    start, end, method, num_frames, fps, playback, seed=0, samples=1, progress=gr.Progress()
):
    def work():
        if not start or not end:
            raise gr.Error("Upload both a start frame and an end frame.")
        first, notes = load_image(start)
        last, end_notes = load_image(end)
        notes += [f"End frame: {note}" for note in end_notes]
        warn_all(notes)
        loop = playback == "loop"
        count = check_count(samples, "number of samples", 1, MAX_SAMPLES)
        animator = animators.load("inbetween", method)
        if count > 1 and not animator.stochastic:
            notes.append(f"{method} gives the same frames for every seed: one sample shown.")
            count = 1
        first_seed = check_count(seed, "seed", 0, 2**31 - MAX_SAMPLES)
        clips = [
            animator(
                first,
                last,
                num_frames=num_frames,
                fps=fps,
                loop=loop,
                seed=first_seed + index,
                progress=progress,
            )
            for index in range(count)
        ]
        clip = side_by_side(clips)
        if count > 1:
            notes.append(
                f"{count} samples side by side, seeds {first_seed} to {first_seed + count - 1}."
            )
        warn_all(clip.warnings)
        baseline = animators.load("inbetween", "blend")(
            first, last, num_frames=num_frames, fps=fps, loop=loop
        )
        progress(1.0, desc="Encoding video")
        mode = "pingpong" if playback == "pingpong" else "loop"
        video, downloads = export_clip(clip, f"inbetween_{clip.info['method']}", mode)
        baseline_video, _ = export_clip(baseline, "inbetween_blend", mode)
        return video, baseline_video, downloads, describe(clip, notes)

    return run_safely("inbetween", work)


def build_inbetween_tab() -> None:
    gr.Markdown(
        "Give a start and an end frame and the exact number of frames to put between them. "
        "`learned` (default) is a trained interpolator that refines optical flow and decides "
        "per pixel which frame to trust; `flow` is classical optical flow with occlusion "
        "handling; `blend` is the plain cross-fade baseline, shown beside the result. "
        "`cvae` and `cgan` are the original project's 3D-convolutional clip generators (64x64, "
        "upscaled as a preview); they sample, so the seed and the number of samples matter. "
        "`mipal` is the original project's encoder-decoder + refinement model (256x256). The "
        "original projects' models were trained only briefly and lose to the blend baseline at "
        "full size."
    )
    with gr.Row():
        start = PhotoUpload(label="Start frame", type="filepath", elem_id="inbetween-start")
        end = PhotoUpload(label="End frame", type="filepath", elem_id="inbetween-end")
    with gr.Row():
        method = gr.Dropdown(
            animators.methods("inbetween"),
            value=animators.methods("inbetween")[0],
            label="Method",
            elem_id="inbetween-method",
        )
        num_frames = Setting(1, 60, value=7, step=1, label="Frames between")
        fps = Setting(1, 60, value=12, step=1, label="Frames per second")
        playback = gr.Radio(
            ["forward", "loop", "pingpong"],
            value="forward",
            label="Play-back",
            info="loop: also go from the end back to the start (cvae, cgan: a second sample)",
        )
    with gr.Accordion("Sampling (cvae, cgan)", open=False):
        with gr.Row():
            seed = Setting(0, 9999, value=0, step=1, label="Seed")
            samples = Setting(
                1, MAX_SAMPLES, value=1, step=1, label="Samples (side by side, one seed each)"
            )
    run = gr.Button("Interpolate", variant="primary", elem_id="inbetween-run")
    with gr.Row():
        video = gr.Video(
            label="Result", autoplay=True, loop=True, elem_id="inbetween-video", interactive=False
        )
        baseline = gr.Video(
            label="Baseline: linear blend",
            autoplay=True,
            loop=True,
            elem_id="inbetween-baseline",
            interactive=False,
        )
    downloads = gr.File(label="Downloads: GIF, PNG frames", file_count="multiple")
    numbers = gr.Markdown(elem_id="inbetween-info")
    run.click(
        animate_inbetween,
        inputs=[start, end, method, num_frames, fps, playback, seed, samples],
        outputs=[video, baseline, downloads, numbers],
        api_name="inbetween",
    )
    examples = [[str(EXAMPLES / "inbetween_start.png"), str(EXAMPLES / "inbetween_end.png")]]
    photos = _example_photos()
    examples += [[str(a), str(b)] for a, b in zip(photos[0::2], photos[1::2], strict=False)]
    gr.Examples(examples, inputs=[start, end], label="Examples")


# ---------------------------------------------------------------- text tab
TEXT_DISPLAY_SCALE = 4  # the models' 64x64 frames are shown 4x larger (nearest neighbour)
SKETCH_COLORS = ["#ffffff", "#ff3030", "#30dc48", "#3060ff", "#fadc28", "#aa46e6"]


def blank_canvas(side: int = 256) -> dict:
    """The sketchpad's starting value: an empty black page, so white strokes show."""
    return {"background": np.zeros((side, side, 3), np.uint8), "layers": [], "composite": None}


def start_frame_from_editor(editor) -> tuple[np.ndarray | None, list[str]]:
    """The sketchpad / upload as an (H, W, 3) uint8 start frame, or None when it is empty.

    Painted layers are drawn over the uploaded photo, or over black when there is none (the
    models' worlds are black); a background of a single colour counts as none. Returns (frame
    or None, notes about the upload).
    """
    if not isinstance(editor, dict):
        return load_image(editor) if editor else (None, [])
    notes: list[str] = []
    frame = None
    if editor.get("background"):
        background, background_notes = load_image(editor["background"])
        # A canvas of one colour is the sketchpad's empty page (the browser sends one even when
        # nothing was uploaded), not a photo: strokes then go on black.
        if not (background == background[0, 0]).all():
            frame, notes = background, background_notes
    for path in editor.get("layers") or []:
        layer = Image.open(path).convert("RGBA")
        if not np.asarray(layer)[:, :, 3].any():
            continue
        if frame is None:
            frame = np.zeros((layer.height, layer.width, 3), dtype=np.uint8)
        base = Image.fromarray(frame).convert("RGBA")
        if layer.size != base.size:
            layer = layer.resize(base.size, Image.Resampling.BILINEAR)
        frame = np.asarray(Image.alpha_composite(base, layer).convert("RGB"))
    return frame, notes


def enlarge(clip: Clip, factor: int = TEXT_DISPLAY_SCALE) -> Clip:
    """The clip with every frame enlarged `factor` times (nearest neighbour) for display."""
    frames = clip.frames.repeat(factor, axis=1).repeat(factor, axis=2)
    return Clip(frames=frames, fps=clip.fps, info=clip.info)


def animate_text(
    caption,
    editor,
    num_frames,
    history,
    fps,
    seed,
    second_caption,
    switch_at,
    playback,
    progress=gr.Progress(),
):
    def work():
        start, notes = start_frame_from_editor(editor)
        warn_all(notes)
        clip = animators.load("text")(
            caption,
            start,
            num_frames=num_frames,
            history=history,
            fps=fps,
            seed=seed,
            second_caption=(second_caption or "").strip() or None,
            switch_at=switch_at,
            progress=progress,
        )
        warn_all(clip.warnings)
        progress(1.0, desc="Encoding video")
        video, downloads = export_clip(enlarge(clip), f"text_{clip.info['domain']}", playback)
        info = clip.info
        extra = [
            f"model: {info['domain']} next-frame network; first frame "
            + ("given" if info["first_frame"] == "given" else "drawn by the caption GAN"),
            f"shown {TEXT_DISPLAY_SCALE}x larger than the model's 64x64 frames",
        ]
        if info.get("switch_at") is not None:
            extra.append(f"from frame {info['switch_at']}: '{info['captions'][-1]}'")
        return video, downloads, describe(clip, notes + extra)

    return run_safely("text", work)


def build_text_tab() -> None:
    gr.Markdown(
        "Write what moves and how (`the digit 3 is moving up and down`, "
        "`a red square moving left quickly`, `person walking right`). Upload or draw a start "
        "frame (white on the black canvas), or leave it empty and a caption-conditioned GAN "
        "draws it. A second caption can take over mid-sequence."
    )
    with gr.Row():
        with gr.Column():
            caption = gr.Textbox(
                value="the digit 3 is moving up and down",
                label="Caption",
                elem_id="text-caption",
            )
            editor = BrushCanvas(
                value=blank_canvas(),
                label="Start frame (optional): upload or draw",
                type="filepath",
                format="png",
                sources=("upload", "clipboard"),
                canvas_size=(256, 256),
                brush=gr.Brush(colors=SKETCH_COLORS, default_color="#ffffff", default_size=18),
                transforms=(),
                layers=False,
                elem_id="text-start",
            )
            with gr.Row():
                num_frames = Setting(1, 64, value=16, step=1, label="Frames")
                history = Setting(1, 10, value=4, step=1, label="History (frames the model sees)")
            with gr.Row():
                fps = Setting(1, 30, value=8, step=1, label="Frames per second")
                seed = Setting(0, 9999, value=0, step=1, label="Seed (generated first frame)")
            with gr.Accordion("Second caption", open=False):
                second_caption = gr.Textbox(
                    label="Second caption (takes over from the frame below)",
                    placeholder="the digit 3 is moving left",
                )
                switch_at = Setting(1, 63, value=8, step=1, label="Second caption from frame")
                playback = gr.Radio(["loop", "pingpong"], value="loop", label="Play-back")
            run = gr.Button("Generate", variant="primary", elem_id="text-run")
        with gr.Column():
            video = gr.Video(
                label="Sequence", autoplay=True, loop=True, elem_id="text-video", interactive=False
            )
            downloads = gr.File(label="Downloads: GIF, PNG frames", file_count="multiple")
            numbers = gr.Markdown(elem_id="text-info")
    # "Clear canvas" leaves a white page; put the black one back so white strokes show.
    editor.clear(blank_canvas, outputs=editor, api_visibility="private", queue=False)
    run.click(
        animate_text,
        inputs=[caption, editor, num_frames, history, fps, seed, second_caption, switch_at]
        + [playback],
        outputs=[video, downloads, numbers],
        api_name="text",
    )
    gr.Examples(
        [
            ["the digit 3 is moving up and down"],
            ["the digits 4 and 7 are moving right quickly"],
            ["a red star moving left"],
            ["the blue circle is moving up and down quickly"],
            ["person walking right"],
        ],
        inputs=[caption],
        label="Examples",
    )


# ---------------------------------------------------------------- birds tab
def animate_birds(
    photo,
    num_frames,
    coarse_layers,
    smoothness,
    truncation,
    projection_steps,
    seed,
    whole_image,
    fly_across,
    fps,
    identity_steps=DEFAULT_IDENTITY_STEPS,
    progress=gr.Progress(),
):
    def work():
        if not photo:
            raise gr.Error("Upload a photo with a bird.")
        image, notes = load_image(photo)
        warn_all(notes)
        clip = animators.load("birds")(
            image,
            num_frames=num_frames,
            coarse_layers=coarse_layers,
            smoothness=smoothness,
            truncation=truncation,
            projection_steps=projection_steps,
            identity_steps=identity_steps,
            whole_image=bool(whole_image),
            fly_across=bool(fly_across),
            fps=fps,
            seed=seed,
            progress=progress,
        )
        warn_all(clip.warnings)
        progress(1.0, desc="Encoding video")
        video, downloads = export_clip(clip, "bird_flight")
        info = clip.info
        crop_clip = Clip(info["animated_crop"], clip.fps)
        crop_video, _ = export_clip(crop_clip, "bird_crop")
        size = info["resolution"]
        pair = np.concatenate([info["crop"], info["reconstruction"]], axis=1)
        pair = np.asarray(Image.fromarray(pair).resize((4 * size, 2 * size), Image.NEAREST))
        return video, crop_video, pair, downloads, describe(clip, notes)

    return run_safely("birds", work)


def build_birds_tab() -> None:
    gr.Markdown(
        "Upload a photo with a bird. YOLOv8 finds it, its crop is projected into a bird "
        "StyleGAN trained on real bird photos, its appearance is mixed with flying poses "
        "(wings up, level, down) and the flight is pasted back into the photo as a loop. "
        "The generator works at 64x64 pixels, so the bird is soft next to the photo."
    )
    with gr.Row():
        with gr.Column():
            photo = PhotoUpload(label="Photo with a bird", type="filepath", elem_id="birds-photo")
            with gr.Row():
                num_frames = Setting(8, 300, value=48, step=1, label="Frames")
                fps = Setting(1, 60, value=24, step=1, label="Frames per second")
            with gr.Row():
                whole_image = gr.Checkbox(
                    label="Use the whole image (no detection)", elem_id="birds-whole"
                )
                fly_across = gr.Checkbox(label="Fly a loop across the photo")
            with gr.Accordion("Generator settings", open=False):
                coarse_layers = Setting(
                    0,
                    10,
                    value=DEFAULT_COARSE_LAYERS,
                    step=1,
                    label="Pose layers (style inputs from the flying poses)",
                )
                smoothness = Setting(0, 1, value=0.5, step=0.05, label="Interpolation smoothness")
                truncation = Setting(0, 1, value=1.0, step=0.05, label="Truncation (1 = off)")
                projection_steps = Setting(
                    0,
                    500,
                    value=DEFAULT_PROJECTION_STEPS,
                    step=10,
                    label="Projection refinement steps",
                )
                identity_steps = Setting(
                    0,
                    200,
                    value=DEFAULT_IDENTITY_STEPS,
                    step=5,
                    label="Identity steps (keep the bird's look in each pose; 0 = off)",
                )
                seed = Setting(0, 9999, value=0, step=1, label="Seed (noise inputs)")
            run = gr.Button("Make it fly", variant="primary", elem_id="birds-run")
        with gr.Column():
            video = gr.Video(
                label="Flight", autoplay=True, loop=True, elem_id="birds-video", interactive=False
            )
            with gr.Row():
                crop_video = gr.Video(
                    label="Animated crop (generator output)",
                    autoplay=True,
                    loop=True,
                    interactive=False,
                )
                pair = gr.Image(
                    label="Crop | its projection",
                    format="png",
                    interactive=False,
                    elem_id="birds-projection",
                )
            downloads = gr.File(label="Downloads: GIF, PNG frames", file_count="multiple")
            numbers = gr.Markdown(elem_id="birds-info")
    run.click(
        animate_birds,
        inputs=[photo, num_frames, coarse_layers, smoothness, truncation, projection_steps]
        + [seed, whole_image, fly_across, fps, identity_steps],
        outputs=[video, crop_video, pair, downloads, numbers],
        api_name="birds",
    )
    examples = [[str(path)] for path in sorted(EXAMPLES.glob("bird_*.png"))]
    examples += [[str(path)] for path in _example_photos()]
    if examples:
        gr.Examples(examples, inputs=[photo], label="Examples")


# ---------------------------------------------------------------- the app
def build_demo() -> gr.Blocks:
    with gr.Blocks(title="Animate a photo", delete_cache=(600, KEEP_OUTPUTS_S)) as demo:
        gr.Markdown(
            "# Animate a photo\nA still photo in, a short looping video out. "
            "Numbers beside each result are measured on this server."
        )
        with gr.Tabs():
            with gr.Tab("Waterfall / fluid motion", id="waterfall"):
                build_waterfall_tab()
            with gr.Tab("Text to sequence", id="text"):
                build_text_tab()
            with gr.Tab("Inbetweening", id="inbetween"):
                build_inbetween_tab()
            with gr.Tab("Bird flight", id="birds"):
                build_birds_tab()
    return demo


def create_app() -> gr.Blocks:
    """The demo with a bounded queue: a few waiting requests, one running at a time."""
    demo = build_demo()
    demo.queue(
        max_size=int(os.environ.get("ANIMATE_QUEUE_SIZE", "16")),
        default_concurrency_limit=int(os.environ.get("ANIMATE_CONCURRENCY", "1")),
    )
    return demo


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    create_app().launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        max_file_size="50mb",
    )
