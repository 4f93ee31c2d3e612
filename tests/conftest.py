"""Shared test set-up.

The environment defaults below must be set before anything imports gradio, ultralytics or
huggingface_hub (they read them at import time), so they come first, before any other import.
Add new fixtures in their own section below.
"""

import os
import tempfile

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("YOLO_OFFLINE", "1")
os.environ.setdefault("YOLO_CONFIG_DIR", tempfile.mkdtemp(prefix="yolo-config-"))
# The bird detector: the shared COCO YOLOv8n ONNX export when this machine has it (offline);
# elsewhere ultralytics' own yolov8n.pt, which needs internet (tests then use the whole image).
_SHARED_DETECTOR = os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "weights", "yolov8n-coco", "yolov8n-int8.onnx"
)
if os.path.isfile(_SHARED_DETECTOR):
    os.environ.setdefault("ANIMATE_BIRD_DETECTOR", os.path.abspath(_SHARED_DETECTOR))

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

# Make `import helpers` work from any test module, whatever pytest's rootdir/import mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import panned_windows, textured_image  # noqa: E402

# --- image fixtures ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def panned():
    """Two windows of one texture, offset by (SHIFT_X, SHIFT_Y), and the true midpoint."""
    return panned_windows()


@pytest.fixture
def texture():
    """A 96x128 smooth random colour texture, (H, W, 3) uint8."""
    return textured_image(seed=0, height=96, width=128)
