"""The playground in a classroom: its payoff on one screen at a laptop's, a 720p projector's and a phone's
size (asserted by geometry), the validity box sized by its content, hover, arrival, and drawing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.playground_page import (
    counter,
    hover_cell,
    open_playground,
    set_slider,
    settle,
    table_values,
    torch_output,
)

pytestmark = pytest.mark.e2e

SIZES = {"laptop": (1280, 800), "projector": (1024, 576), "phone": (390, 844)}


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def sized_page(request: Any, browser: Any) -> Iterator[Any]:
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.size_name = request.param
    yield page
    context.close()
    assert errors == []


def inside_viewport(page: Any, selector: str) -> bool:
    """Whether the element's box lies inside the viewport, measured in one frame (while playing, the
    step panel is redrawn every frame, so a locator's element may be gone by the time it is measured)."""
    return page.evaluate(
        """selector => { const el = document.querySelector(selector); if (!el) return false;
        const b = el.getBoundingClientRect();
        return b.width > 0 && b.left >= 0 && b.top >= 0
          && b.right <= innerWidth && b.bottom <= innerHeight; }""",
        selector,
    )


def wait_for_step(page: Any, step: int) -> None:
    page.wait_for_function(
        "n => Number(document.querySelector('[data-testid=step-counter]').dataset.step) >= n", arg=step)


def shown_sum(page: Any) -> float:
    return float(page.get_by_test_id("window-sum").get_attribute("data-value"))


def playing(page: Any) -> bool:
    return page.get_by_test_id("play").get_attribute("aria-pressed") == "true"


def test_the_payoff_is_on_one_screen_while_playing(sized_page: Any, server: str, screenshot: Any) -> None:
    page = sized_page
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=0&stride=1&speed=4", step=None)
    # Past the first rows: these windows sit on the digit's ink, so the Σ line has its many terms.
    wait_for_step(page, 120)
    assert playing(page), "it should still be playing"
    assert page.evaluate("window.scrollY") == 0
    for grid in ("input-grid", "output-grid"):
        assert inside_viewport(page, f"[data-testid={grid}] canvas"), f"{grid} is off screen"
    if page.size_name != "phone":  # a phone shows input and output together; its products follow them
        assert inside_viewport(page, "[data-testid=window-sum]"), "the Σ line is cut"
        assert inside_viewport(page, "[data-testid=window-products]")
        assert inside_viewport(page, "[data-testid=play]")
    screenshot(page, f"classroom-playing-{page.size_name}")


@pytest.mark.parametrize("viewport", [(1280, 800), (1024, 576)], ids=["laptop", "projector"])
def test_the_validity_box_is_sized_by_its_content(
    browser: Any, server: str, viewport: tuple[int, int]
) -> None:
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=7&padding=0&stride=4&dilation=4")
    validity = page.get_by_test_id("validity")
    assert validity.get_attribute("data-valid") == "false"
    heights = validity.evaluate("el => [el.scrollHeight, el.clientHeight]")
    assert heights[0] <= heights[1], f"the invalid explanation is clipped: {heights}"
    box = validity.bounding_box()
    for fix in page.locator("[data-testid^=suggestion-]").all():
        b = fix.bounding_box()
        assert box["y"] <= b["y"]
        assert b["y"] + b["height"] <= box["y"] + box["height"]
    assert "Add padding of at least 3" in page.get_by_test_id("validity-reasons").inner_text()
    set_slider(page, "size", 3)
    set_slider(page, "stride", 1)
    set_slider(page, "dilation", 1)
    assert validity.get_attribute("data-valid") == "true"
    gap = validity.evaluate(
        "el => el.getBoundingClientRect().bottom - el.lastElementChild.getBoundingClientRect().bottom")
    assert gap < 24, f"{gap} px of empty space under the valid explanation"
    page.close()


def test_hovering_an_output_cell_shows_its_products_and_sum(page: Any, server: str, api: Any) -> None:
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=0&stride=1&step=1")
    expected = torch_output(api, 3, 0, padding=0, stride=1)
    window = page.get_by_test_id("window")
    hover_cell(page, "output-grid", 6, 11, 18, 18)
    assert window.get_attribute("data-hovered") == "true"
    assert shown_sum(page) == pytest.approx(expected[6, 11])
    assert "output[6, 11]" in window.inner_text()
    assert "under the pointer" in window.inner_text()
    page.mouse.move(0, 0)
    assert window.get_attribute("data-hovered") == "false"
    assert shown_sum(page) == pytest.approx(expected[0, 0])


def test_arriving_plays_and_reduced_motion_shows_the_whole_output(browser: Any, server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    open_playground(page, server, step=None)
    wait_for_step(page, 3)
    assert playing(page)
    page.close()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    still = context.new_page()
    open_playground(still, server, step=None)
    assert counter(still) == (324, 324)
    assert not playing(still)
    assert all(v != "" for row in table_values(still) for v in row)
    context.close()


def test_the_padded_size_is_shown_only_with_padding(page: Any, server: str) -> None:
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=0&stride=1")
    assert page.get_by_test_id("input-size").inner_text() == "20×20"
    set_slider(page, "padding", 1)
    assert page.get_by_test_id("input-size").inner_text() == "20×20, padded 22×22"


def test_drawing_shows_one_picture_in_the_grids_place(page: Any, server: str) -> None:
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=1&stride=1")
    top = page.get_by_test_id("input-grid").bounding_box()["y"]
    page.get_by_test_id("draw-toggle").click()
    settle(page)
    sketch = page.get_by_test_id("sketch")
    assert sketch.is_visible()
    assert not page.get_by_test_id("input-grid").is_visible()  # one picture of the drawing, not two
    assert abs(sketch.bounding_box()["y"] - top) <= 4  # in the grid's place, not pushing it down
    assert page.get_by_test_id("sketch-done").inner_text() == "Done drawing"
    page.get_by_test_id("sketch-done").click()
    assert not sketch.is_visible()
    assert page.get_by_test_id("input-grid").is_visible()
    assert page.get_by_test_id("sketch-done").inner_text() == "Edit drawing"


@pytest.mark.parametrize("width", [1280, 1024])
def test_a_7x7_weight_grid_stays_inside_the_settings(browser: Any, server: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800})
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=7")
    panel = page.locator(".pg-settings").evaluate("el => el.getBoundingClientRect().right")
    rights = page.eval_on_selector_all(
        "[data-testid=kernel-grid] input", "xs => xs.map(x => x.getBoundingClientRect().right)")
    assert len(rights) == 49
    assert max(rights) <= panel
    page.close()


def test_a_7x7_windows_products_fit_the_step_column_on_a_projector(browser: Any, server: str) -> None:
    page = browser.new_page(viewport={"width": 1024, "height": 576})
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=7&stride=2&step=10")
    widths = page.get_by_test_id("window-products").evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1], f"the 7x7 products scroll sideways: {widths}"
    assert inside_viewport(page, "[data-testid=window-sum]")
    page.close()
