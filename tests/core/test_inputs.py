"""animators.core.inputs: every upload becomes (H, W, 3) uint8 RGB, or an InputError in one
sentence."""

from __future__ import annotations

import io

import numpy as np
import pytest
from helpers import textured_image
from PIL import Image

from animators import InputError
from animators.core.inputs import load_image, load_mask, prepare_image, prepare_mask
from animators.core.limits import Limits


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def assert_rgb(array: np.ndarray, height: int, width: int) -> None:
    assert array.shape == (height, width, 3)
    assert array.dtype == np.uint8
    assert array.flags["C_CONTIGUOUS"]


def assert_one_sentence(message: str) -> None:
    assert "Traceback" not in message
    assert "\n" not in message
    assert message.rstrip().endswith(".")
    assert len(message) < 300


# --- orientation and colour modes ---------------------------------------------------------


def test_exif_orientation_6_is_applied():
    image = textured_image(seed=1, height=48, width=80)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    data = encode(Image.fromarray(image), "JPEG", quality=95, exif=exif.tobytes())

    loaded, notes = load_image(data)

    assert_rgb(loaded, 80, 48)
    assert notes == []
    stored = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))  # as decoded, unrotated
    assert stored.shape == (48, 80, 3)
    np.testing.assert_array_equal(loaded, np.rot90(stored, k=-1))  # 90 degrees clockwise


def test_rgba_transparent_pixels_become_white():
    rgba = np.zeros((40, 50, 4), dtype=np.uint8)
    rgba[..., 0] = 200  # red-ish everywhere
    rgba[:, :25, 3] = 255  # left half opaque, right half fully transparent
    rgba[:, 25:, 3] = 0

    loaded, _ = load_image(encode(Image.fromarray(rgba, "RGBA"), "PNG"))

    assert_rgb(loaded, 40, 50)
    assert (loaded[:, :25] == [200, 0, 0]).all()
    assert (loaded[:, 25:] == 255).all()


def test_la_mode_composites_over_white():
    la = np.zeros((40, 40, 2), dtype=np.uint8)
    la[..., 0] = 60
    la[:20, :, 1] = 255
    la[20:, :, 1] = 0
    pil = Image.fromarray(la, "LA")
    assert pil.mode == "LA"

    loaded, _ = load_image(encode(pil, "PNG"))

    assert_rgb(loaded, 40, 40)
    assert (loaded[:20] == 60).all()
    assert (loaded[20:] == 255).all()


def test_grayscale_l_mode_repeats_the_channel():
    gray = textured_image(seed=2, height=40, width=64)[..., 0]
    loaded, _ = load_image(encode(Image.fromarray(gray, "L"), "PNG"))
    assert_rgb(loaded, 40, 64)
    for channel in range(3):
        np.testing.assert_array_equal(loaded[..., channel], gray)


def test_16_bit_png_is_scaled_to_8_bit():
    values = np.linspace(0, 65535, 48 * 64).reshape(48, 64).astype(np.uint16)
    data = encode(Image.fromarray(values), "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I")

    loaded, _ = load_image(data)

    assert_rgb(loaded, 48, 64)
    assert loaded.min() == 0 and loaded.max() == 255
    expected = np.rint(values / 65535.0 * 255.0)
    assert np.abs(loaded[..., 1].astype(float) - expected).max() <= 1


def test_palette_image():
    rgb = textured_image(seed=3, height=40, width=56)
    pil = Image.fromarray(rgb).quantize(colors=16)
    assert pil.mode == "P"

    loaded, _ = load_image(encode(pil, "PNG"))

    assert_rgb(loaded, 40, 56)
    np.testing.assert_array_equal(loaded, np.asarray(pil.convert("RGB")))


def test_cmyk_jpeg():
    rgb = textured_image(seed=4, height=40, width=56)
    pil = Image.fromarray(rgb).convert("CMYK")
    data = encode(pil, "JPEG", quality=95)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"

    loaded, _ = load_image(data)

    assert_rgb(loaded, 40, 56)
    assert np.abs(loaded.astype(int) - rgb).mean() < 6.0


def test_reads_from_a_path(tmp_path):
    rgb = textured_image(seed=5, height=36, width=44)
    path = tmp_path / "photo.png"
    Image.fromarray(rgb).save(path)
    loaded, notes = load_image(path)
    np.testing.assert_array_equal(loaded, rgb)
    assert notes == []
    loaded_str, _ = load_image(str(path))
    np.testing.assert_array_equal(loaded_str, rgb)


# --- size limits --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_large_image_is_scaled_to_1024_with_a_warning(fmt):
    big = np.full((1500, 3000, 3), 90, dtype=np.uint8)
    loaded, notes = load_image(encode(Image.fromarray(big), fmt), Limits())
    assert_rgb(loaded, 512, 1024)
    assert len(notes) == 1
    assert "3000x1500" in notes[0] and "1024x512" in notes[0]


def test_large_image_follows_the_max_side_passed():
    big = np.full((1500, 3000, 3), 90, dtype=np.uint8)
    loaded, notes = load_image(encode(Image.fromarray(big), "PNG"), Limits(max_side=300))
    assert_rgb(loaded, 150, 300)
    assert "3000x1500" in notes[0] and "300x150" in notes[0]


def test_max_side_from_environment(monkeypatch):
    monkeypatch.setenv("ANIMATE_MAX_SIDE", "128")
    loaded, notes = prepare_image(np.zeros((100, 400, 3), dtype=np.uint8))
    assert_rgb(loaded, 32, 128)
    assert "400x100" in notes[0]


def test_tiny_image_is_refused_naming_the_minimum():
    data = encode(Image.fromarray(np.zeros((20, 20, 3), dtype=np.uint8)), "PNG")
    with pytest.raises(InputError, match="32") as caught:
        load_image(data)
    assert "20x20" in str(caught.value)
    assert_one_sentence(str(caught.value))


# --- unreadable files ---------------------------------------------------------------------


def test_text_file_is_refused(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("this is not an image\n" * 20)
    with pytest.raises(InputError) as caught:
        load_image(path)
    assert "notes.png" in str(caught.value)
    assert_one_sentence(str(caught.value))


def test_text_file_is_refused_when_a_library_patches_image_open(tmp_path, monkeypatch):
    """ultralytics wraps Image.open and imports pi-heif on unknown files; none: ImportError."""
    import PIL.Image

    def patched_open(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'pi_heif'")

    monkeypatch.setattr(PIL.Image, "open", patched_open)
    path = tmp_path / "notes.png"
    path.write_text("this is not an image\n")
    with pytest.raises(InputError) as caught:
        load_image(path)
    assert "notes.png" in str(caught.value)
    assert_one_sentence(str(caught.value))


def test_random_bytes_are_refused():
    junk = np.random.default_rng(0).bytes(4000)
    with pytest.raises(InputError) as caught:
        load_image(junk)
    assert_one_sentence(str(caught.value))


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(InputError, match="No image file"):
        load_image(tmp_path / "nowhere.png")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_file_is_refused(fmt):
    data = encode(Image.fromarray(textured_image(seed=6, height=128, width=128)), fmt)
    with pytest.raises(InputError) as caught:
        load_image(data[: len(data) // 2])
    assert_one_sentence(str(caught.value))
    assert "damaged" in str(caught.value)


def test_error_is_a_value_error_too():
    with pytest.raises(ValueError):
        load_image(b"GIF89a nonsense")


def test_animated_gif_gives_its_first_frame():
    frames = [textured_image(seed=10 + i, height=48, width=48) for i in range(3)]
    pil_frames = [Image.fromarray(frame) for frame in frames]
    buffer = io.BytesIO()
    pil_frames[0].save(
        buffer, format="GIF", save_all=True, append_images=pil_frames[1:], duration=100, loop=0
    )
    data = buffer.getvalue()

    loaded, notes = load_image(data)

    assert_rgb(loaded, 48, 48)
    assert any("first frame" in note for note in notes)
    expected_first = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    np.testing.assert_array_equal(loaded, expected_first)
    # The first frame, not the others.
    assert (
        np.abs(loaded.astype(int) - frames[0]).mean()
        < np.abs(loaded.astype(int) - frames[2]).mean()
    )


# --- prepare_image (Python API arrays) ----------------------------------------------------


def test_prepare_image_accepts_common_array_types():
    base = textured_image(seed=7, height=40, width=48)
    out, notes = prepare_image(base)
    np.testing.assert_array_equal(out, base)
    assert notes == []

    gray, _ = prepare_image(base[..., 0])
    assert_rgb(gray, 40, 48)
    np.testing.assert_array_equal(gray[..., 2], base[..., 0])

    floats, _ = prepare_image(base.astype(np.float32) / 255.0)
    np.testing.assert_array_equal(floats, base)

    wide, _ = prepare_image(base.astype(np.uint16) * 257)
    np.testing.assert_array_equal(wide, base)

    boolean, _ = prepare_image(base[..., 0] > 128)
    assert set(np.unique(boolean)) <= {0, 255}

    rgba = np.concatenate([base, np.zeros((40, 48, 1), dtype=np.uint8)], axis=2)
    transparent, _ = prepare_image(rgba)
    assert (transparent == 255).all()


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_prepare_image_refuses_nan_and_inf(bad):
    image = np.full((40, 40, 3), 0.5, dtype=np.float32)
    image[3, 4, 1] = bad
    with pytest.raises(InputError, match="NaN"):
        prepare_image(image)


def test_prepare_image_refuses_wrong_shapes():
    with pytest.raises(InputError, match="shape"):
        prepare_image(np.zeros((40, 40, 2), dtype=np.uint8))
    with pytest.raises(InputError, match="shape"):
        prepare_image(np.zeros((2, 40, 40, 3), dtype=np.uint8))


# --- masks --------------------------------------------------------------------------------


def test_prepare_mask_resizes_with_a_warning():
    mask = np.zeros((20, 30), dtype=np.uint8)
    mask[:, 15:] = 255  # right half

    resized, notes = prepare_mask(mask, (40, 60), name="motion mask")

    assert resized.shape == (40, 60) and resized.dtype == np.bool_
    assert resized[:, 30:].all() and not resized[:, :30].any()
    assert len(notes) == 1
    assert "motion mask" in notes[0] and "30x20" in notes[0] and "60x40" in notes[0]


def test_prepare_mask_same_size_has_no_warning_and_none_stays_none():
    mask = np.zeros((40, 60), dtype=bool)
    mask[5:10, 5:10] = True
    out, notes = prepare_mask(mask, (40, 60))
    np.testing.assert_array_equal(out, mask)
    assert notes == []
    assert prepare_mask(None, (40, 60)) == (None, [])


def test_prepare_mask_from_images():
    rgb = np.zeros((10, 10, 3), dtype=np.uint8)
    rgb[2, 3, 1] = 40  # any channel > 0 counts
    out, _ = prepare_mask(rgb, (10, 10))
    assert out.sum() == 1 and out[2, 3]

    rgba = np.full((10, 10, 4), 255, dtype=np.uint8)
    rgba[..., 3] = 0
    rgba[7, 8, 3] = 255  # alpha decides
    out, _ = prepare_mask(rgba, (10, 10))
    assert out.sum() == 1 and out[7, 8]

    floats = np.zeros((10, 10), dtype=np.float32)
    floats[1, 1] = 0.9
    floats[2, 2] = 0.3
    out, _ = prepare_mask(floats, (10, 10))
    assert out.sum() == 1 and out[1, 1]


def test_prepare_mask_refuses_wrong_shape():
    with pytest.raises(InputError, match="mask"):
        prepare_mask(np.zeros((2, 3, 4, 5)), (10, 10))


def test_load_mask_uses_alpha_when_present():
    rgba = np.full((30, 40, 4), 255, dtype=np.uint8)
    rgba[..., 3] = 0
    rgba[10:20, 5:15, 3] = 255
    mask = load_mask(encode(Image.fromarray(rgba, "RGBA"), "PNG"))
    assert mask.shape == (30, 40) and mask.dtype == np.uint8
    assert (mask[10:20, 5:15] == 255).all()
    assert mask.sum() == 255 * 100


def test_load_mask_grayscale_is_not_scaled():
    gray = np.zeros((20, 3000), dtype=np.uint8)
    gray[:, 1000:] = 200
    mask = load_mask(encode(Image.fromarray(gray, "L"), "PNG"))
    assert mask.shape == (20, 3000)
    np.testing.assert_array_equal(mask, gray)


def test_load_mask_refuses_non_images():
    with pytest.raises(InputError):
        load_mask(b"not an image at all")
