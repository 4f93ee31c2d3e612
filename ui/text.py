"""The text-to-sequence tab: a caption and an optional drawn or uploaded start frame -> frames
(api /text)."""

from __future__ import annotations

import gradio as gr
import numpy as np
from PIL import Image

import animators
from animators.core.base import Clip
from animators.core.inputs import load_image
from animators.core.limits import SEED
from animators.text.defaults import FPS, FRAMES, HISTORY, SWITCH_AT
from ui.common import describe, export_clip, run_safely, warn_all
from ui.components import BrushCanvas, setting

DISPLAY_SCALE = 4  # the models' 64x64 frames are shown 4x larger (nearest neighbour)
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


def enlarge(clip: Clip, factor: int = DISPLAY_SCALE) -> Clip:
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
        clip = animators.cached("text")(
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
            f"shown {DISPLAY_SCALE}x larger than the model's 64x64 frames",
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
                num_frames = setting(FRAMES, "Frames")
                history = setting(HISTORY, "History (frames the model sees)")
            with gr.Row():
                fps = setting(FPS, "Frames per second")
                seed = setting(SEED, "Seed (generated first frame)")
            with gr.Accordion("Second caption", open=False):
                second_caption = gr.Textbox(
                    label="Second caption (takes over from the frame below)",
                    placeholder="the digit 3 is moving left",
                )
                switch_at = setting(SWITCH_AT, "Second caption from frame")
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
