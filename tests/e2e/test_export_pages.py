"""The export panel on the Signals, Layers and Matrix & FFT pages, in chromium: each button's download is
the route's file for the request the page shows (decoded: frames, timing, the subsampling said), and
"Copy code" puts the route's script on the clipboard. One page load per page."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

LAYERS = {"input": "digit", "digit": 7, "index": 0, "filters": 2, "kernel_size": 3, "stride": 1, "padding": 1,
          "init": "named", "seed": 0, "unit": None, "activation": "tanh", "negative_slope": 0.01,
          "pool_kernel_size": 2, "pool_stride": 2, "pool_padding": 0}


def route(server: str, path: str, body: dict[str, Any]) -> bytes:
    """The export route's answer to ``body``, fetched outside the page."""
    request = urllib.request.Request(f"{server}/api/export/{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return bytes(response.read())



def download(page: Any, kind: str, tmp_path: Path, within: Any = None) -> Path:
    with page.expect_download() as info:
        (page if within is None else within).locator(f'[data-export="{kind}"]').click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def copied(page: Any, framework: str, within: Any = None) -> str:
    panel = page if within is None else within
    panel.locator(f'[data-export="{framework}"]').click()
    expect(panel.locator("[data-export-status]")).to_have_text(re.compile("^Copied"))
    return str(page.evaluate("navigator.clipboard.readText()"))


def check_animation(page: Any, tmp_path: Path, kind: str, name: str, frames: int,
                    within: Any = None) -> bytes:
    """Download the animation at 5 fps and ``frames`` frames; its frames, timing and the panel's note."""
    panel = page if within is None else within
    panel.locator("[data-export-frames]").fill(str(frames))
    panel.locator("[data-export-fps]").fill("5")
    saved = download(page, kind, tmp_path, within)
    assert saved.name == f"convscope-{name}.{kind}"
    with Image.open(saved) as image:
        assert (image.n_frames, image.info["duration"]) == (frames, 200)
    expect(panel.locator("[data-export-status]")).to_contain_text(f"Subsampled: {frames} frames show")
    return saved.read_bytes()


def test_the_signals_page_exports_the_slide_on_show(clipboard_page: Any, server: str, tmp_path: Path) -> None:
    page = clipboard_page
    page.goto(f"{server}/#/signals?sf=triangle&sg=box&flip=0")
    page.wait_for_selector(".signals[data-busy='false'] [data-testid=export] [data-export=png]")
    body = {"f": "triangle", "g": "box", "flip": False, "repeat": 0, "max_frames": 121}
    gif = check_animation(page, tmp_path, "gif", "signals", 6)
    assert gif == route(server, "signals/gif", {**body, "fps": 5, "frames": 6})
    png = download(page, "png", tmp_path)
    assert png.read_bytes() == route(server, "signals/png", body)
    assert copied(page, "torch") == route(server, "signals/torch", body).decode()
    # The ball drop's f and g on whole steps go to their own route.
    page.get_by_test_id("slide-source").select_option("drops")
    page.wait_for_selector(".signals[data-busy='false']")
    drops = {"f": [1, 1, 1, 1, 1, 1], "g": [1, 1, 1, 1, 1, 1], "flip": False, "repeat": 0, "max_frames": 241}
    assert copied(page, "numpy") == route(server, "signals-drops/numpy", drops).decode()


def test_the_layers_page_exports_its_layer_and_pooling(clipboard_page: Any, server: str,
                                                       tmp_path: Path) -> None:
    page = clipboard_page
    page.goto(f"{server}/#/layers?input=digit&digit=7&filters=2&activation=tanh")
    page.wait_for_selector(".layers[data-busy='false'] [data-testid=export] [data-export=png]")
    assert page.locator("[data-export-fps]").input_value() == "5"  # the pooling's own pace
    apng = check_animation(page, tmp_path, "apng", "layers", 4)
    assert apng == route(server, "layers/apng", {**LAYERS, "fps": 5, "frames": 4})
    png = download(page, "png", tmp_path)
    with Image.open(png) as figure:
        assert figure.width == 1520
    assert copied(page, "numpy") == route(server, "layers/numpy", LAYERS).decode()


def test_the_matrix_page_exports_the_transposed_convolution(clipboard_page: Any, server: str,
                                                            tmp_path: Path) -> None:
    page = clipboard_page
    page.goto(f"{server}/#/matrix?ti=2&tk=3&ts=2&tp=0&to=1")
    page.wait_for_selector("[data-testid=transposed-section][data-busy=false] [data-testid=reading-b] table")
    body = {"input_size": 2, "kernel_size": 3, "stride": 2, "padding": 0, "output_padding": 1, "dilation": 1}
    panel = page.get_by_test_id("export")
    gif = check_animation(page, tmp_path, "gif", "matrix", 3, panel)
    assert gif == route(server, "matrix/gif", {**body, "fps": 5, "frames": 3})
    png = download(page, "png", tmp_path, panel)
    assert png.read_bytes() == route(server, "matrix/png", body)
    code = copied(page, "torch", panel)
    assert code == route(server, "matrix/torch", body).decode()
    assert "kernel[None, None], stride=2, padding=0, output_padding=1, dilation=1)" in code
    # The matrix M's own panel: its figure and its script for the matrix on show (1-D, the defaults).
    page.wait_for_selector("[data-testid=matrix-section][data-busy=false] [data-testid=matrix-counts] strong")
    m_panel = page.get_by_test_id("matrix-m-export")
    expect(m_panel.locator("[data-export]:not([hidden])")).to_have_count(3)  # png, two scripts
    m_body = {"dims": 1, "size": 8, "kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1, "digit": 3}
    m_png = download(page, "png", tmp_path, m_panel)
    assert m_png.name == "convscope-matrix-m.png"
    assert m_png.read_bytes() == route(server, "matrix-m/png", m_body)
    assert copied(page, "numpy", m_panel) == route(server, "matrix-m/numpy", m_body).decode()
