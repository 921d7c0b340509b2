"""The image kernels page in chromium: photos, uploads (EXIF-rotated too), bad files, every kernel,
typed weights, the inspector's products, composition, the webcam (chromium's fake camera) and the PNG
download. Numbers on the page are checked against convscope.apply_kernel on the same pixels."""

from __future__ import annotations

import base64
import io
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from convscope import apply_kernel
from convscope.data.photos import bundled_photo, decode_image
from convscope.kernels import IMAGE_KERNELS, image_kernel
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, logging_page

pytestmark = pytest.mark.e2e
# A refused request is an HTTP 4xx: chromium logs the failed request itself as a console error.
EXPECTED_REFUSAL = "the server responded with a status of {status}"


def expecting_refusals(browser: Any, status: int) -> Iterator[Any]:
    """A page whose only console errors may be the server's expected ``status`` answers, and is one."""
    with logging_page(browser, DESKTOP, timeout_ms=20_000) as (page, errors):
        yield page
    assert errors, "the refusal never reached the page"
    assert all(EXPECTED_REFUSAL.format(status=status) in e for e in errors), errors


@pytest.fixture
def refusing_page(browser: Any) -> Iterator[Any]:
    """A page whose only console errors may be the server's expected 400s (each shown on the page)."""
    yield from expecting_refusals(browser, 400)


@pytest.fixture
def forgotten_page(browser: Any) -> Iterator[Any]:
    """A page whose only console errors may be 404s: the server had dropped its picture."""
    yield from expecting_refusals(browser, 404)


def until(page: Any, predicate: str, timeout_s: float = 15.0) -> None:
    """Poll a JavaScript predicate (``() => ...``) from Python: wait_for_function's string form would
    need eval, which the page's Content-Security-Policy refuses."""
    for _ in range(int(timeout_s / 0.05)):
        if page.evaluate(predicate):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"still false after {timeout_s} s: {predicate}")


def until_text(page: Any, testid: str, test: str, text: str) -> None:
    """Wait until the element's text passes ``test`` ("startsWith" or "includes") with ``text``."""
    until(page, f"() => document.querySelector('[data-testid={testid}]').textContent.{test}({text!r})")


def open_kernels(page: Any, server: str, query: str = "") -> None:
    page.goto(f"{server}/#/kernels{'?' + query if query else ''}")
    settle(page)


def settle(page: Any) -> None:
    """Wait until the picture is loaded and the result answers the latest settings."""
    page.wait_for_selector(".ik-source[data-busy='false']")
    until_text(page, "notes", "startsWith", "values")
    page.wait_for_selector(".ik[data-busy='false']")


def canvas_size(page: Any, testid: str) -> tuple[int, int]:
    return tuple(page.eval_on_selector(f"[data-testid={testid}]", "c => [c.width, c.height]"))  # type: ignore[return-value]


def canvas_pixels(page: Any, testid: str) -> np.ndarray:
    """A canvas's RGBA pixels, (H, W, 4), read as the PNG chromium encodes and decoded by Pillow.

    One base64 string crosses the Playwright bridge instead of a list of a million numbers (about 20x
    faster for 512x512). Exact for the page's canvases, which are opaque: a PNG stores unpremultiplied
    RGBA without loss, and with alpha 255 everywhere premultiplying changes nothing (checked here).
    """
    width, height = canvas_size(page, testid)
    url = page.eval_on_selector(f"[data-testid={testid}]", "c => c.toDataURL('image/png')")
    header, data = url.split(",", 1)
    assert header == "data:image/png;base64", header
    with Image.open(io.BytesIO(base64.b64decode(data))) as png:
        pixels = np.asarray(png.convert("RGBA"))
    assert pixels.shape == (height, width, 4)
    assert (pixels[:, :, 3] == 255).all(), "a canvas the page draws is opaque"
    return pixels


def test_the_photo_is_filtered_as_apply_kernel_says(page: Any, server: str, screenshot: Any) -> None:
    open_kernels(page, server, "photo=chelsea&kernel=sharpen&size=3&padding=reflect")
    filtered = apply_kernel(bundled_photo("chelsea"), image_kernel("sharpen"), padding_mode="reflect")
    expected = np.clip(np.rint(filtered), 0, 255)
    np.testing.assert_array_equal(canvas_pixels(page, "result-canvas")[:, :, :3], expected)
    assert "clipped" in page.get_by_test_id("legend-text").text_content()
    screenshot(page, "kernels-desktop", full_page=True)


def test_every_kernel_in_the_catalogue_draws(page: Any, server: str) -> None:
    open_kernels(page, server, "photo=coffee")
    for info in IMAGE_KERNELS:
        page.get_by_test_id("kernel").select_option(info.name)
        until(page, "() => document.querySelector('[data-testid=kernel-note]').textContent.length > 0")
        settle(page)
        assert page.get_by_test_id("error").is_hidden(), info.name
        assert page.get_by_test_id("kernel-error").is_hidden(), info.name
    assert page.get_by_test_id("kernel").input_value() == "motion_blur"
    # The menu's longest labels once pushed it past its card at 1024 px: each select stays inside.
    page.set_viewport_size({"width": 1024, "height": 576})
    overflow = page.evaluate("""() => [...document.querySelectorAll('.ik-kernel select')].map((s) => {
      const card = s.closest('.panel').getBoundingClientRect();
      const pad = parseFloat(getComputedStyle(s.closest('.panel')).paddingRight);
      return s.getBoundingClientRect().right - (card.right - pad); })""")
    assert max(overflow) <= 0.5, overflow


def test_typing_a_weight_redraws_and_reaches_the_url(page: Any, server: str) -> None:
    open_kernels(page, server, "photo=rocket&kernel=identity&size=3")
    page.get_by_test_id("w-1-1").fill("0")
    page.get_by_test_id("w-0-0").fill("1")
    until(page, "() => location.hash.includes('weights=1%2C0%2C0%3B0%2C0%2C0%3B0%2C0%2C0')")
    settle(page)
    photo = bundled_photo("rocket")
    shifted = apply_kernel(photo, [[1, 0, 0], [0, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(canvas_pixels(page, "result-canvas")[:, :, :3], np.clip(shifted, 0, 255))
    page.get_by_test_id("w-0-0").fill("abc")
    assert "row 1, column 1: enter a number" in page.get_by_test_id("kernel-error").text_content()
    # The URL follows an edit after a pause; leaving the page first must not write it over the next page's.
    page.evaluate("""() => { const cell = document.querySelector('[data-testid=w-0-0]');
      cell.value = '2'; cell.dispatchEvent(new Event('input', { bubbles: true }));
      document.querySelector('[data-nav=signals]').click(); }""")
    page.wait_for_timeout(400)
    assert page.evaluate("location.hash").startswith("#/signals")


def test_normalising_an_edge_detector_is_refused_beside_the_kernel(refusing_page: Any, server: str) -> None:
    page = refusing_page
    open_kernels(page, server, "kernel=sobel_x")
    before = canvas_pixels(page, "result-canvas")
    page.get_by_test_id("normalise").check()
    page.wait_for_selector("[data-testid=kernel-error]:not([hidden])")
    assert "weights: sum to 0" in page.get_by_test_id("kernel-error").text_content()
    np.testing.assert_array_equal(canvas_pixels(page, "result-canvas"), before)  # the picture stays


def test_the_inspector_shows_patch_weights_products_and_the_sum(page: Any, server: str) -> None:
    open_kernels(page, server, "photo=astronaut&kernel=sobel_y&size=5&padding=replicate")
    page.get_by_test_id("result-canvas").focus()
    page.keyboard.press("ArrowRight")  # lands on the centre first
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("[data-testid=inspect-value]")
    until_text(page, "inspect-value", "includes", "(257, 256)")
    read = "t => Array.from(t.rows).map(r => Array.from(r.cells).map(c => Number(c.textContent)))"
    patch = np.asarray(page.eval_on_selector("[data-testid=patch-0]", read))
    weights = np.asarray(page.eval_on_selector("[data-testid=weights-0]", read))
    products = np.asarray(page.eval_on_selector("[data-testid=products-0]", read))
    photo = bundled_photo("astronaut")
    np.testing.assert_array_equal(patch, photo[254:259, 255:260, 0])
    np.testing.assert_array_equal(weights, image_kernel("sobel_y", 5))
    np.testing.assert_allclose(products, patch * weights)
    expected = apply_kernel(photo, image_kernel("sobel_y", 5), padding_mode="replicate")[256, 257, 0]
    assert f"= {expected:g}" in page.get_by_test_id("sum-0").text_content().replace("sum of products ", "")
    page.get_by_test_id("channel-G").click()
    patch_g = np.asarray(page.eval_on_selector("[data-testid=patch-0]", read))
    np.testing.assert_array_equal(patch_g, photo[254:259, 255:260, 1])
    assert "pixel=257%2C256" in page.evaluate("location.hash")


def test_composition_shows_twice_once_and_their_difference(page: Any, server: str, screenshot: Any) -> None:
    open_kernels(page, server, "photo=chelsea&kernel=box&size=3&padding=zeros")
    page.get_by_test_id("second").select_option("gaussian")
    until_text(page, "difference-caption", "includes", "largest")
    # The three answers arrive in any order: the difference drawn says nothing of the other two canvases,
    # which keep a blank canvas's default size until their picture is drawn.
    until(page, """() => ['twice', 'once'].every((id) => document.querySelector(`[data-testid=${id}]`).width
      === document.querySelector('[data-testid=result-canvas]').width)""")
    settle(page)
    twice, once = canvas_pixels(page, "twice"), canvas_pixels(page, "once")
    gap = np.abs(twice.astype(int) - once)
    assert gap[3:-3, 3:-3].max() <= 1  # equal away from the border (a sum near .5 may round either way)
    assert gap.max() > 10  # zeros padding: the border differs
    page.get_by_test_id("padding").select_option("circular")
    until_text(page, "difference-caption", "includes", "largest 0")
    screenshot(page, "kernels-composition", full_page=True)


def jpeg_rotated(pixels: np.ndarray, orientation: int) -> bytes:
    image = Image.fromarray(pixels)
    exif = image.getexif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, exif=exif)
    return buffer.getvalue()


def test_uploads_png_and_exif_rotated_jpeg_and_a_corrupt_file(
    refusing_page: Any, server: str, tmp_path: Path
) -> None:
    page = refusing_page
    open_kernels(page, server)
    card = np.zeros((40, 80, 3), np.uint8)
    card[:, :40] = 255  # white left half
    png = tmp_path / "card.png"
    Image.fromarray(card).save(png)
    page.get_by_test_id("upload").set_input_files(str(png))
    until_text(page, "source-note", "startsWith", "card.png: 80×40")
    settle(page)
    assert canvas_size(page, "input-canvas") == (80, 40)

    jpeg = tmp_path / "phone.jpg"
    jpeg.write_bytes(jpeg_rotated(card, 6))  # held sideways: shown 40 wide, 80 tall
    page.get_by_test_id("upload").set_input_files(str(jpeg))
    until_text(page, "source-note", "startsWith", "phone.jpg: 40×80")
    settle(page)
    assert "EXIF orientation 6" in page.get_by_test_id("source-note").text_content()
    shown = canvas_pixels(page, "input-canvas")
    assert shown[:40, :, :3].mean() > 200  # the white half is on top now
    assert shown[40:, :, :3].mean() < 50

    corrupt = tmp_path / "broken.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    page.get_by_test_id("upload").set_input_files(str(corrupt))
    page.wait_for_selector("[data-testid=source-error]:not([hidden])")
    assert "image:" in page.get_by_test_id("source-error").text_content()
    assert canvas_size(page, "input-canvas") == (40, 80)  # the previous picture stays


def test_the_download_is_the_result_as_png(page: Any, server: str, tmp_path: Path) -> None:
    open_kernels(page, server, "photo=coffee&kernel=emboss&display=signed&channels=luminance")
    with page.expect_download() as info:
        page.get_by_test_id("download").click()
    path = tmp_path / "result.png"
    info.value.save_as(path)
    assert info.value.suggested_filename == "convscope-emboss-result.png"
    pixels = decode_image(path.read_bytes()).pixels
    np.testing.assert_array_equal(pixels, canvas_pixels(page, "result-canvas")[:, :, :3])


@pytest.fixture
def camera_page(browser: Any) -> Iterator[Any]:
    """A second chromium, started by the same Playwright, with a fake camera and no permission prompt."""
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    with_camera = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
    page = with_camera.new_context(viewport=DESKTOP).new_page()
    page.set_default_timeout(20_000)
    yield page
    with_camera.close()


def test_a_webcam_snapshot_becomes_the_picture(camera_page: Any, server: str) -> None:
    page = camera_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_kernels(page, server, "kernel=box&size=5")
    page.get_by_test_id("camera").click()
    page.wait_for_selector("[data-testid=snap]:not([hidden])")
    until(page, "() => document.querySelector('[data-testid=video]').videoWidth > 0")
    page.get_by_test_id("snap").click()
    until_text(page, "source-note", "startsWith", "Webcam snapshot")
    settle(page)
    width, height = canvas_size(page, "input-canvas")
    assert max(width, height) <= 512
    assert page.get_by_test_id("video").is_hidden()
    assert errors == []


def test_without_a_camera_the_page_says_why(page: Any, server: str) -> None:
    open_kernels(page, server)
    page.get_by_test_id("camera").click()
    page.wait_for_selector("[data-testid=source-error]:not([hidden])")
    message = page.get_by_test_id("source-error").text_content()
    assert "camera" in message.lower()
    reasons = ("permission was refused", "No camera was found", "could not start")
    assert any(words in message for words in reasons)
    assert page.get_by_test_id("video").is_hidden()
    assert canvas_size(page, "input-canvas") == (512, 512)  # the photo stays


def test_edits_send_no_picture_and_a_dropped_picture_is_sent_again(forgotten_page: Any, server: str) -> None:
    page = forgotten_page
    open_kernels(page, server, "photo=rocket&kernel=identity&size=3")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.get_by_test_id("w-1-1").fill("0.5")
    until(page, "() => location.hash.includes('weights=')")
    settle(page)
    assert sent == []  # the edit named the kept picture: no pixels uploaded
    asked = page.evaluate(
        """async () => {
          const { createLatest } = await import("/js/components/latest.js");
          const sent = [];
          const hooks = { onResult: () => {}, onError: () => {}, delay: 0 };
          const latest = createLatest(async (q) => { sent.push(q); }, hooks);
          latest.ask(1); latest.ask(2); latest.ask(3);  // one handler's asks: merged, the newest sent
          const before = sent.length;
          await Promise.resolve();  // no timer: it leaves as soon as the handler returns
          return [before, sent];
        }""")
    assert asked == [0, [3]]
    for value in range(16):  # the server keeps 16 pictures: these push the page's out
        request = urllib.request.Request(
            f"{server}/api/image-kernels/pictures?width=1&height=1", data=bytes([value, 0, 0, 255]),
            headers={"Content-Type": "application/octet-stream"})
        urllib.request.urlopen(request, timeout=10).close()
    page.get_by_test_id("w-1-1").fill("0.25")
    until(page, "() => location.hash.includes('0.25')")
    settle(page)
    assert len(sent) == 1
    assert "/api/image-kernels/pictures?" in sent[0]  # sent once again, then the edit was answered
    assert page.get_by_test_id("error").is_hidden()
    expected = np.clip(np.rint(bundled_photo("rocket") * 0.25), 0, 255)
    np.testing.assert_array_equal(canvas_pixels(page, "result-canvas")[:, :, :3], expected)
