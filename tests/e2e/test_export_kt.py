"""The export panel on the Image kernels, Training and Network pages, in chromium: one page load each.

Each "Copy code" puts the route's script on the clipboard (the picture or drawing the page holds decides
how it loads its input), the copied convscope script is run and gives the page's numbers, and each PNG is
the page's own computation drawn at 2x.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from convscope.data.photos import bundled_photo
from convscope.export.network_code import NetworkCode, network_code
from convscope.export.training_code import training_code
from convscope.kernels import image_kernel
from convscope.lessons.image_kernels import Filtering, filter_image, result_record
from convscope.recipe import Recipe
from convscope.train import TrainConfig
from tests.e2e.test_kernels import open_kernels
from tests.export.scripts import run_script

pytestmark = pytest.mark.e2e

KERNELS = "photo=coffee&kernel=sobel_x&size=3&channels=luminance&display=signed&padding=reflect&flip=1"
STATUS = "[data-export-status]"



def copied(page: Any, kind: str) -> str:
    page.locator(f'[data-testid=export] [data-export="{kind}"]').click()
    expect(page.locator(STATUS)).to_have_text(re.compile("^Copied"))
    return str(page.evaluate("navigator.clipboard.readText()"))


def downloaded(page: Any, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.locator('[data-testid=export] [data-export="png"]').click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_the_kernels_page_exports_its_picture_and_the_code_for_it(clipboard_page: Any, server: str,
                                                                   tmp_path: Path, screenshot: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    page = clipboard_page
    page.set_viewport_size({"width": 1024, "height": 576})
    open_kernels(page, server, KERNELS)
    box = page.locator("[data-testid=result-canvas]").bounding_box()
    assert box["y"] + box["height"] <= 576  # the panel does not push the result off a projector's screen
    screenshot(page, "export-kernels-1024x576")
    photo = bundled_photo("coffee")
    setting = Filtering(image_kernel("sobel_x", 3), channels="luminance", display="signed",
                        padding_mode="reflect", flip=True)
    code = copied(page, "numpy")
    assert "image = bundled_photo('coffee')" in code  # the page's picture is the photo, byte for byte
    assert page.locator('[data-export="npy"]').is_hidden()
    ran = run_script(code, tmp_path, monkeypatch)
    values, _, _ = filter_image(photo, setting)
    np.testing.assert_array_equal(ran["result"], values[:, :, 0])
    with Image.open(downloaded(page, tmp_path)) as figure:
        pixels = np.asarray(figure.convert("RGB"))
    shown, _ = result_record(photo, setting)
    h, w = photo.shape[:2]
    right = 16 * 2 + 2 * w + 16 * 2
    np.testing.assert_array_equal(pixels[38 * 2:38 * 2 + 2 * h:2, right:right + 2 * w:2], shown)


def test_the_training_page_exports_its_curves_and_the_recipes_code(clipboard_page: Any, server: str,
                                                                   tmp_path: Path, screenshot: Any) -> None:
    page = clipboard_page
    page.goto(f"{server}/#/training")
    page.wait_for_selector("[data-testid=export] [data-export=png]")
    for name, value in (("train_size", "64"), ("epochs", "1"), ("batch_size", "32")):
        page.locator(f"[name={name}]").fill(value)
    code = copied(page, "torch")
    form = page.evaluate("Object.fromEntries(new FormData(document.querySelector("
                         "'[data-testid=training-form]')))")
    recipe = Recipe(train_size=64, fit=TrainConfig(epochs=1, batch_size=32, lr=float(form["lr"]),
                                                   augment=int(form["augment"])))
    assert code == training_code(recipe.to_dict(), "torch")
    with urllib.request.urlopen(server + "/api/training", timeout=60) as response:
        before = json.load(response)["job"] or ""  # an earlier run may show "done" until ours starts
    page.locator("[data-testid=start]").click()
    page.wait_for_selector(f"[data-testid=training-status][data-status='done']:not([data-job='{before}'])",
                           timeout=90_000)
    figure = downloaded(page, tmp_path)
    assert figure.name == "convscope-training.png"
    with urllib.request.urlopen(server + "/api/export/training/png", timeout=60) as response:
        assert figure.read_bytes() == response.read()  # the server's run, drawn
    with Image.open(figure) as image:
        assert image.width >= 1900
    page.locator("[data-testid=export]").scroll_into_view_if_needed()
    screenshot(page, "export-training-panel")


def test_the_network_view_copies_code_giving_its_probabilities(clipboard_page: Any, server: str, post: Any,
                                                               tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    page = clipboard_page
    page.goto(f"{server}/#/network?digit=4&index=1")
    page.wait_for_selector(".network[data-busy='false']")
    page.wait_for_selector("[data-testid=prediction]:not([data-prediction=''])")
    code = copied(page, "numpy")
    assert code == network_code(NetworkCode(4, 1), "numpy")
    assert page.locator('[data-export="npy"]').is_hidden()  # the script holds its input itself
    ran = run_script(code, tmp_path, monkeypatch)
    answer = post("/api/network/predict", {"digit": 4, "index": 1})  # what the page drew its bars from
    np.testing.assert_allclose(ran["probabilities"], answer["probabilities"], rtol=0, atol=1e-12)
