"""The convolution playground in a real browser against the real server.

Every number the page shows must be the engine's: the output is compared with torch's conv2d on the
digit the API serves. Window positions are in padded coordinates, ``data-highlight="r0,c0,r1,c1"``
(inclusive bounding box of the window); ``data-lit`` lists the output cells "r,c" an input pixel feeds.
"""


from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.e2e.playground_page import (
    counter,
    highlight,
    hover_cell,
    open_playground,
    set_slider,
    settle,
    table_values,
    torch_output,
)

pytestmark = pytest.mark.e2e


def test_page_loads_without_console_errors(page: Any, server: str, screenshot: Any) -> None:
    open_playground(page, server)
    assert page.title().startswith("Convolution playground")
    assert page.get_by_role("link", name="Playground").get_attribute("aria-current") == "page"
    assert page.get_by_test_id("validity").get_attribute("data-valid") == "true"
    assert "O = (20 - 3 + 2×0)/1 + 1 = 18" in page.get_by_test_id("validity").inner_text()
    assert counter(page) == (1, 18 * 18)
    screenshot(page, "desktop-first-load")


def test_playing_at_full_speed_draws_torchs_output(page: Any, server: str, api: Any, screenshot: Any) -> None:
    open_playground(page, server)
    page.get_by_test_id("digit-3").click()
    settle(page)
    page.get_by_test_id("kernel").select_option("ones")
    settle(page)
    set_slider(page, "size", 3)
    set_slider(page, "padding", 1)
    set_slider(page, "stride", 1)
    set_slider(page, "speed", 7)
    assert page.get_by_test_id("speed-value").inner_text() == "instant"
    page.get_by_test_id("play").click()
    page.wait_for_function("() => { const c = document.querySelector('[data-testid=step-counter]');"
                           " return c.dataset.step === c.dataset.count; }")
    assert counter(page) == (400, 400)
    drawn = np.array(table_values(page), dtype=np.float64)
    np.testing.assert_allclose(drawn, torch_output(api, 3, 0, padding=1, stride=1), rtol=1e-12, atol=1e-12)
    screenshot(page, "desktop-played")


def test_invalid_stride_is_explained_and_a_fix_works(page: Any, server: str, screenshot: Any) -> None:
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=0&stride=1")
    set_slider(page, "stride", 2)
    validity = page.get_by_test_id("validity")
    assert validity.get_attribute("data-valid") == "false"
    assert "9.5" in validity.inner_text()
    assert "not a multiple of the stride 2" in page.get_by_test_id("validity-reasons").inner_text()
    assert page.get_by_test_id("output-size").inner_text() == "9×9"  # the floor rule, not a silent clamp
    screenshot(page, "desktop-invalid")
    fix = page.get_by_test_id("suggestion-0")
    label = fix.inner_text()
    fix.click()
    settle(page)
    assert validity.get_attribute("data-valid") == "true"
    assert label.endswith(page.get_by_test_id("output-size").inner_text())
    screenshot(page, "desktop-fixed")


def test_stepping_moves_the_counter_and_the_window(page: Any, server: str) -> None:
    open_playground(page, server, "digit=5&index=2&kernel=ones&size=3&padding=0&stride=1&step=1")
    assert counter(page) == (1, 324)
    assert highlight(page) == "0,0,2,2"
    page.get_by_test_id("step-forward").click()
    assert counter(page)[0] == 2
    assert highlight(page) == "0,1,2,3"
    for _ in range(17):
        page.get_by_test_id("step-forward").click()
    assert counter(page)[0] == 19  # the 19th window starts the second output row
    assert highlight(page) == "1,0,3,2"
    page.get_by_test_id("step-back").click()
    assert (counter(page)[0], highlight(page)) == (18, "0,17,2,19")
    page.get_by_test_id("reset").click()
    assert (counter(page)[0], highlight(page)) == (0, "")


def test_hovering_an_output_cell_lights_its_window(page: Any, server: str, screenshot: Any) -> None:
    open_playground(page, server, "digit=2&index=0&kernel=ones&size=3&padding=1&stride=2&dilation=2")
    rows, cols = (int(n) for n in page.get_by_test_id("output-size").inner_text().split("×"))
    assert (rows, cols) == (9, 9)  # (20 + 2 - 5) // 2 + 1
    hover_cell(page, "output-grid", 3, 5, rows, cols)
    # Stride 2 puts window (3, 5) at padded (6, 10); dilation 2 spreads its 3 taps over 5 cells.
    assert highlight(page) == "6,10,10,14"
    assert page.get_by_test_id("output-grid").get_attribute("data-hover") == "3,5"
    screenshot(page, "desktop-hover-output")


def test_hovering_an_input_pixel_lights_the_outputs_it_feeds(page: Any, server: str) -> None:
    open_playground(page, server, "digit=4&index=0&kernel=ones&size=3&padding=0&stride=1")
    hover_cell(page, "input-grid", 5, 7, 20, 20)
    lit = page.get_by_test_id("output-grid").get_attribute("data-lit").split()
    expected = {f"{r},{c}" for r in range(3, 6) for c in range(5, 8)}  # windows starting 0..2 rows/cols above
    assert set(lit) == expected
    hover_cell(page, "input-grid", 0, 0, 20, 20)
    assert page.get_by_test_id("output-grid").get_attribute("data-lit") == "0,0"


def view_state(page: Any) -> dict[str, Any]:
    """What a person sees, gathered for comparing two pages."""
    return {
        "sliders": {name: page.get_by_test_id(name).input_value() for name in
                    ("size", "padding", "stride", "dilation", "speed")},
        "kernel": page.get_by_test_id("kernel").input_value(),
        "weights": page.eval_on_selector_all("[data-testid=kernel-grid] input", "xs => xs.map(x => x.value)"),
        "counter": counter(page),
        "highlight": highlight(page),
        "values": table_values(page),
        "sample": page.get_by_test_id("sample-info").inner_text(),
    }


def test_a_shared_url_brings_back_the_same_view(page: Any, browser: Any, server: str) -> None:
    open_playground(page, server)
    page.get_by_test_id("digit-7").click()
    settle(page)
    page.get_by_test_id("another").click()
    settle(page)
    page.get_by_test_id("kernel").select_option("sobel_x")
    settle(page)
    set_slider(page, "padding", 2)
    set_slider(page, "speed", 5)
    for _ in range(5):
        page.get_by_test_id("step-forward").click()
    before = view_state(page)
    assert before["kernel"] == "sobel_x"
    assert "sample 2" in before["sample"]
    other = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    open_playground(other, page.url.split("#/playground?", 1)[0], page.url.split("#/playground?", 1)[1])
    assert view_state(other) == before
    other.context.close()


def test_a_drawing_and_a_custom_kernel_survive_a_reload(page: Any, server: str, screenshot: Any) -> None:
    open_playground(page, server, "kernel=ones&size=3&padding=1&stride=1&speed=7")
    page.get_by_test_id("draw-toggle").click()
    settle(page)
    box = page.get_by_test_id("sketch").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.8, steps=12)
    page.mouse.up()
    settle(page)
    page.get_by_test_id("weight-1-1").fill("-8")
    page.get_by_test_id("weight-1-1").press("Enter")
    settle(page)
    assert page.get_by_test_id("kernel").input_value() == "custom"
    page.get_by_test_id("to-end").click()
    before = view_state(page)
    # The -8 centre weight turns the inside of the stroke negative.
    assert any(float(v) < 0 for row in before["values"] for v in row)
    assert "blue < 0 < red" in page.get_by_test_id("output-grid").locator("..").inner_text()
    screenshot(page, "desktop-drawn-custom")
    page.reload()
    settle(page)
    assert view_state(page) == before


def test_sliders_work_from_the_keyboard(page: Any, server: str) -> None:
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=0&stride=1")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "padding":
            break
    else:
        pytest.fail("Tab never reached the padding slider")
    page.keyboard.press("ArrowRight")
    settle(page)
    assert page.get_by_test_id("padding-value").inner_text() == "1"
    assert page.get_by_test_id("output-size").inner_text() == "20×20"
    page.keyboard.press("ArrowRight")
    settle(page)
    assert page.get_by_test_id("output-size").inner_text() == "22×22"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible


def test_phone_width_has_no_horizontal_scroll(phone_page: Any, server: str, screenshot: Any) -> None:
    page = phone_page
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=1&stride=1&step=60")
    screenshot(page, "phone-first-load", full_page=True)
    set_slider(page, "stride", 2)
    set_slider(page, "padding", 0)
    screenshot(page, "phone-invalid", full_page=True)
    page.get_by_test_id("draw-toggle").click()
    settle(page)
    screenshot(page, "phone-draw", full_page=True)
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"page is {width[0]} px wide in a {width[1]} px viewport"
