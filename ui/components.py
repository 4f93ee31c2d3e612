"""Components that hand the animators what they need to give one-sentence messages: uploads as
file paths (not decoded by Gradio) and sliders whose API values are checked by the animators."""

from __future__ import annotations

import uuid

import gradio as gr

from animators.core.limits import Range
from ui.common import request_dir


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


def setting(span: Range, label: str, **options) -> Setting:
    """A Setting spanning `span` (minimum to maximum by step, starting at its default)."""
    return Setting(
        span.minimum, span.maximum, value=span.default, step=span.step, label=label, **options
    )
