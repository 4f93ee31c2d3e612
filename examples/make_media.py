"""Render the README's pictures from the project's own examples (run after make_examples).

    python -m examples.make_media

Writes docs/media/waterfall.gif, clouds.gif and inbetween.gif (blend | flow side by side),
scaled to 384 px wide to keep the repository small.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

import animators
from animators.base import Clip
from animators.export import write_gif

HERE = Path(__file__).resolve().parent
MEDIA = HERE.parent / "docs" / "media"


def _load(name: str, mode: str = "RGB") -> np.ndarray:
    return np.asarray(Image.open(HERE / name).convert(mode))


def _small(frames: np.ndarray, width: int = 384) -> np.ndarray:
    height = round(frames.shape[1] * width / frames.shape[2])
    return np.stack(
        [
            np.asarray(Image.fromarray(f).resize((width, height), Image.Resampling.LANCZOS))
            for f in frames
        ]
    )


def main() -> None:
    MEDIA.mkdir(parents=True, exist_ok=True)
    waterfall = animators.load("waterfall")
    clip = waterfall(
        _load("waterfall.png"),
        mask=_load("waterfall_mask.png", "L") > 127,
        direction=270,
        speed=4.0,
        second_mask=_load("waterfall_pool_mask.png", "L") > 127,
        second_direction=0,
        num_frames=24,
    )
    write_gif(_small(clip.frames), 12, MEDIA / "waterfall.gif")
    clip = waterfall(
        _load("clouds.png"),
        mask=_load("clouds_mask.png", "L") > 127,
        direction=0,
        speed=2.0,
        num_frames=32,
    )
    write_gif(_small(clip.frames), 12, MEDIA / "clouds.gif")
    start, end = _load("inbetween_start.png"), _load("inbetween_end.png")
    clips: dict[str, Clip] = {
        method: animators.load("inbetween", method)(start, end, num_frames=10, loop=True)
        for method in ("blend", "flow")
    }
    side_by_side = np.concatenate(
        [_small(clips["blend"].frames, 320), _small(clips["flow"].frames, 320)], axis=2
    )
    write_gif(side_by_side, 12, MEDIA / "inbetween.gif")
    print(f"wrote README media to {MEDIA}")


if __name__ == "__main__":
    main()
