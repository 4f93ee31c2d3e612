"""One real-browser pass: headless Chromium uploads a photo in each tab (and paints the
motion region with the brush), presses the button and finds a video that plays.
Set ANIMATE_SCREENSHOTS=DIR to keep screenshots."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from helpers import running_app
from PIL import Image

from ui import text as text_tab

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--autoplay-policy=no-user-gesture-required",
]
PLAYING = """(selector) => {
    const video = document.querySelector(selector);
    return !!video && video.readyState >= 2 && !video.paused && video.currentTime > 0
        && video.videoWidth > 0;
}"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module")
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    with running_app() as demo, sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1100},
        )
        browser_page = context.new_page()
        browser_page.goto(demo.local_url, wait_until="networkidle")
        yield browser_page
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("ANIMATE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def _wait_until_dark(page, canvas, timeout_ms: int = 20_000) -> None:
    """Wait until the middle of a canvas, as the user sees it, is a black page."""
    for _ in range(timeout_ms // 250):
        shot = np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("L"))
        height, width = shot.shape
        if shot[height // 3 : 2 * height // 3, width // 3 : 2 * width // 3].mean() < 30:
            return
        page.wait_for_timeout(250)
    raise AssertionError("the sketchpad did not show a black page")


def _switch_method_and_run(page, tab: str, method: str) -> None:
    """Pick `method` in the tab's method menu, run, and wait for its result to play."""
    page.locator(f"#{tab}-method input").click()
    page.get_by_role("option", name=method, exact=True).click()
    page.locator(f"#{tab}-run").click()
    page.wait_for_function(
        f"() => document.querySelector('#{tab}-info').innerText.includes('method {method}')",
        timeout=90_000,
    )
    page.wait_for_function(PLAYING, arg=f"#{tab}-video video", timeout=30_000)


def test_waterfall_tab_paint_and_play(page):
    page.locator("#waterfall-editor input[type=file]").first.set_input_files(
        str(EXAMPLES / "waterfall.png")
    )
    canvas = page.locator("#waterfall-editor canvas").first
    canvas.wait_for(state="visible", timeout=30_000)
    page.wait_for_timeout(1500)  # let the editor lay the photo out
    # Method "flow" (the default) needs no paint: the model finds the falling water.
    page.locator("#waterfall-run").click()
    page.wait_for_function(PLAYING, arg="#waterfall-video video", timeout=90_000)
    assert "motion-field model" in page.locator("#waterfall-info").inner_text()
    page.get_by_role("button", name="Brush").first.click()
    box = canvas.bounding_box()
    # Paint a vertical stroke down the middle, over the falling water.
    x = box["x"] + box["width"] / 2
    top, bottom = box["y"] + box["height"] * 0.3, box["y"] + box["height"] * 0.65
    page.mouse.move(x, top)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x, top + (bottom - top) * step / 20)
    page.mouse.up()
    page.locator("#waterfall-run").click()
    page.wait_for_function(
        "() => document.querySelector('#waterfall-info').innerText.includes('your brush')",
        timeout=90_000,
    )
    page.wait_for_function(PLAYING, arg="#waterfall-video video", timeout=30_000)
    assert page.locator("#waterfall-field img").count() == 1
    assert "loop seam" in page.locator("#waterfall-info").inner_text()
    _screenshot(page, "waterfall_tab.png")
    _switch_method_and_run(page, "waterfall", "pix2gif")  # the original project's Pix2Gif generator


def test_inbetween_tab_plays_a_video_and_switches_method(page):
    page.get_by_role("tab", name="Inbetweening").click()
    page.locator("#inbetween-start input[type=file]").first.set_input_files(
        str(EXAMPLES / "inbetween_start.png")
    )
    page.locator("#inbetween-end input[type=file]").first.set_input_files(
        str(EXAMPLES / "inbetween_end.png")
    )
    for box in ("#inbetween-start", "#inbetween-end"):  # wait for both uploads to finish
        page.locator(f"{box} img").first.wait_for(state="visible", timeout=30_000)
    page.locator("#inbetween-run").click()
    page.wait_for_function(PLAYING, arg="#inbetween-video video", timeout=90_000)
    page.wait_for_function(PLAYING, arg="#inbetween-baseline video", timeout=30_000)
    info = page.locator("#inbetween-info")
    assert "9 frames" in info.inner_text() and "method learned" in info.inner_text()
    _screenshot(page, "inbetween_tab.png")
    _switch_method_and_run(page, "inbetween", "flow")
    _switch_method_and_run(page, "inbetween", "cvae")  # the original project's 3D-conv CVAE


def test_text_tab_draw_a_digit_and_play(page, monkeypatch):
    received = []
    read_editor = text_tab.start_frame_from_editor

    def spy(editor):
        frame, notes = read_editor(editor)
        received.append(frame)
        return frame, notes

    monkeypatch.setattr(text_tab, "start_frame_from_editor", spy)
    page.get_by_role("tab", name="Text to sequence").click()
    page.locator("#text-caption textarea").fill("the digit 1 is moving right")
    canvas = page.locator("#text-start canvas").first
    canvas.wait_for(state="visible", timeout=30_000)
    _wait_until_dark(page, canvas)  # white strokes must show on the empty page
    page.locator("#text-start").get_by_role("button", name="Clear canvas").click()
    canvas = page.locator("#text-start canvas").first
    _wait_until_dark(page, canvas)  # and again after "Clear canvas"
    page.wait_for_timeout(500)
    page.locator("#text-start").get_by_role("button", name="Brush").first.click()
    box = canvas.bounding_box()
    # Draw a "1": a vertical stroke in the middle of the empty sketchpad.
    x = box["x"] + box["width"] / 2
    top, bottom = box["y"] + box["height"] * 0.3, box["y"] + box["height"] * 0.7
    page.mouse.move(x, top)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(x, top + (bottom - top) * step / 15)
    page.mouse.up()
    page.locator("#text-run").click()
    page.wait_for_function(PLAYING, arg="#text-video video", timeout=90_000)
    info = page.locator("#text-info").inner_text()
    assert "16 frames" in info and "first frame given" in info
    # The stroke reached the model as drawn: white on the black page the user saw.
    frame = received[-1]
    assert frame.shape == (256, 256, 3) and frame.mean() < 60 and frame.max() == 255
    _screenshot(page, "text_tab.png")


def test_birds_tab_upload_and_play(page):
    page.get_by_role("tab", name="Bird flight").click()
    page.locator("#birds-photo input[type=file]").first.set_input_files(
        str(EXAMPLES / "bird_scene.png")
    )
    page.locator("#birds-photo img").first.wait_for(state="visible", timeout=30_000)
    if not Path(os.environ.get("ANIMATE_BIRD_DETECTOR", "")).is_file():
        page.locator("#birds-whole input").check()  # no detector offline: animate the centre
    page.locator("#birds-run").click()
    page.wait_for_function(PLAYING, arg="#birds-video video", timeout=120_000)
    info = page.locator("#birds-info").inner_text()
    assert "48 frames" in info and "projection PSNR" in info
    page.locator("#birds-projection img").first.wait_for(state="visible", timeout=30_000)
    _screenshot(page, "birds_tab.png")
