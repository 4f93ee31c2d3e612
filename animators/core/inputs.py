"""Turn whatever a person uploads into a clean RGB image, or say in one sentence why not.

`load_image` reads files (path or bytes); `prepare_image` / `prepare_mask` check arrays given
through the Python API. Both return the image as (H, W, 3) uint8 RGB plus a list of warnings
(plain sentences, e.g. "The image was scaled from 4000x3000 to 1024x768.").
"""

from __future__ import annotations

import io
import warnings as _warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from animators.core.base import InputError, fit_size
from animators.core.limits import Limits

try:  # phone photos (HEIC/HEIF) open when the optional pi-heif decoder is installed
    from pi_heif import register_heif_opener

    register_heif_opener()
    READABLE = "PNG, JPEG, WebP, HEIC, GIF, BMP or TIFF"
except ImportError:
    READABLE = "PNG, JPEG, WebP, GIF, BMP or TIFF"


def _open(source: str | Path | bytes) -> Image.Image:
    if isinstance(source, (bytes, bytearray)):
        stream: io.BytesIO | str = io.BytesIO(source)
        name = "the upload"
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"No image file at {path}.")
        stream = str(path)
        name = path.name
    try:
        with _warnings.catch_warnings():
            # Our own pixel limit (Limits.max_input_pixels) decides; Pillow still refuses
            # anything above twice its MAX_IMAGE_PIXELS with DecompressionBombError.
            _warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(stream)
    except (UnidentifiedImageError, ImportError):
        # ImportError: ultralytics patches Image.open to import pi-heif for unidentified files.
        raise InputError(f"{name} is not an image this app can read (use {READABLE}).") from None
    except Image.DecompressionBombError:
        raise InputError(
            f"{name} has too many pixels to open safely; please upload a smaller image."
        ) from None
    except OSError as error:
        raise InputError(f"{name} could not be read as an image ({error}).") from None


def _pil_to_rgb_array(image: Image.Image) -> np.ndarray:
    """Any Pillow mode -> (H, W, 3) uint8 RGB; transparency is composited over white."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if values.max(initial=0) > 255 else 255.0
        gray = np.clip(np.rint(values / top * 255.0), 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if mode == "P":
        image = image.convert("RGBA")
    elif mode == "PA":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "La", "RGBa"):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image)
    return np.asarray(image.convert("RGB"), dtype=np.uint8).copy()


def load_image(
    source: str | Path | bytes, limits: Limits | None = None
) -> tuple[np.ndarray, list[str]]:
    """Read an image file and normalise it.

    Applies the EXIF orientation, converts every colour mode (RGBA, LA, grayscale, 16-bit,
    palette, CMYK) to RGB, keeps the first frame of an animation, and scales images whose
    longest side exceeds `limits.max_side`. Returns ((H, W, 3) uint8 RGB, warnings).
    Raises InputError for non-images, damaged files, and images under `limits.min_side`.
    """
    limits = limits or Limits.from_env()
    notes: list[str] = []
    image = _open(source)
    width, height = image.size
    if width * height > limits.max_input_pixels:
        raise InputError(
            f"The image is {width}x{height} pixels, more than this app opens; "
            "please upload a smaller image."
        )
    frame_count = getattr(image, "n_frames", 1)
    if frame_count > 1:
        image.seek(0)
        notes.append(f"The file is animated ({frame_count} frames); its first frame is used.")
    if image.format == "JPEG" and max(width, height) > 2 * limits.max_side:
        image.draft("RGB", (limits.max_side, limits.max_side))  # decode at reduced scale
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
        rgb = _pil_to_rgb_array(image)
    except (OSError, ValueError, SyntaxError) as error:
        raise InputError(
            f"The image file is damaged or incomplete and could not be decoded ({error})."
        ) from None
    rgb, resize_notes = prepare_image(rgb, limits, original_size=(width, height))
    return rgb, notes + resize_notes


def prepare_image(
    image: np.ndarray,
    limits: Limits | None = None,
    original_size: tuple[int, int] | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Check and normalise an image array given through the Python API.

    Accepts (H, W), (H, W, 1), (H, W, 3) or (H, W, 4) arrays of uint8, uint16, bool or floats
    in [0, 1]. Returns ((H', W', 3) uint8 RGB, warnings), scaled so max(H', W') <= max_side.
    """
    limits = limits or Limits.from_env()
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 2:
        array = np.repeat(array[:, :, None], 3, axis=2)
    if array.ndim != 3 or array.shape[2] not in (3, 4):
        raise InputError(
            f"An image must be an (H, W, 3) RGB array; got an array of shape {array.shape}."
        )
    if array.dtype == np.bool_:
        array = array.astype(np.uint8) * 255
    elif array.dtype == np.uint16:
        array = np.rint(array / 257.0).astype(np.uint8)
    elif np.issubdtype(array.dtype, np.floating):
        if not np.isfinite(array).all():
            raise InputError("The image contains NaN or infinite values.")
        array = np.clip(np.rint(array * 255.0), 0, 255).astype(np.uint8)
    elif array.dtype != np.uint8:
        array = np.clip(array, 0, 255).astype(np.uint8)
    if array.shape[2] == 4:
        alpha = array[:, :, 3:4].astype(np.float32) / 255.0
        array = np.rint(array[:, :, :3] * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)
    height, width = array.shape[:2]
    if min(height, width) < limits.min_side:
        raise InputError(
            f"The image is only {width}x{height} pixels; please use one at least "
            f"{limits.min_side} pixels on each side."
        )
    notes: list[str] = []
    new_width, new_height = fit_size(width, height, limits.max_side)
    if (new_width, new_height) != (width, height):
        array = np.asarray(
            Image.fromarray(array).resize((new_width, new_height), Image.Resampling.LANCZOS)
        )
        shown_w, shown_h = original_size or (width, height)
        notes.append(
            f"The image was scaled from {shown_w}x{shown_h} to {new_width}x{new_height} "
            f"(the longest side is limited to {limits.max_side} pixels)."
        )
    return np.ascontiguousarray(array), notes


def prepare_mask(
    mask: np.ndarray | None, size_hw: tuple[int, int], name: str = "mask"
) -> tuple[np.ndarray | None, list[str]]:
    """A mask array -> (H, W) bool at `size_hw`, resized (nearest) if needed, plus warnings.

    Accepts (H, W) bool/int/float arrays, or (H, W, C) images (any channel > 0 counts, or the
    alpha channel when there are 4). `None` stays `None`.
    """
    if mask is None:
        return None, []
    array = np.asarray(mask)
    if array.ndim == 3:
        array = array[:, :, 3] if array.shape[2] == 4 else array.max(axis=2)
    if array.ndim != 2:
        raise InputError(f"The {name} must be a 2-D array or an image; got shape {array.shape}.")
    if np.issubdtype(array.dtype, np.floating):
        array = np.nan_to_num(array) > 0.5
    else:
        array = array > 0
    notes: list[str] = []
    if array.shape != tuple(size_hw):
        resized = Image.fromarray(array.astype(np.uint8) * 255).resize(
            (size_hw[1], size_hw[0]), Image.Resampling.NEAREST
        )
        notes.append(
            f"The {name} was {array.shape[1]}x{array.shape[0]} and was resized to the photo's "
            f"{size_hw[1]}x{size_hw[0]}."
        )
        array = np.asarray(resized) > 127
    return array, notes


def load_mask(source: str | Path | bytes, name: str = "mask") -> np.ndarray:
    """Read a mask image file as (H, W) uint8 (alpha channel if present, else max over channels).

    Unlike photos, masks are neither scaled nor composited; `prepare_mask` resizes them later.
    """
    image = _open(source)
    try:
        image.seek(0)
        image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError):
        raise InputError(f"The {name} file is damaged and could not be decoded.") from None
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        alpha = np.asarray(image.convert("RGBA"))[:, :, 3]
        if alpha.min() < 255:
            return alpha.copy()
    return np.asarray(image.convert("L")).copy()


def source_scale(source: str | Path | bytes, loaded: np.ndarray) -> float:
    """How much `load_image` scaled the file: loaded longest side / the file's longest side.

    Lets callers convert "pixels at the source resolution" (e.g. a speed) to the loaded image.
    """
    with _open(source) as image:
        longest = max(image.size)
    return max(loaded.shape[:2]) / max(longest, 1)
