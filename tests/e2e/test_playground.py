"""The convolution playground in a real browser against the real server.

Every number the page shows must be the engine's: the output is compared with torch's conv2d on the
digit the API serves. Window positions are in padded coordinates, ``data-highlight="r0,c0,r1,c1"``
(inclusive bounding box of the window); ``data-lit`` lists the output cells "r,c" an input pixel feeds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from torch.nn.functional import conv2d

pytestmark = pytest.mark.e2e

READY = ".playground[data-busy='false']"


def open_playground(page: Any, server: str, query: str = "") -> None:
    page.goto(f"{server}/#/playground{'?' + query if query else ''}")
    page.wait_for_selector(READY)


def settle(page: Any) -> None:
    """Wait until the page shows the answer to its latest request."""
    page.wait_for_selector(READY)


def set_slider(page: Any, name: str, value: int) -> None:
    page.get_by_test_id(name).fill(str(value))
    settle(page)


def table_values(page: Any) -> list[list[str]]:
    return page.eval_on_selector_all(
        "[data-testid=output-values] tr", "rows => rows.map(r => [...r.cells].map(c => c.dataset.value))"
    )


def counter(page: Any) -> tuple[int, int]:
    el = page.get_by_test_id("step-counter")
    return int(el.get_attribute("data-step")), int(el.get_attribute("data-count"))


def highlight(page: Any) -> str:
    return page.get_by_test_id("input-grid").get_attribute("data-highlight")


def hover_cell(page: Any, testid: str, row: int, col: int, rows: int, cols: int) -> None:
    box = page.get_by_test_id(testid).locator("canvas").bounding_box()
    cell_w, cell_h = box["width"] / cols, box["height"] / rows
    page.mouse.move(box["x"] + (col + 0.5) * cell_w, box["y"] + (row + 0.5) * cell_h)


def torch_output(api: Any, digit: int, index: int, padding: int, stride: int) -> np.ndarray:
    """The oracle: torch's conv2d of the served 20x20 digit with a 3x3 all-ones kernel."""
    image = api(f"/api/digits/{digit}?index={index}")["image"]
    x = torch.tensor(image, dtype=torch.float64)[None, None]  # (1, 1, 20, 20)
    w = torch.ones(1, 1, 3, 3, dtype=torch.float64)
    return conv2d(x, w, padding=padding, stride=stride)[0, 0].numpy()


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


def in_viewport(page: Any, testid: str) -> bool:
    box = page.get_by_test_id(testid).bounding_box()
    size = page.viewport_size
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"])


def test_speed_play_and_kernel_grid_fit_a_laptop_screen(page: Any, server: str) -> None:
    open_playground(page, server)
    assert page.evaluate("window.scrollY") == 0
    for testid in ("speed", "play", "weight-2-2"):
        assert in_viewport(page, testid), f"{testid} needs a scroll at 1280x800"


def test_a_7x7_kernel_grid_fits_the_settings_column(page: Any, server: str) -> None:
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=7")
    panel = page.locator(".pg-settings").bounding_box()
    boxes = page.eval_on_selector_all(
        "[data-testid=kernel-grid] input",
        "xs => xs.map(x => { const b = x.getBoundingClientRect();"
        " return {left: b.left, right: b.right, top: b.top, bottom: b.bottom}; })",
    )
    assert len(boxes) == 49
    for box in boxes:
        assert panel["x"] <= box["left"], box
        assert box["right"] <= panel["x"] + panel["width"], box
        assert panel["y"] <= box["top"], box
        assert box["bottom"] <= panel["y"] + panel["height"], box


def test_the_digit_stays_put_when_the_settings_turn_invalid(page: Any, server: str) -> None:
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=0&stride=1")
    canvas = page.get_by_test_id("input-grid").locator("canvas")
    top = canvas.bounding_box()["y"]
    set_slider(page, "stride", 2)
    assert page.get_by_test_id("validity").get_attribute("data-valid") == "false"
    assert page.get_by_test_id("suggestion-0").is_visible()
    assert abs(canvas.bounding_box()["y"] - top) <= 2
    set_slider(page, "stride", 1)
    assert abs(canvas.bounding_box()["y"] - top) <= 2


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 1024, "height": 768}],
                         ids=["laptop", "projector"])
def test_play_and_the_output_stay_put_and_on_screen_when_settings_turn_invalid(
    browser: Any, server: str, viewport: dict[str, int]
) -> None:
    page = browser.new_page(viewport=viewport)
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=0&stride=1")
    boxes = {name: page.get_by_test_id(name).bounding_box() for name in ("play", "output-grid")}
    settings = (
        {"stride": 2}, {"stride": 1, "size": 7, "dilation": 5},
        {"size": 5, "padding": 1, "stride": 7, "dilation": 4},
        {"size": 3, "padding": 0, "stride": 2, "dilation": 1},
    )
    for change in settings:
        for name, value in change.items():
            set_slider(page, name, value)
        assert page.get_by_test_id("validity").get_attribute("data-valid") == "false", change
        assert page.get_by_test_id("play").bounding_box()["y"] == boxes["play"]["y"], change
        assert in_viewport(page, "play"), change
        assert in_viewport(page, "suggestion-0"), change
    assert page.get_by_test_id("output-grid").bounding_box()["y"] == boxes["output-grid"]["y"]
    assert in_viewport(page, "output-grid")
    page.close()


def test_a_kernel_that_fits_nowhere_says_so_in_the_output_panel(page: Any, server: str) -> None:
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=7&padding=0&stride=1&dilation=5")
    empty = page.get_by_test_id("output-empty")
    assert empty.inner_text() == "No output: a 31×31 window does not fit inside the 20×20 padded input."
    assert page.get_by_test_id("output-size").inner_text() == ""
    assert not page.get_by_test_id("output-grid").is_visible()  # no empty canvas drawn as a stray dot
    set_slider(page, "dilation", 1)
    assert not empty.is_visible()
    assert page.get_by_test_id("output-size").inner_text() == "14×14"


def test_arrow_keys_probe_the_input_and_light_the_outputs(page: Any, server: str) -> None:
    open_playground(page, server, "digit=4&index=0&kernel=ones&size=3&padding=0&stride=1")
    grid = page.get_by_test_id("input-grid")
    grid.focus()
    page.keyboard.press("ArrowRight")  # the first arrow puts the probe on the corner pixel
    assert grid.get_attribute("data-pixel") == "0,0"
    assert page.get_by_test_id("output-grid").get_attribute("data-lit") == "0,0"
    for key, times in (("ArrowDown", 5), ("ArrowRight", 7)):
        for _ in range(times):
            page.keyboard.press(key)
    assert grid.get_attribute("data-pixel") == "5,7"
    lit = set(page.get_by_test_id("output-grid").get_attribute("data-lit").split())
    assert lit == {f"{r},{c}" for r in range(3, 6) for c in range(5, 8)}
    page.keyboard.press("ArrowUp")
    assert grid.get_attribute("data-pixel") == "4,7"
    page.keyboard.press("Escape")
    assert grid.get_attribute("data-pixel") == ""
    assert page.get_by_test_id("output-grid").get_attribute("data-lit") == ""


def test_arrow_keys_probe_the_output_and_light_its_window(page: Any, server: str) -> None:
    open_playground(page, server, "digit=2&index=0&kernel=ones&size=3&padding=1&stride=2&dilation=2&step=0")
    grid = page.get_by_test_id("output-grid")
    grid.focus()
    page.keyboard.press("ArrowDown")
    assert (grid.get_attribute("data-hover"), highlight(page)) == ("0,0", "0,0,4,4")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    assert (grid.get_attribute("data-hover"), highlight(page)) == ("1,1", "2,2,6,6")  # stride 2, dilation 2
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # stops at the edge
    assert grid.get_attribute("data-hover") == "1,0"
    page.keyboard.press("Tab")  # leaving the grid ends the probe
    assert (grid.get_attribute("data-hover"), highlight(page)) == ("", "")


def inked_outputs(page: Any) -> set[tuple[int, int]]:
    """Output cells that are not zero once every window is computed."""
    page.get_by_test_id("to-end").click()
    return {(r, c) for r, row in enumerate(table_values(page)) for c, v in enumerate(row) if float(v) != 0}


def test_the_drawing_pad_works_from_the_keyboard(page: Any, server: str) -> None:
    # A 3x3 all-ones kernel with padding 1: an inked pixel (r, c) makes outputs r-1..r+1, c-1..c+1 non-zero.
    open_playground(page, server, "kernel=ones&size=3&padding=1&stride=1&speed=7")
    page.get_by_test_id("draw-toggle").click()
    settle(page)
    assert inked_outputs(page) == set()
    sketch = page.get_by_test_id("sketch")
    sketch.focus()
    page.keyboard.press(" ")  # the cursor starts at the pad's centre, (10, 10)
    settle(page)
    assert inked_outputs(page) == {(r, c) for r in range(9, 12) for c in range(9, 12)}
    sketch.focus()  # the cursor stays where it was while the pad is not focused
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press(" ")
    settle(page)
    assert inked_outputs(page) == {(r, c) for r in range(9, 12) for c in range(9, 12)} | {
        (r, c) for r in range(10, 13) for c in range(10, 13)}
    sketch.focus()
    page.keyboard.press("Delete")
    settle(page)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Delete")
    settle(page)
    assert inked_outputs(page) == set()


def test_a_hand_edited_link_falls_back_with_a_visible_note(page: Any, server: str) -> None:
    # Before: an unknown kernel or a sample number past the end left a blank page and a 400 in the console
    # (the fixture fails the test on console errors); malformed numbers fell back without a word.
    query = "digit=banana&index=999999&kernel=%3Cscript%3E&size=99&padding=-3&stride=x&step=-1"
    open_playground(page, server, query)
    note = page.get_by_test_id("link-note")
    text = note.inner_text()
    for phrase in ("digit=banana is not a whole number", "size=99 is outside 1..7, so size is 7",
                   "padding=-3 is outside 0..10", "stride=x is not a whole number",
                   "no kernel called “script”", "samples of 3 here, so this is sample 1"):
        assert phrase in text
    sliders = [page.get_by_test_id(name).input_value() for name in ("size", "padding", "stride")]
    assert sliders == ["7", "0", "1"]
    assert page.get_by_test_id("kernel").input_value() == "ones"
    assert "sample 1 of" in page.get_by_test_id("sample-info").inner_text()
    assert page.get_by_test_id("output-size").inner_text() == "14×14"
    assert not page.get_by_test_id("error").is_visible()
    page.get_by_test_id("link-note-close").click()
    assert not note.is_visible()
    page.goto("about:blank")  # a fresh load, not a hash change
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&draw=garbage&matrix=3x3_1_2")
    assert "drawing is damaged" in note.inner_text()
    assert "custom kernel is damaged" in note.inner_text()
    assert page.get_by_test_id("draw-toggle").get_attribute("aria-pressed") == "false"


def test_a_good_link_shows_no_note(page: Any, server: str) -> None:
    open_playground(page, server, "digit=3&index=4&kernel=sobel_y&size=5&padding=2&stride=1&speed=2&step=3")
    assert not page.get_by_test_id("link-note").is_visible()
    assert page.get_by_test_id("kernel").input_value() == "sobel_y"
    assert counter(page)[0] == 3


def test_settings_changed_while_playing_reach_the_url(page: Any, server: str) -> None:
    # Before: the URL was written only when paused, so a link copied mid-animation shared old settings.
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=0&stride=1&speed=0")
    page.get_by_test_id("play").click()
    set_slider(page, "padding", 2)
    set_slider(page, "size", 5)
    assert page.get_by_test_id("play").get_attribute("aria-pressed") == "true"  # still playing
    url = page.evaluate("location.hash")
    assert "padding=2" in url
    assert "size=5" in url


def edit_weight(page: Any, row: int, col: int, text: str) -> None:
    cell = page.get_by_test_id(f"weight-{row}-{col}")
    cell.fill(text)
    cell.press("Enter")
    settle(page)


def test_custom_weights_refuse_blanks_and_overflow_with_a_message(page: Any, server: str) -> None:
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=1&stride=1&step=400")
    edit_weight(page, 1, 1, "-0.5")
    edit_weight(page, 0, 0, "1e-7")
    assert page.get_by_test_id("weight-0-0").input_value() == "1e-7"  # shown, not rounded to 0
    edit_weight(page, 0, 0, "")
    error = page.get_by_test_id("kernel-error")
    assert error.inner_text() == "Row 1, column 1: “” is not a finite number; the weight stays 1e-7."
    assert page.get_by_test_id("weight-0-0").input_value() == "1e-7"
    edit_weight(page, 2, 2, "1e300")
    assert not error.is_visible()
    assert page.get_by_test_id("output-range").inner_text().endswith("to 1e+300")
    # Before: 1e308 reached the server, which answered 400 (a console error) and the view kept the bad kernel.
    edit_weight(page, 2, 1, "1e308")
    assert "would make the sums overflow; the weight stays 1." in error.inner_text()
    assert "matrix=3x3_1e-7_1_1_1_-0.5_1_1_1_1e%2B300" in page.evaluate("location.hash")
    assert not page.get_by_test_id("error").is_visible()
