"""The bird-flight tab: a photo with a bird -> the bird flapping its wings, looping
(api /birds)."""

from __future__ import annotations

import gradio as gr
import numpy as np
from PIL import Image

import animators
from animators.birds.defaults import (
    FPS,
    FRAMES,
    IDENTITY_STEPS,
    POSE_LAYERS,
    PROJECTION_STEPS,
    SMOOTHNESS,
    TRUNCATION,
)
from animators.core.base import Clip
from animators.core.inputs import load_image
from animators.core.limits import SEED
from ui.common import EXAMPLES, describe, example_photos, export_clip, run_safely, warn_all
from ui.components import PhotoUpload, setting


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
    identity_steps=IDENTITY_STEPS.default,
    progress=gr.Progress(),
):
    def work():
        if not photo:
            raise gr.Error("Upload a photo with a bird.")
        image, notes = load_image(photo)
        warn_all(notes)
        clip = animators.cached("birds")(
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
                num_frames = setting(FRAMES, "Frames")
                fps = setting(FPS, "Frames per second")
            with gr.Row():
                whole_image = gr.Checkbox(
                    label="Use the whole image (no detection)", elem_id="birds-whole"
                )
                fly_across = gr.Checkbox(label="Fly a loop across the photo")
            with gr.Accordion("Generator settings", open=False):
                coarse_layers = setting(
                    POSE_LAYERS, "Pose layers (style inputs from the flying poses)"
                )
                smoothness = setting(SMOOTHNESS, "Interpolation smoothness")
                truncation = setting(TRUNCATION, "Truncation (1 = off)")
                projection_steps = setting(PROJECTION_STEPS, "Projection refinement steps")
                identity_steps = setting(
                    IDENTITY_STEPS, "Identity steps (keep the bird's look in each pose; 0 = off)"
                )
                seed = setting(SEED, "Seed (noise inputs)")
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
    examples += [[str(path)] for path in example_photos()]
    if examples:
        gr.Examples(examples, inputs=[photo], label="Examples")
