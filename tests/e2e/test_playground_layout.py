"""The playground's layout promises in a real browser: what stays on screen, and what does not move."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.playground_page import (
    open_playground,
    set_slider,
)

pytestmark = pytest.mark.e2e


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
    # The settings column scrolls on its own (beside a stage that must not move): bring the grid in.
    page.locator(".pg-settings").evaluate("el => { el.scrollTop = el.scrollHeight; }")
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
