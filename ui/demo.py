"""The Blocks: one tab per task, and the queue a server runs them behind."""

from __future__ import annotations

import os

import gradio as gr

from ui.birds import build_birds_tab
from ui.common import KEEP_OUTPUTS_S
from ui.inbetween import build_inbetween_tab
from ui.text import build_text_tab
from ui.waterfall import build_waterfall_tab


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
