"""The waterfall tab: a photo, brush strokes or mask files -> a seamless loop (api /waterfall)."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import numpy as np
from PIL import Image

import animators
from animators.core.inputs import load_image, load_mask, prepare_mask, source_scale
from animators.waterfall.defaults import DIRECTION, FPS, FRAMES, SECOND_DIRECTION, SPEED
from ui.common import EXAMPLES, describe, example_photos, export_clip, run_safely, warn_all
from ui.components import BrushCanvas, PhotoUpload, setting

# Brush colours of the waterfall editor: what each paints.
MOVE_COLOR, SECOND_COLOR, FREEZE_COLOR = "#1f77ff", "#ff8c00", "#ff2020"


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
        clip = animators.cached("waterfall", method)(
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


def _editor_value(photo: Path, brush: Path | None) -> dict:
    return {"background": str(photo), "layers": [str(brush)] if brush else [], "composite": None}


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
                direction = setting(DIRECTION, "Direction of painted strokes (degrees)")
                speed = setting(SPEED, "Speed (pixels / frame)")
            with gr.Row():
                num_frames = setting(FRAMES, "Frames")
                fps = setting(FPS, "Frames per second")
            with gr.Accordion("More: second direction, masks from files", open=False):
                second_direction = setting(SECOND_DIRECTION, "Second direction (orange brush)")
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
    inputs += [second_direction, num_frames, fps, playback]
    run.click(
        animate_waterfall,
        inputs=inputs,
        outputs=[video, field, downloads, numbers],
        api_name="waterfall",
    )
    photo, clouds = EXAMPLES / "waterfall.png", EXAMPLES / "clouds.png"
    examples = [
        [_editor_value(photo, None), "flow", 270, 3.0, 0],
        [_editor_value(photo, EXAMPLES / "waterfall_brush.png"), "brush", 270, 3.0, 0],
        [_editor_value(clouds, EXAMPLES / "clouds_brush.png"), "brush", 0, 1.5, 0],
    ]
    defaults = [DIRECTION.default, SPEED.default, SECOND_DIRECTION.default]
    examples += [[_editor_value(path, None), "flow", *defaults] for path in example_photos()]
    gr.Examples(
        examples, inputs=[editor, method, direction, speed, second_direction], label="Examples"
    )
