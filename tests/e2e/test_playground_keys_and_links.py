"""The playground from the keyboard, from hand-edited links and with hand-typed kernel weights."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.playground_page import (
    counter,
    highlight,
    open_playground,
    set_slider,
    settle,
    table_values,
)

pytestmark = pytest.mark.e2e


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
