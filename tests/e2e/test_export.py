"""The export panel in the playground, in chromium: each download is the route's file, decoded; each
"Copy code" puts the route's script on the clipboard (or, where copying is refused, shows it selected)."""

from __future__ import annotations

import io
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.playground_page import open_playground

pytestmark = pytest.mark.e2e

QUERY = "digit=3&index=0&kernel=sobel_x&size=3&padding=1&stride=2&dilation=1"
ROUTE = ("/api/export/playground/{kind}?digit=3&index=0&kernel=sobel_x&kernel_size=3&padding=1&stride=2"
         "&dilation=1")


def route(server: str, kind: str, extra: str = "") -> bytes:
    with urllib.request.urlopen(server + ROUTE.format(kind=kind) + extra, timeout=60) as response:
        return bytes(response.read())



def download(page: Any, kind: str, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.locator(f'[data-export="{kind}"]').click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_each_download_is_the_routes_file(clipboard_page: Any, server: str, tmp_path: Path,
                                          screenshot: Any) -> None:
    page = clipboard_page
    open_playground(page, server, QUERY)
    page.locator("[data-export-frames]").fill("12")
    page.locator("[data-export-fps]").fill("5")
    png = download(page, "png", tmp_path)
    assert png.name == "convscope-playground.png"
    assert png.read_bytes() == route(server, "png")
    with Image.open(png) as image:
        assert image.width > 1500  # the 2x figure
    for kind, fmt in (("gif", "GIF"), ("apng", "PNG")):
        saved = download(page, kind, tmp_path)
        assert saved.read_bytes() == route(server, kind, "&frames=12&fps=5")
        with Image.open(io.BytesIO(saved.read_bytes())) as image:
            assert (image.format, image.n_frames, image.info["duration"]) == (fmt, 12, 200)
    assert page.locator("[data-export-status]").inner_text().startswith("Saved convscope-playground.apng")
    page.locator("[data-testid=export]").scroll_into_view_if_needed()
    screenshot(page, "export-playground-desktop", full_page=True)


@pytest.mark.parametrize(("framework", "label"), [("numpy", "NumPy"), ("torch", "PyTorch")])
def test_copy_code_puts_the_routes_script_on_the_clipboard(clipboard_page: Any, server: str, framework: str,
                                                           label: str) -> None:
    page = clipboard_page
    open_playground(page, server, QUERY)
    page.locator(f'[data-export="{framework}"]').click()
    expect(page.locator("[data-export-status]")).to_have_text(re.compile("^Copied"))
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == route(server, framework).decode()
    assert page.locator("[data-export-status]").inner_text() == f"Copied the {label} code."
    assert page.locator("[data-export-code]").is_hidden()


def test_where_copying_is_refused_the_code_is_shown_selected(browser: Any, server: str,
                                                             screenshot: Any) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    # A browser that refuses the clipboard (an insecure origin, a denied permission) rejects writeText.
    page.add_init_script("navigator.clipboard.writeText = () => Promise.reject(new Error('denied'))")
    open_playground(page, server, QUERY)
    page.locator('[data-export="torch"]').click()
    box = page.locator("[data-export-code]")
    box.wait_for(state="visible")
    assert box.input_value() == route(server, "torch").decode()
    selected = page.evaluate("(() => { const t = document.querySelector('[data-export-code]');"
                             " return t.value.slice(t.selectionStart, t.selectionEnd); })()")
    assert selected == box.input_value()
    assert "did not allow copying" in page.locator("[data-export-status]").inner_text()
    screenshot(page, "export-playground-phone-fallback", full_page=True)
    context.close()


def test_a_drawing_exports_with_its_input_file(clipboard_page: Any, server: str, tmp_path: Path) -> None:
    page = clipboard_page
    drawing = "4x4-AAAA" + "A" * 4 + "z" * 4 + "AAAA"
    open_playground(page, server, f"draw={drawing}&kernel=ones&size=2&padding=0&stride=1&dilation=1")
    page.locator("[data-testid=export]").hover()
    npy = download(page, "npy", tmp_path)
    assert npy.name == "convscope_input.npy"
    page.locator('[data-export="numpy"]').click()
    expect(page.locator("[data-export-status]")).to_have_text(re.compile("^Copied"))
    assert "download Input (.npy) beside it" in page.locator("[data-export-status]").inner_text()
    assert "np.load('convscope_input.npy')" in page.evaluate("navigator.clipboard.readText()")


def test_the_network_view_downloads_its_figure(clipboard_page: Any, server: str, tmp_path: Path,
                                               screenshot: Any) -> None:
    page = clipboard_page
    page.goto(f"{server}/#/network?digit=7&index=0")
    page.wait_for_selector("[data-testid=export] [data-export=png]")
    expect(page.locator("[data-export=gif]")).to_have_count(0)  # the network offers a figure only
    page.wait_for_selector(".network[data-busy='false']")
    png = download(page, "png", tmp_path)
    assert png.name == "convscope-network.png"
    with urllib.request.urlopen(server + "/api/export/network/png?digit=7&index=0", timeout=60) as response:
        assert png.read_bytes() == response.read()
    page.locator("[data-testid=export]").scroll_into_view_if_needed()
    screenshot(page, "export-network-desktop", full_page=True)
