"""The network view as a classroom meets it: a first visit already shows a digit read through every
layer; an unusual drawing is flagged (its guess still shown); class bars are labelled; a clicked map is
zoomed and its cells pick units; a conv unit's products show as numbers; the sum stays in view."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_network import IDLE, PREDICT, open_network, prediction, shown_probabilities

pytestmark = pytest.mark.e2e

SHORT = {"width": 1024, "height": 576}


DARK_PIXELS = """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] < 128) n += 1; return n; }"""


@pytest.mark.parametrize("viewport", [None, SHORT, {"width": 390, "height": 844}])
def test_a_first_visit_opens_on_a_sample_with_every_layer_drawn(
    browser: Any, server: str, api: Any, screenshot: Any, viewport: dict[str, int] | None
) -> None:
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/#/network")
    page.wait_for_selector("[data-testid=prediction]:not([data-prediction=''])", timeout=20_000)
    page.wait_for_selector(IDLE)
    assert page.get_by_test_id("pad").evaluate(DARK_PIXELS) > 500, "the pad shows the sample's ink"
    assert prediction(page) == "7"
    assert "digit=7" in page.url
    names = [layer["name"] for layer in api("/api/network/model")["layers"]]
    drawn = page.evaluate(
        """names => names.map((n) => {
          const cs = [...document.querySelectorAll(`canvas[data-layer='${n}']`)];
          return cs.length > 0 && cs.every((c) => c.width > 0 && c.getBoundingClientRect().height > 0);
        })""",
        names,
    )
    assert drawn == [True] * len(names), "every layer is drawn"
    pad = page.get_by_test_id("pad").bounding_box()
    answer = page.get_by_test_id("prediction").bounding_box()
    height = page.viewport_size["height"]
    assert pad["y"] + pad["height"] <= height, "the pad is on the first screen"
    assert answer["y"] + answer["height"] <= height, "and the guess beside or under it"
    screenshot(page, f"network-first-visit-{page.viewport_size['width']}")
    context.close()
    assert errors == []


def test_a_tiny_dot_warns_with_its_guess_still_shown_and_a_sample_does_not(
    page: Any, server: str, post: Any, screenshot: Any
) -> None:
    sent = open_network(page, server, blank=True)
    page.get_by_test_id("pad").focus()
    page.keyboard.press(" ")  # one keyboard dot: a few pixels of a 140x140 drawing
    warning = page.get_by_test_id("drawing-warning")
    warning.wait_for()
    page.wait_for_selector(IDLE)
    answer = post(PREDICT, sent[-1])
    assert answer["check"]["warning"].startswith("Too little ink")
    assert warning.text_content() == answer["check"]["warning"]
    assert prediction(page) == str(answer["prediction"])
    assert shown_probabilities(page) == pytest.approx(answer["probabilities"], abs=1e-5)
    screenshot(page, "network-tiny-dot-warning")
    page.get_by_test_id("sample-3").click()
    page.wait_for_selector("[data-testid=prediction][data-prediction='3']")
    assert not warning.is_visible()


LABEL_INK = """c => { const ctx = c.getContext('2d'); const r = c.width / c.clientWidth;
  const bar = c.clientWidth / 10; const top = Math.floor((c.clientHeight - 16) * r);
  return Array.from({ length: 10 }, (_, i) => {
    const d = ctx.getImageData(Math.floor(i * bar * r), top, Math.floor(bar * r), Math.floor(16 * r)).data;
    let n = 0; for (let k = 3; k < d.length; k += 4) if (d[k] > 0) n += 1; return n; }); }"""


def test_class_bars_are_labelled_with_their_digits(page: Any, server: str) -> None:
    open_network(page, server, "digit=7&index=0")
    for layer in ("fc3", "softmax"):
        inked = page.locator(f"canvas[data-layer='{layer}']").evaluate(LABEL_INK)
        assert all(n > 0 for n in inked), f"{layer}: a label under each of the 10 bars"
    height = {
        n: page.locator(f"canvas[data-layer='{n}']").evaluate("c => c.clientHeight") for n in ("fc2", "fc3")
    }
    assert height["fc3"] - height["fc2"] == (56 + 16) - 40, "a 100-wide vector has no label strip"
    legend = page.get_by_test_id("field-legend")
    assert legend.is_visible()
    assert "peach band" in legend.text_content()


def test_a_clicked_map_is_zoomed_and_its_cells_pick_units(page: Any, server: str, screenshot: Any) -> None:
    open_network(page, server, "digit=4&index=0")
    page.locator("canvas[data-layer='conv1']").nth(2).click(position={"x": 10, "y": 10})
    zoom = page.get_by_test_id("zoom-map")
    page.wait_for_selector("[data-testid=zoom-map][data-layer='conv1'][data-channel='2']")
    cell = int(zoom.get_attribute("data-cell"))
    assert cell >= 7, "7 px a unit or more: easy to hit"
    assert zoom.bounding_box()["width"] >= 28 * cell
    zoom.click(position={"x": (12 + 0.5) * cell, "y": (20 + 0.5) * cell})
    page.wait_for_selector("[data-testid=unit][data-busy='false'][data-unit='2,20,12']")
    assert "unit=2%2C20%2C12" in page.url
    screenshot(page, "network-zoomed-map")


def test_a_conv_units_products_show_as_numbers_and_the_sum_stays_in_view(
    page: Any, server: str, post: Any, screenshot: Any
) -> None:
    open_network(page, server, "digit=3&index=0&layer=conv2&unit=5,3,7")
    page.wait_for_selector("[data-testid=unit][data-busy='false'][data-unit='5,3,7']")
    equation = page.get_by_test_id("unit-equation").bounding_box()
    assert equation["y"] + equation["height"] <= 800, "the sum is on screen, the per-layer list folded"
    products = page.get_by_test_id("unit-products")
    assert not products.locator("table").first.is_visible(), "numbers on demand"
    products.locator("summary").click()
    cells = [float(t) for t in products.locator("td").all_text_contents()]
    expected = post("/api/network/unit", {"digit": 3, "index": 0, "layer": "conv2", "unit": [5, 3, 7]})
    flat = [v for channel in expected["products"] for row in channel for v in row]
    assert len(cells) == len(flat) == 6 * 5 * 5
    assert cells == pytest.approx(flat, abs=0.0051)  # shown to two decimals
    screenshot(page, "network-products-as-numbers", full_page=True)
