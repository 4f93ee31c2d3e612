"""Gradio app: one tab per task, each calling the `animators` layer (the tabs are in `ui/`).

    python app.py            # serves http://127.0.0.1:7860 (GRADIO_SERVER_NAME/PORT override)

Every event has an api_name (/waterfall, /text, /inbetween, /birds) for `gradio_client`.
Library errors (`animators.AnimatorError`) become a `gr.Error` with their one-sentence message;
anything unexpected is logged and reported in one sentence too, and the server keeps serving.
Each model is loaded once per server process (`animators.cached`).
"""

from __future__ import annotations

import logging
import os

# Read when gradio, huggingface_hub and ultralytics are imported, so set before importing `ui`.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("YOLO_OFFLINE", "1")

from ui.demo import build_demo, create_app  # noqa: E402

__all__ = ["build_demo", "create_app"]

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    create_app().launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        max_file_size="50mb",
    )
