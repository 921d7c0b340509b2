"""The Layers page in a real browser against the real server: what it shows is what the lesson computes
(``convscope.lessons.layers``, itself checked against PyTorch), read back from the page after a click,
a key press, a hover or a switch; and a bad setting's message appears beside its control."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from convscope.lessons.layers import LayerSetting, layers_lesson
from tests.e2e.conftest import logging_page

pytestmark = pytest.mark.e2e

IDLE = ".layers[data-busy='false']"
# Chromium logs every 4xx answer to a fetch as a console error; a test that sends a bad setting on purpose
# expects exactly those, and nothing else.
REFUSED = "Failed to load resource: the server responded with a status of 400 (Bad Request)"
CELL = 4  # px per cell of a 32x32 output map (views/layers/volume.js: 132 px / 32, floored)


def open_layers(page: Any, server: str, query: str = "") -> None:
    page.goto(f"{server}/#/layers{'?' + query if query else ''}")
    page.wait_for_selector(IDLE)


@pytest.fixture
def refusing_page(browser: Any) -> Iterator[Any]:
    """A desktop page whose only console errors may be the browser's notes of 400 answers."""
    with logging_page(browser) as (page, errors):
        yield page
    assert errors, "the test expected the server to refuse a setting"
    assert set(errors) == {REFUSED}, errors


def value(page: Any, testid: str) -> float:
    return float(page.get_by_test_id(testid).get_attribute("data-value"))


def settle(page: Any) -> None:
    """Wait for the answer to the change just made (the view is busy from the change until it is drawn)."""
    page.wait_for_selector(IDLE)


def test_click_a_unit_and_read_its_sum_across_depth(page: Any, server: str, screenshot: Any) -> None:
    open_layers(page, server)
    page.get_by_test_id("output-map-2").click(position={"x": 7 * CELL + 2, "y": 5 * CELL + 2})
    page.get_by_test_id("unit-where").filter(has_text="map 3, row 5, column 7").wait_for()
    settle(page)
    expected = layers_lesson(LayerSetting(unit=(2, 5, 7)))["unit"]
    assert value(page, "unit-total") == pytest.approx(expected["total"], abs=1e-12)
    assert value(page, "unit-value") == pytest.approx(expected["value"], abs=1e-12)
    sums = [value(page, f"sum-{name}") for name in ("red", "green", "blue")]
    assert sums == pytest.approx([t["sum"] for t in expected["terms"]], abs=1e-12)
    assert sum(sums) + expected["bias"] == pytest.approx(value(page, "unit-total"), abs=1e-12)
    assert "unit=2%2C5%2C7" in page.url or "unit=2,5,7" in page.url
    screenshot(page, "layers-unit")

    # The keyboard walks the same map: one step right explains column 8.
    page.get_by_test_id("output-map-2").focus()
    page.keyboard.press("ArrowRight")
    page.get_by_test_id("unit-where").filter(has_text="map 3, row 5, column 8").wait_for()
    settle(page)
    expected = layers_lesson(LayerSetting(unit=(2, 5, 8)))["unit"]
    assert value(page, "unit-total") == pytest.approx(expected["total"], abs=1e-12)


def test_the_four_poolings_side_by_side_follow_the_hovered_window(page: Any, server: str) -> None:
    open_layers(page, server, "unit=0,10,10")
    lesson = layers_lesson(LayerSetting(unit=(0, 10, 10)))
    kinds = ["max", "avg", "sum", "l2"]
    boxes = [page.get_by_test_id(f"pool-{kind}").bounding_box() for kind in kinds]
    assert len({round(b["y"]) for b in boxes}) == 1  # one row at 1280 px: side by side
    assert [b["x"] for b in boxes] == sorted(b["x"] for b in boxes)
    # 16x16 pooled outputs drawn at 7 px a cell (120 px / 16): hover cell (3, 9) of the max panel.
    page.get_by_test_id("pool-output-max").hover(position={"x": 9 * 7 + 3, "y": 3 * 7 + 3})
    page.get_by_test_id("pool-window-sum").filter(has_text="out[3, 9]").wait_for()
    n = 3 * 16 + 9
    for i, kind in enumerate(kinds):
        record = lesson["pooling"]["kinds"][i]
        assert value(page, f"pool-value-{kind}") == pytest.approx(record["output"][3][9], abs=1e-12)
        shares = page.get_by_test_id(f"pool-window-{kind}").locator(".weight").all_inner_texts()
        assert len(shares) == 4
        shown = [float(s.replace("→", "").strip()) for s in shares]
        assert shown == pytest.approx(record["shares"][n], abs=5e-3)
    max_shares = page.get_by_test_id("pool-window-max").locator(".weight").all_inner_texts()
    assert sorted(max_shares) == ["→ 0", "→ 0", "→ 0", "→ 1"]  # the winner takes it all
    assert page.get_by_test_id("pool-window-avg").locator(".weight").all_inner_texts() == ["→ 0.25"] * 4
    # The keyboard moves the window too, in every panel at once.
    page.get_by_test_id("pool-output-avg").focus()
    page.keyboard.press("ArrowDown")
    page.get_by_test_id("pool-window-l2").filter(has_text="out[4, 9]").wait_for()
    expected = lesson["pooling"]["kinds"][3]["output"][4][9]
    assert value(page, "pool-value-l2") == pytest.approx(expected, abs=1e-12)


def test_a_unit_outside_the_output_from_an_old_link_falls_back_to_the_default(
    refusing_page: Any, server: str
) -> None:
    page = refusing_page
    open_layers(page, server, "unit=9,0,0")
    page.get_by_test_id("unit-where").filter(has_text="map 1,").wait_for()
    expected = layers_lesson(LayerSetting())["unit"]
    assert value(page, "unit-total") == pytest.approx(expected["total"], abs=1e-12)
    assert "unit=" not in page.url


def test_switching_the_activation_redraws_it_and_the_poolings(page: Any, server: str) -> None:
    open_layers(page, server, "unit=1,4,4")
    page.get_by_test_id("activation-tanh").click()
    page.get_by_test_id("activation-formula").filter(has_text="tanh").wait_for()
    settle(page)
    assert page.get_by_test_id("activation-tanh").get_attribute("aria-pressed") == "true"
    assert "activation=tanh" in page.url
    lesson = layers_lesson(LayerSetting(unit=(1, 4, 4), activation="tanh"))
    # The pooling panels open on the first window over the explained unit.
    i, j = next(w["out"] for w in lesson["pooling"]["windows"] if [4, 4] in w["positions"])
    expected = lesson["pooling"]["kinds"][0]["output"][i][j]
    assert value(page, "pool-value-max") == pytest.approx(expected, abs=1e-12)
    page.get_by_test_id("activation-leaky_relu").click()
    page.get_by_test_id("field-negative_slope").wait_for()
    page.get_by_test_id("field-negative_slope").fill("0.3")
    page.get_by_test_id("activation-formula").filter(has_text="a = 0.3").wait_for()


def test_a_bad_setting_says_what_is_allowed_beside_its_control(refusing_page: Any, server: str) -> None:
    page = refusing_page
    open_layers(page, server)
    before = value(page, "pool-value-max")
    page.get_by_test_id("field-pool_padding").fill("2")
    note = page.get_by_test_id("invalid-pool_padding")
    note.filter(has_text="pool_padding: must be at most half the pool kernel: 0..1").wait_for()
    settle(page)
    assert page.get_by_test_id("error").is_hidden()
    assert value(page, "pool-value-max") == before  # the previous picture stays
    page.get_by_test_id("field-pool_padding").fill("1")
    settle(page)
    assert note.is_hidden()

    # The field's own range is checked before anything is sent.
    page.get_by_test_id("field-filters").fill("17")
    page.get_by_test_id("invalid-filters").filter(has_text="from 1 to 16 (got 17)").wait_for()
    # What only the server knows: how many named filters exist at a kernel size.
    page.get_by_test_id("field-filters").fill("5")
    settle(page)
    page.get_by_test_id("field-kernel_size").fill("4")
    too_many = re.compile(r"filters: there are 4 named filters of size 4")
    page.get_by_test_id("invalid-filters").filter(has_text=too_many).wait_for()
    page.get_by_test_id("init-random").click()
    settle(page)
    assert page.get_by_test_id("invalid-filters").is_hidden()
    assert page.get_by_test_id("output-shape").inner_text().startswith("5 × 31 × 31")


def test_the_page_at_three_sizes(browser: Any, server: str, screenshot: Any) -> None:
    for width, height in [(1280, 800), (1024, 576), (390, 844)]:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, seen=errors: seen.append(m.text) if m.type == "error" else None)
        open_layers(page, server, "input=digits&filters=6")
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        screenshot(page, f"layers-{width}x{height}")
        context.close()
        assert overflow <= 0, f"the page scrolls sideways at {width} px"
        assert errors == []
