"""Text-conditioned sequences: a caption (and a start frame) -> frames rolled out by the
caption-conditioned next-frame network, one frame at a time, each prediction fed back.

A second caption may take over from a chosen frame ("digit 3 moving left", then from frame 8
"digit 3 moving up"). Frames are the network's size (64x64); the app may enlarge them for
display.
"""

from __future__ import annotations

import threading
import time as _time

import numpy as np
import torch
from PIL import Image

from animators.core import checkpoints
from animators.core.base import Clip, InputError, ProgressFn, report
from animators.core.limits import MAX_SEED, check_count, check_fps
from animators.nets.text.first_frame import FirstFrameConfig, FirstFrameGenerator
from animators.nets.text.next_frame import NextFrameConfig, NextFrameNet, stack_history
from animators.text.captions import DIGIT_WORDS, PEOPLE, SHAPES, tokenize, words
from animators.text.defaults import FPS, FRAMES, HISTORY

DOMAINS = ("mnist", "icons", "walking")


class TextSequenceAnimator:
    """Callable animator: caption + start frame -> Clip of `num_frames` frames (start included).

    Clip.info holds "captions" (the caption used for each frame), "first_frame" ("given" or
    "generated") and "seconds". Without a start frame the caption-to-first-frame generator
    draws one (reproducible per seed).
    """

    def __init__(
        self,
        net: NextFrameNet,
        domain: str,
        device: str | None = None,
        first_frame: FirstFrameGenerator | None = None,
    ) -> None:
        self.device = checkpoints.pick_device(device)
        self.net = net.to(self.device).eval()
        self.config: NextFrameConfig = net.config
        self.domain = domain
        self._first_frame = first_frame.to(self.device).eval() if first_frame else None
        self._loading = threading.Lock()

    @property
    def first_frame(self) -> FirstFrameGenerator:
        """The caption-to-first-frame generator, loaded from text/<domain>_first_frame on
        first use (animators.core.checkpoints.resolve), once even when calls come at once."""
        with self._loading:
            if self._first_frame is None:
                folder = checkpoints.resolve("text", f"{self.domain}_first_frame")
                generator = checkpoints.load_module(FirstFrameGenerator, FirstFrameConfig, folder)
                self._first_frame = generator.to(self.device).eval()
        return self._first_frame

    @classmethod
    def from_pretrained(
        cls, domain: str = "mnist", source: str | None = None, device: str | None = None
    ) -> TextSequenceAnimator:
        """Load checkpoints/text/<domain>/ (or `source`, or the Hub: animators.core.checkpoints)."""
        if domain not in DOMAINS:
            raise InputError(f"Unknown domain {domain!r}; use one of {', '.join(DOMAINS)}.")
        folder = checkpoints.resolve("text", domain, path=source)
        net = checkpoints.load_module(NextFrameNet, NextFrameConfig, folder)
        return cls(net, domain, device)

    def _start_tensor(self, start: np.ndarray, warnings: list[str]) -> torch.Tensor:
        """(H, W, 3) uint8 RGB -> (1, 1, C, S, S) float in [0, 1] at the network's size.

        A non-square frame is padded with black to a square (aspect ratio kept) and a note is
        added to `warnings`."""
        array = np.asarray(start)
        if array.ndim != 3 or array.shape[2] != 3 or array.dtype != np.uint8:
            raise InputError("The start frame must be an (H, W, 3) uint8 RGB image.")
        height, width = array.shape[:2]
        if height != width:
            side = max(height, width)
            square = np.zeros((side, side, 3), dtype=np.uint8)
            top, left = (side - height) // 2, (side - width) // 2
            square[top : top + height, left : left + width] = array
            array = square
            warnings.append(
                f"The {width}x{height} start frame was padded with black to a square: "
                "the models work on square 64x64 frames."
            )
        size = self.config.size
        image = Image.fromarray(array).convert("L" if self.config.channels == 1 else "RGB")
        image = image.resize((size, size), Image.Resampling.BILINEAR)
        pixels = np.asarray(image, dtype=np.float32) / 255.0
        pixels = pixels[None] if pixels.ndim == 2 else pixels.transpose(2, 0, 1)
        return torch.from_numpy(pixels)[None, None].to(self.device)

    def _generated_start(self, caption: str, seed: int) -> torch.Tensor:
        """The first frame the caption GAN draws: (1, 1, C, S, S) in [0, 1].

        A sprite generator draws one digit per call, so a two-digit caption ("the digits 3
        and 7 are moving up") becomes two one-digit draws merged by the brighter pixel, as
        the Moving-MNIST frames are made."""
        generator = self.first_frame
        found = words(caption)
        digits = [word for word in found if word in DIGIT_WORDS]
        if generator.config.sprite and len(digits) > 1:
            motion = found[found.index("moving") + 1 :] if "moving" in found else []
            captions = [
                " ".join(["the", "digit", digit, "is", "moving", *motion]) for digit in digits
            ]
        else:
            captions = [caption]
        tokens = torch.tensor([tokenize(text) for text in captions], device=self.device)
        frames = generator.sample(tokens, seed=seed)  # (K, C, S, S)
        return frames.amax(dim=0, keepdim=True)[:, None]

    @torch.inference_mode()
    def __call__(
        self,
        caption: str,
        start: np.ndarray | None = None,
        *,
        num_frames: int = FRAMES.default,
        history: int = HISTORY.default,
        second_caption: str | None = None,
        switch_at: int | None = None,
        fps: float = FPS.default,
        seed: int = 0,
        progress: ProgressFn | None = None,
    ) -> Clip:
        """caption: words from animators.text.captions.VOCABULARY. start: (H, W, 3) uint8 RGB.
        history: how many past frames (1..max_history) the network sees. second_caption takes
        over from frame `switch_at` (1 <= switch_at < num_frames). Returns (T, S, S, 3) uint8."""
        num_frames = check_count(num_frames, "number of frames", FRAMES.minimum, FRAMES.maximum)
        history = check_count(history, "history length", HISTORY.minimum, self.config.max_history)
        fps = check_fps(fps)
        seed = check_count(seed, "seed", 0, MAX_SEED)
        first_tokens = tokenize(caption)
        second_tokens = tokenize(second_caption) if second_caption else None
        if second_tokens is not None:
            switch_at = check_count(
                switch_at if switch_at is not None else num_frames // 2,
                "frame where the second caption starts",
                1,
                max(1, num_frames - 1),
            )
        began = _time.perf_counter()
        warnings: list[str] = []
        if start is not None:
            frames = self._start_tensor(start, warnings)
        else:
            report(progress, 0.0, "Drawing the first frame from the caption")
            frames = self._generated_start(caption, seed)
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
            "first_frame": "given" if start is not None else "generated",
            "switch_at": switch_at if second_tokens is not None else None,
            "seconds": round(_time.perf_counter() - began, 3),
            "warnings": warnings,
        }
        return Clip(frames=np.ascontiguousarray(pixels), fps=fps, info=info)


def domain_of(caption: str) -> str:
    """Which domain model a caption is for: "mnist" (digits), "icons" (shapes) or "walking"."""
    found = set(words(caption))
    if found & set(SHAPES):
        return "icons"
    if found & set(DIGIT_WORDS) or found & {"digit", "digits"}:
        return "mnist"
    if found & set(PEOPLE):
        return "walking"
    raise InputError(
        "Say what moves: a digit ('the digit 3 is moving left'), a shape "
        "('a red square moving up') or a person ('person walking right')."
    )


class TextAnimator:
    """Routes each caption to its domain's model, loaded on first use (once, also when calls
    come at once).

    Same call as TextSequenceAnimator; a second caption must be about the same domain.
    """

    def __init__(self, device: str | None = None) -> None:
        self.device = device
        self.models: dict[str, TextSequenceAnimator] = {}
        self._loading = threading.Lock()

    def __call__(self, caption: str, start: np.ndarray | None = None, **options) -> Clip:
        domain = domain_of(caption)
        second = options.get("second_caption")
        if second and domain_of(second) != domain:
            raise InputError(
                "The second caption must be about the same kind of thing as the first."
            )
        with self._loading:
            if domain not in self.models:
                self.models[domain] = TextSequenceAnimator.from_pretrained(
                    domain, device=self.device
                )
        return self.models[domain](caption, start, **options)
