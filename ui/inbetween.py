"""The inbetweening tab: a start and an end frame -> the frames between them, beside the blend
baseline (api /inbetween)."""

from __future__ import annotations

import gradio as gr
import numpy as np

import animators
from animators.core.base import Clip
from animators.core.inputs import load_image
from animators.core.limits import MAX_SEED, SEED, check_count
from animators.inbetween.defaults import FPS, INBETWEENS, SAMPLES
from ui.common import EXAMPLES, describe, example_photos, export_clip, run_safely, warn_all
from ui.components import PhotoUpload, setting


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
        count = check_count(samples, "number of samples", SAMPLES.minimum, SAMPLES.maximum)
        animator = animators.cached("inbetween", method)
        if count > 1 and not animator.stochastic:
            notes.append(f"{method} gives the same frames for every seed: one sample shown.")
            count = 1
        # Sample k uses seed + k, so the first seed leaves room for the most samples.
        first_seed = check_count(seed, "seed", 0, MAX_SEED + 1 - SAMPLES.maximum)
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
        baseline = animators.cached("inbetween", "blend")(
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
        num_frames = setting(INBETWEENS, "Frames between")
        fps = setting(FPS, "Frames per second")
        playback = gr.Radio(
            ["forward", "loop", "pingpong"],
            value="forward",
            label="Play-back",
            info="loop: also go from the end back to the start (cvae, cgan: a second sample)",
        )
    with gr.Accordion("Sampling (cvae, cgan)", open=False):
        with gr.Row():
            seed = setting(SEED, "Seed")
            samples = setting(SAMPLES, "Samples (side by side, one seed each)")
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
    photos = example_photos()
    examples += [[str(a), str(b)] for a, b in zip(photos[0::2], photos[1::2], strict=False)]
    gr.Examples(examples, inputs=[start, end], label="Examples")
