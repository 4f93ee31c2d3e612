"""The app, launched in-process and called through `gradio_client` like an API user would."""

from __future__ import annotations

import os
from pathlib import Path

import imageio.v2 as imageio
import numpy as np
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from helpers import running_app
from PIL import Image

import animators
from ui import common

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
START = str(EXAMPLES / "inbetween_start.png")
END = str(EXAMPLES / "inbetween_end.png")


@pytest.fixture(scope="module")
def client():
    with running_app() as demo:
        yield Client(demo.local_url, analytics_enabled=False, verbose=False)


def _editor(photo: str, layers: list[str] | None = None) -> dict:
    return {
        "background": handle_file(photo),
        "layers": [handle_file(layer) for layer in layers or []],
        "composite": None,
    }


def waterfall(
    client, editor, mask=None, *, method="flow", direction=270, speed=2.0, frames=12, fps=12
):
    return client.predict(
        editor,
        method,
        handle_file(mask) if mask else None,
        None,
        None,
        direction,
        speed,
        0,
        frames,
        fps,
        "loop",
        api_name="/waterfall",
    )


def inbetween(
    client,
    start=START,
    end=END,
    *,
    method="flow",
    frames=3,
    fps=12,
    playback="forward",
    seed=0,
    samples=1,
):
    return client.predict(
        handle_file(start),
        handle_file(end),
        method,
        frames,
        fps,
        playback,
        seed,
        samples,
        api_name="/inbetween",
    )


def _video_frames(path: str) -> tuple[int, tuple[int, int], float]:
    reader = imageio.get_reader(path, format="FFMPEG")
    meta = reader.get_meta_data()
    count = sum(1 for _ in reader)
    reader.close()
    return count, tuple(meta["size"]), float(meta["fps"])


def test_waterfall_from_brush_layer(client):
    editor = _editor(str(EXAMPLES / "waterfall.png"), [str(EXAMPLES / "waterfall_brush.png")])
    video, preview, downloads, numbers = waterfall(client, editor, frames=16)
    count, size, fps = _video_frames(video)
    assert (count, size, fps) == (16, (768, 512), 12.0)
    assert np.asarray(Image.open(preview)).shape == (512, 768, 3)
    assert sorted(Path(p).suffix for p in downloads) == [".gif", ".zip"]
    assert "loop seam" in numbers and "16 frames" in numbers
    assert "motion from your brush" in numbers


@pytest.mark.skipif(
    not (Path(__file__).resolve().parents[2] / "checkpoints/waterfall/flow").is_dir(),
    reason="no motion-field checkpoint",
)
def test_waterfall_flow_needs_no_paint(client):
    video, preview, _, numbers = waterfall(client, _editor(str(EXAMPLES / "waterfall.png")))
    assert _video_frames(video)[:2] == (12, (768, 512))
    assert "method `flow`" in numbers and "motion from the motion-field model" in numbers
    field = np.asarray(Image.open(preview)).astype(int)
    photo = np.asarray(Image.open(EXAMPLES / "waterfall.png").convert("RGB")).astype(int)
    assert np.abs(field[150:300, 340:420] - photo[150:300, 340:420]).mean() > 10  # coloured


def test_waterfall_mask_file_and_speed_at_source_resolution(client, tmp_path):
    # A 1600 px photo is scaled to 1024 px; the mask file is given at another size.
    photo = np.asarray(Image.open(EXAMPLES / "clouds.png").resize((1600, 900)))
    Image.fromarray(photo).save(tmp_path / "big.png")
    mask = Image.open(EXAMPLES / "clouds_mask.png").resize((400, 225))
    mask.save(tmp_path / "mask.png")
    video, _, _, numbers = waterfall(
        client, _editor(str(tmp_path / "big.png")), str(tmp_path / "mask.png")
    )
    count, size, _ = _video_frames(video)
    assert count == 12 and size == (1024, 576)
    assert "scaled from 1600x900 to 1024x576" in numbers
    assert "resized" in numbers


@pytest.mark.parametrize("method", animators.methods("waterfall"))
def test_waterfall_every_method(client, method):
    editor = _editor(str(EXAMPLES / "clouds.png"), [str(EXAMPLES / "clouds_brush.png")])
    video, preview, downloads, numbers = waterfall(client, editor, method=method, frames=8)
    assert _video_frames(video)[:2] == (8, (768, 432))
    assert f"method `{method}`" in numbers
    assert np.asarray(Image.open(preview)).shape == (432, 768, 3)


def test_waterfall_brush_without_paint_asks_for_it(client):
    with pytest.raises(AppError, match="Paint the region"):
        waterfall(client, _editor(str(EXAMPLES / "waterfall.png")), method="brush")


def test_waterfall_unknown_method_is_refused(client):
    with pytest.raises(AppError):
        waterfall(client, _editor(str(EXAMPLES / "waterfall.png")), method="magic")


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"frames": 0}, "number of frames must be a whole number from 8 to 120"),
        ({"frames": 10000}, "from 8 to 120"),
        ({"frames": -5}, "from 8 to 120"),
        ({"fps": 0}, "frame rate"),
        ({"fps": -2}, "frame rate"),
        ({"speed": 1e9}, "speed"),
    ],
)
def test_waterfall_absurd_settings(client, settings, message):
    editor = _editor(str(EXAMPLES / "clouds.png"), [str(EXAMPLES / "clouds_brush.png")])
    with pytest.raises(AppError, match=message):
        waterfall(client, editor, **settings)


@pytest.mark.parametrize("method", animators.methods("inbetween"))
def test_inbetween_exact_frames_and_baseline(client, method):
    video, baseline, downloads, numbers = inbetween(client, method=method, frames=5)
    assert _video_frames(video)[:2] == (7, (640, 360))
    assert _video_frames(baseline)[:2] == (7, (640, 360))
    assert "ms per generated frame" in numbers and f"method `{method}`" in numbers
    with Image.open(next(p for p in downloads if p.endswith(".gif"))) as gif:
        assert gif.n_frames == 7


def test_inbetween_sampling_methods_show_samples_side_by_side(client):
    video, _, _, numbers = inbetween(client, method="cvae", frames=3, seed=4, samples=2)
    assert _video_frames(video)[:2] == (5, (2 * 640 + 4, 360))
    assert "2 samples side by side, seeds 4 to 5" in numbers
    video, _, _, numbers = inbetween(client, method="flow", frames=3, samples=3)
    assert _video_frames(video)[:2] == (5, (640, 360))
    assert "flow gives the same frames for every seed" in numbers


def test_inbetween_loop_and_pingpong_counts(client):
    looped, *_ = inbetween(client, frames=3, playback="loop")
    assert _video_frames(looped)[0] == 8  # start, 3, end, 3 back
    pingpong, *_ = inbetween(client, frames=3, playback="pingpong")
    assert _video_frames(pingpong)[0] == 8  # 5 forward + 3 back


def test_inbetween_resizes_end_frame_and_says_so(client, tmp_path):
    Image.open(END).resize((320, 200)).save(tmp_path / "small_end.png")
    _, _, _, numbers = inbetween(client, end=str(tmp_path / "small_end.png"), frames=1)
    assert "resized to the start frame's 640x360" in numbers


@pytest.mark.parametrize(
    "frames, fps, message",
    [
        (0, 12, "from 1 to 60"),
        (10000, 12, "from 1 to 60"),
        (3, 0, "frame rate"),
        (3, -1, "frame rate"),
    ],
)
def test_inbetween_absurd_settings(client, frames, fps, message):
    with pytest.raises(AppError, match=message):
        inbetween(client, frames=frames, fps=fps)


@pytest.mark.parametrize(
    "settings, message",
    [({"samples": 0}, "number of samples"), ({"samples": 99}, "number of samples"),
     ({"seed": -1}, "seed"), ({"seed": 1.5}, "seed")],
)  # fmt: skip
def test_inbetween_absurd_sampling_settings(client, settings, message):
    with pytest.raises(AppError, match=message):
        inbetween(client, method="cvae", frames=2, **settings)


def text(client, caption, editor=None, *, frames=12, history=4, second="", switch=6, seed=0):
    return client.predict(
        caption, editor, frames, history, 8, seed, second, switch, "loop", api_name="/text"
    )


def _stroke(tmp_path: Path) -> str:
    """A sketchpad layer: a white vertical bar painted on a transparent 256x256 canvas."""
    layer = np.zeros((256, 256, 4), np.uint8)
    layer[70:190, 118:138] = 255
    Image.fromarray(layer).save(tmp_path / "stroke.png")
    return str(tmp_path / "stroke.png")


def test_text_from_a_drawn_start_frame_with_a_second_caption(client, tmp_path):
    editor = {"background": None, "layers": [handle_file(_stroke(tmp_path))], "composite": None}
    video, downloads, numbers = text(
        client, "the digit 1 is moving left", editor, second="the digit 1 is moving up"
    )
    assert _video_frames(video)[:2] == (12, (256, 256))
    assert "first frame given" in numbers and "from frame 6: 'the digit 1 is moving up'" in numbers
    with Image.open(next(p for p in downloads if p.endswith(".gif"))) as gif:
        first = np.asarray(gif.convert("L"))
    assert first[100:160, 124:132].mean() > 200 and first[:40].mean() < 20  # the drawn bar


def test_text_blank_canvas_page_is_not_a_start_frame(client, tmp_path):
    """Browsers send the sketchpad's empty page (one colour) as a background: strokes go on
    black, and a page with no strokes leaves the first frame to the caption GAN."""
    page = np.full((256, 256, 3), 255, np.uint8)
    Image.fromarray(page).save(tmp_path / "page.png")
    drawn = {
        "background": handle_file(str(tmp_path / "page.png")),
        "layers": [handle_file(_stroke(tmp_path))],
        "composite": None,
    }
    _, downloads, numbers = text(client, "the digit 1 is moving left", drawn, frames=4)
    assert "first frame given" in numbers
    with Image.open(next(p for p in downloads if p.endswith(".gif"))) as gif:
        first = np.asarray(gif.convert("L"))
    assert first[100:160, 124:132].mean() > 200 and first[:40].mean() < 20
    empty = {"background": handle_file(str(tmp_path / "page.png")), "layers": [], "composite": None}
    _, _, numbers = text(client, "the digit 7 is moving down", empty, frames=4)
    assert "drawn by the caption GAN" in numbers


def test_text_without_a_start_frame_draws_it(client):
    video, _, numbers = text(client, "the digit 7 is moving down", None, frames=5)
    assert _video_frames(video)[0] == 5 and "drawn by the caption GAN" in numbers


@pytest.mark.parametrize(
    "caption, settings, message",
    [
        ("the digit 3 is flying", {}, "Unknown word 'flying'; the models know"),
        ("moving left", {}, "Say what moves"),
        ("the digit 3 is moving left", {"frames": 0}, "from 1 to 64"),
        ("the digit 3 is moving left", {"frames": 10**6}, "from 1 to 64"),
        ("the digit 3 is moving left", {"history": 50}, "history length"),
        ("the digit 3 is moving left", {"seed": -5}, "seed"),
        ("the digit 3 is moving left", {"second": "a red star moving up"}, "same kind"),
    ],
)
def test_text_bad_requests(client, caption, settings, message):
    with pytest.raises(AppError, match=message):
        text(client, caption, **settings)


def test_bad_files_get_one_sentence_and_server_keeps_serving(client, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    with pytest.raises(AppError, match="is not an image this app can read"):
        inbetween(client, start=str(text))
    broken = tmp_path / "broken.png"
    broken.write_bytes(Path(START).read_bytes()[:3000])
    with pytest.raises(AppError, match="damaged|could not be"):
        inbetween(client, start=str(broken))
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (20, 20), "red").save(tiny)
    with pytest.raises(AppError, match="at least 32 pixels"):
        inbetween(client, end=str(tiny))
    # After all that, a normal request still works.
    video, *_ = inbetween(client, frames=1)
    assert _video_frames(video)[0] == 3


def test_animated_gif_uses_first_frame(client, tmp_path):
    first = Image.open(START)
    second = Image.open(END)
    first.save(tmp_path / "anim.gif", save_all=True, append_images=[second], duration=100)
    _, _, _, numbers = inbetween(client, start=str(tmp_path / "anim.gif"), frames=1)
    assert "first frame is used" in numbers


@pytest.mark.slow
def test_huge_image_is_scaled_not_refused(client, tmp_path):
    huge = tmp_path / "huge.jpg"
    Image.new("RGB", (12000, 12000), (90, 140, 200)).save(huge, quality=50)
    _, _, _, numbers = inbetween(client, start=str(huge), end=str(huge), method="blend", frames=1)
    assert "scaled from 12000x12000 to 1024x1024" in numbers


def test_temporary_files_live_in_one_folder_and_old_ones_are_pruned():
    old = common.request_dir()
    os.utime(old, (0, 0))  # pretend it was made long ago
    new = common.request_dir()
    assert new.parent == common.WORK_DIR and new.exists()
    assert not old.exists()


def test_host_example_folder_is_listed(monkeypatch, tmp_path):
    for name in ("b.png", "a.jpg", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    monkeypatch.setenv("ANIMATE_EXAMPLES_DIR", str(tmp_path))
    assert [p.name for p in common.example_photos()] == ["a.jpg", "b.png"]
    monkeypatch.setenv("ANIMATE_EXAMPLES_DIR", str(tmp_path / "missing"))
    assert common.example_photos() == []


# ---------------------------------------------------------------- birds tab
BIRD = str(EXAMPLES / "bird_scene.png")
DETECTOR = os.environ.get("ANIMATE_BIRD_DETECTOR", "")
needs_detector = pytest.mark.skipif(
    not Path(DETECTOR).is_file(), reason="no local bird detector (ANIMATE_BIRD_DETECTOR)"
)


def birds(
    client, photo=BIRD, *, frames=8, layers=7, steps=5, whole=True, fly=False, fps=12, identity=2
):
    return client.predict(
        handle_file(photo) if photo else None,
        frames,
        layers,
        0.5,
        1.0,
        steps,
        0,
        whole,
        fly,
        fps,
        identity,
        api_name="/birds",
    )


def test_birds_whole_image_flies_and_shows_the_projection(client):
    video, crop_video, pair, downloads, numbers = birds(client, frames=10)
    count, size, _ = _video_frames(video)
    assert count == 10 and size == Image.open(BIRD).size
    assert _video_frames(crop_video)[0] == 10
    assert Image.open(pair).size == (256, 128)  # crop | reconstruction, 64x64 each, 2x
    assert "projection PSNR" in numbers and "method `stylegan`" in numbers
    assert any(path.endswith(".gif") for path in downloads)


@needs_detector
def test_birds_detects_the_bird_and_says_so(client):
    *_, numbers = birds(client, whole=False, fly=True)
    assert "bird found with confidence" in numbers


@needs_detector
def test_birds_without_a_bird_says_so(client):
    with pytest.raises(AppError, match="No bird was found"):
        birds(client, photo=START, whole=False)


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"photo": None}, "Upload a photo"),
        ({"frames": 5000}, "number of frames"),
        ({"layers": 99}, "pose layers"),
        ({"steps": -1}, "projection steps"),
        ({"identity": 10**6}, "identity steps"),
        ({"fps": 0}, "frame rate"),
    ],
)
def test_birds_bad_requests(client, settings, message):
    with pytest.raises(AppError, match=message):
        birds(client, **settings)
