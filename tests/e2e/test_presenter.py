"""Presenter mode, app-wide: a header toggle and ``?presenter=1`` kept across views; in the playground,
larger cells and type, hints hidden, and the teacher's keys (documented on the page) work."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.playground_page import READY, counter, open_playground, settle

pytestmark = pytest.mark.e2e


def sizes(page: Any) -> dict[str, float]:
    """The input grid's cell and the products' and Σ's type, in CSS pixels."""
    return page.evaluate(
        """() => ({
          cell: document.querySelector('[data-testid=input-grid] canvas').getBoundingClientRect().width / 20,
          products: parseFloat(
            getComputedStyle(document.querySelector('[data-testid=window-products] td')).fontSize),
          sum: parseFloat(getComputedStyle(document.querySelector('[data-testid=window-sum]')).fontSize),
          body: parseFloat(getComputedStyle(document.documentElement).fontSize),
        })"""
    )


def visible_hints(page: Any) -> int:
    return page.evaluate("[...document.querySelectorAll('.hint')].filter(h => h.checkVisibility()).length")


@pytest.mark.parametrize("viewport", [(1280, 800), (1024, 576)], ids=["laptop", "projector"])
def test_presenter_mode_is_larger_and_hides_hints(
    browser: Any, server: str, screenshot: Any, viewport: tuple[int, int]
) -> None:
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=0&stride=1&step=120")
    before = sizes(page)
    assert visible_hints(page) > 0
    page.get_by_test_id("presenter-toggle").click()
    page.wait_for_timeout(200)  # the grids redraw on the next frame
    after = sizes(page)
    assert page.get_by_test_id("presenter-toggle").get_attribute("aria-pressed") == "true"
    assert "presenter=1" in page.url
    for key in ("cell", "products", "sum", "body"):
        assert after[key] > before[key], (key, before, after)
    assert visible_hints(page) == 0
    sum_box = page.get_by_test_id("window-sum").bounding_box()
    assert sum_box["y"] + sum_box["height"] <= viewport[1], "the Σ line is cut in presenter mode"
    screenshot(page, f"presenter-{viewport[0]}")
    page.close()


def test_presenter_mode_survives_other_views_and_a_reload(page: Any, server: str) -> None:
    page.goto(f"{server}/?presenter=1#/playground?step=1")
    page.wait_for_selector(READY)
    assert page.evaluate("document.documentElement.classList.contains('presenter')")
    page.get_by_role("link", name="Network").click()
    page.wait_for_url("**#/network**")
    assert "presenter=1" in page.url
    assert page.evaluate("document.documentElement.classList.contains('presenter')")
    page.reload()
    assert page.get_by_test_id("presenter-toggle").get_attribute("aria-pressed") == "true"
    page.keyboard.press("p")  # P turns it off from anywhere outside a field
    assert "presenter=1" not in page.url
    assert not page.evaluate("document.documentElement.classList.contains('presenter')")


def test_the_teachers_keys_work_and_are_documented(page: Any, server: str) -> None:
    open_playground(page, server, "digit=3&index=0&kernel=ones&size=3&padding=0&stride=1&step=5")
    legend = page.get_by_test_id("keys").inner_text()
    for words in ("Space", "play / pause", "next step", "step back", "next digit", "presenter mode"):
        assert words in legend
    page.locator("body").click(position={"x": 5, "y": 790})  # focus on the page, not on a control
    page.keyboard.press("ArrowRight")
    assert counter(page)[0] == 6
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert counter(page)[0] == 4
    page.keyboard.press(" ")
    assert page.get_by_test_id("play").get_attribute("aria-pressed") == "true"
    page.keyboard.press(" ")
    assert page.get_by_test_id("play").get_attribute("aria-pressed") == "false"
    page.keyboard.press("n")
    settle(page)
    assert page.get_by_test_id("digit-4").get_attribute("aria-pressed") == "true"
    # Keys typed into a field stay there: N in a weight does not change the digit.
    page.get_by_test_id("weight-0-0").focus()
    page.keyboard.press("n")
    assert page.get_by_test_id("digit-4").get_attribute("aria-pressed") == "true"
