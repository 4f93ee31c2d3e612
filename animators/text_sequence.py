"""Text-conditioned sequences: a caption (and a start frame) -> frames rolled out by the
caption-conditioned next-frame network, one frame at a time, each prediction fed back.

A second caption may take over from a chosen frame ("digit 3 moving left", then from frame 8
"digit 3 moving up"). Frames are the network's size (64x64); the app may enlarge them for
display.
"""

from __future__ import annotations

import time as _time

import numpy as np
import torch
from PIL import Image

from . import checkpoints
from .base import Clip, InputError, ProgressFn, report
from .captions import tokenize
from .limits import check_count, check_fps
from .nets.next_frame import NextFrameConfig, NextFrameNet, stack_history

MAX_FRAMES = 64
DOMAINS = ("mnist", "icons")


def _device(device: str | None) -> torch.device:
    return torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))


class TextSequenceAnimator:
    """Callable animator: caption + start frame -> Clip of `num_frames` frames (start included).

    Clip.info holds "captions" (the caption used for each frame) and "seconds".
    """

    def __init__(self, net: NextFrameNet, domain: str, device: str | None = None) -> None:
        self.device = _device(device)
        self.net = net.to(self.device).eval()
        self.config: NextFrameConfig = net.config
        self.domain = domain

    @classmethod
    def from_pretrained(
        cls, domain: str = "mnist", source: str | None = None, device: str | None = None
    ) -> TextSequenceAnimator:
        """Load checkpoints/text/<domain>/ (or `source`, or the Hub: animators.checkpoints)."""
        if domain not in DOMAINS:
            raise InputError(f"Unknown domain {domain!r}; use one of {', '.join(DOMAINS)}.")
        folder = checkpoints.resolve("text", domain, path=source)
        net = checkpoints.load_module(NextFrameNet, NextFrameConfig, folder)
        return cls(net, domain, device)

    def _start_tensor(self, start: np.ndarray) -> torch.Tensor:
        """(H, W, 3) uint8 RGB -> (1, 1, C, S, S) float in [0, 1] at the network's size."""
        array = np.asarray(start)
        if array.ndim != 3 or array.shape[2] != 3 or array.dtype != np.uint8:
            raise InputError("The start frame must be an (H, W, 3) uint8 RGB image.")
        size = self.config.size
        image = Image.fromarray(array).convert("L" if self.config.channels == 1 else "RGB")
        image = image.resize((size, size), Image.Resampling.BILINEAR)
        pixels = np.asarray(image, dtype=np.float32) / 255.0
        pixels = pixels[None] if pixels.ndim == 2 else pixels.transpose(2, 0, 1)
        return torch.from_numpy(pixels)[None, None].to(self.device)

    @torch.inference_mode()
    def __call__(
        self,
        caption: str,
        start: np.ndarray | None = None,
        *,
        num_frames: int = 16,
        history: int = 4,
        second_caption: str | None = None,
        switch_at: int | None = None,
        fps: float = 8.0,
        seed: int = 0,
        progress: ProgressFn | None = None,
    ) -> Clip:
        """caption: words from animators.captions.VOCABULARY. start: (H, W, 3) uint8 RGB.
        history: how many past frames (1..max_history) the network sees. second_caption takes
        over from frame `switch_at` (1 <= switch_at < num_frames). Returns (T, S, S, 3) uint8."""
        num_frames = check_count(num_frames, "number of frames", 1, MAX_FRAMES)
        history = check_count(history, "history length", 1, self.config.max_history)
        fps = check_fps(fps)
        first_tokens = tokenize(caption)
        second_tokens = tokenize(second_caption) if second_caption else None
        if second_tokens is not None:
            switch_at = check_count(
                switch_at if switch_at is not None else num_frames // 2,
                "frame where the second caption starts",
                1,
                max(1, num_frames - 1),
            )
        if start is None:
            raise InputError("Give a start frame (the caption-to-first-frame model is not ready).")
        began = _time.perf_counter()
        frames = self._start_tensor(start)
        used = [caption]
        tokens_now = torch.tensor([first_tokens], device=self.device)
        for index in range(1, num_frames):
            report(progress, index / num_frames, "Predicting frames")
            if second_tokens is not None and index == switch_at:
                tokens_now = torch.tensor([second_tokens], device=self.device)
            used.append(
                second_caption if second_tokens is not None and index >= switch_at else caption
            )
            recent = frames[:, -history:]
            following = self.net(stack_history(recent, self.config.max_history), tokens_now)
            frames = torch.cat([frames, following[:, None]], dim=1)
        pixels = (frames[0].clamp(0, 1) * 255).round().to(torch.uint8).cpu().numpy()
        pixels = pixels.transpose(0, 2, 3, 1)  # (T, S, S, C)
        if pixels.shape[-1] == 1:
            pixels = np.repeat(pixels, 3, axis=-1)
        info = {
            "method": "next_frame",
            "domain": self.domain,
            "captions": used,
            "seconds": round(_time.perf_counter() - began, 3),
            "warnings": [],
        }
        return Clip(frames=np.ascontiguousarray(pixels), fps=fps, info=info)


def domain_of(caption: str) -> str:
    """Which domain model a caption is for: "mnist" (digits) or "icons" (shapes)."""
    from .captions import DIGIT_WORDS, SHAPES, words

    found = set(words(caption))
    if found & set(SHAPES):
        return "icons"
    if found & set(DIGIT_WORDS) or found & {"digit", "digits"}:
        return "mnist"
    raise InputError(
        "Say what moves: a digit ('the digit 3 is moving left') or a shape "
        "('a red square moving up')."
    )


class TextAnimator:
    """Routes each caption to its domain's model, loaded on first use.

    Same call as TextSequenceAnimator; a second caption must be about the same domain.
    """

    def __init__(self, device: str | None = None) -> None:
        self.device = device
        self.models: dict[str, TextSequenceAnimator] = {}

    def __call__(self, caption: str, start: np.ndarray | None = None, **options) -> Clip:
        domain = domain_of(caption)
        second = options.get("second_caption")
        if second and domain_of(second) != domain:
            raise InputError(
                "The second caption must be about the same kind of thing as the first."
            )
        if domain not in self.models:
            self.models[domain] = TextSequenceAnimator.from_pretrained(domain, device=self.device)
        return self.models[domain](caption, start, **options)
