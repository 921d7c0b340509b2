"""The signals page's echo in chromium: a sound that really plays (an AudioContext that reaches
`running`), the impulse editor, a WAV upload the test writes, a corrupt upload's message beside the file
control, the download; and the whole page at three sizes, looked at as screenshots."""

from __future__ import annotations

import io
import re
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _open_page
from tests.e2e.signals_page import open_signals, settle, state


@pytest.fixture(scope="module")
def audio_browser(browser: Any) -> Iterator[Any]:
    """Chromium that may start sound without a person's gesture (headless has no speakers to wait on);
    launched by the session's Playwright, as a second one cannot run beside it."""
    args = [*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
    yield chromium
    chromium.close()


BAD_REQUEST = "Failed to load resource: the server responded with a status of 400 (Bad Request)"


@pytest.fixture
def spage(audio_browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page whose test names the 400s it provokes on purpose (chromium logs each as a console error):
    the list it is given holds them; any other console or page error still fails the test."""
    context = audio_browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    expected: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, expected
    context.close()
    assert errors == expected, f"the page logged errors: {errors}"


def wav_bytes(seconds: float, rate: int = 8000, channels: int = 1) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    tone = (0.4 * np.sin(2 * np.pi * 440 * t) * np.exp(-6 * t) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.repeat(tone[:, None], channels, axis=1).tobytes())
    return buffer.getvalue()


def test_echo_plays_uploads_and_downloads(spage: Any, server: str, tmp_path: Path) -> None:
    page, expected_errors = spage
    open_signals(page, server, "sound=drum&impulse=echo")
    assert "22,050 Hz convolved with 2 spikes" in page.get_by_test_id("echo-about").inner_text()
    page.get_by_test_id("play-output").click()
    page.wait_for_function("() => document.querySelector('.signals').dataset.audio === 'running'")
    page.wait_for_function("() => document.querySelector('.signals').dataset.clickToSoundMs !== undefined")
    assert page.locator(".signals").get_attribute("data-playing") in ("output", "")
    page.get_by_test_id("play-input").click()
    page.wait_for_function("() => document.querySelector('.signals').dataset.playing === 'input'")
    page.get_by_test_id("play-impulse").click()
    page.wait_for_function("() => document.querySelector('.signals').dataset.playing === 'impulse'")
    page.get_by_test_id("stop").click()
    page.wait_for_function("() => document.querySelector('.signals').dataset.playing === ''")

    # The download is the echo: 22,050 Hz, the drum's length plus 0.3 s.
    with page.expect_download() as info:
        page.get_by_test_id("download").click()
    with wave.open(str(info.value.path()), "rb") as echoed:
        assert echoed.getframerate() == 22_050
        frames = echoed.getnframes()
    drum_seconds = float(re.search(r"drum \(([\d.]+) s\)", page.get_by_test_id("sound").inner_text())[1])
    assert frames / 22_050 == pytest.approx(drum_seconds + 0.3, abs=0.06)

    page.get_by_test_id("impulse").select_option("room")
    settle(page)
    assert "more spikes" in page.get_by_test_id("taps-more").inner_text()
    page.get_by_test_id("impulse").select_option("slap_back")
    settle(page)
    page.get_by_test_id("add-tap").click()
    settle(page)
    assert state(page)["impulse"] == "custom"
    assert page.locator("[data-testid^=tap-delay-]").count() == 3
    page.get_by_test_id("tap-remove-2").click()
    settle(page)
    page.get_by_test_id("tap-delay-1").fill("45000")
    page.get_by_test_id("tap-delay-1").dispatch_event("change")
    expected_errors.append(BAD_REQUEST)  # a delay only the lesson can judge: the server says what is allowed
    error = page.get_by_test_id("impulse-error")
    error.wait_for()
    assert "taps: delays must be at most 30 s (got 45 s)" in error.inner_text()
    page.get_by_test_id("tap-delay-1").fill("120")
    page.get_by_test_id("tap-delay-1").dispatch_event("change")
    page.wait_for_selector("[data-testid=impulse-error]", state="hidden")

    # Your own WAV, written here: the page convolves it at its own rate and plays it.
    good = tmp_path / "tone.wav"
    good.write_bytes(wav_bytes(0.5))
    page.get_by_test_id("upload").set_input_files(str(good))
    page.wait_for_function("(el) => el.textContent.includes('8,000 Hz')",
                           arg=page.get_by_test_id("echo-about").element_handle())
    assert page.get_by_test_id("echo-about").inner_text().startswith("4,000 samples at 8,000 Hz")
    assert page.get_by_test_id("sound").input_value() == "upload"
    page.get_by_test_id("play-input").click()
    page.wait_for_function("() => document.querySelector('.signals').dataset.playing === 'input'")
    assert page.locator(".signals").get_attribute("data-audio") == "running"

    bad = tmp_path / "notes.wav"
    bad.write_bytes(b"these are not samples")
    expected_errors.append(BAD_REQUEST)  # only the server can tell a WAV from noise
    page.get_by_test_id("upload").set_input_files(str(bad))
    message = page.get_by_test_id("sound-error")
    message.wait_for()
    assert "body: not a PCM WAV file" in message.inner_text()
    # It sits beside the file control, inside the same block.
    assert page.locator(".sig-echo-sound [data-testid=sound-error]").count() == 1


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1024, 576), (390, 844)])
def test_screenshots_fit(browser: Any, server: str, screenshot: Any, width: int, height: int) -> None:
    for page in _open_page(browser, {"width": width, "height": height}):
        open_signals(page, server, "c=4")
        page.wait_for_timeout(200)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}x{height}"
        screenshot(page, f"signals-{width}x{height}", full_page=True)
